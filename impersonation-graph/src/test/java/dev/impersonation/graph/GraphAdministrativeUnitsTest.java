package dev.impersonation.graph;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.impersonation.ObjectNotFoundException;
import dev.impersonation.ThrottledException;
import dev.impersonation.graph.FakeGraph.Answer;
import dev.impersonation.graph.FakeGraph.Call;
import dev.impersonation.spi.Operation;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Administrative-unit membership on the wire (MockWebServer): one $ref per member, 20 per $batch. */
class GraphAdministrativeUnitsTest {
  static final String AU = "0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d";
  static final String DUPLICATE = "One or more added object references already exist for the following modified properties: 'members'.";
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
  void adding45MembersIsThreeBatchesOfSingleReferences() {
    graph.handler = c -> Answer.noContent();
    String objectId = "11111111-2222-4333-8444-555555555555";
    List<String> members = new java.util.ArrayList<>(users(44));
    members.add(objectId);
    graph.planRead(backend, users(44));
    long before = backend.requestCount();
    backend.execute(new Operation.AddAdministrativeUnitMembers(AU, members));
    assertEquals(3, graph.requestCount(), "45 references, 20 per $batch");
    assertEquals(3, backend.requestCount() - before);
    assertEquals(0, backend.idLookupRequestCount(), "the plan's read told every id");
    assertEquals(45, graph.calls.size());
    for (Call c : graph.calls) {
      assertTrue(c.inBatch());
      assertEquals("POST", c.method());
      assertEquals("/v1.0/directory/administrativeUnits/" + AU + "/members/$ref", c.path());
    }
    assertEquals(graph.ref("user0@contoso.com"), graph.calls.get(0).body().path("@odata.id").asText());
    assertEquals(graph.baseUrl() + "/directoryObjects/" + objectId, graph.calls.get(44).body().path("@odata.id").asText());
  }

  @Test
  void alreadyAMemberIsSuccess() {
    graph.handler = c -> c.body().path("@odata.id").asText().equals(graph.ref("user3@contoso.com"))
        ? Answer.error(400, "Request_BadRequest", DUPLICATE) : Answer.noContent();
    backend.execute(new Operation.AddAdministrativeUnitMembers(AU, users(5)));
    assertEquals(2, graph.requestCount(), "one $batch of id look-ups, one of references");
    assertEquals(1, backend.idLookupRequestCount());
  }

  @Test
  void anInnerThrottledRequestIsRetriedAloneAfterItsRetryAfter() {
    int[] seen = {0};
    graph.handler = c -> c.body().path("@odata.id").asText().equals(graph.ref("user7@contoso.com")) && seen[0]++ == 0
        ? Answer.throttled("17") : Answer.noContent();
    graph.planRead(backend, users(20));
    backend.execute(new Operation.AddAdministrativeUnitMembers(AU, users(20)));
    assertEquals(2, graph.requestCount(), "the batch, then the throttled request alone");
    assertEquals(List.of(Duration.ofSeconds(17)), sleeper.waits);
    assertEquals(21, graph.calls.size());
    assertEquals(graph.ref("user7@contoso.com"), graph.calls.get(20).body().path("@odata.id").asText());
  }

  @Test
  void aThrottledRequestThatStaysThrottledGivesUpWithRetryAfter() {
    graph.handler = c -> Answer.throttled("5");
    ThrottledException e = assertThrows(ThrottledException.class,
        () -> backend.execute(new Operation.AddAdministrativeUnitMembers(AU, users(2))));
    assertEquals(Duration.ofSeconds(5), e.retryAfter().orElseThrow());
    assertEquals(5, graph.requestCount(), "the id look-up, the batch and three rounds of retries");
  }

  @Test
  void anUnknownUnitIsObjectNotFoundNamingIt() {
    graph.handler = c -> Answer.error(404, "Request_ResourceNotFound", "Resource '" + AU
        + "' does not exist or one of its queried reference-property objects are not present.");
    ObjectNotFoundException e = assertThrows(ObjectNotFoundException.class,
        () -> backend.execute(new Operation.AddAdministrativeUnitMembers(AU, users(3))));
    assertEquals(AU, e.identity());
    assertTrue(e.getMessage().contains("HTTP 404 Request_ResourceNotFound"), e.getMessage());
  }

  @Test
  void anUnknownUserIsObjectNotFoundNamingTheUser() {
    // Deleted between the look-up and the write: Graph's 404 names the id; the error names the member as given.
    graph.handler = c -> c.body() != null && c.body().path("@odata.id").asText().equals(graph.ref("user1@contoso.com"))
        ? Answer.error(404, "Request_ResourceNotFound", "Resource '" + FakeGraph.idOf("user1@contoso.com") + "' does not exist "
            + "or one of its queried reference-property objects are not present.") : Answer.noContent();
    ObjectNotFoundException e = assertThrows(ObjectNotFoundException.class,
        () -> backend.execute(new Operation.AddAdministrativeUnitMembers(AU, users(3))));
    assertEquals("user1@contoso.com", e.identity());
    // A name that is no user at all fails before anything is written.
    graph.calls.clear();
    ObjectNotFoundException none = assertThrows(ObjectNotFoundException.class,
        () -> backend.execute(new Operation.AddAdministrativeUnitMembers(AU, List.of("user2@contoso.com", "nobody@contoso.com"))));
    assertEquals("nobody@contoso.com", none.identity());
    assertTrue(graph.calls.stream().noneMatch(c -> c.method().equals("POST")), "no reference was posted: " + graph.calls);
  }

  @Test
  void removingListsTheUnitOnceThenDeletesByObjectIdAndTakesGoneAsSuccess() {
    graph.handler = c -> {
      if (c.method().equals("GET")) {
        return Answer.ok("{\"value\":[{\"@odata.type\":\"#microsoft.graph.user\",\"id\":\"u1\",\"userPrincipalName\":\"a@contoso.com\"},"
            + "{\"@odata.type\":\"#microsoft.graph.user\",\"id\":\"u2\",\"userPrincipalName\":\"b@contoso.com\",\"mail\":\"bee@contoso.com\"}]}");
      }
      return c.path().contains("/members/u2/") ? Answer.error(404, "Request_ResourceNotFound", "gone") : Answer.noContent();
    };
    backend.execute(new Operation.RemoveAdministrativeUnitMembers(AU, List.of("A@contoso.com", "bee@contoso.com",
        "left-already@contoso.com")));
    assertEquals(2, graph.requestCount(), "one listing, one $batch");
    assertEquals("/v1.0/directory/administrativeUnits/" + AU + "/members", graph.calls.get(0).path());
    List<Call> deletes = graph.calls.subList(1, graph.calls.size());
    assertEquals(List.of("/v1.0/directory/administrativeUnits/" + AU + "/members/u1/$ref",
        "/v1.0/directory/administrativeUnits/" + AU + "/members/u2/$ref"), deletes.stream().map(Call::path).toList());
    assertTrue(deletes.stream().allMatch(c -> c.method().equals("DELETE") && c.inBatch()));
  }

  @Test
  void removingFromAnUnknownUnitIsObjectNotFound() {
    graph.handler = c -> Answer.error(404, "Request_ResourceNotFound", "Resource '" + AU + "' does not exist.");
    ObjectNotFoundException e = assertThrows(ObjectNotFoundException.class,
        () -> backend.execute(new Operation.RemoveAdministrativeUnitMembers(AU, List.of("a@contoso.com"))));
    assertEquals(AU, e.identity());
  }
}
