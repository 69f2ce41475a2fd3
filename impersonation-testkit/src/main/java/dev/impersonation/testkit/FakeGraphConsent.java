package dev.impersonation.testkit;

import static dev.impersonation.testkit.FakeGraphApi.GRAPH_APP_ID;
import static dev.impersonation.testkit.FakeGraphApi.KNOWN_PERMISSIONS;
import static dev.impersonation.testkit.FakeGraphApi.appRoleId;
import static dev.impersonation.testkit.FakeGraphCall.JSON;
import static dev.impersonation.testkit.FakeGraphCall.ok;
import static dev.impersonation.testkit.FakeGraphError.badRequest;
import static dev.impersonation.testkit.FakeGraphError.badSegment;
import static dev.impersonation.testkit.FakeGraphError.methodNotAllowed;
import static dev.impersonation.testkit.FakeGraphError.notFound;
import static dev.impersonation.testkit.FakeGraphPaging.EQ_FILTER;
import static dev.impersonation.testkit.FakeGraphPaging.page;
import static dev.impersonation.testkit.FakeGraphPaging.select;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.impersonation.spi.EntraServicePrincipal;
import dev.impersonation.testkit.FakeGraphCall.Result;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;

/**
 * {@code /servicePrincipals} and their {@code appRoleAssignments}: the Microsoft Graph service principal with its app
 * roles, the tenant's apps by {@code appId}, and tenant-wide admin consent of Graph application permissions (grant,
 * revoke, list).
 */
final class FakeGraphConsent {
  private final TenantState s;
  private final InMemoryDirectory dir;

  FakeGraphConsent(TenantState state, InMemoryDirectory directory) {
    this.s = state;
    this.dir = directory;
  }

  Result handle(FakeGraphCall c) {
    int n = c.seg().size();
    if (n == 3 && c.is(2, "appRoleAssignments") && c.method().equals("POST")) {
      return grantAppRole(c, c.seg(1));
    }
    if (n == 4 && c.is(2, "appRoleAssignments") && c.method().equals("DELETE")) {
      return revokeAppRole(c.seg(1), c.seg(3));
    }
    if (!c.method().equals("GET")) {
      return methodNotAllowed(c);
    }
    if (n == 1) {
      return listServicePrincipals(c);
    }
    if (n == 2) {
      return ok(select(servicePrincipalById(c.seg(1), c.base()), c.query()));
    }
    if (n == 3 && c.is(2, "appRoleAssignments")) {
      return appRoleAssignments(c, c.seg(1));
    }
    if (n == 3 && c.is(2, "appRoleAssignedTo")) {
      return appRoleAssignedTo(c, c.seg(1));
    }
    throw badSegment(c.seg(n - 1));
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

  private Result listServicePrincipals(FakeGraphCall c) {
    String filter = c.query().get("$filter");
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
    return ok(page(c, rows, c.base() + "/$metadata#servicePrincipals"));
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
  private Result grantAppRole(FakeGraphCall c, String spId) {
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
    created.put("@odata.context", c.base() + "/$metadata#servicePrincipals('" + spId + "')/appRoleAssignments/$entity");
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

  private Result appRoleAssignments(FakeGraphCall c, String spId) {
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
    return ok(page(c, rows, c.base() + "/$metadata#servicePrincipals('" + spId + "')/appRoleAssignments"));
  }

  /** {@code GET /servicePrincipals/{resource}/appRoleAssignedTo}: every app's consent on Microsoft Graph, in pages. */
  private Result appRoleAssignedTo(FakeGraphCall c, String resourceId) {
    List<JsonNode> rows = new ArrayList<>();
    if (resourceId.equalsIgnoreCase(graphSpId())) {
      dir.graphCall("tenantConsentGrants", resourceId, false, () -> {
        s.apps.values().forEach(a -> a.consent.forEach(p -> rows.add(assignmentJson(a.objectId, a.displayName, p))));
        return null;
      });
    }
    return ok(page(c, rows, c.base() + "/$metadata#servicePrincipals('" + resourceId + "')/appRoleAssignedTo"));
  }
}
