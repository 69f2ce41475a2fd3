package dev.impersonation.examples.rest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.impersonation.Access;
import dev.impersonation.ImpersonationSetup;
import dev.impersonation.Principal;
import dev.impersonation.Scope;
import dev.impersonation.TenantConnection;
import dev.impersonation.TenantTarget;
import dev.impersonation.plan.ApplyResult;
import dev.impersonation.plan.ProgressListener;
import dev.impersonation.testkit.FakeTenant;
import dev.impersonation.testkit.exchange.ExchangeAdminSimulator;
import dev.impersonation.testkit.graph.GraphSimulator;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/**
 * Two applies of the same setup racing on one tenant (two processes onboarding the same customer): both plan while
 * nothing exists, both create. They converge without duplicates: one group, each member once, one role assignment, the
 * same tenant as a single apply; a third run has nothing to do. One {@link ImpersonationSetup} is shared by both threads
 * (it is immutable); each has its own connection, as two processes would. Then the same with one shared connection.
 */
class RacingAppliesTest {
  private static final String DOMAIN = "contoso.onmicrosoft.com";
  private static final String APP = "6f1c2a3b-4d5e-4f60-8172-93a4b5c6d7e8";
  private static final String SP = "9a2b3c4d-5e6f-4a7b-8c9d-0e1f2a3b4c5d";
  private static final int MEMBERS = 60;

  private static FakeTenant tenant() {
    FakeTenant.Builder b = FakeTenant.exchangeOnline(DOMAIN).application(APP, SP, "Calendar Sync").userMailbox("ceo@contoso.com");
    for (int i = 0; i < MEMBERS; i++) {
      b.userMailbox(String.format("user%03d@contoso.com", i));
    }
    return b.build();
  }

  private static final ImpersonationSetup SETUP = ImpersonationSetup.builder().name("CalendarSync")
      .target(TenantTarget.exchangeOnline(DOMAIN)).principal(Principal.application(APP))
      .scope(Scope.mailEnabledSecurityGroup("Sync Users").members(java.util.stream.IntStream.range(0, MEMBERS)
          .mapToObj(i -> String.format("user%03d@contoso.com", i)).toList()))
      .access(Access.rbacForApplications("Application Calendars.ReadWrite")).outsider("ceo@contoso.com").build();

  private static TenantConnection connect(FakeTenant tenant, ExchangeAdminSimulator exchange, GraphSimulator graph) {
    return OverHttp.connection(tenant, exchange, graph);
  }

  private static String singleApplySnapshot() {
    FakeTenant tenant = tenant();
    assertTrue(SETUP.apply(tenant.connection()).succeeded());
    return tenant.snapshot();
  }

  /** Both threads plan together (a barrier after the plan), then apply together. */
  private static List<ApplyResult> race(Function<Integer, TenantConnection> connectionOf) throws Exception {
    CyclicBarrier planned = new CyclicBarrier(2);
    ExecutorService pool = Executors.newFixedThreadPool(2);
    try {
      List<Future<ApplyResult>> runs = new ArrayList<>();
      for (int i = 0; i < 2; i++) {
        int racer = i;
        runs.add(pool.submit(() -> {
          TenantConnection connection = connectionOf.apply(racer);
          var plan = SETUP.plan(connection);
          planned.await(30, TimeUnit.SECONDS);
          return SETUP.apply(plan, connection, ProgressListener.none());
        }));
      }
      List<ApplyResult> results = new ArrayList<>();
      for (Future<ApplyResult> f : runs) {
        results.add(f.get(60, TimeUnit.SECONDS));
      }
      return results;
    } finally {
      pool.shutdownNow();
    }
  }

  private static void assertConvergedWithoutDuplicates(FakeTenant tenant, List<ApplyResult> results, TenantConnection after) {
    for (ApplyResult r : results) {
      assertTrue(r.succeeded(), "a racer failed:\n" + r);
    }
    assertEquals(MEMBERS, tenant.members("Sync Users").size());
    assertEquals(singleApplySnapshot(), tenant.snapshot(), "two racing applies left another tenant than one apply");
    assertTrue(SETUP.plan(after).isConverged());
  }

  @Test
  void inMemory() throws Exception {
    FakeTenant tenant = tenant();
    assertConvergedWithoutDuplicates(tenant, race(i -> tenant.connection()), tenant.connection());
  }

  @Test
  void overHttpWithAConnectionEach() throws Exception {
    FakeTenant tenant = tenant();
    try (ExchangeAdminSimulator exchange = ExchangeAdminSimulator.start(tenant); GraphSimulator graph = OverHttp.graph(tenant)) {
      assertConvergedWithoutDuplicates(tenant, race(i -> connect(tenant, exchange, graph)), connect(tenant, exchange, graph));
    }
  }

  @Test
  void overHttpSharingOneConnection() throws Exception {
    FakeTenant tenant = tenant();
    try (ExchangeAdminSimulator exchange = ExchangeAdminSimulator.start(tenant); GraphSimulator graph = OverHttp.graph(tenant)) {
      TenantConnection shared = connect(tenant, exchange, graph);
      assertConvergedWithoutDuplicates(tenant, race(i -> shared), shared);
    }
  }
}
