package dev.impersonation.testkit.graph;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.impersonation.testkit.FakeGraphApi;
import dev.impersonation.testkit.FakeTenant;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Every route of the Graph simulator, its happy path and its error texts (docs/graph.md, docs/error-texts.md). */
class GraphSimulatorTest {
  static final String DOMAIN = "contoso.onmicrosoft.com";
  static final String ANN = "ann@" + DOMAIN;
  static final String BOB = "bob@" + DOMAIN;
  static final String CARL = "carl@" + DOMAIN;
  static final String ROOM = "room1@" + DOMAIN;
  static final String SKU = "c7df2760-2c81-4ef7-b578-5b5392b571df";
  static final String READER = "11111111-1111-1111-1111-111111111111";
  static final String READER_SP = "21111111-1111-1111-1111-111111111111";
  static final String RESTRICTED = "33333333-3333-3333-3333-333333333333";
  static final String RESTRICTED_SP = "43333333-3333-3333-3333-333333333333";
  static final String DL_TEXT = "Cannot Create (or Update) a mail-enabled security groups and or distribution list.";
  static final String DUP_TEXT = "One or more added object references already exist for the following modified properties: 'members'.";

  FakeTenant tenant;
  GraphSimulator sim;
  GraphHttp http;

  @BeforeEach
  void start() {
    tenant = FakeTenant.exchangeOnline(DOMAIN).license(SKU).provisioningDelay(Duration.ofMinutes(15))
        .userMailbox(ANN, "Ann").userMailbox(BOB, "Bob").userWithoutMailbox(CARL).roomMailbox(ROOM, "Room 1")
        .distributionGroup("Sales DL", ANN).mailEnabledSecurityGroup("Mail Sec", BOB).roomList("Rooms", ROOM)
        .microsoft365Group("Team O'Brien", ANN).securityGroup("Sec Only")
        .application(READER, READER_SP, "Reader").consent(READER, "Mail.Read", "MailboxSettings.Read")
        .application(RESTRICTED, RESTRICTED_SP, "Restricted").consent(RESTRICTED, "Calendars.Read")
        .accessPolicy(RESTRICTED, "Mail Sec", "RestrictAccess")
        .administrativeUnit("au-1", ANN, BOB)
        .build();
    sim = GraphSimulator.builder(tenant).appToken("token-reader", READER).appToken("token-restricted", RESTRICTED).start();
    http = new GraphHttp(sim, "token-reader");
  }

  @AfterEach
  void stop() {
    sim.close();
  }

  static String enc(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
  }

  String groupId(String name) {
    return tenant.group(name).orElseThrow().id();
  }

  String userId(String upn) {
    return http.get("/users/" + upn).body().get("id").asText();
  }

  static Map<String, Object> ref(String id) {
    return Map.of("@odata.id", "https://graph.microsoft.com/v1.0/directoryObjects/" + id);
  }

  void assertGraphError(GraphHttp.Response r, int status, String code, String message) {
    assertEquals(status, r.status(), r.body().toString());
    assertEquals(code, r.code(), r.body().toString());
    assertEquals(message, r.message());
    JsonNode inner = r.body().path("error").path("innerError");
    assertTrue(inner.hasNonNull("date") && inner.hasNonNull("request-id") && inner.hasNonNull("client-request-id"), inner.toString());
  }

  // ------------------------------------------------------------ users

  @Test
  void usersByUpnWithAtOrPercent40AndById() {
    GraphHttp.Response at = http.get("/users/" + ANN);
    GraphHttp.Response pct = http.get("/users/ann%40" + DOMAIN);
    assertEquals(200, at.status());
    assertEquals(200, pct.status());
    assertEquals(at.body().get("id"), pct.body().get("id"));
    assertEquals(ANN, at.body().get("userPrincipalName").asText());
    assertEquals(ANN, at.body().get("mail").asText());
    GraphHttp.Response byId = http.get("/users/" + at.body().get("id").asText() + "?$select=id,userPrincipalName");
    assertEquals(200, byId.status());
    assertEquals(ANN, byId.body().get("userPrincipalName").asText());
    assertFalse(byId.body().has("displayName"), "$select honoured: " + byId.body());
    assertGraphError(http.get("/users/nobody%40" + DOMAIN), 404, "Request_ResourceNotFound",
        "Resource 'nobody@" + DOMAIN + "' does not exist or one of its queried reference-property objects are not present.");
  }

  @Test
  void missingBearerIs401AndTheJournalKeepsNoToken() {
    GraphHttp.Response r = new GraphHttp(sim, null).get("/users/" + ANN);
    assertEquals(401, r.status());
    assertEquals("InvalidAuthenticationToken", r.code());
    http.get("/users/" + ANN);
    assertEquals(2, sim.requestCount("GET /users/{id}"));
    assertTrue(sim.requests().stream().noneMatch(x -> x.toString().contains("token-reader")));
    assertEquals(READER, sim.requests().get(1).appId().orElseThrow());
  }

  @Test
  void licenceFlowWithProvisioningDelayOnTheFakeClock() {
    String upn = "svc-imp@" + DOMAIN;
    GraphHttp.Response created = http.send("POST", "/users", Map.of("accountEnabled", true, "displayName", "Svc Imp",
        "mailNickname", "svc-imp", "userPrincipalName", upn, "passwordProfile", Map.of("password", "S3cret!pass",
            "forceChangePasswordNextSignIn", false)));
    assertEquals(201, created.status(), created.body().toString());
    String id = created.body().get("id").asText();
    assertTrue(tenant.mailbox(upn).isEmpty(), "no mailbox until licensed");
    assertEquals(400, http.send("POST", "/users", Map.of("accountEnabled", true, "displayName", "Svc Imp", "mailNickname", "svc-imp",
        "userPrincipalName", upn, "passwordProfile", Map.of("password", "x"))).status(), "duplicate UPN");

    Map<String, Object> assign = Map.of("addLicenses", List.of(Map.of("skuId", SKU)), "removeLicenses", List.of());
    assertGraphError(http.send("POST", "/users/" + id + "/assignLicense", assign), 400, "Request_BadRequest",
        "License assignment cannot be done for user with invalid usage location.");
    assertEquals(204, http.send("PATCH", "/users/" + id, Map.of("usageLocation", "DE")).status());
    assertEquals("DE", http.get("/users/" + id).body().get("usageLocation").asText());
    GraphHttp.Response licensed = http.send("POST", "/users/" + upn.replace("@", "%40") + "/assignLicense", assign);
    assertEquals(200, licensed.status(), licensed.body().toString());
    assertEquals(SKU, licensed.body().get("assignedLicenses").get(0).get("skuId").asText());
    assertTrue(tenant.mailbox(upn).isPresent());

    // The mailbox exists but is not usable until the provisioning delay passed.
    assertGraphError(http.get("/users/" + id + "/mailboxSettings"), 404, "MailboxNotEnabledForRESTAPI",
        "REST API is not yet supported for this mailbox.");
    tenant.clock().advance(Duration.ofMinutes(14));
    assertEquals(404, http.get("/users/" + id + "/mailboxSettings").status());
    tenant.clock().advance(Duration.ofMinutes(1));
    GraphHttp.Response settings = http.get("/users/" + id + "/mailboxSettings");
    assertEquals(200, settings.status(), settings.body().toString());
    assertEquals("user", settings.body().get("userPurpose").asText());
    assertEquals(List.of(SKU), tenant.directoryUser(upn).orElseThrow().licenseSkuIds());

    assertGraphError(http.send("POST", "/users/" + id + "/assignLicense", Map.of("addLicenses",
        List.of(Map.of("skuId", "00000000-0000-0000-0000-00000000dead")), "removeLicenses", List.of())), 400, "Request_BadRequest",
        "License 00000000-0000-0000-0000-00000000dead does not correspond to a valid company License.");
  }

  // ------------------------------------------------------------ probes

  @Test
  void probeOutcomesPerToken() {
    // The reader holds Mail.Read and MailboxSettings.Read: messages and settings answer, calendar and contacts do not.
    assertEquals(200, http.get("/users/" + ANN + "/messages?$top=1").status());
    assertEquals(1, http.get("/users/" + ANN + "/messages?$top=1").body().get("value").size());
    assertGraphError(http.get("/users/" + ANN + "/calendar"), 403, "ErrorAccessDenied",
        "Access is denied. Check credentials and try again.");
    assertGraphError(http.get("/users/" + ANN + "/contacts?$top=1"), 403, "ErrorAccessDenied",
        "Access is denied. Check credentials and try again.");
    assertEquals(200, http.get("/users/ann%40" + DOMAIN + "/mailboxSettings").status());
    assertEquals("room", http.get("/users/" + ROOM + "/mailboxSettings").body().get("userPurpose").asText());

    GraphHttp unknown = http.as("token-nobody-mapped");
    assertGraphError(unknown.get("/users/" + ANN + "/calendar"), 403, "ErrorAccessDenied",
        "Access is denied. Check credentials and try again.");

    GraphHttp restricted = http.as("token-restricted");
    assertGraphError(restricted.get("/users/" + ANN + "/calendar"), 403, "ErrorAccessDenied", "Access to OData is disabled.");
    assertEquals(200, restricted.get("/users/" + BOB + "/calendar").status(), "bob is in the policy's group");

    assertGraphError(http.get("/users/" + CARL + "/calendar"), 404, "MailboxNotEnabledForRESTAPI",
        "REST API is not yet supported for this mailbox.");
    assertEquals(200, http.get("/users/" + ANN + "/mailFolders/inbox").status());
  }

  // ------------------------------------------------------------ groups

  @Test
  void groupShapesAndFilterWithDoubledQuotes() {
    Map<String, JsonNode> byName = new HashMap<>();
    for (String name : List.of("Sales DL", "Mail Sec", "Rooms", "Team O'Brien", "Sec Only")) {
      GraphHttp.Response r = http.get("/groups?$filter=" + enc("displayName eq '" + name.replace("'", "''") + "'"));
      assertEquals(200, r.status(), r.body().toString());
      assertEquals(1, r.body().get("value").size(), name + ": " + r.body());
      byName.put(name, r.body().get("value").get(0));
    }
    assertShape(byName.get("Sales DL"), true, false, false);
    assertShape(byName.get("Rooms"), true, false, false);
    assertShape(byName.get("Mail Sec"), true, true, false);
    assertShape(byName.get("Team O'Brien"), true, false, true);
    assertShape(byName.get("Sec Only"), false, true, false);
    for (String p : List.of("id", "displayName", "groupTypes", "mailEnabled", "securityEnabled", "mail", "mailNickname", "description")) {
      assertTrue(byName.get("Sales DL").has(p), p);
    }
    assertEquals(0, http.get("/groups?$filter=" + enc("displayName eq 'Nope'")).body().get("value").size());

    String id = byName.get("Team O'Brien").get("id").asText();
    GraphHttp.Response one = http.get("/groups/" + id);
    assertEquals(200, one.status());
    assertEquals("Team O'Brien", one.body().get("displayName").asText());
    assertGraphError(http.get("/groups/00000000-0000-0000-0000-0000000000aa"), 404, "Request_ResourceNotFound",
        "Resource '00000000-0000-0000-0000-0000000000aa' does not exist or one of its queried reference-property objects are not present.");
    assertEquals(5, http.get("/groups").body().get("value").size());
  }

  private static void assertShape(JsonNode g, boolean mailEnabled, boolean securityEnabled, boolean unified) {
    assertEquals(mailEnabled, g.get("mailEnabled").asBoolean(), g.toString());
    assertEquals(securityEnabled, g.get("securityEnabled").asBoolean(), g.toString());
    assertEquals(unified, g.get("groupTypes").toString().contains("Unified"), g.toString());
  }

  @Test
  void createGroupsMicrosoft365AndSecurityOnly() {
    String annId = userId(ANN);
    GraphHttp.Response m365 = http.send("POST", "/groups", Map.of("displayName", "Imp Team", "mailNickname", "impteam",
        "mailEnabled", true, "securityEnabled", false, "groupTypes", List.of("Unified"), "description", "owned-by:imp",
        "owners@odata.bind", List.of("https://graph.microsoft.com/v1.0/users/" + annId)));
    assertEquals(201, m365.status(), m365.body().toString());
    assertEquals("[\"Unified\"]", m365.body().get("groupTypes").toString());
    assertEquals(List.of(ANN), tenant.group("Imp Team").orElseThrow().managedBy());

    GraphHttp.Response sec = http.send("POST", "/groups", Map.of("displayName", "Imp Sec", "mailNickname", "impsec",
        "mailEnabled", false, "securityEnabled", true, "groupTypes", List.of()));
    assertEquals(201, sec.status(), sec.body().toString());

    assertGraphError(http.send("POST", "/groups", Map.of("displayName", "Imp DL", "mailNickname", "impdl",
        "mailEnabled", true, "securityEnabled", false, "groupTypes", List.of())), 400, "Request_BadRequest", DL_TEXT);
    assertGraphError(http.send("POST", "/groups", Map.of("displayName", "Imp MESG", "mailNickname", "impmesg",
        "mailEnabled", true, "securityEnabled", true, "groupTypes", List.of())), 400, "Request_BadRequest", DL_TEXT);
    assertTrue(tenant.group("Imp DL").isEmpty());
    assertTrue(tenant.journal().stream().anyMatch(e -> e.operation().equals("CreateDirectoryGroup") && e.outcome().contains(DL_TEXT)),
        "the refusal is journaled by the directory backend");
  }

  @Test
  void addRemoveMembersOneByOneWithGraphErrors() {
    String team = groupId("Team O'Brien");
    String bobId = userId(BOB);
    assertEquals(204, http.send("POST", "/groups/" + team + "/members/$ref", ref(bobId)).status());
    assertTrue(tenant.members("Team O'Brien").contains(BOB));
    assertGraphError(http.send("POST", "/groups/" + team + "/members/%24ref", ref(bobId)), 400, "Request_BadRequest", DUP_TEXT);
    assertGraphError(http.send("POST", "/groups/" + team + "/members/$ref", ref("00000000-0000-0000-0000-0000000000bb")), 404,
        "Request_ResourceNotFound", "Resource '00000000-0000-0000-0000-0000000000bb' does not exist or one of its queried "
            + "reference-property objects are not present.");
    assertEquals(404, http.send("POST", "/groups/00000000-0000-0000-0000-0000000000cc/members/$ref", ref(bobId)).status());

    GraphHttp.Response refs = http.get("/groups/" + team + "/members/$ref");
    Set<String> ids = refs.body().get("value").findValuesAsText("@odata.id").stream().collect(Collectors.toSet());
    assertTrue(ids.contains("https://graph.microsoft.com/v1.0/directoryObjects/" + bobId), ids.toString());
    GraphHttp.Response members = http.get("/groups/" + team + "/members?$select=id");
    assertEquals(2, members.body().get("value").size());
    assertEquals("#microsoft.graph.user", members.body().get("value").get(0).get("@odata.type").asText());

    assertEquals(204, http.send("DELETE", "/groups/" + team + "/members/" + bobId + "/$ref", null).status());
    assertFalse(tenant.members("Team O'Brien").contains(BOB));
    assertEquals(404, http.send("DELETE", "/groups/" + team + "/members/" + bobId + "/$ref", null).status());

    assertEquals(204, http.send("POST", "/groups/" + team + "/owners/$ref", ref(bobId)).status());
    assertEquals(List.of(BOB), tenant.group("Team O'Brien").orElseThrow().managedBy());
    assertEquals(BOB, http.get("/groups/" + team + "/owners").body().get("value").get(0).get("userPrincipalName").asText());
    assertEquals(400, http.send("POST", "/groups/" + team + "/owners/$ref", ref(bobId)).status());
  }

  @Test
  void checkMemberGroupsAnswersTheGroupsAUserIsIn() {
    String team = groupId("Team O'Brien");
    String dl = groupId("Sales DL");
    String mesg = groupId("Mail Sec");
    GraphHttp.Response r = http.send("POST", "/users/ann%40" + DOMAIN + "/checkMemberGroups", Map.of("groupIds", List.of(team, dl, mesg)));
    assertEquals(200, r.status(), r.body().toString());
    assertEquals(Set.of(team, dl), Set.copyOf(toList(r.body().get("value"))));
  }

  private static List<String> toList(JsonNode array) {
    List<String> out = new java.util.ArrayList<>();
    array.forEach(x -> out.add(x.asText()));
    return out;
  }

  @Test
  void distributionGroupsMailEnabledSecurityGroupsAndRoomListsAreReadOnly() {
    String bobId = userId(BOB);
    String annId = userId(ANN);
    for (String name : List.of("Sales DL", "Mail Sec", "Rooms")) {
      String id = groupId(name);
      String before = tenant.snapshot();
      assertGraphError(http.send("POST", "/groups/" + id + "/members/$ref", ref(bobId)), 400, "Request_BadRequest", DL_TEXT);
      assertGraphError(http.send("PATCH", "/groups/" + id, Map.of("members@odata.bind",
          List.of("https://graph.microsoft.com/v1.0/directoryObjects/" + bobId))), 400, "Request_BadRequest", DL_TEXT);
      assertGraphError(http.send("DELETE", "/groups/" + id + "/members/" + annId + "/$ref", null), 400, "Request_BadRequest", DL_TEXT);
      assertGraphError(http.send("POST", "/groups/" + id + "/owners/$ref", ref(bobId)), 400, "Request_BadRequest", DL_TEXT);
      assertEquals(before, tenant.snapshot(), name);
      assertEquals(200, http.get("/groups/" + id + "/members").status(), "reads are fine");
    }
  }

  @Test
  void odataBindAtMost20AndAllOrNothing() {
    for (int i = 0; i < 25; i++) {
      // seeded through the store: 25 directory users
      tenant.graphApi().handle("POST", "/users", Map.of(), "{\"accountEnabled\":true,\"displayName\":\"U" + i
          + "\",\"mailNickname\":\"u" + i + "\",\"userPrincipalName\":\"u" + i + "@" + DOMAIN + "\",\"passwordProfile\":"
          + "{\"password\":\"p\"}}", null, sim.baseUrl());
    }
    String sec = groupId("Sec Only");
    List<String> refs = new java.util.ArrayList<>();
    for (int i = 0; i < 21; i++) {
      refs.add("https://graph.microsoft.com/v1.0/directoryObjects/" + userId("u" + i + "@" + DOMAIN));
    }
    GraphHttp.Response tooMany = http.send("PATCH", "/groups/" + sec, Map.of("members@odata.bind", refs));
    assertEquals(400, tooMany.status());
    assertEquals("Request_BadRequest", tooMany.code());
    assertTrue(tooMany.message().contains("at most 20"), tooMany.message());
    assertTrue(tenant.members("Sec Only").isEmpty());

    assertEquals(204, http.send("PATCH", "/groups/" + sec, Map.of("members@odata.bind", refs.subList(0, 20))).status());
    assertEquals(20, tenant.members("Sec Only").size());

    // A chunk with one member already there: 400, and none of the others is added.
    List<String> chunk = new java.util.ArrayList<>(refs.subList(19, 21));
    chunk.add("https://graph.microsoft.com/v1.0/directoryObjects/" + userId("u22@" + DOMAIN));
    assertGraphError(http.send("PATCH", "/groups/" + sec, Map.of("members@odata.bind", chunk)), 400, "Request_BadRequest", DUP_TEXT);
    assertEquals(20, tenant.members("Sec Only").size());
    // A missing reference: 404, nothing added.
    GraphHttp.Response missing = http.send("PATCH", "/groups/" + sec, Map.of("members@odata.bind",
        List.of(refs.get(20), "https://graph.microsoft.com/v1.0/directoryObjects/00000000-0000-0000-0000-0000000000dd")));
    assertEquals(404, missing.status());
    assertEquals(20, tenant.members("Sec Only").size());
  }

  // ------------------------------------------------------------ service principals, consent, administrative units

  @Test
  void servicePrincipalsAndConsentResolveToPermissionNames() {
    GraphHttp.Response graph = http.get("/servicePrincipals?$filter=" + enc("appId eq '" + FakeGraphApi.GRAPH_APP_ID + "'"));
    assertEquals(200, graph.status());
    JsonNode graphSp = graph.body().get("value").get(0);
    Map<String, String> roleNames = new HashMap<>();
    graphSp.get("appRoles").forEach(r -> roleNames.put(r.get("id").asText(), r.get("value").asText()));
    assertTrue(roleNames.containsValue("Mail.Read") && roleNames.containsValue("MailboxSettings.Read"));

    GraphHttp.Response app = http.get("/servicePrincipals?$filter=" + enc("appId eq '" + READER + "'") + "&$select=id,appId");
    assertEquals(READER_SP, app.body().get("value").get(0).get("id").asText());
    assertEquals(0, http.get("/servicePrincipals?$filter=" + enc("appId eq '99999999-9999-9999-9999-999999999999'"))
        .body().get("value").size());

    GraphHttp.Response grants = http.get("/servicePrincipals/" + READER_SP + "/appRoleAssignments");
    assertEquals(200, grants.status());
    Set<String> names = new java.util.TreeSet<>();
    for (JsonNode a : grants.body().get("value")) {
      assertEquals(graphSp.get("id").asText(), a.get("resourceId").asText());
      names.add(roleNames.get(a.get("appRoleId").asText()));
    }
    assertEquals(Set.of("Mail.Read", "MailboxSettings.Read"), names);
    assertEquals(404, http.get("/servicePrincipals/00000000-0000-0000-0000-0000000000ee/appRoleAssignments").status());
    assertEquals("Reader", http.get("/servicePrincipals/" + READER_SP).body().get("displayName").asText());
  }

  @Test
  void administrativeUnits() {
    GraphHttp.Response unit = http.get("/directory/administrativeUnits/au-1");
    assertEquals(200, unit.status());
    assertEquals("au-1", unit.body().get("id").asText());
    GraphHttp.Response members = http.get("/directory/administrativeUnits/au-1/members");
    assertEquals(List.of(ANN, BOB), members.body().get("value").findValuesAsText("userPrincipalName"));
    assertEquals(404, http.get("/directory/administrativeUnits/au-2").status());
  }

  @Test
  void administrativeUnitMembershipIsWrittenWithReferences() {
    String members = "/directory/administrativeUnits/au-1/members/$ref";
    Map<String, Object> carl = ref(userId(CARL));
    assertEquals(204, http.send("POST", members, carl).status());
    assertEquals(List.of(ANN, BOB, CARL), tenant.administrativeUnitMembers("au-1"));
    GraphHttp.Response again = http.send("POST", members, carl);
    assertEquals(400, again.status());
    assertEquals("Request_BadRequest", again.code());
    assertEquals(DUP_TEXT, again.message());
    // Only references by object id are documented: a UPN in the reference is refused before anything is written.
    GraphHttp.Response byUpn = http.send("POST", members, Map.of("@odata.id", "https://graph.microsoft.com/v1.0/users('" + CARL + "')"));
    assertEquals(400, byUpn.status());
    assertEquals("Request_BadRequest", byUpn.code());
    assertEquals("Invalid object identifier '" + CARL + "'.", byUpn.message());
    assertEquals(404, http.send("POST", "/directory/administrativeUnits/au-2/members/$ref", carl).status());
    GraphHttp.Response nobody = http.send("POST", members, ref("00000000-0000-4000-8000-00000000dead"));
    assertEquals(404, nobody.status());
    assertEquals("Request_ResourceNotFound", nobody.code());

    String carlRef = "/directory/administrativeUnits/au-1/members/" + userId(CARL) + "/$ref";
    assertEquals(204, http.send("DELETE", carlRef, null).status());
    assertEquals(List.of(ANN, BOB), tenant.administrativeUnitMembers("au-1"));
    assertEquals(404, http.send("DELETE", carlRef, null).status(), "not a member any more");
    assertEquals(404, http.send("DELETE", "/directory/administrativeUnits/au-2/members/" + userId(ANN) + "/$ref", null).status());
    assertEquals(5, sim.requestCount("POST /directory/administrativeUnits/{id}/members/$ref"));
    assertEquals(3, sim.requestCount("DELETE /directory/administrativeUnits/{id}/members/{memberId}/$ref"));
    tenant.assertJournal().wrote("AddAdministrativeUnitMembers", "au-1 += https://graph.microsoft.com/v1.0/directoryObjects/" + userId(CARL))
        .wrote("RemoveAdministrativeUnitMembers", "au-1 -= ");

    // The same routes inside $batch: each request answered on its own.
    Map<String, Object> batch = Map.of("requests", List.of(
        Map.of("id", "1", "method", "POST", "url", members, "headers", Map.of("Content-Type", "application/json"), "body", carl),
        Map.of("id", "2", "method", "POST", "url", members, "headers", Map.of("Content-Type", "application/json"),
            "body", Map.of("@odata.id", "https://graph.microsoft.com/v1.0/users/" + ANN)),
        Map.of("id", "3", "method", "DELETE", "url", "/directory/administrativeUnits/au-1/members/" + userId(BOB) + "/$ref")));
    GraphHttp.Response answer = http.send("POST", "/$batch", batch);
    assertEquals(200, answer.status());
    Map<String, Integer> statuses = new java.util.TreeMap<>();
    answer.body().get("responses").forEach(r -> statuses.put(r.get("id").asText(), r.get("status").asInt()));
    assertEquals(Map.of("1", 204, "2", 400, "3", 204), statuses);
    assertEquals(List.of(ANN, CARL), tenant.administrativeUnitMembers("au-1"));
    assertEquals(2, sim.batchedRequestCount("POST /directory/administrativeUnits/{id}/members/$ref"));
  }

  // ------------------------------------------------------------ faults as data

  @Test
  void throttlingTransientFaultsAndReadAfterWriteLag() {
    tenant.faults().on("directory.findUser").throttle(Duration.ofSeconds(7));
    GraphHttp.Response throttled = http.get("/users/" + ANN);
    assertEquals(429, throttled.status());
    assertEquals("7", throttled.header("Retry-After").orElseThrow());
    assertEquals("TooManyRequests", throttled.code());
    assertEquals(200, http.get("/users/" + ANN).status());

    tenant.faults().on("findGroup").unavailable();
    assertEquals(503, http.get("/groups/" + groupId("Sales DL")).status());
    assertEquals(200, http.get("/groups/" + groupId("Sales DL")).status());

    tenant.faults().readAfterWriteLag(1);
    GraphHttp.Response created = http.send("POST", "/groups", Map.of("displayName", "Laggy", "mailNickname", "laggy",
        "mailEnabled", false, "securityEnabled", true));
    assertEquals(201, created.status());
    String id = created.body().get("id").asText();
    assertEquals(404, http.get("/groups/" + id).status(), "a 404 right after a create is lag");
    assertEquals(200, http.get("/groups/" + id).status());

    GraphHttp.Response user = http.send("POST", "/users", Map.of("accountEnabled", true, "displayName", "Lag",
        "mailNickname", "lag", "userPrincipalName", "lag@" + DOMAIN, "passwordProfile", Map.of("password", "p")));
    assertEquals(201, user.status());
    assertEquals(404, http.get("/users/lag%40" + DOMAIN).status());
    assertEquals(200, http.get("/users/lag%40" + DOMAIN).status());

    // A reference to an object created a moment ago misses it too: 404, then 204 on retry.
    GraphHttp.Response fresh = http.send("POST", "/users", Map.of("accountEnabled", true, "displayName", "Fresh",
        "mailNickname", "fresh", "userPrincipalName", "fresh@" + DOMAIN, "passwordProfile", Map.of("password", "p")));
    String team = groupId("Team O'Brien");
    GraphHttp.Response lagging = http.send("POST", "/groups/" + team + "/members/$ref", ref(fresh.body().get("id").asText()));
    assertEquals(404, lagging.status());
    assertEquals("Request_ResourceNotFound", lagging.code());
    assertEquals(204, http.send("POST", "/groups/" + team + "/members/$ref", ref(fresh.body().get("id").asText())).status());
    assertTrue(tenant.journal().stream().anyMatch(e -> e.operation().equals("findUser") && e.outcome().startsWith("Throttled")));
  }

  @Test
  void wireFormsAnSdkSends() {
    GraphHttp.Response filtered = http.get("/groups?%24filter=displayName%20eq%20%27Team%20O%27%27Brien%27&%24select=id,displayName");
    assertEquals(1, filtered.body().get("value").size(), filtered.body().toString());
    assertFalse(filtered.body().get("value").get(0).has("mail"), "$select");
    String team = groupId("Team O'Brien");
    // References by id, in the key-segment and the key-in-parentheses forms; by UPN they are refused (not documented).
    GraphHttp.Response byUpn = http.send("POST", "/groups/" + team + "/members/$ref",
        Map.of("@odata.id", "https://graph.microsoft.com/v1.0/users/" + BOB));
    assertEquals(400, byUpn.status());
    assertEquals("Invalid object identifier '" + BOB + "'.", byUpn.message());
    GraphHttp.Response bindByUpn = http.send("PATCH", "/groups/" + team, Map.of("members@odata.bind",
        List.of("https://graph.microsoft.com/v1.0/users/" + BOB)));
    assertEquals(400, bindByUpn.status());
    assertEquals(Set.of(ANN), Set.copyOf(tenant.members("Team O'Brien")), "nothing written");
    GraphHttp.Response notAUrl = http.send("PATCH", "/groups/" + team, Map.of("members@odata.bind", List.of(userId(BOB))));
    assertEquals(400, notAUrl.status());
    assertEquals("Invalid URL format specified in @odata.bind for members.", notAUrl.message());
    assertEquals(204, http.send("POST", "/groups/" + team + "/members/$ref",
        Map.of("@odata.id", "https://graph.microsoft.com/v1.0/users/" + userId(BOB))).status());
    assertEquals(204, http.send("PATCH", "/groups/" + team, Map.of("members@odata.bind",
        List.of("https://graph.microsoft.com/v1.0/directoryObjects('" + userId(CARL) + "')"))).status());
    assertEquals(Set.of(ANN, BOB, CARL), Set.copyOf(tenant.members("Team O'Brien")));
    GraphHttp.Response paged = http.get("/groups/" + team + "/members?%24top=2");
    assertEquals(2, paged.body().get("value").size());
    GraphHttp.Response rest = http.get(paged.body().get("@odata.nextLink").asText());
    assertEquals(1, rest.body().get("value").size());
    assertFalse(rest.body().has("@odata.nextLink"));
    assertEquals(404, http.get("/users/" + ANN.replace("@", "%40") + "x").status());
  }

  @Test
  void unknownRoutesAndBadPaging() {
    assertEquals(400, http.get("/me").status());
    assertEquals(405, http.send("DELETE", "/users/" + ANN, null).status());
    GraphHttp.Response top = http.get("/groups/" + groupId("Team O'Brien") + "/members?$top=1000");
    assertEquals(400, top.status());
    assertEquals("Request_BadRequest", top.code());
    assertNotEquals("", top.message());
  }
}
