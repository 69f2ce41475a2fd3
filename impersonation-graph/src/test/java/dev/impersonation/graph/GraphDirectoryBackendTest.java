package dev.impersonation.graph;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.impersonation.AccessDeniedException;
import dev.impersonation.GroupKind;
import dev.impersonation.ObjectAlreadyExistsException;
import dev.impersonation.ObjectNotFoundException;
import dev.impersonation.Secret;
import dev.impersonation.TenantException;
import dev.impersonation.ThrottledException;
import dev.impersonation.TransientTenantException;
import dev.impersonation.graph.FakeGraph.Answer;
import dev.impersonation.graph.FakeGraph.Call;
import dev.impersonation.spi.ApplicationPermissionGrant;
import dev.impersonation.spi.Capability;
import dev.impersonation.spi.DirectoryUser;
import dev.impersonation.spi.MailGroup;
import dev.impersonation.spi.Operation;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.stream.IntStream;
import okhttp3.mockwebserver.RecordedRequest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class GraphDirectoryBackendTest {
  static final String GROUP_ID = "0b3e9a4c-1111-4f7e-9d59-1d7e8a1c2b3a";
  FakeGraph graph;
  FakeGraph.RecordingSleeper sleeper;
  GraphDirectoryBackend backend;

  @BeforeEach
  void start() throws Exception {
    graph = new FakeGraph();
    sleeper = new FakeGraph.RecordingSleeper();
    backend = graph.connection().clock(Clock.systemUTC(), sleeper).build().directory();
  }

  @AfterEach
  void stop() throws Exception {
    graph.close();
  }

  static List<String> users(int n) {
    return IntStream.range(0, n).mapToObj(i -> "user" + i + "@contoso.com").toList();
  }

  @Test
  void capabilitiesAreTheDirectoryOnes() {
    assertEquals(EnumSet.of(Capability.DIRECTORY_USERS, Capability.DIRECTORY_GROUPS, Capability.DIRECTORY_APPLICATIONS,
        Capability.EXCHANGE_APPLICATION_RBAC, Capability.DIRECTORY_ADMINISTRATIVE_UNITS),
        backend.capabilities());
  }

  @Test
  void findsAUserByUpnWithAtEncodedOrNot() throws Exception {
    graph.handler = c -> c.path().equals("/v1.0/users/alice@contoso.com")
        ? Answer.ok("{\"id\":\"u1\",\"userPrincipalName\":\"alice@contoso.com\",\"displayName\":\"Alice\",\"usageLocation\":\"US\","
            + "\"assignedLicenses\":[{\"skuId\":\"6fd2c87f-b296-42f0-b197-1e91e994b900\",\"disabledPlans\":[]}]}")
        : Answer.error(404, "Request_ResourceNotFound", "Resource does not exist.");
    DirectoryUser u = backend.findUser("alice@contoso.com").orElseThrow();
    assertEquals(new DirectoryUser("u1", "alice@contoso.com", "Alice", "US", List.of("6fd2c87f-b296-42f0-b197-1e91e994b900")), u);
    RecordedRequest r = graph.httpRequests.get(0);
    String raw = r.getRequestUrl().encodedPath();
    assertTrue(raw.equals("/v1.0/users/alice%40contoso.com") || raw.equals("/v1.0/users/alice@contoso.com"), raw);
    assertEquals("Bearer " + FakeGraph.TOKEN, r.getHeader("Authorization"));
    assertEquals(List.of("https://graph.microsoft.com/.default"), graph.scopes.stream().distinct().toList());
  }

  @Test
  void aMissingUserIsEmptyAfterTheMailLookup() {
    graph.handler = c -> c.path().equals("/v1.0/users") ? Answer.ok("{\"value\":[]}")
        : Answer.error(404, "Request_ResourceNotFound", "Resource 'nobody@contoso.com' does not exist.");
    assertEquals(Optional.empty(), backend.findUser("nobody@contoso.com"));
    assertEquals(2, graph.requestCount());
    assertTrue(graph.calls.get(1).query().contains("$filter=mail eq 'nobody@contoso.com'"), graph.calls.get(1).query());
  }

  @Test
  void groupShapesMapToKinds() {
    graph.handler = c -> {
      String q = c.query();
      String shape = q.contains("'M365'") ? "\"groupTypes\":[\"Unified\"],\"mailEnabled\":true,\"securityEnabled\":false"
          : q.contains("'Sec'") ? "\"groupTypes\":[],\"mailEnabled\":false,\"securityEnabled\":true"
          : q.contains("'DL'") ? "\"groupTypes\":[],\"mailEnabled\":true,\"securityEnabled\":false"
          : "\"groupTypes\":[],\"mailEnabled\":true,\"securityEnabled\":true";
      return Answer.ok("{\"value\":[{\"id\":\"" + GROUP_ID + "\",\"displayName\":\"x\",\"mail\":\"x@contoso.com\","
          + "\"owners\":[{\"@odata.type\":\"#microsoft.graph.user\",\"id\":\"o1\",\"userPrincipalName\":\"owner@contoso.com\"}]," + shape + "}]}");
    };
    assertEquals(GroupKind.MICROSOFT_365, backend.findGroup("M365").orElseThrow().kind());
    assertEquals(GroupKind.SECURITY, backend.findGroup("Sec").orElseThrow().kind());
    assertEquals(GroupKind.DISTRIBUTION, backend.findGroup("DL").orElseThrow().kind());
    MailGroup mesg = backend.findGroup("MESG").orElseThrow();
    assertEquals(GroupKind.MAIL_ENABLED_SECURITY, mesg.kind());
    assertEquals(List.of("owner@contoso.com"), mesg.managedBy());
    assertEquals(GROUP_ID, mesg.id());
  }

  @Test
  void groupFilterDoublesQuotes() {
    graph.handler = c -> Answer.ok("{\"value\":[]}");
    assertEquals(Optional.empty(), backend.findGroup("O'Brien's team"));
    assertTrue(graph.calls.get(0).query().contains("$filter=displayName eq 'O''Brien''s team'"), graph.calls.get(0).query());
  }

  @Test
  void membersArePagedAt999OverAbsoluteNextLinks() {
    String base = graph.baseUrl();
    graph.handler = c -> {
      String q = c.query() == null ? "" : c.query();
      if (q.contains("$skiptoken=p3")) {
        return Answer.ok("{\"value\":[{\"@odata.type\":\"#microsoft.graph.user\",\"id\":\"5\",\"userPrincipalName\":\"e@contoso.com\"}]}");
      }
      if (q.contains("$skiptoken=p2")) {
        return Answer.ok("{\"value\":[{\"@odata.type\":\"#microsoft.graph.user\",\"id\":\"3\",\"userPrincipalName\":\"c@contoso.com\"},"
            + "{\"@odata.type\":\"#microsoft.graph.group\",\"id\":\"4\",\"mail\":\"nested@contoso.com\"}],"
            + "\"@odata.nextLink\":\"" + base + "/groups/" + GROUP_ID + "/members?$top=999&$skiptoken=p3\"}");
      }
      return Answer.ok("{\"value\":[{\"@odata.type\":\"#microsoft.graph.user\",\"id\":\"1\",\"userPrincipalName\":\"a@contoso.com\"},"
          + "{\"@odata.type\":\"#microsoft.graph.user\",\"id\":\"2\",\"userPrincipalName\":\"b@contoso.com\"}],"
          + "\"@odata.nextLink\":\"" + base + "/groups/" + GROUP_ID + "/members?$top=999&$skiptoken=p2\"}");
    };
    assertEquals(List.of("a@contoso.com", "b@contoso.com", "c@contoso.com", "nested@contoso.com", "e@contoso.com"),
        backend.groupMembers(GROUP_ID));
    assertEquals(3, graph.requestCount());
    assertTrue(graph.calls.get(0).query().contains("$top=999"), graph.calls.get(0).query());
    assertEquals(3, backend.requestCount());
  }

  @Test
  void adding45MembersIsOneBatchOfThreeChunks() {
    graph.handler = c -> Answer.noContent();
    graph.planRead(backend, users(45));
    long before = backend.requestCount();
    backend.execute(new Operation.AddGroupMembers(GROUP_ID, GroupKind.SECURITY, users(45)));
    assertEquals(1, graph.requestCount(), "one $batch request: the plan's read told the ids");
    assertEquals("/v1.0/$batch", graph.httpRequests.get(0).getPath());
    assertEquals(List.of(), graph.idLookups);
    List<Integer> sizes = new ArrayList<>();
    for (Call c : graph.calls) {
      assertEquals("PATCH", c.method());
      assertEquals("/v1.0/groups/" + GROUP_ID, c.path());
      JsonNode refs = c.body().path("members@odata.bind");
      sizes.add(refs.size());
      assertTrue(refs.get(0).asText().startsWith(graph.baseUrl() + "/directoryObjects/"), refs.get(0).asText());
    }
    assertEquals(List.of(20, 20, 5), sizes);
    assertEquals(graph.ref("user0@contoso.com"), graph.calls.get(0).body().path("members@odata.bind").get(0).asText());
    assertEquals(1, backend.requestCount() - before);
    assertEquals(0, backend.idLookupRequestCount());
  }

  @Test
  void membersNoReadToldAreLookedUpInBatchesFirstAndCountedApart() {
    graph.handler = c -> Answer.noContent();
    backend.execute(new Operation.AddGroupMembers(GROUP_ID, GroupKind.SECURITY, users(45)));
    assertEquals(45, graph.idLookups.size());
    assertEquals(4, graph.requestCount(), "3 $batch look-ups of 20 ids, then 1 $batch of 3 chunks");
    assertEquals(3, backend.idLookupRequestCount());
    assertEquals(4, backend.requestCount());
    assertTrue(graph.calls.stream().allMatch(c -> c.method().equals("PATCH")), graph.calls.toString());
    graph.calls.forEach(c -> c.body().path("members@odata.bind").forEach(r -> assertTrue(
        r.asText().startsWith(graph.baseUrl() + "/directoryObjects/"), r.asText())));
  }

  @Test
  void aNameThatIsNoUserFailsBeforeAnythingIsWritten() {
    graph.handler = c -> Answer.noContent();
    ObjectNotFoundException e = assertThrows(ObjectNotFoundException.class, () -> backend.execute(new Operation.AddGroupMembers(
        GROUP_ID, GroupKind.SECURITY, List.of("user1@contoso.com", "nobody@contoso.com", "missing@contoso.com"))));
    assertEquals("nobody@contoso.com", e.identity());
    assertTrue(e.getMessage().contains("[nobody@contoso.com, missing@contoso.com]"), e.getMessage());
    assertTrue(graph.calls.stream().noneMatch(c -> c.method().equals("PATCH") || c.method().equals("POST")),
        "nothing written: " + graph.calls);
  }

  @Test
  void aChunkWhoseMembersAlreadyExistFallsBackToSingleReferences() {
    List<String> members = users(45);
    graph.handler = c -> {
      if (c.method().equals("PATCH") && c.body().path("members@odata.bind").toString().contains(FakeGraph.idOf("user20@contoso.com"))) {
        return Answer.error(400, "Request_BadRequest",
            "One or more added object references already exist for the following modified properties: 'members'.");
      }
      if (c.method().equals("POST") && c.body().path("@odata.id").asText().equals(graph.ref("user25@contoso.com"))) {
        return Answer.error(400, "Request_BadRequest",
            "One or more added object references already exist for the following modified properties: 'members'.");
      }
      return Answer.noContent();
    };
    graph.planRead(backend, members);
    backend.execute(new Operation.AddGroupMembers(GROUP_ID, GroupKind.MICROSOFT_365, members));
    assertEquals(2, graph.requestCount(), "the batch, then one batch of 20 single $ref POSTs");
    List<Call> singles = graph.calls.stream().filter(c -> c.method().equals("POST")).toList();
    assertEquals(20, singles.size());
    assertTrue(singles.stream().allMatch(c -> c.path().equals("/v1.0/groups/" + GROUP_ID + "/members/$ref")));
  }

  @Test
  void anInnerThrottledRequestIsRetriedAlone() {
    int[] seen = {0};
    graph.handler = c -> {
      if (c.body().path("members@odata.bind").toString().contains(FakeGraph.idOf("user0@contoso.com")) && seen[0]++ == 0) {
        return Answer.throttled("7");
      }
      return Answer.noContent();
    };
    graph.planRead(backend, users(45));
    backend.execute(new Operation.AddGroupMembers(GROUP_ID, GroupKind.SECURITY, users(45)));
    assertEquals(2, graph.requestCount());
    assertEquals(4, graph.calls.size(), "3 steps, then the throttled one alone");
    assertEquals(List.of(Duration.ofSeconds(7)), sleeper.waits);
  }

  @Test
  void aThousandMembersTakeThreeBatchRequests() {
    graph.handler = c -> Answer.noContent();
    graph.planRead(backend, users(1000));
    backend.execute(new Operation.AddGroupMembers(GROUP_ID, GroupKind.SECURITY, users(1000)));
    assertEquals(3, graph.requestCount());
    assertEquals(50, graph.calls.size());
    assertEquals(0, backend.idLookupRequestCount());
  }

  @Test
  void thePlansBulkReadOfAThousandUsersIsFourRequests() {
    graph.handler = c -> FakeGraph.usersIn(c) != null ? FakeGraph.usersIn(c) : Answer.noContent();
    java.util.Map<String, Optional<DirectoryUser>> found = backend.findUsers(users(1000));
    assertEquals(4, graph.requestCount(), "1,000 names, 15 per userPrincipalName in (...), 20 such reads per $batch");
    assertEquals(1000, found.size());
    assertEquals(FakeGraph.idOf("user999@contoso.com"), found.get("user999@contoso.com").orElseThrow().id());
    // Without the plan's read, the same adds cost 50 look-ups (reported apart) and 3 writes.
    GraphDirectoryBackend cold = graph.connection().clock(Clock.systemUTC(), sleeper).build().directory();
    graph.httpRequests.clear();
    cold.execute(new Operation.AddGroupMembers(GROUP_ID, GroupKind.SECURITY, users(1000)));
    assertEquals(53, graph.requestCount());
    assertEquals(50, cold.idLookupRequestCount());
  }

  @Test
  void aUserTheDirectoryDoesNotKnowByUpnIsFoundByMailInTheBulkRead() {
    graph.handler = c -> {
      if (c.path().endsWith("/users/alias@contoso.com")) {
        return Answer.error(404, "Request_ResourceNotFound", "Resource 'alias@contoso.com' does not exist.");
      }
      if (c.path().equals("/v1.0/users") && c.query().contains("mail eq 'alias@contoso.com'")) {
        return Answer.ok("{\"value\":[" + FakeGraph.userJson("real@contoso.com") + "]}");
      }
      if (c.path().endsWith("/users/gone@contoso.com")) {
        return Answer.error(404, "Request_ResourceNotFound", "Resource 'gone@contoso.com' does not exist.");
      }
      if (c.path().equals("/v1.0/users")) {
        return Answer.ok("{\"value\":[]}");
      }
      return Answer.ok(FakeGraph.userJson(c.path().substring(c.path().lastIndexOf('/') + 1)));
    };
    java.util.Map<String, Optional<DirectoryUser>> found = backend.findUsers(List.of("a@contoso.com", "alias@contoso.com", "gone@contoso.com"));
    assertEquals("real@contoso.com", found.get("alias@contoso.com").orElseThrow().userPrincipalName());
    assertEquals(Optional.empty(), found.get("gone@contoso.com"));
    // The alias's id is known: adding it needs no look-up.
    graph.handler = c -> Answer.noContent();
    backend.execute(new Operation.AddGroupMembers(GROUP_ID, GroupKind.SECURITY, List.of("alias@contoso.com")));
    assertEquals(0, backend.idLookupRequestCount());
    assertEquals(graph.ref("real@contoso.com"), graph.calls.get(graph.calls.size() - 1).body().path("members@odata.bind").get(0).asText());
    graph.handler = c -> Answer.error(503, "serviceNotAvailable", "busy");
    assertThrows(TransientTenantException.class, () -> backend.findUsers(List.of("b@contoso.com")), "a failed read throws, never absent");
  }

  @Test
  void aThousandMembersOfAGroupGivenByNameTakeOneMoreRequest() {
    graph.handler = c -> c.method().equals("GET")
        ? Answer.ok("{\"value\":[{\"id\":\"" + GROUP_ID + "\",\"displayName\":\"Scope\",\"groupTypes\":[],\"mailEnabled\":false,\"securityEnabled\":true}]}")
        : Answer.noContent();
    graph.planRead(backend, users(1000));
    backend.execute(new Operation.AddGroupMembers("Scope", GroupKind.SECURITY, users(1000)));
    assertEquals(4, graph.requestCount());
  }

  @Test
  void distributionGroupWritesAreRefusedWithGraphsText() {
    TenantException e = assertThrows(TenantException.class,
        () -> backend.execute(new Operation.AddGroupMembers("Sales", GroupKind.DISTRIBUTION, users(2))));
    assertTrue(e.getMessage().contains("Cannot Create (or Update) a mail-enabled security groups and or distribution list."), e.getMessage());
    assertThrows(TenantException.class, () -> backend.execute(new Operation.CreateDirectoryGroup("RL", GroupKind.ROOM_LIST, "rl", List.of(), "")));
    assertEquals(0, graph.requestCount());
    // A group found by name with a DL shape is refused too, after the look-up only.
    graph.handler = c -> Answer.ok("{\"value\":[{\"id\":\"" + GROUP_ID + "\",\"displayName\":\"Sales\",\"groupTypes\":[],"
        + "\"mailEnabled\":true,\"securityEnabled\":true}]}");
    TenantException mesg = assertThrows(TenantException.class,
        () -> backend.execute(new Operation.AddGroupMembers("Sales", GroupKind.SECURITY, users(2))));
    assertTrue(mesg.getMessage().contains("Cannot Create (or Update)"), mesg.getMessage());
    assertEquals(1, graph.requestCount());
  }

  @Test
  void errorsBecomeTypedExceptions() {
    graph.handler = c -> Answer.error(404, "Request_ResourceNotFound", "Resource '" + GROUP_ID + "' does not exist.");
    ObjectNotFoundException nf = assertThrows(ObjectNotFoundException.class, () -> backend.groupMembers(GROUP_ID));
    assertEquals(GROUP_ID, nf.identity());
    graph.handler = c -> Answer.error(403, "Authorization_RequestDenied", "Insufficient privileges to complete the operation.");
    assertThrows(AccessDeniedException.class, () -> backend.findServicePrincipal("00000000-0000-0000-0000-000000000001"));
    graph.handler = c -> Answer.error(401, "InvalidAuthenticationToken", "Access token is empty.");
    assertThrows(AccessDeniedException.class, () -> backend.findGroup("x"));
    graph.handler = c -> Answer.error(503, "serviceNotAvailable", "Service unavailable.");
    assertThrows(TransientTenantException.class, () -> backend.findGroup("x"));
    graph.handler = c -> Answer.error(400, "Request_BadRequest",
        "One or more added object references already exist for the following modified properties: 'members'.");
    ObjectAlreadyExistsException ae = assertThrows(ObjectAlreadyExistsException.class,
        () -> backend.execute(new Operation.CreateDirectoryGroup("G", GroupKind.SECURITY, "g", List.of(), "owned")));
    assertEquals("G", ae.identity());
    graph.handler = c -> Answer.error(400, "Request_BadRequest",
        "One or more added object references already exist for the following modified properties: 'owners'.");
    backend.execute(new Operation.SetGroup(GROUP_ID, GroupKind.SECURITY, List.of("owner@contoso.com"), true, false));
    graph.handler = c -> Answer.error(404, "Request_ResourceNotFound", "Resource does not exist.");
    assertEquals(Optional.empty(), backend.administrativeUnitMembers("11111111-2222-3333-4444-555555555555"));
  }

  @Test
  void theSdkRetryHandlerIsOff() {
    graph.handler = c -> Answer.throttled("30");
    ThrottledException e = assertThrows(ThrottledException.class, () -> backend.findGroup("x"));
    assertEquals(Optional.of(Duration.ofSeconds(30)), e.retryAfter());
    assertEquals(1, graph.requestCount(), "no retry by the SDK");
    graph.handler = c -> Answer.error(503, "serviceNotAvailable", "busy");
    assertThrows(TransientTenantException.class, () -> backend.findGroup("x"));
    assertEquals(2, graph.requestCount());
  }

  @Test
  void createsALicensedServiceAccountWithoutLeakingThePassword() {
    String password = "Pw-Very-Secret-4711";
    graph.handler = c -> c.path().equals("/v1.0/users") ? new Answer(201, "{\"id\":\"new-id\",\"userPrincipalName\":\"svc@contoso.com\"}", null)
        : Answer.noContent();
    Operation.CreateServiceAccount op = new Operation.CreateServiceAccount("svc@contoso.com", "Svc", "US",
        Optional.of("6fd2c87f-b296-42f0-b197-1e91e994b900"), Secret.of(password));
    backend.execute(op);
    Call create = graph.calls.get(0);
    assertEquals(password, create.body().path("passwordProfile").path("password").asText());
    assertEquals("US", create.body().path("usageLocation").asText());
    assertTrue(create.body().path("accountEnabled").asBoolean());
    Call license = graph.calls.get(1);
    assertEquals("/v1.0/users/new-id/assignLicense", license.path());
    assertEquals("6fd2c87f-b296-42f0-b197-1e91e994b900", license.body().path("addLicenses").get(0).path("skuId").asText());
    assertFalse(op.toString().contains(password));

    graph.handler = c -> Answer.error(500, "Request_UnknownError", "Something went wrong.");
    TenantException e = assertThrows(TenantException.class, () -> backend.execute(op));
    assertFalse(e.getMessage().contains(password), e.getMessage());
    assertFalse(e.getMessage().contains(FakeGraph.TOKEN), e.getMessage());
    for (Throwable t = e; t != null; t = t.getCause()) {
      assertFalse(String.valueOf(t.getMessage()).contains(password));
    }
    GraphConnection connection = graph.connection().build();
    assertFalse(connection.toString().contains(FakeGraph.TOKEN), connection.toString());
    assertFalse(backend.toString().contains(FakeGraph.TOKEN));
  }

  @Test
  void createsGroupsOfTheRightShapeWithOwners() {
    graph.handler = c -> new Answer(201, "{\"id\":\"" + GROUP_ID + "\"}", null);
    backend.execute(new Operation.CreateDirectoryGroup("Team", GroupKind.MICROSOFT_365, "team", List.of("owner@contoso.com"), "owned-by-x"));
    backend.execute(new Operation.CreateDirectoryGroup("Sec", GroupKind.SECURITY, "sec", List.of(), "owned-by-x"));
    JsonNode m365 = graph.calls.stream().filter(c -> c.path().equals("/v1.0/groups")).findFirst().orElseThrow().body();
    assertEquals(List.of("owner@contoso.com"), graph.idLookups, "the owner's id looked up first");
    assertEquals("[\"Unified\"]", m365.path("groupTypes").toString());
    assertTrue(m365.path("mailEnabled").asBoolean());
    assertFalse(m365.path("securityEnabled").asBoolean());
    assertEquals(graph.ref("owner@contoso.com"), m365.path("owners@odata.bind").get(0).asText());
    JsonNode sec = graph.calls.get(graph.calls.size() - 1).body();
    assertFalse(sec.path("mailEnabled").asBoolean());
    assertTrue(sec.path("securityEnabled").asBoolean());
    assertTrue(sec.path("owners@odata.bind").isMissingNode());
  }

  @Test
  void removesMembersByReference() {
    graph.handler = c -> Answer.noContent();
    backend.execute(new Operation.RemoveGroupMembers(GROUP_ID, GroupKind.SECURITY, List.of("a@contoso.com")));
    assertEquals(List.of("a@contoso.com"), graph.idLookups);
    assertEquals("DELETE", graph.calls.get(0).method());
    assertEquals("/v1.0/groups/" + GROUP_ID + "/members/" + FakeGraph.idOf("a@contoso.com") + "/$ref", graph.calls.get(0).path());
  }

  @Test
  void removalsAreBatchedAndMissingUsersOrMembersAreAlreadyGone() {
    graph.handler = c -> c.path().contains(FakeGraph.idOf("user9@contoso.com"))
        ? Answer.error(404, "Request_ResourceNotFound", "Resource does not exist.") : Answer.noContent();
    List<String> members = new ArrayList<>(users(44));
    members.add(7, "nobody7@contoso.com");
    backend.execute(new Operation.RemoveGroupMembers(GROUP_ID, GroupKind.SECURITY, members));
    // 45 look-ups in 3 batches, nobody7 then tried as a mail address (1), 44 deletes in 3 batches; user9's 404 means
    // already removed.
    assertEquals(7, graph.requestCount());
    assertEquals(44, graph.calls.stream().filter(c -> c.method().equals("DELETE")).count());
    assertTrue(graph.calls.stream().filter(c -> c.method().equals("DELETE")).allMatch(Call::inBatch), graph.calls.toString());
    assertEquals(400, backend.maxMembersPerWrite());
  }

  @Test
  void permissionGrantsAreNamedFromTheResourceAppRoles() {
    String role = "e2a3a72e-5f79-4c64-b1b1-878b674786c9";
    String resource = "9f2c9a4e-0000-4000-8000-000000000abc";
    graph.handler = c -> c.path().endsWith("/appRoleAssignments")
        ? Answer.ok("{\"value\":[{\"id\":\"a1\",\"appRoleId\":\"" + role + "\",\"resourceId\":\"" + resource + "\",\"resourceDisplayName\":\"Microsoft Graph\"}]}")
        : Answer.ok("{\"id\":\"" + resource + "\",\"displayName\":\"Microsoft Graph\",\"appRoles\":[{\"id\":\"" + role
            + "\",\"value\":\"Mail.ReadWrite\",\"allowedMemberTypes\":[\"Application\"]}]}");
    assertEquals(List.of(new ApplicationPermissionGrant("Microsoft Graph", "Mail.ReadWrite")),
        backend.applicationPermissionGrants("5d1c0000-0000-4000-8000-000000000001"));
    assertEquals(2, graph.requestCount());
  }

  @Test
  void findsAServicePrincipalByAppId() {
    graph.handler = c -> Answer.ok("{\"value\":[{\"id\":\"sp-1\",\"appId\":\"00000000-0000-0000-0000-000000000001\",\"displayName\":\"Vendor\"}]}");
    assertEquals("sp-1", backend.findServicePrincipal("00000000-0000-0000-0000-000000000001").orElseThrow().objectId());
    assertTrue(graph.calls.get(0).query().contains("$filter=appId eq '00000000-0000-0000-0000-000000000001'"));
  }

  @Test
  void persistentInnerThrottlingSurfacesAsThrottledAfterThreeRetries() {
    graph.handler = c -> Answer.throttled("12");
    ThrottledException e = assertThrows(ThrottledException.class,
        () -> backend.execute(new Operation.AddGroupMembers(GROUP_ID, GroupKind.SECURITY, users(3))));
    assertEquals(Optional.of(Duration.ofSeconds(12)), e.retryAfter());
    assertEquals(5, graph.requestCount(), "the id look-up, the batch and three retries of the throttled step");
    assertEquals(List.of(Duration.ofSeconds(12), Duration.ofSeconds(12), Duration.ofSeconds(12)), sleeper.waits);
  }

  @Test
  void aThrottledBatchRequestIsAThrottledException() {
    graph.handler = c -> Answer.noContent();
    graph.server.setDispatcher(new okhttp3.mockwebserver.Dispatcher() {
      @Override
      public okhttp3.mockwebserver.MockResponse dispatch(RecordedRequest r) {
        graph.httpRequests.add(r);
        return new okhttp3.mockwebserver.MockResponse().setResponseCode(429).setHeader("Retry-After", "9")
            .setHeader("Content-Type", "application/json")
            .setBody("{\"error\":{\"code\":\"TooManyRequests\",\"message\":\"Too many requests.\"}}");
      }
    });
    ThrottledException e = assertThrows(ThrottledException.class,
        () -> backend.execute(new Operation.AddGroupMembers(GROUP_ID, GroupKind.SECURITY, users(3))));
    assertEquals(Optional.of(Duration.ofSeconds(9)), e.retryAfter());
    assertEquals(1, graph.requestCount());
  }

  @Test
  void referencesEncodeCharactersAUpnMayHold() {
    graph.handler = c -> Answer.noContent();
    backend.execute(new Operation.AddGroupMembers(GROUP_ID, GroupKind.SECURITY,
        List.of("o'brien#1@contoso.com", "6a7b8c9d-0000-4000-8000-000000000001")));
    // The UPN travels once, in the look-up's path (encoded by the SDK); the reference carries only the id.
    assertEquals(List.of("o'brien#1@contoso.com"), graph.idLookups);
    JsonNode refs = graph.calls.get(0).body().path("members@odata.bind");
    assertEquals(graph.ref("o'brien#1@contoso.com"), refs.get(0).asText());
    assertEquals(graph.baseUrl() + "/directoryObjects/6a7b8c9d-0000-4000-8000-000000000001", refs.get(1).asText());
  }

  @Test
  void tokensGoOnlyToAllowedHosts() {
    // A nextLink to another host name (127.0.0.1 is not "localhost") is followed without the token.
    String foreign = "http://127.0.0.1:" + graph.server.getPort() + "/v1.0/groups/" + GROUP_ID + "/members?$skiptoken=p2";
    graph.handler = c -> c.query() != null && c.query().contains("p2") ? Answer.ok("{\"value\":[]}")
        : Answer.ok("{\"value\":[],\"@odata.nextLink\":\"" + foreign + "\"}");
    backend.groupMembers(GROUP_ID);
    assertEquals(2, graph.requestCount());
    assertEquals("Bearer " + FakeGraph.TOKEN, graph.httpRequests.get(0).getHeader("Authorization"));
    assertEquals(null, graph.httpRequests.get(1).getHeader("Authorization"));
  }

  @Test
  void aMissingMemberInsideTheBatchIsObjectNotFound() {
    graph.handler = c -> {
      if (c.method().equals("PATCH")) {
        return Answer.error(400, "Request_BadRequest",
            "One or more added object references already exist for the following modified properties: 'members'.");
      }
      return c.body().path("@odata.id").asText().equals(graph.ref("user1@contoso.com"))
          ? Answer.error(404, "Request_ResourceNotFound", "Resource 'user1@contoso.com' does not exist.")
          : Answer.noContent();
    };
    ObjectNotFoundException e = assertThrows(ObjectNotFoundException.class,
        () -> backend.execute(new Operation.AddGroupMembers(GROUP_ID, GroupKind.SECURITY, users(3))));
    assertEquals("user1@contoso.com", e.identity(), "named as given, not by its id");
    assertEquals(3, graph.requestCount(), "the id look-up, the chunk, the singles");
  }

  @Test
  void memberEntriesTellGroupsFromUsersByTheirODataType() {
    graph.handler = c -> Answer.ok("{\"value\":[{\"@odata.type\":\"#microsoft.graph.user\",\"id\":\"11111111-1111-4111-8111-111111111111\","
        + "\"userPrincipalName\":\"a@contoso.com\"},{\"@odata.type\":\"#microsoft.graph.group\",\"id\":\"22222222-2222-4222-8222-222222222222\","
        + "\"mail\":\"nested@contoso.com\"}]}");
    List<dev.impersonation.spi.GroupMember> entries = backend.groupMemberEntries(GROUP_ID);
    assertEquals(List.of(new dev.impersonation.spi.GroupMember("11111111-1111-4111-8111-111111111111", "a@contoso.com", false),
        new dev.impersonation.spi.GroupMember("22222222-2222-4222-8222-222222222222", "nested@contoso.com", true)), entries);
    assertTrue(graph.calls.get(0).query().contains("$top=999"), graph.calls.get(0).query());
  }
}
