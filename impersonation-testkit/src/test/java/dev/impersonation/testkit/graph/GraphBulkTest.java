package dev.impersonation.testkit.graph;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.impersonation.testkit.FakeTenant;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Paging, {@code $batch} and the request count of bulk membership (docs/graph.md). */
class GraphBulkTest {
  static final String DOMAIN = "contoso.onmicrosoft.com";

  GraphSimulator sim;

  @AfterEach
  void stop() {
    if (sim != null) {
      sim.close();
    }
  }

  static String upn(int i) {
    return String.format("member%04d@%s", i, DOMAIN);
  }

  static FakeTenant tenantWithUsers(int users, String groupName, int members) {
    FakeTenant.Builder b = FakeTenant.exchangeOnline(DOMAIN);
    String[] m = new String[members];
    for (int i = 0; i < users; i++) {
      b.userWithoutMailbox(upn(i));
      if (i < members) {
        m[i] = upn(i);
      }
    }
    return b.microsoft365Group(groupName, m).build();
  }

  @Test
  void paging2500MembersAtTop999GivesThreePagesWithDistinctAbsoluteNextLinks() {
    FakeTenant tenant = tenantWithUsers(2500, "Big", 2500);
    sim = GraphSimulator.start(tenant);
    GraphHttp http = new GraphHttp(sim, "t");
    String id = tenant.group("Big").orElseThrow().id();
    List<String> links = new ArrayList<>();
    Set<String> seen = new HashSet<>();
    String next = sim.graphUrl() + "/groups/" + id + "/members?$top=999&$select=id";
    int pages = 0;
    while (next != null) {
      GraphHttp.Response page = http.get(next);
      assertEquals(200, page.status(), page.body().toString());
      pages++;
      for (JsonNode m : page.body().get("value")) {
        assertTrue(seen.add(m.get("id").asText()), "no member twice");
      }
      next = page.body().hasNonNull("@odata.nextLink") ? page.body().get("@odata.nextLink").asText() : null;
      if (next != null) {
        assertTrue(next.startsWith(sim.graphUrl() + "/groups/" + id + "/members?"), next);
        links.add(next);
      }
    }
    assertEquals(3, pages);
    assertEquals(2500, seen.size());
    assertEquals(2, new HashSet<>(links).size(), "distinct nextLinks " + links);
    assertEquals(3, sim.requestCount("GET /groups/{id}/members"));

    // $ref paging and the default page size of 100.
    GraphHttp.Response refs = http.get("/groups/" + id + "/members/$ref");
    assertEquals(100, refs.body().get("value").size());
    assertTrue(refs.body().get("@odata.nextLink").asText().startsWith("http://localhost:" + sim.port() + "/v1.0/groups/" + id
        + "/members/$ref?$top=100&$skiptoken="));
  }

  static Map<String, Object> patchBind(int id, String groupId, List<String> userIds) {
    List<String> refs = userIds.stream().map(u -> "https://graph.microsoft.com/v1.0/directoryObjects/" + u).toList();
    Map<String, Object> r = new LinkedHashMap<>();
    r.put("id", String.valueOf(id));
    r.put("method", "PATCH");
    r.put("url", "/groups/" + groupId);
    r.put("headers", Map.of("Content-Type", "application/json"));
    r.put("body", Map.of("members@odata.bind", refs));
    return r;
  }

  static Map<String, Object> postRef(int id, String groupId, String userId) {
    Map<String, Object> r = new LinkedHashMap<>();
    r.put("id", String.valueOf(id));
    r.put("method", "POST");
    r.put("url", "/groups/" + groupId + "/members/$ref");
    r.put("headers", Map.of("Content-Type", "application/json"));
    r.put("body", Map.of("@odata.id", "https://graph.microsoft.com/v1.0/directoryObjects/" + userId));
    return r;
  }

  @Test
  void batchOf20IsAnsweredAnd21IsRefused() {
    FakeTenant tenant = tenantWithUsers(21, "Team", 0);
    sim = GraphSimulator.start(tenant);
    GraphHttp http = new GraphHttp(sim, "t");
    String gid = tenant.group("Team").orElseThrow().id();
    List<Map<String, Object>> requests = new ArrayList<>();
    for (int i = 0; i < 21; i++) {
      requests.add(postRef(i + 1, gid, tenant.directoryUser(upn(i)).orElseThrow().id()));
    }
    GraphHttp.Response refused = http.send("POST", "/$batch", Map.of("requests", requests));
    assertEquals(400, refused.status());
    assertEquals("BadRequest", refused.code());
    assertTrue(tenant.members("Team").isEmpty(), "nothing of a refused batch runs");

    GraphHttp.Response ok = http.send("POST", "/$batch", Map.of("requests", requests.subList(0, 20)));
    assertEquals(200, ok.status(), ok.body().toString());
    assertEquals(20, ok.body().get("responses").size());
    ok.body().get("responses").forEach(r -> assertEquals(204, r.get("status").asInt(), r.toString()));
    assertEquals(20, tenant.members("Team").size());

    // Inner requests answer with their own status and body: a duplicate, a read, a missing group.
    List<Map<String, Object>> mixed = new ArrayList<>();
    mixed.add(postRef(1, gid, tenant.directoryUser(upn(0)).orElseThrow().id()));
    mixed.add(Map.of("id", "2", "method", "GET", "url", "/users/" + upn(3).replace("@", "%40")));
    mixed.add(Map.of("id", "3", "method", "GET", "url", "https://graph.microsoft.com/v1.0/groups/00000000-0000-0000-0000-0000000000ff"));
    GraphHttp.Response answers = http.send("POST", "/$batch", Map.of("requests", mixed));
    JsonNode r = answers.body().get("responses");
    assertEquals(400, r.get(0).get("status").asInt());
    assertEquals("One or more added object references already exist for the following modified properties: 'members'.",
        r.get(0).get("body").get("error").get("message").asText());
    assertEquals(200, r.get(1).get("status").asInt());
    assertEquals(upn(3), r.get(1).get("body").get("userPrincipalName").asText());
    assertEquals(404, r.get(2).get("status").asInt());
    assertEquals("Request_ResourceNotFound", r.get(2).get("body").get("error").get("code").asText());
    assertEquals(3, sim.requestCount("POST /$batch"));
    GraphSimulator.Request last = sim.requests().get(sim.requests().size() - 1);
    assertEquals("/groups/00000000-0000-0000-0000-0000000000ff", last.path());
    assertEquals("GET /groups/{id}", last.route());
    assertEquals("3", last.batchRequestId().orElseThrow());
    assertEquals(21, sim.batchedRequestCount("POST /groups/{id}/members/$ref"));
  }

  @Test
  void anInnerRequestIsThrottledWithRetryAfterWhileItsSiblingsSucceed() {
    FakeTenant tenant = tenantWithUsers(5, "Team", 0);
    sim = GraphSimulator.start(tenant);
    GraphHttp http = new GraphHttp(sim, "t");
    String gid = tenant.group("Team").orElseThrow().id();
    tenant.faults().on("directory.AddGroupMembers").onCall(3).throttle(Duration.ofSeconds(11));
    List<Map<String, Object>> requests = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      requests.add(postRef(i + 1, gid, tenant.directoryUser(upn(i)).orElseThrow().id()));
    }
    GraphHttp.Response batch = http.send("POST", "/$batch", Map.of("requests", requests));
    assertEquals(200, batch.status());
    List<Integer> statuses = new ArrayList<>();
    batch.body().get("responses").forEach(r -> statuses.add(r.get("status").asInt()));
    assertEquals(List.of(204, 204, 429, 204, 204), statuses);
    JsonNode throttled = batch.body().get("responses").get(2);
    assertEquals("11", throttled.get("headers").get("Retry-After").asText());
    assertEquals("TooManyRequests", throttled.get("body").get("error").get("code").asText());
    assertEquals(4, tenant.members("Team").size());
    assertFalse(tenant.members("Team").contains(upn(2)));

    // The client retries only the throttled one.
    GraphHttp.Response retry = http.send("POST", "/$batch", Map.of("requests", List.of(requests.get(2))));
    assertEquals(204, retry.body().get("responses").get(0).get("status").asInt());
    assertEquals(5, tenant.members("Team").size());
  }

  /**
   * The measurement: adding 1,000 members takes 50 {@code members@odata.bind} chunks of 20, carried by 3 {@code $batch}
   * calls (20 + 20 + 10): 3 HTTP requests.
   */
  @Test
  void minimumHttpRequestsToAdd1000Members() {
    FakeTenant tenant = tenantWithUsers(1000, "Target", 0);
    sim = GraphSimulator.start(tenant);
    GraphHttp http = new GraphHttp(sim, "t");
    String gid = tenant.group("Target").orElseThrow().id();
    List<String> ids = new ArrayList<>();
    for (int i = 0; i < 1000; i++) {
      ids.add(tenant.directoryUser(upn(i)).orElseThrow().id());
    }
    List<Map<String, Object>> chunks = new ArrayList<>();
    for (int c = 0; c < 50; c++) {
      chunks.add(patchBind(c + 1, gid, ids.subList(c * 20, c * 20 + 20)));
    }
    sim.resetRequests();
    for (int from = 0; from < chunks.size(); from += GraphSimulator.MAX_BATCH) {
      GraphHttp.Response batch = http.send("POST", "/$batch", Map.of("requests",
          chunks.subList(from, Math.min(chunks.size(), from + GraphSimulator.MAX_BATCH))));
      assertEquals(200, batch.status());
      batch.body().get("responses").forEach(r -> assertEquals(204, r.get("status").asInt(), r.toString()));
    }
    assertEquals(1000, tenant.members("Target").size());
    assertEquals(1000, new HashSet<>(tenant.members("Target")).size());
    assertEquals(3, sim.requestCount(), sim.requestCounts().toString());
    assertEquals(Map.of("POST /$batch", 3), sim.requestCounts());
    assertEquals(Map.of("PATCH /groups/{id}", 50), sim.batchedRequestCounts());
    System.out.println("[measurement] adding 1,000 members: " + sim.requestCount() + " HTTP requests ("
        + sim.batchedRequestCount("PATCH /groups/{id}") + " members@odata.bind chunks of 20 in $batch calls of at most 20)");

    // For comparison: one $ref per member, batched 20 at a time, takes 50 HTTP requests; unbatched 1,000.
    String second = http.send("POST", "/groups", Map.of("displayName", "Second", "mailNickname", "second", "mailEnabled", false,
        "securityEnabled", true)).body().get("id").asText();
    sim.resetRequests();
    for (int from = 0; from < ids.size(); from += GraphSimulator.MAX_BATCH) {
      List<Map<String, Object>> refs = new ArrayList<>();
      for (int i = from; i < from + GraphSimulator.MAX_BATCH; i++) {
        refs.add(postRef(i + 1, second, ids.get(i)));
      }
      assertEquals(200, http.send("POST", "/$batch", Map.of("requests", refs)).status());
    }
    assertEquals(1000, tenant.members("Second").size());
    assertEquals(50, sim.requestCount());
    System.out.println("[measurement] adding 1,000 members one $ref each: " + sim.requestCount() + " HTTP requests ($batch of 20 $ref)");
  }
}
