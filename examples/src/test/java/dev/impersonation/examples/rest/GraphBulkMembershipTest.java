package dev.impersonation.examples.rest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.impersonation.Access;
import dev.impersonation.ImpersonationSetup;
import dev.impersonation.Principal;
import dev.impersonation.Scope;
import dev.impersonation.Secret;
import dev.impersonation.SignIn;
import dev.impersonation.TenantConnection;
import dev.impersonation.TenantTarget;
import dev.impersonation.graph.GraphConnection;
import dev.impersonation.graph.GraphDirectoryBackend;
import dev.impersonation.plan.ApplyResult;
import dev.impersonation.plan.Plan;
import dev.impersonation.testkit.FakeTenant;
import dev.impersonation.testkit.graph.GraphSimulator;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The request count of a whole apply, not just one backend call: 1,000 members of a Microsoft 365 group written through
 * the Graph backend reach Graph in 3 {@code $batch} requests (20 references per PATCH, 20 PATCHes per batch), and
 * removing 600 of them with exact membership takes 60 (600 id look-ups, then 600 deletes, 20 per batch).
 */
class GraphBulkMembershipTest {
  static final String APP = "3c4d5e6f-7a8b-4c9d-8e0f-1a2b3c4d5e6f";
  static final String SP = "4d5e6f7a-8b9c-4d0e-9f1a-2b3c4d5e6f70";
  private GraphSimulator graph;

  @AfterEach
  void stop() {
    if (graph != null) {
      graph.close();
    }
  }

  static List<String> users(int from, int to) {
    return IntStream.range(from, to).mapToObj(i -> String.format("user%04d@contoso.com", i)).toList();
  }

  @Test
  @DisplayName("1,000 members through the executor: the plan reads their ids in 4 $batch requests, the adds take 3; 600 removals: 30")
  void aThousandMembersThroughTheExecutor() {
    FakeTenant.Builder b = FakeTenant.exchangeOnline("contoso.onmicrosoft.com").application(APP, SP, "Sync");
    users(0, 1000).forEach(b::userMailbox);
    FakeTenant tenant = b.build();
    graph = GraphSimulator.builder(tenant).start();
    SignIn credentials = SignIn.builder(tenant.target()).appId("00000000-0000-4000-8000-0000000000ad").clientSecret(Secret.of("test-only-admin-secret"))
        .libraryRetries(false).signInVia(graph.baseUrl()).build();
    GraphDirectoryBackend directory = GraphConnection.exchangeOnline(tenant.target()).signIn(credentials).baseUrl(graph.graphUrl())
        .clock(tenant.clock(), tenant.clock()).build().directory();
    TenantConnection connection = TenantConnection.builder(tenant.target()).exchange(tenant.connection().exchange().orElseThrow())
        .directory(directory)
        .clock(tenant.clock(), tenant.clock()).build();
    java.util.function.Supplier<ImpersonationSetup.Builder> setup = () -> ImpersonationSetup.builder().name("Bulk")
        .target(TenantTarget.exchangeOnline("contoso.onmicrosoft.com")).principal(Principal.application(APP))
        .access(Access.rbacForApplications("Application Mail.Read"));

    ImpersonationSetup first = setup.get().scope(Scope.microsoft365Group("Sync Team").members(users(0, 1000))).build();
    Plan plan = first.plan(connection);
    // The plan reads the 1,000 members from the directory in bulk (their object ids): 67 filtered reads of 15 names
    // (userPrincipalName in (...)), 20 per $batch: 4 requests.
    assertEquals(4, graph.requestCount("POST /$batch"), graph.requestCounts().toString());
    assertEquals(67, graph.batchedRequestCount("GET /users"), graph.batchedRequestCounts().toString());
    assertEquals(0, graph.batchedRequestCount("GET /users/{id}"), graph.batchedRequestCounts().toString());
    int planned = graph.requestCount("POST /$batch");
    ApplyResult added = first.apply(plan, connection, dev.impersonation.plan.ProgressListener.none());
    assertTrue(added.succeeded(), added.toString());
    // The adds, with every id known: 50 members@odata.bind chunks of 20 in 3 $batch requests, no look-up.
    assertEquals(3, graph.requestCount("POST /$batch") - planned, graph.requestCounts().toString());
    assertEquals(50, graph.batchedRequestCount("PATCH /groups/{id}"), graph.batchedRequestCounts().toString());
    assertEquals(0, directory.idLookupRequestCount());
    assertEquals(1000, tenant.members("Sync Team").size());
    System.out.println("[measurement] 1,000 members into a Microsoft 365 group: plan-time id reads " + planned
        + " $batch requests, adds " + (graph.requestCount("POST /$batch") - planned) + " $batch requests, apply-time look-ups "
        + directory.idLookupRequestCount());

    int before = graph.requestCount("POST /$batch");
    ImpersonationSetup exact = setup.get().scope(Scope.microsoft365Group("Sync Team").members(users(0, 400)).exactMembership()).build();
    ApplyResult removed = exact.apply(connection);
    assertTrue(removed.succeeded(), removed.toString());
    // The group's member list told every id: 600 deletes in 30 $batch requests, no look-up.
    assertEquals(30, graph.requestCount("POST /$batch") - before, graph.requestCounts().toString());
    assertEquals(0, directory.idLookupRequestCount());
    assertEquals(400, tenant.members("Sync Team").size());
  }
}
