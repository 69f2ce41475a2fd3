package dev.impersonation.graph.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.impersonation.ObjectNotFoundException;
import dev.impersonation.TenantException;
import dev.impersonation.spi.AssigneeType;
import dev.impersonation.spi.ManagementScope;
import dev.impersonation.spi.RoleAssignment;
import dev.impersonation.spi.ScopeType;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The Exchange RBAC provider of Microsoft Graph beta, {@code /beta/roleManagement/exchange} (docs/rbac-for-applications.md; application
 * permission {@code RoleManagement.ReadWrite.Exchange}): custom app scopes (Exchange management scopes), role
 * definitions (Exchange roles, looked up by display name) and role assignments of service principals
 * ({@code principalId} {@code /ServicePrincipals/<Entra object id>}). The v1.0 SDK has no request builders for these
 * endpoints, so requests go through the SDK's request adapter as plain JSON (same authentication, allowed hosts and
 * middleware).
 *
 * <p>Role definitions and scope names are cached per instance: Exchange roles do not change, and a scope's name is
 * fixed once it exists. Thread-safe.
 */
public final class ExchangeRbacEndpoints {
  private static final ObjectMapper JSON = new ObjectMapper();
  static final String SP_PREFIX = "/ServicePrincipals/";
  static final String AU_PREFIX = "/AdministrativeUnits/";
  static final String GROUP_PREFIX = "/Groups/";

  /** Turns a group's name into its object id and back, for {@code directoryScopeId: "/Groups/{id}"}. */
  public interface GroupDirectory {
    /** The object id of the group with this name (or the id itself); {@link ObjectNotFoundException} when none. */
    String idOf(String groupNameOrId);

    /** The display name of the group with this object id; the id itself when the group cannot be found. */
    String nameOf(String groupId);
  }

  /** Sends one JSON request and answers the parsed body (an empty object for 204); failures throw typed exceptions. */
  @FunctionalInterface
  public interface Transport {
    JsonNode send(String method, String url, JsonNode body, String what, String identity);
  }

  private final Transport http;
  private final GroupDirectory groups;
  private final String root;
  private final Map<String, String> roleIdByName = new ConcurrentHashMap<>();
  private final Map<String, String> roleNameById = new ConcurrentHashMap<>();
  private final Map<String, String> groupNames = new ConcurrentHashMap<>();

  /**
   * @param http sends requests
   * @param v1Base the Graph service root the connection uses, e.g. {@code https://graph.microsoft.com/v1.0}; the beta
   *     root next to it is used
   */
  public ExchangeRbacEndpoints(Transport http, String v1Base, GroupDirectory groups) {
    this.http = http;
    this.groups = groups;
    String base = v1Base.replaceAll("/+$", "");
    this.root = (base.matches("(?i).*/v1\\.0$") ? base.substring(0, base.length() - 5) : base) + "/beta/roleManagement/exchange";
  }

  /** Where requests go, e.g. {@code https://graph.microsoft.com/beta/roleManagement/exchange}. */
  public String root() {
    return root;
  }

  private static String filterEq(String property, String value) {
    return "?$filter=" + URLEncoder.encode(property + " eq '" + value.replace("'", "''") + "'", StandardCharsets.UTF_8)
        .replace("+", "%20");
  }

  /** Every row of a collection, following absolute {@code @odata.nextLink}s. */
  private List<JsonNode> list(String url, String what, String identity) {
    List<JsonNode> rows = new ArrayList<>();
    String next = url;
    int pages = 0;
    while (next != null) {
      if (++pages > 1000) {
        throw new TenantException(what + ": more than 1,000 pages; the service keeps answering a next link.");
      }
      JsonNode page = http.send("GET", next, null, what, identity);
      page.path("value").forEach(rows::add);
      JsonNode link = page.get("@odata.nextLink");
      next = link == null || link.isNull() || link.asText().isEmpty() ? null : link.asText();
    }
    return rows;
  }

  // ------------------------------------------------------------ scopes

  /** The custom app scope with this display name, if any. */
  public Optional<ManagementScope> findScope(String name) {
    return findScopeNode(name).map(n -> new ManagementScope(n.path("displayName").asText(name),
        n.path("customAttributes").path("RecipientFilter").asText(""), n.path("customAttributes").path("Exclusive").asBoolean(false)));
  }

  private Optional<JsonNode> findScopeNode(String name) {
    List<JsonNode> found = list(root + "/customAppScopes" + filterEq("displayName", name),
        "GET /beta/roleManagement/exchange/customAppScopes?$filter=displayName", name);
    // The filter is the service's; match again exactly, case-insensitively, as Exchange names are.
    return found.stream().filter(n -> n.path("displayName").asText("").equalsIgnoreCase(name)).findFirst();
  }

  /** Creates a RecipientScope custom app scope, not exclusive. */
  public void createScope(String name, String recipientFilter) {
    ObjectNode body = JSON.createObjectNode();
    body.put("type", "RecipientScope");
    body.put("displayName", name);
    ObjectNode attributes = body.putObject("customAttributes");
    attributes.put("Exclusive", false);
    attributes.put("RecipientFilter", recipientFilter);
    http.send("POST", root + "/customAppScopes", body, "POST /beta/roleManagement/exchange/customAppScopes", name);
  }

  // ------------------------------------------------------------ role definitions

  private String roleId(String displayName) {
    String key = displayName.toLowerCase(Locale.ROOT);
    String known = roleIdByName.get(key);
    if (known != null) {
      return known;
    }
    List<JsonNode> found = list(root + "/roleDefinitions" + filterEq("displayName", displayName),
        "GET /beta/roleManagement/exchange/roleDefinitions?$filter=displayName", displayName);
    JsonNode role = found.stream().filter(n -> n.path("displayName").asText("").equalsIgnoreCase(displayName)).findFirst()
        .orElseThrow(() -> new TenantException("Exchange Online has no role named '" + displayName + "' (Graph's "
            + "/beta/roleManagement/exchange/roleDefinitions lists none): check the name, e.g. \"Application Mail.Read\"."));
    String id = role.path("id").asText();
    roleIdByName.put(key, id);
    roleNameById.put(id.toLowerCase(Locale.ROOT), role.path("displayName").asText(displayName));
    return id;
  }

  private String roleName(String id) {
    String known = roleNameById.get(id.toLowerCase(Locale.ROOT));
    if (known != null) {
      return known;
    }
    JsonNode role = http.send("GET", root + "/roleDefinitions/" + pathSegment(id), null,
        "GET /beta/roleManagement/exchange/roleDefinitions/{id}", id);
    String name = role.path("displayName").asText(id);
    roleNameById.put(id.toLowerCase(Locale.ROOT), name);
    roleIdByName.put(name.toLowerCase(Locale.ROOT), id);
    return name;
  }

  private static String pathSegment(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
  }

  // ------------------------------------------------------------ role assignments

  /**
   * The role assignments of one service principal, as the SPI shows them. Graph's assignments have no name: the id
   * stands in. A {@code /Groups/{id}} scope is a recipient group scope named by the group's display name (looked up
   * once per group); a {@code /Users/...} scope is shown as a management scope named after it, so it never matches a
   * scope this library plans and is never taken for organization-wide.
   */
  public List<RoleAssignment> assignments(String servicePrincipalObjectId) {
    String principal = SP_PREFIX + servicePrincipalObjectId.strip();
    List<JsonNode> rows = list(root + "/roleAssignments" + filterEq("principalId", principal),
        "GET /beta/roleManagement/exchange/roleAssignments?$filter=principalId", servicePrincipalObjectId);
    Map<String, String> scopeNames = null;
    List<RoleAssignment> out = new ArrayList<>();
    for (JsonNode a : rows) {
      if (!a.path("principalId").asText("").equalsIgnoreCase(principal)) {
        continue;
      }
      String role = roleName(a.path("roleDefinitionId").asText(""));
      String appScope = text(a, "appScopeId");
      String directoryScope = text(a, "directoryScopeId");
      ScopeType type;
      String scope;
      if (appScope != null) {
        if (scopeNames == null) {
          scopeNames = new java.util.HashMap<>();
          for (JsonNode s : list(root + "/customAppScopes", "GET /beta/roleManagement/exchange/customAppScopes", "*")) {
            scopeNames.put(s.path("id").asText("").toLowerCase(Locale.ROOT), s.path("displayName").asText(""));
          }
        }
        type = ScopeType.MANAGEMENT_SCOPE;
        scope = scopeNames.getOrDefault(appScope.toLowerCase(Locale.ROOT), appScope);
      } else if (directoryScope == null || directoryScope.equals("/")) {
        type = ScopeType.ORGANIZATION;
        scope = "";
      } else if (directoryScope.regionMatches(true, 0, AU_PREFIX, 0, AU_PREFIX.length())) {
        type = ScopeType.ADMINISTRATIVE_UNIT;
        scope = directoryScope.substring(AU_PREFIX.length());
      } else if (directoryScope.regionMatches(true, 0, GROUP_PREFIX, 0, GROUP_PREFIX.length())) {
        type = ScopeType.RECIPIENT_GROUP;
        scope = groupNames.computeIfAbsent(directoryScope.substring(GROUP_PREFIX.length()).toLowerCase(Locale.ROOT),
            id -> groups.nameOf(directoryScope.substring(GROUP_PREFIX.length())));
      } else {
        type = ScopeType.MANAGEMENT_SCOPE;
        scope = directoryScope;
      }
      out.add(new RoleAssignment(a.path("id").asText(""), role, servicePrincipalObjectId.strip(), AssigneeType.SERVICE_PRINCIPAL,
          type, scope, null));
    }
    return List.copyOf(out);
  }

  private static String text(JsonNode n, String field) {
    JsonNode v = n.get(field);
    return v == null || v.isNull() || v.asText().isEmpty() ? null : v.asText();
  }

  /**
   * Assigns {@code role} to the service principal: organization-wide ({@code directoryScopeId "/"}), to an administrative
   * unit ({@code /AdministrativeUnits/<id>}), to a group's direct members ({@code /Groups/<id>}, the group found by
   * name; docs/group-scopes.md) or through a custom app scope found by name ({@code appScopeId}).
   */
  public void createAssignment(String servicePrincipalObjectId, String role, ScopeType type, String scope) {
    ObjectNode body = JSON.createObjectNode();
    body.put("principalId", SP_PREFIX + servicePrincipalObjectId.strip());
    body.put("roleDefinitionId", roleId(role));
    switch (type) {
      case ORGANIZATION -> {
        body.put("directoryScopeId", "/");
        body.putNull("appScopeId");
      }
      case ADMINISTRATIVE_UNIT -> {
        body.put("directoryScopeId", AU_PREFIX + scope);
        body.putNull("appScopeId");
      }
      case RECIPIENT_GROUP -> {
        body.put("directoryScopeId", GROUP_PREFIX + groups.idOf(scope));
        body.putNull("appScopeId");
      }
      case MANAGEMENT_SCOPE -> {
        JsonNode s = findScopeNode(scope).orElseThrow(() -> new ObjectNotFoundException(scope, "No custom app scope named '"
            + scope + "' is visible in Graph yet (it may have been created moments ago)."));
        body.putNull("directoryScopeId");
        body.put("appScopeId", s.path("id").asText());
      }
    }
    http.send("POST", root + "/roleAssignments", body, "POST /beta/roleManagement/exchange/roleAssignments", role);
  }
}
