package dev.impersonation.testkit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.impersonation.Application;
import dev.impersonation.GroupKind;
import dev.impersonation.ImpersonationException;
import dev.impersonation.ObjectAlreadyExistsException;
import dev.impersonation.ObjectNotFoundException;
import dev.impersonation.Secret;
import dev.impersonation.TenantException;
import dev.impersonation.ThrottledException;
import dev.impersonation.TransientTenantException;
import dev.impersonation.spi.EntraServicePrincipal;
import dev.impersonation.spi.MailGroup;
import dev.impersonation.spi.Operation;
import dev.impersonation.spi.ProbeOutcome;
import dev.impersonation.spi.RecipientType;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The Microsoft Graph v1.0 endpoints the product uses, interpreted over a {@link FakeTenant}'s store (docs/graph.md,
 * docs/error-texts.md). This is the engine behind {@code dev.impersonation.testkit.graph.GraphSimulator}, which adds HTTP, bearer tokens
 * and {@code $batch}; it needs no HTTP server and no WireMock. Obtain it with {@link FakeTenant#graphApi()}.
 *
 * <p>Every call goes through the directory backend's fault check and journal (backend {@code "directory"}), so
 * {@link Faults} rules name these operations (a bare name, or prefixed with {@code "directory."} to leave the Exchange
 * backend alone):
 * <table>
 *   <caption>Fault operation names</caption>
 *   <tr><th>Route</th><th>Operation</th></tr>
 *   <tr><td>{@code GET /users/{id}}</td><td>{@code findUser}</td></tr>
 *   <tr><td>{@code POST /users}</td><td>{@code CreateServiceAccount} (write)</td></tr>
 *   <tr><td>{@code PATCH /users/{id}}</td><td>{@code updateUser} (write)</td></tr>
 *   <tr><td>{@code POST /users/{id}/assignLicense}</td><td>{@code assignLicense} (write)</td></tr>
 *   <tr><td>{@code GET /groups?$filter=...}, {@code GET /groups/{id}}</td><td>{@code findGroup}</td></tr>
 *   <tr><td>{@code GET /groups}</td><td>{@code listGroups}</td></tr>
 *   <tr><td>{@code POST /groups}</td><td>{@code CreateDirectoryGroup} (write)</td></tr>
 *   <tr><td>{@code GET /groups/{id}/members[/$ref]}, {@code /owners}, {@code POST /users/{id}/checkMemberGroups}</td>
 *       <td>{@code groupMembers}</td></tr>
 *   <tr><td>{@code POST /groups/{id}/members/$ref}, {@code PATCH /groups/{id}} with {@code members@odata.bind}</td>
 *       <td>{@code AddGroupMembers} (write)</td></tr>
 *   <tr><td>{@code DELETE /groups/{id}/members/{memberId}/$ref}</td><td>{@code RemoveGroupMembers} (write)</td></tr>
 *   <tr><td>{@code POST /groups/{id}/owners/$ref}, {@code PATCH /groups/{id}} (other properties)</td>
 *       <td>{@code SetGroup} (write)</td></tr>
 *   <tr><td>{@code GET /servicePrincipals...}</td><td>{@code findServicePrincipal}</td></tr>
 *   <tr><td>{@code GET /servicePrincipals/{id}/appRoleAssignments}</td><td>{@code applicationPermissionGrants}</td></tr>
 *   <tr><td>{@code POST /servicePrincipals/{id}/appRoleAssignments}</td><td>{@code GrantApplicationPermissions} (write)</td></tr>
 *   <tr><td>{@code DELETE /servicePrincipals/{id}/appRoleAssignments/{assignmentId}}</td>
 *       <td>{@code RevokeApplicationPermissions} (write)</td></tr>
 *   <tr><td>{@code GET /directory/administrativeUnits/{id}[/members]}</td><td>{@code administrativeUnitMembers}</td></tr>
 *   <tr><td>{@code POST /directory/administrativeUnits/{id}/members/$ref}</td>
 *       <td>{@code AddAdministrativeUnitMembers} (write)</td></tr>
 *   <tr><td>{@code DELETE /directory/administrativeUnits/{id}/members/{memberId}/$ref}</td>
 *       <td>{@code RemoveAdministrativeUnitMembers} (write)</td></tr>
 *   <tr><td>{@code GET /users/{id}/messages}, {@code /mailFolders/inbox} (Mail.ReadBasic or more), {@code /calendar}
 *       (Calendars.Read), {@code /contacts} (Contacts.Read), {@code /mailboxSettings} (MailboxSettings.Read)</td>
 *       <td>{@code probe} (backend {@code "probe"}), per permission: 403 unless the app's grants give it</td></tr>
 * </table>
 * A {@link dev.impersonation.ThrottledException} answers 429 with {@code Retry-After} (seconds), a
 * {@link dev.impersonation.TransientTenantException} 503, a strict-mode violation or simulated crash 500.
 *
 * <p>Modelling notes where the fake is unsure [U]: the texts of the {@code $top}, {@code members@odata.bind} limit and
 * unknown-segment errors; app-role ids of the Microsoft Graph service principal are stable name-derived UUIDs, not
 * Microsoft's; directory objects without an Entra user (room and shared mailboxes seeded in Exchange) are served as
 * users with a name-derived id; group display names are unique here (the store keys groups by name), although Graph
 * allows duplicates.
 */
public final class FakeGraphApi {
  /** The application id of the Microsoft Graph resource service principal. */
  public static final String GRAPH_APP_ID = "00000003-0000-0000-c000-000000000000";
  /** The largest {@code $top} Graph accepts for users, groups and members (docs/graph.md). */
  public static final int MAX_TOP = 999;
  /** The page size without {@code $top} (docs/graph.md). */
  public static final int DEFAULT_TOP = 100;
  /** The most references one {@code members@odata.bind} request takes (docs/graph.md). */
  public static final int MAX_ODATA_BIND = 20;
  /** The application id an unmapped bearer token probes as: an app the tenant does not know. */
  public static final String UNKNOWN_APP_ID = "00000000-0000-0000-0000-000000000000";

  /** Microsoft Graph application permissions the fake knows as app roles of the Graph service principal. */
  static final List<String> KNOWN_PERMISSIONS = List.of("Mail.Read", "Mail.ReadBasic", "Mail.ReadBasic.All", "Mail.ReadWrite",
      "Mail.Send", "Calendars.Read", "Calendars.ReadWrite", "Contacts.Read", "Contacts.ReadWrite", "MailboxSettings.Read",
      "MailboxSettings.ReadWrite", "User.Read.All", "User.ReadWrite.All", "Group.Read.All", "Group.ReadWrite.All",
      "GroupMember.ReadWrite.All", "Directory.Read.All", "Application.Read.All", "AdministrativeUnit.Read.All",
      "Organization.Read.All");

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Pattern TYPED = Pattern.compile("^(Request_[A-Za-z]+|[A-Z][A-Za-z]+Exception): (.*)$", Pattern.DOTALL);
  private static final Pattern EQ_FILTER = Pattern.compile("^\\s*(\\w+)\\s+eq\\s+'((?:[^']|'')*)'\\s*$", Pattern.CASE_INSENSITIVE);
  /** A reference's key: {@code .../users('o''brien@x')} (quotes doubled) or the key segment {@code .../users/o'brien@x}. */
  private static final Pattern REF_ID = Pattern.compile("^.*/(?:directoryObjects|users|groups|servicePrincipals)(?:\\('((?:[^']|'')+)'\\)|/([^/]+))(?:/.*)?$",
      Pattern.CASE_INSENSITIVE);

  private final TenantState s;
  private final InMemoryDirectory dir;
  private final InMemoryProbe probe;
  private final AtomicLong requestIds = new AtomicLong();

  FakeGraphApi(TenantState state, InMemoryDirectory directory, InMemoryProbe probe) {
    this.s = state;
    this.dir = directory;
    this.probe = probe;
  }

  /**
   * One Graph answer.
   *
   * @param status the HTTP status
   * @param headers response headers ({@code request-id}, {@code client-request-id}, {@code Retry-After}, ...)
   * @param body the JSON body, or {@code null} (204)
   * @param route the route template, e.g. {@code "POST /groups/{id}/members/$ref"}, for request counts
   */
  public record Reply(int status, Map<String, String> headers, JsonNode body, String route) {
    public Reply {
      headers = Collections.unmodifiableMap(new LinkedHashMap<>(headers));
    }

    /** The error's {@code code}, or "" for a success. */
    public String errorCode() {
      return body != null && body.has("error") ? body.get("error").path("code").asText() : "";
    }

    /** The error's {@code message}, or "" for a success. */
    public String errorMessage() {
      return body != null && body.has("error") ? body.get("error").path("message").asText() : "";
    }
  }

  /** An error answered in Graph's shape. */
  private static final class GraphError extends RuntimeException {
    final int status;
    final String code;
    final Map<String, String> headers = new LinkedHashMap<>();

    GraphError(int status, String code, String message) {
      super(message, null, false, false);
      this.status = status;
      this.code = code;
    }
  }

  /**
   * Answers one request.
   *
   * @param method the HTTP method
   * @param pathAndQuery the path after {@code /v1.0}, still URL-encoded, with its query, e.g.
   *     {@code "/users/ann%40contoso.com?$select=id"}; an absolute {@code https://graph.microsoft.com/v1.0/...} URL is
   *     accepted too
   * @param headers request headers (case-insensitive names; {@code client-request-id} is echoed)
   * @param body the request body, or null
   * @param appId the application the caller signed in as (probes use it), or null for an unknown app
   * @param baseUrl where {@code @odata.nextLink}s point, e.g. {@code "http://localhost:8080"} ({@code /v1.0} is appended)
   */
  public Reply handle(String method, String pathAndQuery, Map<String, String> headers, String body, String appId, String baseUrl) {
    String m = method.toUpperCase(Locale.ROOT);
    String raw = stripBase(pathAndQuery);
    int q = raw.indexOf('?');
    String rawPath = q < 0 ? raw : raw.substring(0, q);
    Map<String, String> query = query(q < 0 ? "" : raw.substring(q + 1));
    List<String> seg = new ArrayList<>();
    for (String part : rawPath.split("/")) {
      if (!part.isEmpty()) {
        seg.add(decodePath(part));
      }
    }
    String requestId = new UUID(0x5eed_0000_0000_4000L, requestIds.incrementAndGet() | 0x8000_0000_0000_0000L).toString();
    String clientRequestId = header(headers, "client-request-id").orElse(requestId);
    Call call = new Call(m, seg, query, body, appId == null ? UNKNOWN_APP_ID : appId, baseUrl + "/v1.0");
    String route = route(m, seg);
    Map<String, String> out = new LinkedHashMap<>();
    out.put("request-id", requestId);
    out.put("client-request-id", clientRequestId);
    try {
      Result r;
      synchronized (s) {
        r = dispatch(call);
      }
      if (r.body != null && r.body.isObject() && r.status != 204) {
        out.put("Content-Type", "application/json;odata.metadata=minimal;odata.streaming=true;IEEE754Compatible=false;charset=utf-8");
      }
      return new Reply(r.status, out, r.status == 204 ? null : r.body, route);
    } catch (RuntimeException | AssertionError e) {
      GraphError g = toGraphError(e);
      out.putAll(g.headers);
      out.put("Content-Type", "application/json");
      ObjectNode err = JSON.createObjectNode();
      ObjectNode error = err.putObject("error");
      error.put("code", g.code);
      error.put("message", g.getMessage());
      ObjectNode inner = error.putObject("innerError");
      inner.put("date", s.now().toString());
      inner.put("request-id", requestId);
      inner.put("client-request-id", clientRequestId);
      return new Reply(g.status, out, err, route);
    }
  }

  /** The route template of a request, e.g. {@code "GET /groups/{id}/members"} (for request counts). */
  public static String route(String method, String pathAndQuery) {
    String raw = stripBase(pathAndQuery);
    int q = raw.indexOf('?');
    List<String> seg = new ArrayList<>();
    for (String part : (q < 0 ? raw : raw.substring(0, q)).split("/")) {
      if (!part.isEmpty()) {
        seg.add(decodePath(part));
      }
    }
    return route(method.toUpperCase(Locale.ROOT), seg);
  }

  private static String route(String method, List<String> seg) {
    StringBuilder b = new StringBuilder(method).append(' ');
    for (int i = 0; i < seg.size(); i++) {
      String p = seg.get(i);
      boolean id = i > 0 && !p.startsWith("$") && switch (seg.get(i - 1).toLowerCase(Locale.ROOT)) {
        case "users", "groups", "serviceprincipals", "administrativeunits", "members", "owners", "approleassignments",
            "roledefinitions", "customappscopes", "roleassignments" -> true;
        default -> false;
      };
      b.append('/').append(id ? (seg.get(i - 1).equalsIgnoreCase("members") || seg.get(i - 1).equalsIgnoreCase("owners")
          ? "{memberId}" : seg.get(i - 1).equalsIgnoreCase("appRoleAssignments") ? "{assignmentId}" : "{id}") : p);
    }
    return seg.isEmpty() ? method + " /" : b.toString();
  }

  private static String stripBase(String pathAndQuery) {
    String raw = pathAndQuery;
    int scheme = raw.indexOf("://");
    if (scheme >= 0) {
      int slash = raw.indexOf('/', scheme + 3);
      raw = slash < 0 ? "/" : raw.substring(slash);
    }
    if (raw.regionMatches(true, 0, "/v1.0", 0, 5)) {
      raw = raw.substring(5);
    } else if (raw.regionMatches(true, 0, "v1.0/", 0, 5)) {
      raw = raw.substring(4);
    }
    return raw;
  }

  private static Optional<String> header(Map<String, String> headers, String name) {
    if (headers == null) {
      return Optional.empty();
    }
    return headers.entrySet().stream().filter(e -> e.getKey().equalsIgnoreCase(name)).map(Map.Entry::getValue).findFirst();
  }

  /** Path segments: percent-decoding only ({@code %40} and {@code @} are the same; {@code +} stays {@code +}). */
  private static String decodePath(String part) {
    return URLDecoder.decode(part.replace("+", "%2B"), StandardCharsets.UTF_8);
  }

  /** The query as ASP.NET reads it: {@code +} is a space; names are case-insensitive ({@code $top}, {@code $TOP}). */
  private static Map<String, String> query(String raw) {
    Map<String, String> out = new LinkedHashMap<>();
    for (String pair : raw.split("&")) {
      if (pair.isEmpty()) {
        continue;
      }
      int eq = pair.indexOf('=');
      String k = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8).toLowerCase(Locale.ROOT);
      String v = eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
      out.put(k, v);
    }
    return out;
  }

  private record Call(String method, List<String> seg, Map<String, String> query, String body, String appId, String base) {
    String seg(int i) {
      return i < seg.size() ? seg.get(i) : "";
    }

    boolean is(int i, String name) {
      return seg(i).equalsIgnoreCase(name);
    }

    JsonNode json() {
      if (body == null || body.isBlank()) {
        return JSON.createObjectNode();
      }
      try {
        JsonNode n = JSON.readTree(body);
        if (!n.isObject()) {
          throw new GraphError(400, "BadRequest", "The request body must be a JSON object.");
        }
        return n;
      } catch (java.io.IOException e) {
        throw new GraphError(400, "BadRequest", "Unable to read JSON request payload. Please ensure Content-Type header is set "
            + "and payload is of valid JSON format.");
      }
    }
  }

  private record Result(int status, JsonNode body) {}

  // ------------------------------------------------------------ routing

  private Result dispatch(Call c) {
    int n = c.seg.size();
    if (n == 0) {
      throw badSegment("");
    }
    String first = c.seg(0).toLowerCase(Locale.ROOT);
    switch (first) {
      case "users" -> {
        if (n == 1) {
          return switch (c.method) {
            case "POST" -> createUser(c);
            case "GET" -> listUsers(c);
            default -> methodNotAllowed(c);
          };
        }
        String id = c.seg(1);
        if (n == 2) {
          return switch (c.method) {
            case "GET" -> ok(select(userJson(findUser(id, "findUser"), c), c.query));
            case "PATCH" -> updateUser(c, id);
            default -> methodNotAllowed(c);
          };
        }
        if (n == 3 && c.is(2, "assignLicense") && c.method.equals("POST")) {
          return assignLicense(c, id);
        }
        if (n == 3 && c.is(2, "checkMemberGroups") && c.method.equals("POST")) {
          return checkMemberGroups(c, id);
        }
        if (c.method.equals("GET") && ((n == 3 && (c.is(2, "calendar") || c.is(2, "mailboxSettings") || c.is(2, "messages")
            || c.is(2, "contacts"))) || (n == 4 && c.is(2, "mailFolders") && c.is(3, "inbox")))) {
          return probe(c, id, c.seg(2).toLowerCase(Locale.ROOT));
        }
        throw badSegment(c.seg(n - 1));
      }
      case "groups" -> {
        if (n == 1) {
          return switch (c.method) {
            case "GET" -> listGroups(c);
            case "POST" -> createGroup(c);
            default -> methodNotAllowed(c);
          };
        }
        String id = c.seg(1);
        if (n == 2) {
          return switch (c.method) {
            case "GET" -> ok(select(groupJson(readGroup(id), c.base), c.query));
            case "PATCH" -> patchGroup(c, id);
            default -> methodNotAllowed(c);
          };
        }
        boolean members = c.is(2, "members");
        boolean owners = c.is(2, "owners");
        if ((members || owners) && n == 3 && c.method.equals("GET")) {
          return listMembers(c, id, owners, false);
        }
        if ((members || owners) && n == 4 && c.is(3, "$ref")) {
          return switch (c.method) {
            case "GET" -> listMembers(c, id, owners, true);
            case "POST" -> owners ? addOwner(c, id) : addMemberRef(c, id);
            default -> methodNotAllowed(c);
          };
        }
        if (members && n == 5 && c.is(4, "$ref") && c.method.equals("DELETE")) {
          return removeMember(id, c.seg(3));
        }
        throw badSegment(c.seg(n - 1));
      }
      case "serviceprincipals" -> {
        if (n == 3 && c.is(2, "appRoleAssignments") && c.method.equals("POST")) {
          return grantAppRole(c, c.seg(1));
        }
        if (n == 4 && c.is(2, "appRoleAssignments") && c.method.equals("DELETE")) {
          return revokeAppRole(c.seg(1), c.seg(3));
        }
        if (!c.method.equals("GET")) {
          return methodNotAllowed(c);
        }
        if (n == 1) {
          return listServicePrincipals(c);
        }
        if (n == 2) {
          return ok(select(servicePrincipalById(c.seg(1), c.base), c.query));
        }
        if (n == 3 && c.is(2, "appRoleAssignments")) {
          return appRoleAssignments(c, c.seg(1));
        }
        throw badSegment(c.seg(n - 1));
      }
      case "directory" -> {
        if (n == 5 && c.is(1, "administrativeUnits") && c.is(3, "members") && c.is(4, "$ref") && c.method.equals("POST")) {
          return addAdministrativeUnitMemberRef(c, c.seg(2));
        }
        if (n == 6 && c.is(1, "administrativeUnits") && c.is(3, "members") && c.is(5, "$ref") && c.method.equals("DELETE")) {
          return removeAdministrativeUnitMember(c.seg(2), c.seg(4));
        }
        if (n >= 3 && c.is(1, "administrativeUnits") && c.method.equals("GET")) {
          String id = c.seg(2);
          List<String> members = dir.administrativeUnitMembers(id).orElseThrow(() -> notFound(id));
          if (n == 3) {
            ObjectNode unit = JSON.createObjectNode();
            unit.put("@odata.context", c.base + "/$metadata#directory/administrativeUnits/$entity");
            unit.put("id", id);
            unit.put("displayName", id);
            unit.putNull("description");
            unit.putNull("visibility");
            return ok(unit);
          }
          if (n == 4 && c.is(3, "members")) {
            Index index = index();
            List<JsonNode> rows = new ArrayList<>();
            members.forEach(k -> rows.add(index.objectJson(k)));
            return ok(page(c, rows, c.base + "/$metadata#directoryObjects"));
          }
        }
        throw badSegment(c.seg(n - 1));
      }
      case "beta" -> {
        return beta(new Call(c.method, c.seg.subList(1, n), c.query, c.body, c.appId,
            c.base.replaceAll("/v1\\.0$", "") + "/beta"));
      }
      case "rolemanagement" -> throw new GraphError(400, "BadRequest", "Resource not found for the segment '"
          + (n > 1 ? c.seg(1) : "roleManagement") + "'. (The Exchange RBAC endpoints exist only under /beta.)");
      default -> throw badSegment(c.seg(0));
    }
  }

  // ------------------------------------------------------------ beta: the Exchange RBAC provider (docs/rbac-for-applications.md)

  private Result beta(Call c) {
    int n = c.seg.size();
    if (n < 3 || !c.is(0, "roleManagement") || !c.is(1, "exchange")) {
      throw badSegment(n == 0 ? "beta" : c.seg(n - 1));
    }
    GraphExchangeRbac rbac = dir.exchangeRbac();
    String collection = c.seg(2).toLowerCase(Locale.ROOT);
    String context = c.base + "/$metadata#roleManagement/exchange/" + c.seg(2);
    switch (collection) {
      case "roledefinitions" -> {
        if (!c.method.equals("GET")) {
          return methodNotAllowed(c);
        }
        if (n == 4) {
          String id = c.seg(3);
          GraphExchangeRbac.RoleDefinition r = dir.graphCall("roleDefinitions", id, false,
              () -> rbac.roleDefinition(id).orElseThrow(() -> notFound(id)));
          return ok(roleDefinitionJson(r).put("@odata.context", context + "/$entity"));
        }
        Optional<String> displayName = eqFilter(c, "displayName");
        List<JsonNode> rows = new ArrayList<>();
        dir.graphCall("roleDefinitions", displayName.orElse("*"), false, () -> rbac.roleDefinitions()).stream()
            .filter(r -> displayName.map(d -> d.equalsIgnoreCase(r.displayName())).orElse(true))
            .forEach(r -> rows.add(roleDefinitionJson(r)));
        return ok(page(c, rows, context));
      }
      case "customappscopes" -> {
        if (n == 3 && c.method.equals("POST")) {
          JsonNode body = c.json();
          if (!body.path("type").asText("").equalsIgnoreCase("RecipientScope")) {
            throw badRequest("The customAppScope type must be 'RecipientScope'.");
          }
          String name = body.path("displayName").asText("");
          String filter = body.path("customAttributes").path("RecipientFilter").asText("");
          if (filter.isBlank()) {
            throw badRequest("customAttributes.RecipientFilter is required.");
          }
          GraphExchangeRbac.AppScope created = dir.graphCall("NewManagementScope", name, true,
              () -> rbac.createAppScope(name, filter));
          return new Result(201, appScopeJson(created).put("@odata.context", context + "/$entity"));
        }
        if (!c.method.equals("GET")) {
          return methodNotAllowed(c);
        }
        if (n == 4) {
          String id = c.seg(3);
          GraphExchangeRbac.AppScope a = dir.graphCall("findManagementScope", id, false,
              () -> rbac.appScope(id).orElseThrow(() -> notFound(id)));
          return ok(appScopeJson(a).put("@odata.context", context + "/$entity"));
        }
        Optional<String> displayName = eqFilter(c, "displayName");
        List<JsonNode> rows = new ArrayList<>();
        dir.graphCall("findManagementScope", displayName.orElse("*"), false, () -> rbac.appScopes()).stream()
            .filter(a -> displayName.map(d -> d.equalsIgnoreCase(a.displayName())).orElse(true))
            .forEach(a -> rows.add(appScopeJson(a)));
        return ok(page(c, rows, context));
      }
      case "roleassignments" -> {
        if (n == 3 && c.method.equals("POST")) {
          JsonNode body = c.json();
          String principalId = body.path("principalId").asText("");
          GraphExchangeRbac.Assignment created = dir.graphCall("NewManagementRoleAssignment", principalId + " "
              + body.path("roleDefinitionId").asText(""), true, () -> rbac.createAssignment(principalId,
              textOrNull(body, "roleDefinitionId"), textOrNull(body, "directoryScopeId"), textOrNull(body, "appScopeId")));
          return new Result(201, assignmentJson(created).put("@odata.context", context + "/$entity"));
        }
        if (n != 3) {
          throw badSegment(c.seg(n - 1));
        }
        if (!c.method.equals("GET")) {
          return methodNotAllowed(c);
        }
        Optional<String> principal = eqFilter(c, "principalId");
        List<JsonNode> rows = new ArrayList<>();
        dir.graphCall("roleAssignments", principal.orElse("*"), false, () -> rbac.assignments(principal))
            .forEach(a -> rows.add(assignmentJson(a)));
        return ok(page(c, rows, context));
      }
      default -> throw badSegment(c.seg(2));
    }
  }

  /** The value of a {@code $filter=<property> eq '...'}; any other filter is refused as the fake cannot evaluate it. */
  private static Optional<String> eqFilter(Call c, String property) {
    String filter = c.query.get("$filter");
    if (filter == null) {
      return Optional.empty();
    }
    Matcher f = EQ_FILTER.matcher(filter);
    if (!f.matches() || !f.group(1).equalsIgnoreCase(property)) {
      throw badRequest("Unsupported query: the fake serves $filter=" + property + " eq '...' only here.");
    }
    return Optional.of(f.group(2).replace("''", "'"));
  }

  private static String textOrNull(JsonNode body, String field) {
    JsonNode v = body.get(field);
    return v == null || v.isNull() ? null : v.asText();
  }

  private static ObjectNode roleDefinitionJson(GraphExchangeRbac.RoleDefinition r) {
    ObjectNode o = JSON.createObjectNode();
    o.put("id", r.id());
    o.put("displayName", r.displayName());
    o.put("isBuiltIn", true);
    o.put("isEnabled", true);
    return o;
  }

  private static ObjectNode appScopeJson(GraphExchangeRbac.AppScope a) {
    ObjectNode o = JSON.createObjectNode();
    o.put("id", a.id());
    o.put("type", "RecipientScope");
    o.put("displayName", a.displayName());
    ObjectNode attributes = o.putObject("customAttributes");
    attributes.put("Exclusive", false);
    attributes.put("RecipientFilter", a.recipientFilter());
    return o;
  }

  private static ObjectNode assignmentJson(GraphExchangeRbac.Assignment a) {
    ObjectNode o = JSON.createObjectNode();
    o.put("id", a.id());
    o.put("principalId", a.principalId());
    o.put("roleDefinitionId", a.roleDefinitionId());
    if (a.directoryScopeId() == null) {
      o.putNull("directoryScopeId");
    } else {
      o.put("directoryScopeId", a.directoryScopeId());
    }
    if (a.appScopeId() == null) {
      o.putNull("appScopeId");
    } else {
      o.put("appScopeId", a.appScopeId());
    }
    return o;
  }

  private static Result ok(JsonNode body) {
    return new Result(200, body);
  }

  private static Result methodNotAllowed(Call c) {
    throw new GraphError(405, "Request_BadRequest", "Specified HTTP method is not allowed for the request target.");
  }

  private static GraphError badSegment(String segment) {
    return new GraphError(400, "BadRequest", "Resource not found for the segment '" + segment + "'.");
  }

  static GraphError notFound(String id) {
    return new GraphError(404, "Request_ResourceNotFound", "Resource '" + id
        + "' does not exist or one of its queried reference-property objects are not present.");
  }

  private static GraphError badRequest(String message) {
    return new GraphError(400, "Request_BadRequest", message);
  }

  // ------------------------------------------------------------ the directory: objects by id and by member key

  /** A user as Graph sees it: an Entra user, or a mailbox seeded in Exchange only (room, shared). */
  private record UserView(String id, String upn, String displayName, String usageLocation, List<String> licenses, String mail,
      String memberKey, TenantState.UserObject user) {}

  private UserView view(TenantState.UserObject u) {
    Optional<TenantState.MailboxObject> mb = s.mailbox(u.upn);
    return new UserView(u.id, u.upn, u.displayName, u.usageLocation, u.licenses, mb.filter(x -> !x.usableAt.isAfter(s.now()))
        .map(x -> x.smtp).orElse(null), mb.map(x -> TenantState.key(x.smtp)).orElse(TenantState.key(u.upn)), u);
  }

  private UserView view(TenantState.MailboxObject m) {
    return new UserView(s.uuid("user:" + m.upn), m.upn, m.name, "", List.of(), m.smtp, TenantState.key(m.smtp), null);
  }

  /** Every directory object by lower-case id and by member key (the store's member keys: SMTP, UPN or group name). */
  private final class Index {
    final Map<String, String> keyById = new LinkedHashMap<>();
    final Map<String, JsonNode> jsonByKey = new LinkedHashMap<>();
    final Map<String, String> idByKey = new LinkedHashMap<>();
    /** Member key to the store's lag name ("user:upn" or "group:name"), for read-after-write lag on references. */
    final Map<String, String[]> lagByKey = new LinkedHashMap<>();

    Index() {
      for (TenantState.UserObject u : s.users.values()) {
        UserView v = view(u);
        put(v.id, v.memberKey, userObject(v));
        lagByKey.putIfAbsent(v.memberKey, new String[] {"user", u.upn});
      }
      for (TenantState.MailboxObject m : s.mailboxes.values()) {
        if (!jsonByKey.containsKey(TenantState.key(m.smtp)) && s.user(m.upn).isEmpty()) {
          UserView v = view(m);
          put(v.id, v.memberKey, userObject(v));
        }
      }
      for (TenantState.GroupObject g : s.groups.values()) {
        ObjectNode o = groupJson(g, null);
        o.remove("@odata.context");
        o.put("@odata.type", "#microsoft.graph.group");
        put(g.id, groupKey(g), o);
        lagByKey.putIfAbsent(groupKey(g), new String[] {"group", g.name});
      }
    }

    private void put(String id, String key, JsonNode json) {
      keyById.putIfAbsent(TenantState.key(id), key);
      jsonByKey.putIfAbsent(key, json);
      idByKey.putIfAbsent(key, id);
    }

    JsonNode objectJson(String key) {
      JsonNode j = jsonByKey.get(key);
      if (j != null) {
        return j;
      }
      ObjectNode unknown = JSON.createObjectNode();
      unknown.put("@odata.type", "#microsoft.graph.directoryObject");
      unknown.put("id", s.uuid("object:" + key));
      return unknown;
    }

    String id(String key) {
      String id = idByKey.get(key);
      return id != null ? id : s.uuid("object:" + key);
    }
  }

  private Index index() {
    return new Index();
  }

  private static String groupKey(TenantState.GroupObject g) {
    return g.smtp == null || g.smtp.isEmpty() ? TenantState.key(g.name) : TenantState.key(g.smtp);
  }

  private static ObjectNode userObject(UserView v) {
    ObjectNode o = JSON.createObjectNode();
    o.put("@odata.type", "#microsoft.graph.user");
    o.put("id", v.id);
    o.put("displayName", v.displayName);
    o.put("userPrincipalName", v.upn);
    if (v.mail == null) {
      o.putNull("mail");
    } else {
      o.put("mail", v.mail);
    }
    return o;
  }

  /** A user by id or UPN ({@code %40} decoded already), honouring read-after-write lag; 404 in Graph's words. */
  private UserView findUser(String idOrUpn, String operation) {
    return dir.graphCall(operation, idOrUpn, false, () -> lookupUser(idOrUpn).orElseThrow(() -> notFound(idOrUpn)));
  }

  private Optional<UserView> lookupUser(String idOrUpn) {
    String k = TenantState.key(idOrUpn);
    Optional<TenantState.UserObject> u = s.user(idOrUpn);
    if (u.isEmpty()) {
      u = s.users.values().stream().filter(x -> TenantState.key(x.id).equals(k)).findFirst();
    }
    if (u.isPresent()) {
      return s.lagging("user", u.get().upn) ? Optional.empty() : Optional.of(view(u.get()));
    }
    return s.mailboxes.values().stream().filter(m -> s.user(m.upn).isEmpty())
        .filter(m -> TenantState.key(m.smtp).equals(k) || TenantState.key(m.upn).equals(k) || TenantState.key(s.uuid("user:" + m.upn)).equals(k))
        .findFirst().map(this::view);
  }

  private ObjectNode userJson(UserView v, Call c) {
    ObjectNode o = JSON.createObjectNode();
    o.put("@odata.context", c.base + "/$metadata#users/$entity");
    o.put("id", v.id);
    o.put("accountEnabled", true);
    o.put("displayName", v.displayName);
    o.put("userPrincipalName", v.upn);
    String nick = v.upn.contains("@") ? v.upn.substring(0, v.upn.indexOf('@')) : v.upn;
    o.put("mailNickname", nick);
    if (v.mail == null) {
      o.putNull("mail");
    } else {
      o.put("mail", v.mail);
    }
    if (v.usageLocation == null || v.usageLocation.isEmpty()) {
      o.putNull("usageLocation");
    } else {
      o.put("usageLocation", v.usageLocation);
    }
    ArrayNode licenses = o.putArray("assignedLicenses");
    for (String sku : v.licenses) {
      ObjectNode l = licenses.addObject();
      l.putArray("disabledPlans");
      l.put("skuId", sku);
    }
    String select = c.query.getOrDefault("$select", "");
    if (select.toLowerCase(Locale.ROOT).contains("provisionedplans")) {
      // Returned only on $select, like Graph: the Exchange plan succeeds once the mailbox is usable.
      ArrayNode plans = o.putArray("provisionedPlans");
      if (v.mail != null || !v.licenses.isEmpty()) {
        ObjectNode p = plans.addObject();
        p.put("capabilityStatus", "Enabled");
        p.put("provisioningStatus", v.mail != null ? "Success" : "PendingInput");
        p.put("service", "exchange");
      }
    }
    return o;
  }

  /** {@code $select}: keeps the listed properties (and {@code @odata.*} annotations). */
  private static JsonNode select(JsonNode body, Map<String, String> query) {
    String sel = query.get("$select");
    if (sel == null || sel.isBlank() || !body.isObject()) {
      return body;
    }
    Set<String> keep = new TreeSet<>(String.CASE_INSENSITIVE_ORDER);
    for (String p : sel.split(",")) {
      keep.add(p.trim());
    }
    ObjectNode out = JSON.createObjectNode();
    body.fields().forEachRemaining(e -> {
      if (e.getKey().startsWith("@odata.") || keep.contains(e.getKey())) {
        out.set(e.getKey(), e.getValue());
      }
    });
    return out;
  }

  // ------------------------------------------------------------ users and licences (docs/graph.md)

  private Result createUser(Call c) {
    JsonNode b = c.json();
    for (String required : List.of("accountEnabled", "displayName", "mailNickname", "userPrincipalName", "passwordProfile")) {
      if (!b.hasNonNull(required)) {
        throw badRequest("Invalid value specified for property '" + required + "' of resource 'User'.");
      }
    }
    String password = b.get("passwordProfile").path("password").asText("");
    if (password.isEmpty()) {
      throw badRequest("Invalid value specified for property 'passwordProfile' of resource 'User'.");
    }
    String upn = b.get("userPrincipalName").asText();
    String usage = b.path("usageLocation").asText("");
    Secret secret = Secret.of(password);
    try {
      // CreateServiceAccount without a licence: a user with no mailbox until assignLicense (docs/graph.md).
      dir.execute(new Operation.CreateServiceAccount(upn, b.get("displayName").asText(), usage, Optional.empty(), secret));
    } finally {
      secret.clear();
    }
    s.created("user", upn);
    TenantState.UserObject u = s.user(upn).orElseThrow();
    return new Result(201, userJson(view(u), c));
  }

  private Result updateUser(Call c, String id) {
    JsonNode b = c.json();
    dir.graphCall("updateUser", id, true, () -> {
      UserView v = lookupUser(id).orElseThrow(() -> notFound(id));
      if (v.user == null) {
        throw badRequest("The user '" + id + "' is not an Entra user of this tenant (fake tenant).");
      }
      if (b.has("usageLocation")) {
        String loc = b.get("usageLocation").isNull() ? "" : b.get("usageLocation").asText();
        if (!loc.isEmpty() && !loc.matches("[A-Za-z]{2}")) {
          throw badRequest("Invalid value specified for property 'usageLocation' of resource 'User'.");
        }
        v.user.usageLocation = loc.toUpperCase(Locale.ROOT);
      }
      if (b.hasNonNull("displayName")) {
        v.user.displayName = b.get("displayName").asText();
      }
      return null;
    });
    return new Result(204, null);
  }

  private Result assignLicense(Call c, String id) {
    JsonNode b = c.json();
    if (!b.has("addLicenses") || !b.get("addLicenses").isArray() || !b.has("removeLicenses") || !b.get("removeLicenses").isArray()) {
      throw badRequest("Invalid value specified for property 'addLicenses' or 'removeLicenses': both are required arrays.");
    }
    UserView after = dir.graphCall("assignLicense", id, true, () -> {
      UserView v = lookupUser(id).orElseThrow(() -> notFound(id));
      if (v.user == null) {
        throw notFound(id);
      }
      TenantState.UserObject u = v.user;
      List<String> add = new ArrayList<>();
      for (JsonNode l : b.get("addLicenses")) {
        String sku = l.path("skuId").asText("");
        if (!s.licenses.containsKey(sku.toLowerCase(Locale.ROOT))) {
          throw badRequest("License " + sku + " does not correspond to a valid company License.");
        }
        add.add(s.licenses.get(sku.toLowerCase(Locale.ROOT)));
      }
      if (!add.isEmpty() && (u.usageLocation == null || u.usageLocation.isBlank())) {
        throw badRequest("License assignment cannot be done for user with invalid usage location.");
      }
      for (JsonNode r : b.get("removeLicenses")) {
        u.licenses.removeIf(x -> x.equalsIgnoreCase(r.asText()));
      }
      for (String sku : add) {
        if (u.licenses.stream().noneMatch(x -> x.equalsIgnoreCase(sku))) {
          u.licenses.add(sku);
        }
      }
      if (!add.isEmpty() && s.mailbox(u.upn).isEmpty()) {
        // docs/graph.md#licences: the mailbox appears after the provisioning delay.
        s.addMailbox(u.upn, u.displayName, RecipientType.USER_MAILBOX, s.now().plus(s.provisioningDelay));
      }
      return view(u);
    });
    return ok(userJson(after, c));
  }

  // ------------------------------------------------------------ probes (docs/graph.md, docs/error-texts.md)

  private Result probe(Call c, String id, String what) {
    UserView v = findUser(id, "findUser");
    // Each endpoint needs its own permission (Graph's API reference, "Permissions" of each call): the least one
    // that reads it; any permission that implies it (ReadWrite for Read) also answers 200.
    String needed = switch (what) {
      case "mailboxsettings" -> "MailboxSettings.Read";
      case "calendar" -> "Calendars.Read";
      case "contacts" -> "Contacts.Read";
      default -> "Mail.ReadBasic";
    };
    ProbeOutcome outcome = probe.probe(new Application(c.appId, Optional.empty(), Optional.empty()), v.upn, needed);
    switch (outcome.result()) {
      case GRANTED -> {
        ObjectNode o = JSON.createObjectNode();
        if (what.equals("messages") || what.equals("contacts")) {
          o.put("@odata.context", c.base + "/$metadata#users('" + v.upn + "')/" + what + "(id)");
          var items = o.putArray("value");
          items.addObject().put("id", s.uuid(what + ":" + v.upn));
          return ok(o);
        }
        if (what.equals("mailboxsettings")) {
          o.put("@odata.context", c.base + "/$metadata#users('" + v.upn + "')/mailboxSettings");
          RecipientType type = s.mailbox(v.upn).map(m -> m.type).orElse(RecipientType.USER_MAILBOX);
          o.put("userPurpose", switch (type) {
            case SHARED_MAILBOX -> "shared";
            case ROOM_MAILBOX -> "room";
            default -> type.value().toLowerCase(Locale.ROOT).contains("equipment") ? "equipment" : "user";
          });
          o.put("timeZone", "UTC");
          o.put("language", JSON.createObjectNode().put("locale", "en-US").put("displayName", "English (United States)"));
        } else if (what.equals("calendar")) {
          o.put("@odata.context", c.base + "/$metadata#users('" + v.upn + "')/calendar/$entity");
          o.put("id", s.uuid("calendar:" + v.upn));
          o.put("name", "Calendar");
          o.put("canEdit", true);
          o.put("isDefaultCalendar", true);
        } else {
          o.put("@odata.context", c.base + "/$metadata#users('" + v.upn + "')/mailFolders/$entity");
          o.put("id", s.uuid("inbox:" + v.upn));
          o.put("displayName", "Inbox");
        }
        return ok(o);
      }
      case MAILBOX_NOT_READY -> throw new GraphError(404, "MailboxNotEnabledForRESTAPI", "REST API is not yet supported for this mailbox.");
      default -> {
        String ev = outcome.evidence();
        throw new GraphError(403, "ErrorAccessDenied", ev.contains("Access to OData is disabled.")
            ? "Access to OData is disabled." : "Access is denied. Check credentials and try again.");
      }
    }
  }

  // ------------------------------------------------------------ groups (docs/graph.md)

  private ObjectNode groupJson(TenantState.GroupObject g, String base) {
    ObjectNode o = JSON.createObjectNode();
    if (base != null) {
      o.put("@odata.context", base + "/$metadata#groups/$entity");
    }
    o.put("id", g.id);
    o.put("displayName", g.name);
    if (g.notes == null || g.notes.isEmpty()) {
      o.putNull("description");
    } else {
      o.put("description", g.notes);
    }
    ArrayNode types = o.putArray("groupTypes");
    if (g.kind == GroupKind.MICROSOFT_365) {
      types.add("Unified");
    }
    // docs/graph.md [M]: DL = mailEnabled true / securityEnabled false; MESG = both true; M365 = Unified. Room lists are DLs.
    o.put("mailEnabled", g.kind != GroupKind.SECURITY);
    o.put("securityEnabled", g.kind == GroupKind.MAIL_ENABLED_SECURITY || g.kind == GroupKind.SECURITY);
    boolean hasMail = g.smtp != null && !g.smtp.isEmpty();
    if (hasMail) {
      o.put("mail", g.smtp);
      o.put("mailNickname", g.smtp.substring(0, g.smtp.indexOf('@')));
    } else {
      o.putNull("mail");
      o.put("mailNickname", g.name.replaceAll("[^A-Za-z0-9._-]", ""));
    }
    return o;
  }

  /** A group by id (or display name), missing while it lags after its creation. */
  private TenantState.GroupObject readGroup(String id) {
    return dir.graphCall("findGroup", id, false, () -> s.group(id).filter(g -> !s.lagging("group", g.name))
        .orElseThrow(() -> notFound(id)));
  }

  /** {@code GET /users?$filter=mail eq '...'} or {@code userPrincipalName eq '...'}: zero or one user (findUser). */
  private Result listUsers(Call c) {
    String filter = c.query.get("$filter");
    if (filter == null) {
      // Every user: directory users first, then mailbox users that have no directory object of their own.
      List<JsonNode> rows = new ArrayList<>();
      dir.graphCall("listUsers", "*", false, () -> {
        java.util.Set<String> seen = new java.util.HashSet<>();
        s.users.values().forEach(u -> lookupUser(u.upn).filter(v -> seen.add(v.id)).ifPresent(v -> rows.add(select(userJson(v, c), c.query))));
        s.mailboxes.values().forEach(m -> lookupUser(m.upn).filter(v -> seen.add(v.id)).ifPresent(v -> rows.add(select(userJson(v, c), c.query))));
        return null;
      });
      rows.forEach(r -> ((ObjectNode) r).remove("@odata.context"));
      return ok(page(c, rows, c.base + "/$metadata#users"));
    }
    Matcher f = EQ_FILTER.matcher(filter);
    if (!f.matches() || !(f.group(1).equalsIgnoreCase("mail") || f.group(1).equalsIgnoreCase("userPrincipalName"))) {
      throw badRequest("Unsupported query: the fake lists users unfiltered, or with $filter=mail eq '...' or userPrincipalName eq '...'.");
    }
    String value = f.group(2).replace("''", "'");
    List<JsonNode> rows = new ArrayList<>();
    dir.graphCall("findUser", value, false, () -> {
      lookupUser(value).filter(v -> f.group(1).equalsIgnoreCase("userPrincipalName") ? v.upn.equalsIgnoreCase(value)
          : v.mail != null && v.mail.equalsIgnoreCase(value)).ifPresent(v -> rows.add(userJson(v, c)));
      return null;
    });
    return ok(page(c, rows, c.base + "/$metadata#users"));
  }

  private Result listGroups(Call c) {
    String filter = c.query.get("$filter");
    List<JsonNode> rows = new ArrayList<>();
    if (filter != null) {
      Matcher f = EQ_FILTER.matcher(filter);
      if (!f.matches()) {
        throw badRequest("Unsupported query: the fake serves $filter=displayName eq '...' and mailNickname eq '...' only.");
      }
      String property = f.group(1);
      String value = f.group(2).replace("''", "'");
      if (property.equalsIgnoreCase("displayName")) {
        Optional<MailGroup> found = dir.findGroup(value);
        found.flatMap(mg -> s.group(mg.id())).filter(g -> g.name.equals(value) || g.name.equalsIgnoreCase(value))
            .ifPresent(g -> rows.add(groupJson(g, null)));
      } else if (property.equalsIgnoreCase("mailNickname") || property.equalsIgnoreCase("mail")) {
        dir.graphCall("findGroup", value, false, () -> {
          s.groups.values().stream().filter(g -> !s.lagging("group", g.name)).filter(g -> {
            ObjectNode j = groupJson(g, null);
            return j.path(property.equalsIgnoreCase("mail") ? "mail" : "mailNickname").asText().equalsIgnoreCase(value);
          }).forEach(g -> rows.add(groupJson(g, null)));
          return null;
        });
      } else {
        throw badRequest("Unsupported query: the fake filters groups on displayName, mailNickname or mail only.");
      }
    } else {
      dir.graphCall("listGroups", "", false, () -> {
        s.groups.values().stream().filter(g -> !s.lagging("group", g.name)).forEach(g -> rows.add(groupJson(g, null)));
        return null;
      });
    }
    return ok(page(c, rows, c.base + "/$metadata#groups"));
  }

  private Result createGroup(Call c) {
    JsonNode b = c.json();
    if (!b.hasNonNull("displayName") || !b.hasNonNull("mailNickname") || !b.has("mailEnabled") || !b.has("securityEnabled")) {
      throw badRequest("Invalid value specified for property 'displayName', 'mailNickname', 'mailEnabled' or 'securityEnabled' "
          + "of resource 'Group'.");
    }
    boolean unified = false;
    for (JsonNode t : b.path("groupTypes")) {
      unified |= t.asText().equalsIgnoreCase("Unified");
    }
    boolean mailEnabled = b.get("mailEnabled").asBoolean();
    boolean securityEnabled = b.get("securityEnabled").asBoolean();
    GroupKind kind;
    if (unified) {
      kind = GroupKind.MICROSOFT_365;
    } else if (mailEnabled) {
      // The directory backend refuses it with Graph's text (docs/graph.md, docs/error-texts.md), journaled and fault-checked.
      dir.execute(new Operation.CreateDirectoryGroup(b.get("displayName").asText(), securityEnabled
          ? GroupKind.MAIL_ENABLED_SECURITY : GroupKind.DISTRIBUTION, b.get("mailNickname").asText(), List.of(), ""));
      throw new TenantException(TenantState.GRAPH_DL_TEXT);
    } else if (securityEnabled) {
      kind = GroupKind.SECURITY;
    } else {
      throw badRequest("A group must be a Microsoft 365 group (groupTypes [\"Unified\"]) or a security group.");
    }
    b.path("owners@odata.bind").forEach(o -> requireIdReference(o.asText(), "owners"));
    b.path("members@odata.bind").forEach(o -> requireIdReference(o.asText(), "members"));
    Index index = index();
    List<String> owners = new ArrayList<>();
    for (JsonNode o : b.path("owners@odata.bind")) {
      owners.add(resolveRef(index, o.asText()));
    }
    List<String> members = new ArrayList<>();
    for (JsonNode o : b.path("members@odata.bind")) {
      members.add(resolveRef(index, o.asText()));
    }
    if (members.size() > MAX_ODATA_BIND) {
      throw bindLimit(members.size());
    }
    String name = b.get("displayName").asText();
    dir.execute(new Operation.CreateDirectoryGroup(name, kind, b.get("mailNickname").asText(), owners,
        b.path("description").asText("")));
    TenantState.GroupObject g = s.group(name).orElseThrow();
    g.members.addAll(members);
    return new Result(201, groupJson(g, c.base));
  }

  private static final Pattern GUID = Pattern.compile("^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$");

  /**
   * Refuses a reference in a request body ({@code @odata.bind}, {@code @odata.id}) that does not name the object by its
   * id, as Graph does (docs/graph-references.md): the documented form is {@code <base>/directoryObjects/{id}}; a
   * {@code users/{userPrincipalName}} reference is not documented for these properties and is refused with 400
   * "Invalid object identifier" [U: the live text for Microsoft 365 groups; security groups are refused here too].
   * Checked before anything is written.
   */
  private static void requireIdReference(String ref, String property) {
    String r = ref == null ? "" : ref.trim();
    Matcher m = REF_ID.matcher(r);
    if (!(r.regionMatches(true, 0, "https://", 0, 8) || r.regionMatches(true, 0, "http://", 0, 7)) || !m.matches()) {
      throw badRequest("Invalid URL format specified in @odata.bind for " + property + ".");
    }
    String key = m.group(1) != null ? decodePath(m.group(1)).replace("''", "'") : decodePath(m.group(2));
    if (!GUID.matcher(key).matches()) {
      throw badRequest("Invalid object identifier '" + key + "'.");
    }
  }

  /** A reference for the journal: the reference as sent, with the member it names when the fake knows it. */
  private String describeRef(String ref) {
    Matcher m = REF_ID.matcher(ref == null ? "" : ref.trim());
    if (!m.matches()) {
      return ref;
    }
    String id = m.group(1) != null ? decodePath(m.group(1)).replace("''", "'") : decodePath(m.group(2));
    String key = index().keyById.get(TenantState.key(id)); // no lag consumed: this only names the member for the journal
    return key == null ? ref : ref + " (" + key + ")";
  }

  /** The member key of a referenced directory object; 404 in Graph's words when it is missing. */
  private String resolveRef(Index index, String ref) {
    Matcher m = REF_ID.matcher(ref == null ? "" : ref.trim());
    String id = !m.matches() ? (ref == null ? "" : ref.trim())
        : m.group(1) != null ? decodePath(m.group(1)).replace("''", "'") : decodePath(m.group(2));
    String key = index.keyById.get(TenantState.key(id));
    String[] lag = key == null ? null : index.lagByKey.get(key);
    if (lag != null && s.lagging(lag[0], lag[1])) {
      // Read-after-write lag (docs/graph.md): a reference to an object created a moment ago misses it.
      throw notFound(id);
    }
    if (key == null && !GUID.matcher(id).matches()) {
      // A UPN in a URL path segment (e.g. DELETE .../members/{upn}/$ref); references in bodies were checked by id first.
      key = lookupUser(id).map(UserView::memberKey).orElse(null);
    }
    if (key == null) {
      throw notFound(id);
    }
    return key;
  }

  private static GraphError bindLimit(int count) {
    return badRequest("The request has " + count + " references in 'members@odata.bind'; a single request may add at most "
        + MAX_ODATA_BIND + " members.");
  }

  private Result listMembers(Call c, String id, boolean owners, boolean refs) {
    List<String> keys = dir.graphCall("groupMembers", id, false, () -> {
      TenantState.GroupObject g = s.group(id).filter(x -> !s.lagging("group", x.name)).orElseThrow(() -> notFound(id));
      return List.copyOf(owners ? g.managedBy : g.members);
    });
    Index index = index();
    List<JsonNode> rows = new ArrayList<>(keys.size());
    for (String k : keys) {
      if (refs) {
        rows.add(JSON.createObjectNode().put("@odata.id", "https://graph.microsoft.com/v1.0/directoryObjects/" + index.id(k)));
      } else {
        rows.add(index.objectJson(k));
      }
    }
    return ok(page(c, rows, c.base + "/$metadata#" + (refs ? "Collection(string)" : "directoryObjects")));
  }

  /** {@code POST /users/{id}/checkMemberGroups}: which of the given groups the user is in, nested groups counted. */
  private Result checkMemberGroups(Call c, String id) {
    JsonNode ids = c.json().get("groupIds");
    if (ids == null || !ids.isArray() || ids.size() == 0 || ids.size() > 20) {
      throw badRequest("Invalid value specified for property 'groupIds': between 1 and 20 group ids are required.");
    }
    ObjectNode out = JSON.createObjectNode();
    out.put("@odata.context", c.base + "/$metadata#Collection(Edm.String)");
    ArrayNode value = out.putArray("value");
    dir.graphCall("groupMembers", id + " checkMemberGroups", false, () -> {
      UserView v = lookupUser(id).orElseThrow(() -> notFound(id));
      for (JsonNode g : ids) {
        s.groups.values().stream().filter(x -> x.id.equalsIgnoreCase(g.asText())).findFirst()
            .filter(x -> s.memberNested(v.memberKey, x, new java.util.HashSet<>())).ifPresent(x -> value.add(x.id));
      }
      return null;
    });
    return ok(out);
  }

  private Result addMemberRef(Call c, String id) {
    JsonNode b = c.json();
    String ref = b.path("@odata.id").asText("");
    if (ref.isEmpty()) {
      throw badRequest("Invalid request body: '@odata.id' is required.");
    }
    requireIdReference(ref, "members");
    dir.graphCall("AddGroupMembers", id + " += " + describeRef(ref), true, () -> {
      TenantState.GroupObject g = dir.writableGroup(id);
      String key = resolveRef(index(), ref);
      if (g.members.contains(key)) {
        throw new ObjectAlreadyExistsException(key, TenantState.GRAPH_DUPLICATE_MEMBER_TEXT);
      }
      g.members.add(key);
      return null;
    });
    return new Result(204, null);
  }

  private Result patchGroup(Call c, String id) {
    JsonNode b = c.json();
    JsonNode bind = b.get("members@odata.bind");
    if (bind != null) {
      if (!bind.isArray()) {
        throw badRequest("Invalid value specified for property 'members@odata.bind': an array of references is required.");
      }
      if (bind.size() > MAX_ODATA_BIND) {
        throw bindLimit(bind.size());
      }
      bind.forEach(r -> requireIdReference(r.asText(), "members"));
      dir.graphCall("AddGroupMembers", id + " += " + bind.size() + " references", true, () -> {
        TenantState.GroupObject g = dir.writableGroup(id);
        Index index = index();
        Set<String> add = new LinkedHashSet<>();
        for (JsonNode r : bind) {
          add.add(resolveRef(index, r.asText()));
        }
        // All or nothing (docs/graph.md): one member already there (or twice in the request) refuses the whole request.
        if (add.size() < bind.size() || add.stream().anyMatch(g.members::contains)) {
          throw new ObjectAlreadyExistsException(id, TenantState.GRAPH_DUPLICATE_MEMBER_TEXT);
        }
        g.members.addAll(add);
        return null;
      });
    }
    boolean other = b.has("description") || b.has("displayName");
    if (other) {
      dir.graphCall("SetGroup", id, true, () -> {
        TenantState.GroupObject g = dir.writableGroup(id);
        if (b.has("description")) {
          g.notes = b.get("description").isNull() ? "" : b.get("description").asText();
        }
        if (b.hasNonNull("displayName") && !b.get("displayName").asText().equals(g.name)) {
          throw badRequest("Renaming groups is not modelled by the fake tenant.");
        }
        return null;
      });
    }
    if (bind == null && !other) {
      // Nothing to change; Graph still refuses DLs.
      dir.graphCall("SetGroup", id, true, () -> dir.writableGroup(id));
    }
    return new Result(204, null);
  }

  private Result removeMember(String id, String memberId) {
    dir.graphCall("RemoveGroupMembers", id + " -= " + memberId, true, () -> {
      TenantState.GroupObject g = dir.writableGroup(id);
      String key = resolveRef(index(), memberId);
      if (!g.members.remove(key)) {
        throw notFound(memberId);
      }
      return null;
    });
    return new Result(204, null);
  }

  /**
   * {@code POST /directory/administrativeUnits/{id}/members/$ref}: 204; Graph's 400 "One or more added object
   * references already exist ..." when the object is already a member; 404 for an unknown unit or object.
   */
  private Result addAdministrativeUnitMemberRef(Call c, String id) {
    String ref = c.json().path("@odata.id").asText("");
    if (ref.isEmpty()) {
      throw badRequest("Invalid request body: '@odata.id' is required.");
    }
    requireIdReference(ref, "members");
    dir.graphCall("AddAdministrativeUnitMembers", id + " += " + describeRef(ref), true, () -> {
      Set<String> unit = dir.administrativeUnit(id);
      String key = resolveRef(index(), ref);
      if (unit.contains(key)) {
        throw new ObjectAlreadyExistsException(key, TenantState.GRAPH_DUPLICATE_MEMBER_TEXT);
      }
      unit.add(key);
      return null;
    });
    return new Result(204, null);
  }

  /**
   * {@code DELETE /directory/administrativeUnits/{id}/members/{memberId}/$ref}: 204; 404 for an unknown unit or object,
   * or an object that is not a member.
   */
  private Result removeAdministrativeUnitMember(String id, String memberId) {
    dir.graphCall("RemoveAdministrativeUnitMembers", id + " -= " + memberId, true, () -> {
      Set<String> unit = dir.administrativeUnit(id);
      String key = resolveRef(index(), memberId);
      if (!unit.remove(key)) {
        throw notFound(memberId);
      }
      return null;
    });
    return new Result(204, null);
  }

  private Result addOwner(Call c, String id) {
    String ref = c.json().path("@odata.id").asText("");
    if (ref.isEmpty()) {
      throw badRequest("Invalid request body: '@odata.id' is required.");
    }
    requireIdReference(ref, "owners");
    dir.graphCall("SetGroup", id + " owners += " + describeRef(ref), true, () -> {
      TenantState.GroupObject g = dir.writableGroup(id);
      String key = resolveRef(index(), ref);
      if (g.managedBy.contains(key)) {
        throw badRequest("One or more added object references already exist for the following modified properties: 'owners'.");
      }
      g.managedBy.add(key);
      return null;
    });
    return new Result(204, null);
  }

  // ------------------------------------------------------------ paging (docs/graph.md): $top, absolute distinct nextLinks

  private ObjectNode page(Call c, List<JsonNode> rows, String context) {
    int top = DEFAULT_TOP;
    String t = c.query.get("$top");
    if (t != null) {
      try {
        top = Integer.parseInt(t.trim());
      } catch (NumberFormatException e) {
        top = -1;
      }
      if (top < 1 || top > MAX_TOP) {
        throw badRequest("Invalid page size specified: '" + t + "'. Must be between 1 and " + MAX_TOP + " inclusive.");
      }
    }
    int offset = 0;
    String token = c.query.get("$skiptoken");
    if (token != null) {
      offset = decodeSkip(token);
      if (offset < 0 || offset > rows.size()) {
        throw badRequest("Invalid $skiptoken.");
      }
    }
    ObjectNode out = JSON.createObjectNode();
    out.put("@odata.context", context);
    int end = Math.min(rows.size(), offset + top);
    if (end < rows.size()) {
      StringBuilder link = new StringBuilder(c.base);
      for (String p : c.seg) {
        link.append('/').append(encodePath(p));
      }
      link.append("?$top=").append(top);
      String select = c.query.get("$select");
      if (select != null) {
        link.append("&$select=").append(java.net.URLEncoder.encode(select, StandardCharsets.UTF_8));
      }
      String filter = c.query.get("$filter");
      if (filter != null) {
        link.append("&$filter=").append(java.net.URLEncoder.encode(filter, StandardCharsets.UTF_8).replace("+", "%20"));
      }
      link.append("&$skiptoken=").append(encodeSkip(end));
      out.put("@odata.nextLink", link.toString());
    }
    ArrayNode value = out.putArray("value");
    rows.subList(offset, end).forEach(row -> value.add(select(row, c.query)));
    return out;
  }

  private static String encodePath(String segment) {
    return java.net.URLEncoder.encode(segment, StandardCharsets.UTF_8).replace("+", "%20").replace("%24", "$").replace("%40", "@");
  }

  private static String encodeSkip(int offset) {
    return "RFNwdAIAAQAAA" + Base64.getUrlEncoder().withoutPadding().encodeToString(("o:" + offset).getBytes(StandardCharsets.UTF_8));
  }

  private static int decodeSkip(String token) {
    try {
      if (!token.startsWith("RFNwdAIAAQAAA")) {
        return -1;
      }
      String text = new String(Base64.getUrlDecoder().decode(token.substring(13)), StandardCharsets.UTF_8);
      return text.startsWith("o:") ? Integer.parseInt(text.substring(2)) : -1;
    } catch (IllegalArgumentException e) {
      return -1;
    }
  }

  // ------------------------------------------------------------ service principals and consent

  /** The id of a Microsoft Graph app role (stable, name-derived; not Microsoft's real ids [U]). */
  public static String appRoleId(String permission) {
    return UUID.nameUUIDFromBytes(("graph-app-role:" + permission).getBytes(StandardCharsets.UTF_8)).toString();
  }

  private String graphSpId() {
    return s.uuid("servicePrincipal:" + GRAPH_APP_ID);
  }

  private ObjectNode graphServicePrincipal() {
    ObjectNode o = JSON.createObjectNode();
    o.put("id", graphSpId());
    o.put("appId", GRAPH_APP_ID);
    o.put("displayName", "Microsoft Graph");
    o.putArray("servicePrincipalNames").add("https://graph.microsoft.com");
    ArrayNode roles = o.putArray("appRoles");
    Set<String> names = new LinkedHashSet<>(KNOWN_PERMISSIONS);
    s.apps.values().forEach(a -> names.addAll(a.consent));
    for (String p : names) {
      ObjectNode r = roles.addObject();
      r.putArray("allowedMemberTypes").add("Application");
      r.put("description", "Allows the app to use " + p + " without a signed-in user.");
      r.put("displayName", p);
      r.put("id", appRoleId(p));
      r.put("isEnabled", true);
      r.put("origin", "Application");
      r.put("value", p);
    }
    return o;
  }

  private static ObjectNode servicePrincipalJson(EntraServicePrincipal sp) {
    ObjectNode o = JSON.createObjectNode();
    o.put("id", sp.objectId());
    o.put("appId", sp.appId());
    o.put("displayName", sp.displayName());
    o.putArray("appRoles");
    return o;
  }

  private Result listServicePrincipals(Call c) {
    String filter = c.query.get("$filter");
    Matcher f = filter == null ? null : EQ_FILTER.matcher(filter);
    if (f == null || !f.matches() || !f.group(1).equalsIgnoreCase("appId")) {
      throw badRequest("Unsupported query: the fake serves servicePrincipals?$filter=appId eq '...' only.");
    }
    String appId = f.group(2).replace("''", "'");
    List<JsonNode> rows = new ArrayList<>();
    if (appId.equalsIgnoreCase(GRAPH_APP_ID)) {
      dir.graphCall("findServicePrincipal", appId, false, () -> rows.add(graphServicePrincipal()));
    } else {
      dir.findServicePrincipal(appId).ifPresent(sp -> rows.add(servicePrincipalJson(sp)));
    }
    return ok(page(c, rows, c.base + "/$metadata#servicePrincipals"));
  }

  private JsonNode servicePrincipalById(String id, String base) {
    ObjectNode o = dir.graphCall("findServicePrincipal", id, false, () -> {
      if (id.equalsIgnoreCase(graphSpId())) {
        return graphServicePrincipal();
      }
      return s.apps.values().stream().filter(a -> a.objectId.equalsIgnoreCase(id)).findFirst()
          .map(a -> servicePrincipalJson(new EntraServicePrincipal(a.appId, a.objectId, a.displayName)))
          .orElseThrow(() -> notFound(id));
    });
    o.put("@odata.context", base + "/$metadata#servicePrincipals/$entity");
    return o;
  }

  /** The id of the app-role assignment of a Graph permission to a service principal (stable, like Graph's ids). */
  private String assignmentId(String spId, String permission) {
    return s.uuid("appRoleAssignment:" + spId.toLowerCase(Locale.ROOT) + ":" + permission).replace("-", "").substring(0, 22);
  }

  private ObjectNode assignmentJson(String spId, String principalName, String permission) {
    ObjectNode a = JSON.createObjectNode();
    a.put("id", assignmentId(spId, permission));
    a.put("appRoleId", appRoleId(permission));
    a.put("createdDateTime", FakeTenant.EPOCH.minus(Duration.ofDays(30)).toString());
    a.put("principalDisplayName", principalName);
    a.put("principalId", spId.toLowerCase(Locale.ROOT));
    a.put("principalType", "ServicePrincipal");
    a.put("resourceDisplayName", "Microsoft Graph");
    a.put("resourceId", graphSpId());
    return a;
  }

  private TenantState.AppObject appBySpId(String spId) {
    return s.apps.values().stream().filter(a -> a.objectId.equalsIgnoreCase(spId)).findFirst().orElseThrow(() -> notFound(spId));
  }

  /**
   * {@code POST /servicePrincipals/{id}/appRoleAssignments}: tenant-wide admin consent of one Microsoft Graph app role.
   * 201 with the assignment; an app role the Graph service principal lacks, another resource or principal, or a
   * duplicate answer 400 (texts [U]: as reported in Graph issues and CLI for Microsoft 365, not Microsoft's docs).
   */
  private Result grantAppRole(Call c, String spId) {
    JsonNode b = c.json();
    String principalId = b.path("principalId").asText("");
    String resourceId = b.path("resourceId").asText("");
    String roleId = b.path("appRoleId").asText("");
    ObjectNode created = dir.graphCall("GrantApplicationPermissions", spId + " += " + roleId, true, () -> {
      TenantState.AppObject app = appBySpId(spId);
      if (!principalId.equalsIgnoreCase(spId)) {
        throw badRequest("Invalid principalId: it must be the service principal '" + spId + "' in the request URL.");
      }
      if (!resourceId.equalsIgnoreCase(graphSpId())) {
        throw notFound(resourceId);
      }
      Set<String> known = new LinkedHashSet<>(KNOWN_PERMISSIONS);
      s.apps.values().forEach(a -> known.addAll(a.consent));
      String permission = known.stream().filter(p -> appRoleId(p).equalsIgnoreCase(roleId)).findFirst()
          .orElseThrow(() -> badRequest("Permission being assigned was not found on application '" + resourceId + "'."));
      if (app.consent.stream().anyMatch(p -> p.equalsIgnoreCase(permission))) {
        throw badRequest("Permission being assigned already exists on the object.");
      }
      app.consent.add(permission);
      return assignmentJson(spId, app.displayName, permission);
    });
    created.put("@odata.context", c.base + "/$metadata#servicePrincipals('" + spId + "')/appRoleAssignments/$entity");
    return new Result(201, created);
  }

  /** {@code DELETE /servicePrincipals/{id}/appRoleAssignments/{assignmentId}}: 204; a missing assignment 404. */
  private Result revokeAppRole(String spId, String assignmentId) {
    dir.graphCall("RevokeApplicationPermissions", spId + " -= " + assignmentId, true, () -> {
      TenantState.AppObject app = appBySpId(spId);
      String permission = app.consent.stream().filter(p -> assignmentId(spId, p).equals(assignmentId)).findFirst()
          .orElseThrow(() -> notFound(assignmentId));
      app.consent.remove(permission);
      return null;
    });
    return new Result(204, null);
  }

  private Result appRoleAssignments(Call c, String spId) {
    String principalName = s.apps.values().stream().filter(a -> a.objectId.equalsIgnoreCase(spId)).findFirst()
        .map(a -> a.displayName).orElse("");
    List<JsonNode> rows = new ArrayList<>();
    if (spId.equalsIgnoreCase(graphSpId())) {
      dir.graphCall("applicationPermissionGrants", spId, false, () -> null);
    } else {
      for (var grant : dir.applicationPermissionGrants(spId)) {
        rows.add(assignmentJson(spId, principalName, grant.permission()));
      }
    }
    return ok(page(c, rows, c.base + "/$metadata#servicePrincipals('" + spId + "')/appRoleAssignments"));
  }

  // ------------------------------------------------------------ errors (docs/error-texts.md)

  private GraphError toGraphError(Throwable e) {
    if (e instanceof GraphError g) {
      return g;
    }
    String text = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    if (e instanceof ThrottledException t) {
      long seconds = t.retryAfter().map(Duration::toMillis).map(ms -> Math.max(1, (ms + 999) / 1000)).orElse(1L);
      GraphError g = new GraphError(429, "TooManyRequests", "Too many requests: the application or tenant was throttled. "
          + "Retry after " + seconds + " s. (" + text + ")");
      g.headers.put("Retry-After", String.valueOf(seconds));
      return g;
    }
    if (e instanceof TransientTenantException) {
      return new GraphError(503, "serviceNotAvailable", "The service is temporarily unavailable. (" + text + ")");
    }
    if (e instanceof AssertionError || !(e instanceof ImpersonationException)) {
      // Strict-mode violations, simulated crashes and simulator bugs: a 500 the test will notice.
      return new GraphError(500, "InternalServerError", e.getClass().getName() + ": " + text);
    }
    Matcher typed = TYPED.matcher(text);
    String code = typed.matches() ? typed.group(1) : "Request_BadRequest";
    String message = typed.matches() ? typed.group(2) : text;
    if (code.equals("Request_ResourceNotFound") || (e instanceof ObjectNotFoundException && !code.startsWith("Request_"))) {
      return new GraphError(404, "Request_ResourceNotFound", code.equals("Request_ResourceNotFound") ? message
          : "Resource '" + ((ObjectNotFoundException) e).identity() + "' does not exist or one of its queried reference-property "
          + "objects are not present.");
    }
    return new GraphError(400, code.startsWith("Request_") ? code : "Request_BadRequest", message);
  }
}
