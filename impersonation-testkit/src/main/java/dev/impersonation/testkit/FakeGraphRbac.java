package dev.impersonation.testkit;

import static dev.impersonation.testkit.FakeGraphCall.JSON;
import static dev.impersonation.testkit.FakeGraphCall.ok;
import static dev.impersonation.testkit.FakeGraphError.badRequest;
import static dev.impersonation.testkit.FakeGraphError.badSegment;
import static dev.impersonation.testkit.FakeGraphError.methodNotAllowed;
import static dev.impersonation.testkit.FakeGraphError.notFound;
import static dev.impersonation.testkit.FakeGraphPaging.eqFilter;
import static dev.impersonation.testkit.FakeGraphPaging.page;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.impersonation.testkit.FakeGraphCall.Result;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * {@code /beta/roleManagement/exchange} (docs/rbac-for-applications.md), the Exchange RBAC provider for applications:
 * role definitions, custom app scopes (management scopes) and role assignments, over {@link GraphExchangeRbac}.
 */
final class FakeGraphRbac {
  private final InMemoryDirectory dir;

  FakeGraphRbac(InMemoryDirectory directory) {
    this.dir = directory;
  }

  Result handle(FakeGraphCall c) {
    int n = c.seg().size();
    if (n < 3 || !c.is(0, "roleManagement") || !c.is(1, "exchange")) {
      throw badSegment(n == 0 ? "beta" : c.seg(n - 1));
    }
    GraphExchangeRbac rbac = dir.exchangeRbac();
    String collection = c.seg(2).toLowerCase(Locale.ROOT);
    String context = c.base() + "/$metadata#roleManagement/exchange/" + c.seg(2);
    switch (collection) {
      case "roledefinitions" -> {
        if (!c.method().equals("GET")) {
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
        if (n == 3 && c.method().equals("POST")) {
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
        if (!c.method().equals("GET")) {
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
        if (n == 3 && c.method().equals("POST")) {
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
        if (!c.method().equals("GET")) {
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
}
