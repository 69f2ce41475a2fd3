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

/**
 * Read-after-write lag (new objects invisible to the next two reads or references): the executor retries "not visible
 * yet", apply succeeds, the tenant converges and ends as a lag-free run leaves it.
 *
 * <p>An object the apply created but never read back (typically its last step, e.g. a role group) is still invisible to
 * the next plan, as it would be in Exchange. Each plan reads it once, so with a lag of two reads the third plan at the
 * latest is converged; the plans in between are what an admin would see shortly after applying, and applying one of
 * them adopts what already exists instead of duplicating it.
 */
class ReadAfterWriteLagProperties {
  private static final int LAG = 2;

  @Provide
  Arbitrary<TenantWorld> worlds() {
    return ImpersonationArbitraries.tenants();
  }

  @Property(tries = 120, seed = "7301", shrinking = ShrinkingMode.BOUNDED,
      afterFailure = AfterFailureMode.PREVIOUS_SEED)
  void lagIsWaitedOut(@ForAll("worlds") TenantWorld world) {
    FakeTenant tenant = world.tenant();
    TenantConnection connection = tenant.connection();
    ImpersonationSetup setup = world.setup();
    tenant.faults().readAfterWriteLag(LAG);
    List<ProgressEvent> events = new ArrayList<>();
    ApplyResult result = setup.apply(connection, events::add);
    String context = world + "\n" + result + "\n" + String.join("\n", events.stream().map(ProgressEvent::toString).toList());
    assertTrue(result.succeeded(), context);

    // Applying again inside the lag window (the plan may still miss new objects) is harmless.
    ApplyResult again = setup.apply(connection, events::add);
    assertTrue(again.succeeded(), context + "\n" + again);

    Plan after = setup.plan(connection);
    for (int plans = 1; !after.isConverged() && plans <= LAG; plans++) {
      after = setup.plan(connection);
    }
    assertTrue(after.isConverged(), context + "\n" + after);
    FakeTenant reference = world.freshTenant();
    assertTrue(setup.apply(reference.connection()).succeeded());
    assertEquals(reference.snapshot(), tenant.snapshot(), "lag changed the end state\n" + context);
  }
}
