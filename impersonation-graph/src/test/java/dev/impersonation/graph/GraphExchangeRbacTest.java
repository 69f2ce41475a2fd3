package dev.impersonation.graph;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.impersonation.AccessDeniedException;
import dev.impersonation.ObjectAlreadyExistsException;
import dev.impersonation.ThrottledException;
import dev.impersonation.graph.FakeGraph.Answer;
import dev.impersonation.graph.FakeGraph.Call;
import dev.impersonation.spi.AssigneeType;
import dev.impersonation.spi.Operation;
import dev.impersonation.spi.RecipientFilter;
import dev.impersonation.spi.RoleAssignment;
import dev.impersonation.spi.ScopeType;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The exact requests of the Exchange RBAC endpoints of Graph beta (docs/rbac-for-applications.md), against a scripted Graph. */
class GraphExchangeRbacTest {
  static final String SP = "9a2b3c4d-5e6f-4a7b-8c9d-0e1f2a3b4c5d";
  static final String AU = "0f1e2d3c-4b5a-4968-8776-a5b4c3d2e1f0";
  static final String MAIL_READ = "f66ab1ee-3cac-4d03-8a64-dadc56e563f8";
  static final String SCOPE_ID = "a6a7ef59-ff39-46b1-ae6b-2d9c4d6380cd";
  static final String ROLE_JSON = "{\"value\":[{\"id\":\"" + MAIL_READ + "\",\"displayName\":\"Application Mail.Read\"}]}";
  static final String SCOPE_JSON = "{\"value\":[{\"id\":\"" + SCOPE_ID + "\",\"type\":\"RecipientScope\",\"displayName\":"
      + "\"Sync O'Brien\",\"customAttributes\":{\"Exclusive\":false,\"RecipientFilter\":\"Department -eq 'Sales'\"}}]}";

  FakeGraph graph;
  GraphDirectoryBackend backend;

  @BeforeEach
  void start() throws Exception {
    graph = new FakeGraph();
    backend = graph.connection().clock(Clock.systemUTC(), new FakeGraph.RecordingSleeper()).build().directory();
  }

  @AfterEach
  void stop() throws Exception {
    graph.close();
  }

  @Test
  void anAdministrativeUnitAssignmentPostsTheDocumentedBody() {
    graph.handler = c -> c.method().equals("GET") ? Answer.ok(ROLE_JSON) : new Answer(201, "{\"id\":\"ra-1\"}", null);
    backend.execute(new Operation.NewManagementRoleAssignment("Sync-Mail.Read", "Application Mail.Read", SP,
        AssigneeType.SERVICE_PRINCIPAL, ScopeType.ADMINISTRATIVE_UNIT, AU));
    Call lookup = graph.calls.get(0);
    assertEquals("/beta/roleManagement/exchange/roleDefinitions", lookup.path());
    assertTrue(lookup.query().contains("$filter=displayName eq 'Application Mail.Read'"), lookup.query());
    Call post = graph.calls.get(1);
    assertEquals("POST", post.method());
    assertEquals("/beta/roleManagement/exchange/roleAssignments", post.path());
    assertEquals("/ServicePrincipals/" + SP, post.body().path("principalId").asText());
    assertEquals(MAIL_READ, post.body().path("roleDefinitionId").asText());
    assertEquals("/AdministrativeUnits/" + AU, post.body().path("directoryScopeId").asText());
    assertTrue(post.body().has("appScopeId") && post.body().get("appScopeId").isNull(), post.body().toString());
    // The role id is cached: a second assignment of the same role looks nothing up.
    backend.execute(new Operation.NewManagementRoleAssignment("Sync-Mail.Read-2", "Application Mail.Read", SP,
        AssigneeType.SERVICE_PRINCIPAL, ScopeType.ORGANIZATION, ""));
    assertEquals(3, graph.requestCount());
    assertEquals("/", graph.calls.get(2).body().path("directoryScopeId").asText());
  }

  @Test
  void aScopedAssignmentUsesTheCustomAppScopeId() {
    graph.handler = c -> {
      if (c.method().equals("POST")) {
        return new Answer(201, "{}", null);
      }
      return Answer.ok(c.path().endsWith("customAppScopes") ? SCOPE_JSON : ROLE_JSON);
    };
    backend.execute(new Operation.NewManagementRoleAssignment("x", "Application Mail.Read", SP, AssigneeType.SERVICE_PRINCIPAL,
        ScopeType.MANAGEMENT_SCOPE, "Sync O'Brien"));
    Call scopeLookup = graph.calls.stream().filter(c -> c.path().endsWith("customAppScopes")).findFirst().orElseThrow();
    assertTrue(scopeLookup.query().contains("$filter=displayName eq 'Sync O''Brien'"), scopeLookup.query());
    Call post = graph.calls.get(graph.calls.size() - 1);
    assertEquals(SCOPE_ID, post.body().path("appScopeId").asText());
    assertTrue(post.body().get("directoryScopeId").isNull(), post.body().toString());
  }

  @Test
  void aManagementScopeIsARecipientScope() {
    graph.handler = c -> new Answer(201, "{}", null);
    backend.execute(new Operation.NewManagementScope("Sync scope", new RecipientFilter.Custom("Department -eq 'Sales'")));
    Call post = graph.calls.get(0);
    assertEquals("/beta/roleManagement/exchange/customAppScopes", post.path());
    assertEquals("RecipientScope", post.body().path("type").asText());
    assertEquals("Sync scope", post.body().path("displayName").asText());
    assertFalse(post.body().path("customAttributes").path("Exclusive").asBoolean(true));
    assertEquals("Department -eq 'Sales'", post.body().path("customAttributes").path("RecipientFilter").asText());
  }

  @Test
  void assignmentsAreReadByPrincipalAndMappedToScopes() {
    graph.handler = c -> {
      if (c.path().endsWith("roleAssignments")) {
        return Answer.ok("{\"value\":[{\"id\":\"a1\",\"principalId\":\"/ServicePrincipals/" + SP + "\",\"roleDefinitionId\":\""
            + MAIL_READ + "\",\"directoryScopeId\":\"/\",\"appScopeId\":null},{\"id\":\"a2\",\"principalId\":\"/ServicePrincipals/"
            + SP + "\",\"roleDefinitionId\":\"" + MAIL_READ + "\",\"directoryScopeId\":null,\"appScopeId\":\"" + SCOPE_ID + "\"},"
            + "{\"id\":\"a3\",\"principalId\":\"/ServicePrincipals/" + SP + "\",\"roleDefinitionId\":\"" + MAIL_READ
            + "\",\"directoryScopeId\":\"/Users/62ef60ab-0736-495b-b2b0-a4ca2c5b11d7\",\"appScopeId\":null}]}");
      }
      if (c.path().endsWith("customAppScopes")) {
        return Answer.ok(SCOPE_JSON);
      }
      return Answer.ok("{\"id\":\"" + MAIL_READ + "\",\"displayName\":\"Application Mail.Read\"}");
    };
    List<RoleAssignment> assignments = backend.roleAssignments(SP);
    assertTrue(graph.calls.get(0).query().contains("$filter=principalId eq '/ServicePrincipals/" + SP + "'"), graph.calls.get(0).query());
    assertEquals(3, assignments.size());
    assertEquals(ScopeType.ORGANIZATION, assignments.get(0).scopeType());
    assertEquals("Application Mail.Read", assignments.get(0).role());
    assertEquals(ScopeType.MANAGEMENT_SCOPE, assignments.get(1).scopeType());
    assertEquals("Sync O'Brien", assignments.get(1).scope());
    // A single-user scope is neither organization-wide nor any scope this library plans.
    assertEquals(ScopeType.MANAGEMENT_SCOPE, assignments.get(2).scopeType());
    assertTrue(assignments.get(2).scope().startsWith("/Users/"));
    assertEquals(3, graph.requestCount(), "the assignments, one role look-up (cached for the rest), the scope names");
  }

  @Test
  void failuresAreTypedAndNeverEmpty() {
    graph.handler = c -> Answer.error(403, "Authorization_RequestDenied", "Insufficient privileges to complete the operation.");
    assertThrows(AccessDeniedException.class, () -> backend.roleAssignments(SP));
    assertThrows(AccessDeniedException.class, () -> backend.findManagementScope("Sync scope"));
    graph.handler = c -> Answer.throttled("7");
    ThrottledException t = assertThrows(ThrottledException.class, () -> backend.findManagementScope("Sync scope"));
    assertEquals(Duration.ofSeconds(7), t.retryAfter().orElseThrow());
    graph.handler = c -> c.method().equals("GET") ? Answer.ok(ROLE_JSON)
        : Answer.error(400, "Request_BadRequest", "A role assignment with this scope already exists.");
    assertThrows(ObjectAlreadyExistsException.class, () -> backend.execute(new Operation.NewManagementRoleAssignment("x",
        "Application Mail.Read", SP, AssigneeType.SERVICE_PRINCIPAL, ScopeType.ORGANIZATION, "")));
  }

  @Test
  void aGroupAssignmentUsesTheGroupsObjectIdAndReadsBackAsTheGroupsName() {
    String groupId = "7b1c2d3e-4f50-4a61-8b72-93a4b5c6d7e8";
    graph.handler = c -> {
      if (c.method().equals("POST")) {
        return new Answer(201, "{}", null);
      }
      if (c.path().equals("/v1.0/groups")) {
        return Answer.ok("{\"value\":[{\"id\":\"" + groupId + "\",\"displayName\":\"Sync O'Brien\",\"groupTypes\":[\"Unified\"],"
            + "\"mailEnabled\":true,\"securityEnabled\":false}]}");
      }
      if (c.path().equals("/v1.0/groups/" + groupId)) {
        return Answer.ok("{\"id\":\"" + groupId + "\",\"displayName\":\"Sync O'Brien\"}");
      }
      if (c.path().endsWith("roleAssignments")) {
        return Answer.ok("{\"value\":[{\"id\":\"a9\",\"principalId\":\"/ServicePrincipals/" + SP + "\",\"roleDefinitionId\":\""
            + MAIL_READ + "\",\"directoryScopeId\":\"/Groups/" + groupId + "\",\"appScopeId\":null}]}");
      }
      return Answer.ok(ROLE_JSON);
    };
    backend.execute(new Operation.NewManagementRoleAssignment("Sync-Mail.Read", "Application Mail.Read", SP,
        AssigneeType.SERVICE_PRINCIPAL, ScopeType.RECIPIENT_GROUP, "Sync O'Brien"));
    Call groupLookup = graph.calls.stream().filter(c -> c.path().equals("/v1.0/groups")).findFirst().orElseThrow();
    assertTrue(groupLookup.query().contains("$filter=displayName eq 'Sync O''Brien'"), groupLookup.query());
    Call post = graph.calls.get(graph.calls.size() - 1);
    assertEquals("/Groups/" + groupId, post.body().path("directoryScopeId").asText());
    assertTrue(post.body().get("appScopeId").isNull(), post.body().toString());

    List<RoleAssignment> read = backend.roleAssignments(SP);
    assertEquals(1, read.size());
    assertEquals(ScopeType.RECIPIENT_GROUP, read.get(0).scopeType());
    assertEquals("Sync O'Brien", read.get(0).scope());
    assertEquals(1, graph.calls.stream().filter(c -> c.path().equals("/v1.0/groups/" + groupId)).count());
    backend.roleAssignments(SP);
    assertEquals(1, graph.calls.stream().filter(c -> c.path().equals("/v1.0/groups/" + groupId)).count(), "the name is looked up once");
  }
}
