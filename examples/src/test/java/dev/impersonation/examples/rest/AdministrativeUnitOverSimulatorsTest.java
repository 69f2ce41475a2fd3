package dev.impersonation.examples.rest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.impersonation.Access;
import dev.impersonation.ImpersonationSetup;
import dev.impersonation.ObjectNotFoundException;
import dev.impersonation.Principal.Application;
import dev.impersonation.Principal;
import dev.impersonation.Scope;
import dev.impersonation.Secret;
import dev.impersonation.SignIn;
import dev.impersonation.TenantConnection;
import dev.impersonation.TenantTarget;
import dev.impersonation.exchange.ExchangeConnection;
import dev.impersonation.graph.GraphAccessProbe;
import dev.impersonation.graph.GraphConnection;
import dev.impersonation.graph.GraphDirectoryBackend;
import dev.impersonation.plan.ApplyResult;
import dev.impersonation.plan.Plan;
import dev.impersonation.plan.Step.StepAction;
import dev.impersonation.spi.AccessProbe;
import dev.impersonation.spi.Operation;
import dev.impersonation.spi.ProbeOutcome;
import dev.impersonation.testkit.FakeTenant;
import dev.impersonation.testkit.exchange.ExchangeAdminSimulator;
import dev.impersonation.testkit.graph.GraphSimulator;
import dev.impersonation.verify.MailboxAccess.AccessState;
import dev.impersonation.verify.MailboxAccess;
import dev.impersonation.verify.VerificationReport;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Administrative-unit membership through the production backends: the Graph SDK backend against the Graph simulator
 * (batching, Graph's answers, throttling, the request count), and RBAC for Applications scoped to a unit with declared
 * members applied over Graph and the Exchange admin REST endpoint, reaching the same state as in memory.
 */
class AdministrativeUnitOverSimulatorsTest {
  private static final String DOMAIN = "contoso.onmicrosoft.com";
  private static final String ADMIN_APP = "00000000-0000-4000-8000-0000000000ad";
  private static final String APP = "6f1c2a3b-4d5e-4f60-8172-93a4b5c6d7e8";
  private static final String SP = "9a2b3c4d-5e6f-4a7b-8c9d-0e1f2a3b4c5d";
  private static final String AU = "0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d";
  private static final String ANN = "ann@contoso.com";
  private static final String BOB = "bob@contoso.com";
  private static final String OBRIEN = "o'brien@contoso.com";
  private static final String CAROL = "carol@contoso.com";
  private static final String CEO = "ceo@contoso.com";
  private final List<AutoCloseable> simulators = new ArrayList<>();

  @AfterEach
  void stop() throws Exception {
    for (AutoCloseable s : simulators) {
      s.close();
    }
  }

  private static String upn(int i) {
    return String.format("member%04d@contoso.com", i);
  }

  private static FakeTenant.Builder tenantWithUsers(int n) {
    FakeTenant.Builder b = FakeTenant.exchangeOnline(DOMAIN);
    IntStream.range(0, n).forEach(i -> b.userWithoutMailbox(upn(i)));
    return b;
  }

  private GraphSimulator graph(FakeTenant tenant, String appId) {
    GraphSimulator graph = GraphSimulator.builder(tenant).appToken(ExchangeAdminSimulator.SIGN_IN_TOKEN, appId).start();
    simulators.add(graph);
    return graph;
  }

  /** The Graph backend alone, signed in through the Graph simulator's token endpoint, waiting on the tenant's clock. */
  private GraphDirectoryBackend graphBackend(FakeTenant tenant, GraphSimulator graph) {
    return GraphConnection.builder(SignIn.builder(tenant.target()).appId(ADMIN_APP).clientSecret(Secret.of("test-only-admin-secret"))
        .signInVia(graph.baseUrl()).libraryRetries(false).build()).baseUrl(graph.graphUrl()).clock(tenant.clock(), tenant.clock()).build().directory();
  }

  // ------------------------------------------------------------------ the Graph backend against the simulator

  @Test
  @DisplayName("45 members: 3 $batch requests of single $ref POSTs; members already there count as added")
  void batchesAndAlreadyAMember() {
    FakeTenant tenant = tenantWithUsers(45).administrativeUnit(AU, upn(3), upn(40)).build();
    GraphSimulator graph = graph(tenant, ADMIN_APP);
    GraphDirectoryBackend backend = graphBackend(tenant, graph);
    List<String> members = IntStream.range(0, 45).mapToObj(AdministrativeUnitOverSimulatorsTest::upn).toList();

    backend.execute(new Operation.AddAdministrativeUnitMembers(AU, members));

    assertEquals(Set.copyOf(members), Set.copyOf(tenant.administrativeUnitMembers(AU)));
    // No plan told the ids: 3 $batch look-ups (counted apart), then 3 $batch of references by id.
    assertEquals(Map.of("POST /$batch", 6), graph.requestCounts());
    assertEquals(45, graph.batchedRequestCount("GET /users/{id}"));
    assertEquals(3, backend.idLookupRequestCount());
    assertEquals(45, graph.batchedRequestCount("POST /directory/administrativeUnits/{id}/members/$ref"));
    assertEquals(2, graph.requests().stream().filter(r -> r.status() == 400).count(), "the two already there");
    assertEquals(6, backend.requestCount());
    // Adding them all again changes nothing and fails nothing.
    backend.execute(new Operation.AddAdministrativeUnitMembers(AU, members));
    assertEquals(45, tenant.administrativeUnitMembers(AU).size());
  }

  @Test
  @DisplayName("an inner 429 is resent alone after its Retry-After, on the tenant's clock")
  void innerThrottlingIsRetried() {
    FakeTenant tenant = tenantWithUsers(20).administrativeUnit(AU).build();
    GraphSimulator graph = graph(tenant, ADMIN_APP);
    GraphDirectoryBackend backend = graphBackend(tenant, graph);
    tenant.faults().on("AddAdministrativeUnitMembers").onCall(7).throttle(Duration.ofSeconds(30));
    Instant before = tenant.clock().instant();
    List<String> members = IntStream.range(0, 20).mapToObj(AdministrativeUnitOverSimulatorsTest::upn).toList();
    backend.findUsers(members); // what the plan reads first: the ids
    graph.resetRequests();

    backend.execute(new Operation.AddAdministrativeUnitMembers(AU, members));

    assertEquals(20, tenant.administrativeUnitMembers(AU).size());
    assertEquals(2, graph.requestCount("POST /$batch"), "the batch, then the throttled request alone");
    assertEquals(21, graph.batchedRequestCount("POST /directory/administrativeUnits/{id}/members/$ref"));
    assertEquals(Duration.ofSeconds(30), Duration.between(before, tenant.clock().instant()), "waited on the fake clock");
  }

  @Test
  @DisplayName("an unknown unit is an ObjectNotFoundException naming it, for adds and removals")
  void unknownUnit() {
    FakeTenant tenant = tenantWithUsers(2).build();
    GraphDirectoryBackend backend = graphBackend(tenant, graph(tenant, ADMIN_APP));
    ObjectNotFoundException add = assertThrows(ObjectNotFoundException.class,
        () -> backend.execute(new Operation.AddAdministrativeUnitMembers(AU, List.of(upn(0), upn(1)))));
    assertEquals(AU, add.identity());
    assertTrue(add.getMessage().contains("Request_ResourceNotFound"), add.getMessage());
    ObjectNotFoundException remove = assertThrows(ObjectNotFoundException.class,
        () -> backend.execute(new Operation.RemoveAdministrativeUnitMembers(AU, List.of(upn(0)))));
    assertEquals(AU, remove.identity());
    assertTrue(tenant.writes().isEmpty(), tenant.writes()::toString);
  }

  @Test
  @DisplayName("removals list the unit once, delete 20 per $batch, and skip members already gone")
  void removals() {
    List<String> all = IntStream.range(0, 30).mapToObj(AdministrativeUnitOverSimulatorsTest::upn).toList();
    FakeTenant tenant = tenantWithUsers(30).administrativeUnit(AU, all.toArray(String[]::new)).build();
    GraphSimulator graph = graph(tenant, ADMIN_APP);
    GraphDirectoryBackend backend = graphBackend(tenant, graph);
    List<String> remove = new ArrayList<>(all.subList(5, 30));
    remove.add("never-a-member@contoso.com");

    backend.execute(new Operation.RemoveAdministrativeUnitMembers(AU, remove));

    assertEquals(all.subList(0, 5), tenant.administrativeUnitMembers(AU));
    assertEquals(Map.of("GET /directory/administrativeUnits/{id}/members", 1, "POST /$batch", 2), graph.requestCounts());
    assertEquals(25, graph.batchedRequestCount("DELETE /directory/administrativeUnits/{id}/members/{memberId}/$ref"));
    backend.execute(new Operation.RemoveAdministrativeUnitMembers(AU, remove));
    assertEquals(5, tenant.administrativeUnitMembers(AU).size(), "removing again changes nothing");
  }

  /**
   * The measurement: Graph adds one member per request to an administrative unit (no {@code members@odata.bind} for
   * units), so 1,000 members are 1,000 {@code $ref} POSTs carried by ceil(1000 / 20) = 50 {@code $batch} requests.
   */
  @Test
  @DisplayName("adding 1,000 members to an administrative unit takes 50 HTTP requests (50 $batch of 20 $ref POSTs)")
  void httpRequestsToAdd1000Members() {
    FakeTenant tenant = tenantWithUsers(1000).administrativeUnit(AU).build();
    GraphSimulator graph = graph(tenant, ADMIN_APP);
    GraphDirectoryBackend backend = graphBackend(tenant, graph);
    List<String> members = IntStream.range(0, 1000).mapToObj(AdministrativeUnitOverSimulatorsTest::upn).toList();
    backend.findUsers(members); // the plan's bulk read, which tells the ids: 67 reads of 15 names in 4 $batch requests
    assertEquals(Map.of("POST /$batch", 4), graph.requestCounts());
    graph.resetRequests();
    long planned = backend.requestCount();

    backend.execute(new Operation.AddAdministrativeUnitMembers(AU, members));

    assertEquals(1000, new HashSet<>(tenant.administrativeUnitMembers(AU)).size());
    assertEquals(50, graph.requestCount(), "HTTP requests to add 1,000 members: " + graph.requestCounts());
    assertEquals(Map.of("POST /$batch", 50), graph.requestCounts());
    assertEquals(50, backend.requestCount() - planned);
    assertEquals(0, backend.idLookupRequestCount());
    assertEquals(1000, graph.batchedRequestCount("POST /directory/administrativeUnits/{id}/members/$ref"));
    System.out.println("[measurement] adding 1,000 members to an administrative unit: " + graph.requestCount()
        + " HTTP requests (" + graph.batchedRequestCount("POST /directory/administrativeUnits/{id}/members/$ref")
        + " $ref POSTs in $batch of 20)");
  }

  // ------------------------------------------------------------------ end to end, in memory and over the simulators

  private static FakeTenant tenant() {
    return FakeTenant.exchangeOnline(DOMAIN).userMailbox(ANN).userMailbox(BOB).userMailbox(OBRIEN).userMailbox(CAROL)
        .userMailbox(CEO).application(APP, SP, "Calendar Sync").administrativeUnit(AU, ANN, CAROL).build();
  }

  private static ImpersonationSetup setup() {
    return ImpersonationSetup.builder().name("AuSync").target(TenantTarget.exchangeOnline(DOMAIN))
        .principal(Principal.application(APP))
        .scope(Scope.administrativeUnit(AU).members(ANN, BOB, OBRIEN).exactMembership())
        .access(Access.rbacForApplications("Application Mail.ReadWrite", "Application Calendars.ReadWrite")).build();
  }

  /** Graph (directory and, as the app itself, the access probe) and Exchange REST, one admin sign-in for both. */
  private TenantConnection production(FakeTenant tenant) {
    ExchangeAdminSimulator exchange = ExchangeAdminSimulator.start(tenant);
    simulators.add(exchange);
    GraphSimulator graph = graph(tenant, APP);
    SignIn shared = SignIn.builder(tenant.target()).appId(ADMIN_APP).clientSecret(Secret.of("test-only-admin-secret"))
        .libraryRetries(false).signInVia(exchange.baseUrl()).build();
    AccessProbe asTheApp = new AccessProbe() {
      @Override
      public String name() {
        return "graph-as-app";
      }

      @Override
      public ProbeOutcome probe(Principal principal, String mailbox) {
        GraphAccessProbe probe = GraphConnection.builder(SignIn.builder(tenant.target()).appId(((Application) principal).appId()).clientSecret(Secret.of("test-only-app-secret"))
            .signInVia(exchange.baseUrl()).libraryRetries(false).build()).baseUrl(graph.graphUrl()).build().probe();
        return probe.probe(principal, mailbox);
      }
    };
    return TenantConnection.builder(tenant.target())
        .exchange(ExchangeConnection.exchangeOnline(tenant.target()).signIn(shared)
            .baseUrl(exchange.baseUrl()).clock(tenant.clock(), tenant.clock()).build().backend())
        .directory(GraphConnection.exchangeOnline(tenant.target()).signIn(shared).baseUrl(graph.graphUrl())
            .clock(tenant.clock(), tenant.clock()).build().directory())
        .accessProbe(asTheApp)
        .clock(tenant.clock(), tenant.clock()).build();
  }

  private static AccessState state(VerificationReport report, String mailbox) {
    return report.mailboxes().stream().filter(m -> m.mailbox().equalsIgnoreCase(mailbox)).map(MailboxAccess::state)
        .findFirst().orElseThrow(() -> new AssertionError(mailbox + " not in\n" + report));
  }

  /** Plans, applies, re-plans and verifies; returns the verification once the roles have propagated. */
  private static VerificationReport run(FakeTenant tenant, TenantConnection connection) {
    ImpersonationSetup setup = setup();
    Plan plan = setup.plan(connection);
    assertTrue(plan.blockedSteps().isEmpty(), plan::toString);
    assertEquals(List.of(StepAction.ADD_MEMBERS, StepAction.REMOVE_MEMBERS), plan.steps().stream()
        .filter(s -> s.resource().equals("administrative unit " + AU + " members")).map(s -> s.action()).toList(), plan::toString);
    ApplyResult result = setup.apply(plan, connection, dev.impersonation.plan.ProgressListener.none());
    assertTrue(result.succeeded(), () -> result + "\n" + result.results().stream()
        .filter(r -> r.outcome() == dev.impersonation.plan.ApplyResult.StepOutcome.FAILED).map(r -> r.message()).toList());
    Plan again = setup.plan(connection);
    assertTrue(again.isConverged(), again::toString);
    assertFalse(setup.verify(connection).isSatisfied(), "RBAC for Applications has not propagated yet");
    tenant.clock().advance(Duration.ofHours(2));
    return setup.verify(connection);
  }

  @Test
  @DisplayName("RBAC for Applications scoped to a unit with declared members: in memory and over Graph + Exchange REST alike")
  void endToEndInMemoryAndOverTheSimulators() {
    FakeTenant memory = tenant();
    VerificationReport inMemory = run(memory, memory.connection());

    FakeTenant overHttp = tenant();
    VerificationReport overSimulators = run(overHttp, production(overHttp));

    assertEquals(memory.snapshot(), overHttp.snapshot());
    assertEquals(Set.of(ANN, BOB, OBRIEN), Set.copyOf(overHttp.administrativeUnitMembers(AU)));
    for (VerificationReport report : List.of(inMemory, overSimulators)) {
      assertTrue(report.isSatisfied(), report::toString);
      for (String member : List.of(ANN, BOB, OBRIEN)) {
        assertEquals(AccessState.GRANTED, state(report, member), report::toString);
      }
      assertTrue(report.mailboxes().stream().anyMatch(m -> m.state() == AccessState.DENIED
          && (m.mailbox().equalsIgnoreCase(CEO) || m.mailbox().equalsIgnoreCase(CAROL))), "an outsider is denied:\n" + report);
    }
    overHttp.assertJournal().wrote("AddAdministrativeUnitMembers", "(" + OBRIEN.toLowerCase(java.util.Locale.ROOT) + ")").wrote("RemoveAdministrativeUnitMembers", AU)
        .neverTouched(CEO);
  }
}
