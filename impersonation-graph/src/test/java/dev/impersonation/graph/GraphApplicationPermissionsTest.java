package dev.impersonation.graph;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.impersonation.TenantException;
import dev.impersonation.graph.FakeGraph.Answer;
import dev.impersonation.graph.FakeGraph.Call;
import dev.impersonation.spi.Operation;
import java.time.Clock;
import java.util.List;
import java.util.function.Function;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Granting and revoking Microsoft Graph application permissions (tenant-wide admin consent), request by request. */
class GraphApplicationPermissionsTest {
  static final String APP = "6f1c2a3b-4d5e-4f60-8172-93a4b5c6d7e8";
  static final String SP = "9a2b3c4d-5e6f-4a7b-8c9d-0e1f2a3b4c5d";
  static final String GRAPH_SP = "7d3f0000-0000-4000-8000-00000000beef";
  static final String OTHER_RESOURCE = "1e2f0000-0000-4000-8000-00000000cafe";
  static final String MAIL_READ = "810c84a8-4a9e-49e6-bf7d-12d183f40d01";
  static final String MAIL_READWRITE = "e2a3a72e-5f79-4c64-b1b1-878b674786c9";
  static final String CALENDARS = "ef54d2bf-783f-4e0f-bca1-3210c0444d99";
  static final String GRAPH_SP_JSON = "{\"value\":[{\"id\":\"" + GRAPH_SP + "\",\"appId\":\"00000003-0000-0000-c000-000000000000\","
      + "\"appRoles\":[{\"id\":\"" + MAIL_READ + "\",\"value\":\"Mail.Read\",\"allowedMemberTypes\":[\"Application\"]},"
      + "{\"id\":\"" + MAIL_READWRITE + "\",\"value\":\"Mail.ReadWrite\",\"allowedMemberTypes\":[\"Application\"]},"
      + "{\"id\":\"" + CALENDARS + "\",\"value\":\"Calendars.ReadWrite\",\"allowedMemberTypes\":[\"Application\"]}]}]}";

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

  /** Answers the Graph service principal look-up, and everything else with {@code rest}. */
  void handle(Function<Call, Answer> rest) {
    graph.handler = c -> c.method().equals("GET") && c.path().equals("/v1.0/servicePrincipals") ? Answer.ok(GRAPH_SP_JSON) : rest.apply(c);
  }

  @Test
  void grantLooksUpTheGraphServicePrincipalOnceAndPostsOneAssignmentPerPermission() {
    handle(c -> new Answer(201, "{\"id\":\"as-1\"}", null));
    backend.execute(new Operation.GrantApplicationPermissions(APP, SP, List.of("Mail.Read", "Calendars.ReadWrite")));
    backend.execute(new Operation.GrantApplicationPermissions(APP, SP, List.of("Mail.ReadWrite")));
    assertEquals(4, graph.requestCount(), "one look-up, then three POSTs");
    Call lookup = graph.calls.get(0);
    assertEquals("GET", lookup.method());
    assertTrue(lookup.query().contains("$filter=appId eq '00000003-0000-0000-c000-000000000000'"), lookup.query());
    List<String> roles = List.of(MAIL_READ, CALENDARS, MAIL_READWRITE);
    for (int i = 0; i < 3; i++) {
      Call post = graph.calls.get(i + 1);
      assertEquals("POST", post.method());
      assertEquals("/v1.0/servicePrincipals/" + SP + "/appRoleAssignments", post.path());
      assertEquals(SP, post.body().path("principalId").asText());
      assertEquals(GRAPH_SP, post.body().path("resourceId").asText());
      assertEquals(roles.get(i), post.body().path("appRoleId").asText());
    }
  }

  @Test
  void anExistingGrantIsSuccess() {
    handle(c -> Answer.error(400, "Request_BadRequest", "Permission being assigned already exists on the object."));
    backend.execute(new Operation.GrantApplicationPermissions(APP, SP, List.of("Mail.Read", "Calendars.ReadWrite")));
    assertEquals(3, graph.requestCount());
  }

  @Test
  void anUnknownPermissionFailsBeforeAnyWrite() {
    handle(c -> new Answer(201, "{\"id\":\"as-1\"}", null));
    TenantException e = assertThrows(TenantException.class,
        () -> backend.execute(new Operation.GrantApplicationPermissions(APP, SP, List.of("Mail.Reed"))));
    assertTrue(e.getMessage().contains("no application permission 'Mail.Reed'"), e.getMessage());
    assertEquals(1, graph.requestCount());
  }

  @Test
  void otherGraphErrorsSurface() {
    handle(c -> Answer.error(403, "Authorization_RequestDenied", "Insufficient privileges to complete the operation."));
    assertThrows(dev.impersonation.AccessDeniedException.class,
        () -> backend.execute(new Operation.GrantApplicationPermissions(APP, SP, List.of("Mail.Read"))));
  }

  @Test
  void revokeDeletesOnlyTheMatchingGraphAssignments() {
    handle(c -> switch (c.method()) {
      case "GET" -> Answer.ok("{\"value\":["
          + "{\"id\":\"keep-calendars\",\"appRoleId\":\"" + CALENDARS + "\",\"resourceId\":\"" + GRAPH_SP + "\"},"
          + "{\"id\":\"drop-mail\",\"appRoleId\":\"" + MAIL_READWRITE + "\",\"resourceId\":\"" + GRAPH_SP + "\"},"
          + "{\"id\":\"other-api\",\"appRoleId\":\"" + MAIL_READWRITE + "\",\"resourceId\":\"" + OTHER_RESOURCE + "\"}]}");
      case "DELETE" -> Answer.noContent();
      default -> Answer.error(405, "Request_BadRequest", "unexpected");
    });
    backend.execute(new Operation.RevokeApplicationPermissions(APP, SP, List.of("Mail.ReadWrite", "Mail.Read")));
    assertEquals(3, graph.requestCount(), "look-up, list, one DELETE");
    assertEquals("/v1.0/servicePrincipals/" + SP + "/appRoleAssignments", graph.calls.get(1).path());
    assertEquals("DELETE", graph.calls.get(2).method());
    assertEquals("/v1.0/servicePrincipals/" + SP + "/appRoleAssignments/drop-mail", graph.calls.get(2).path());
  }

  @Test
  void revokingAnAssignmentThatIsAlreadyGoneIsSuccess() {
    handle(c -> c.method().equals("GET")
        ? Answer.ok("{\"value\":[{\"id\":\"drop-mail\",\"appRoleId\":\"" + MAIL_READWRITE + "\",\"resourceId\":\"" + GRAPH_SP + "\"}]}")
        : Answer.error(404, "Request_ResourceNotFound", "Resource 'drop-mail' does not exist or one of its queried reference-property objects are not present."));
    backend.execute(new Operation.RevokeApplicationPermissions(APP, SP, List.of("Mail.ReadWrite")));
    assertEquals(3, graph.requestCount());
  }

  @Test
  void aServicePrincipalIdThatIsNoGuidIsRefusedBeforeAnyRequest() {
    handle(c -> new Answer(201, "{}", null));
    assertThrows(TenantException.class,
        () -> backend.execute(new Operation.GrantApplicationPermissions(APP, "not-a-guid", List.of("Mail.Read"))));
    assertEquals(0, graph.requestCount());
  }
}
