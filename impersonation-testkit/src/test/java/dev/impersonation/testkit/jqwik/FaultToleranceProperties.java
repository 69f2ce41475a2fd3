package dev.impersonation.testkit.jqwik;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.impersonation.ImpersonationSetup;
import dev.impersonation.TenantConnection;
import dev.impersonation.plan.ApplyResult;
import dev.impersonation.plan.Plan;
import dev.impersonation.plan.ProgressListener.ProgressEvent;
import dev.impersonation.testkit.FakeTenant;
import java.util.ArrayList;
import java.util.List;
import net.jqwik.api.AfterFailureMode;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.ShrinkingMode;
import net.jqwik.api.statistics.Statistics;
import net.jqwik.api.statistics.StatisticsReport;

/**
 * Random transient faults (throttling with Retry-After, 503, timeouts) while applying: apply still succeeds, every
 * injected fault is reported as one RETRYING event, the next plan is converged and the tenant ends as a fault-free run
 * leaves it. Planning does not retry (a failed read makes a BLOCKED step), so the faults start after planning.
 */
@StatisticsReport(onFailureOnly = true)
class FaultToleranceProperties {
  /** With 8 attempts per call, giving up has probability 0.25^8 per call: negligible for these seeds. */
  private static final double P = 0.25;

  @Provide
  Arbitrary<TenantWorld> worlds() {
    return ImpersonationArbitraries.tenants();
  }

  @Property(tries = 150, seed = "7201", shrinking = ShrinkingMode.BOUNDED,
      afterFailure = AfterFailureMode.PREVIOUS_SEED)
  void transientFaultsAreRetriedAndReported(@ForAll("worlds") TenantWorld world, @ForAll long faultSeed) {
    FakeTenant tenant = world.tenant();
    TenantConnection connection = tenant.connection();
    ImpersonationSetup setup = world.setup();
    Plan plan = setup.plan(connection);
    assertTrue(plan.blockedSteps().isEmpty(), world + "\n" + plan);

    tenant.faults().randomTransient(faultSeed, P);
    List<ProgressEvent> events = new ArrayList<>();
    ApplyResult result = setup.apply(plan, connection, events::add);
    int injected = tenant.faults().injectedCount();
    tenant.faults().clear();
    String context = world + "\nfault seed " + faultSeed + "\n" + result + "\n" + String.join("\n",
        events.stream().map(ProgressEvent::toString).toList());

    assertTrue(result.succeeded(), context);
    long retrying = events.stream().filter(e -> e.kind() == ProgressEvent.Kind.RETRYING).count();
    assertEquals(injected, retrying, "every injected fault is one RETRYING event\n" + context);
    Statistics.label("injected faults").collect(injected == 0 ? "0" : injected < 4 ? "1-3" : "4+");

    Plan after = setup.plan(connection);
    assertTrue(after.isConverged(), context + "\n" + after);
    FakeTenant reference = world.freshTenant();
    assertTrue(setup.apply(reference.connection()).succeeded());
    assertEquals(reference.snapshot(), tenant.snapshot(), "faults changed the end state\n" + context);
  }
}
