package dev.impersonation.testkit.graph;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.impersonation.testkit.FakeGraphApi;
import dev.impersonation.testkit.FakeTenant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** {@code POST} and {@code DELETE /servicePrincipals/{id}/appRoleAssignments}: admin consent over HTTP. */
class GraphSimulatorAppRoleAssignmentsTest {
  static final String APP = "11111111-1111-1111-1111-111111111111";
  static final String SP = "21111111-1111-1111-1111-111111111111";

  FakeTenant tenant;
  GraphSimulator sim;
  GraphHttp http;
  String graphSp;

  @BeforeEach
  void start() {
    tenant = FakeTenant.exchangeOnline("contoso.onmicrosoft.com").userMailbox("ann@contoso.com")
        .application(APP, SP, "Reader").consent(APP, "Mail.Read").build();
    sim = GraphSimulator.builder(tenant).appToken("token", APP).start();
    http = new GraphHttp(sim, "token");
    graphSp = http.get("/servicePrincipals?$filter=appId%20eq%20'" + FakeGraphApi.GRAPH_APP_ID + "'").body().get("value").get(0)
        .get("id").asText();
  }

  @AfterEach
  void stop() {
    sim.close();
  }

  List<String> consent() {
    return tenant.connection().directory().orElseThrow().applicationPermissionGrants(SP).stream().map(g -> g.permission()).toList();
  }

  Map<String, Object> assignment(String principal, String resource, String role) {
    return Map.of("principalId", principal, "resourceId", resource, "appRoleId", role);
  }

  @Test
  void grantingAnAppRoleAnswers201WithTheAssignmentAndConsents() {
    GraphHttp.Response r = http.send("POST", "/servicePrincipals/" + SP + "/appRoleAssignments",
        assignment(SP, graphSp, FakeGraphApi.appRoleId("Calendars.ReadWrite")));
    assertEquals(201, r.status(), r.body().toString());
    assertEquals(FakeGraphApi.appRoleId("Calendars.ReadWrite"), r.body().get("appRoleId").asText());
    assertEquals(graphSp, r.body().get("resourceId").asText());
    assertEquals(SP, r.body().get("principalId").asText());
    assertEquals(List.of("Mail.Read", "Calendars.ReadWrite"), consent());
    JsonNode listed = http.get("/servicePrincipals/" + SP + "/appRoleAssignments").body().get("value");
    assertTrue(listed.findValuesAsText("id").contains(r.body().get("id").asText()), listed.toString());
    assertTrue(tenant.writes().stream().anyMatch(w -> w.operation().equals("GrantApplicationPermissions")), tenant.writes()::toString);
  }

  @Test
  void anUnknownAppRoleADuplicateAndAWrongPrincipalAnswer400() {
    GraphHttp.Response unknown = http.send("POST", "/servicePrincipals/" + SP + "/appRoleAssignments",
        assignment(SP, graphSp, "00000000-0000-0000-0000-00000000abcd"));
    assertEquals(400, unknown.status());
    assertEquals("Request_BadRequest", unknown.code());
    assertEquals("Permission being assigned was not found on application '" + graphSp + "'.", unknown.message());
    GraphHttp.Response duplicate = http.send("POST", "/servicePrincipals/" + SP + "/appRoleAssignments",
        assignment(SP, graphSp, FakeGraphApi.appRoleId("Mail.Read")));
    assertEquals(400, duplicate.status());
    assertEquals("Permission being assigned already exists on the object.", duplicate.message());
    assertEquals(400, http.send("POST", "/servicePrincipals/" + SP + "/appRoleAssignments",
        assignment(graphSp, graphSp, FakeGraphApi.appRoleId("Mail.Send"))).status());
    assertEquals(404, http.send("POST", "/servicePrincipals/" + SP + "/appRoleAssignments",
        assignment(SP, SP, FakeGraphApi.appRoleId("Mail.Send"))).status(), "an unknown resource");
    assertEquals(404, http.send("POST", "/servicePrincipals/00000000-0000-0000-0000-0000000000ee/appRoleAssignments",
        assignment("00000000-0000-0000-0000-0000000000ee", graphSp, FakeGraphApi.appRoleId("Mail.Send"))).status());
    assertEquals(List.of("Mail.Read"), consent());
  }

  @Test
  void deletingAnAssignmentAnswers204AndAMissingOne404() {
    String id = http.get("/servicePrincipals/" + SP + "/appRoleAssignments").body().get("value").get(0).get("id").asText();
    GraphHttp.Response deleted = http.send("DELETE", "/servicePrincipals/" + SP + "/appRoleAssignments/" + id, null);
    assertEquals(204, deleted.status());
    assertEquals(List.of(), consent());
    GraphHttp.Response again = http.send("DELETE", "/servicePrincipals/" + SP + "/appRoleAssignments/" + id, null);
    assertEquals(404, again.status());
    assertEquals("Request_ResourceNotFound", again.code());
    assertEquals("Resource '" + id + "' does not exist or one of its queried reference-property objects are not present.",
        again.message());
  }

  @Test
  void routesNameTheAssignment() {
    assertEquals("DELETE /servicePrincipals/{id}/appRoleAssignments/{assignmentId}",
        FakeGraphApi.route("DELETE", "/v1.0/servicePrincipals/" + SP + "/appRoleAssignments/abc"));
    assertEquals("POST /servicePrincipals/{id}/appRoleAssignments",
        FakeGraphApi.route("POST", "/v1.0/servicePrincipals/" + SP + "/appRoleAssignments"));
  }
}
