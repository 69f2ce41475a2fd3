package dev.impersonation.testkit.jqwik;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.impersonation.ImpersonationSetup;
import dev.impersonation.Scope.GroupScope;
import dev.impersonation.TenantConnection;
import dev.impersonation.plan.ApplyResult;
import dev.impersonation.plan.Plan;
import dev.impersonation.plan.ProgressListener;
import dev.impersonation.testkit.FakeTenant;
import java.util.HashSet;
import java.util.Locale;
import java.util.Set;
import net.jqwik.api.AfterFailureMode;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.ShrinkingMode;
import net.jqwik.api.statistics.Statistics;
import net.jqwik.api.statistics.StatisticsReport;

/**
 * Whatever the names (every quote code point, {@code $(}, backticks, line separators are excluded from names only),
 * whatever the tenant already holds: apply succeeds, the next plan is converged, and a second apply writes nothing.
 */
@StatisticsReport(onFailureOnly = true)
class HostileConvergenceProperties {

  @Provide
  Arbitrary<TenantWorld> worlds() {
    return ImpersonationArbitraries.tenants();
  }

  @Property(tries = 200, seed = "7101", shrinking = ShrinkingMode.BOUNDED,
      afterFailure = AfterFailureMode.PREVIOUS_SEED)
  void applyThenPlanIsConverged(@ForAll("worlds") TenantWorld world) {
    FakeTenant tenant = world.tenant();
    TenantConnection connection = tenant.connection();
    ImpersonationSetup setup = world.setup();
    Statistics.label("method").collect(setup.access().method());
    Statistics.label("scope").collect(setup.scope().getClass().getSimpleName());
    cover("dehydrated", world.dehydrated());
    cover("split into several groups", world.scopeGroups().size() > 1);
    cover("a scope group exists", world.scopeGroups().stream().anyMatch(world.preExistingGroups()::contains));
    cover("decoy groups", world.preExistingGroups().stream().anyMatch(g -> !world.scopeGroups().contains(g)));
    cover("service account created", world.serviceAccount().isPresent() && !world.serviceAccountExists());
    cover("seeded through Exchange (scopes, assignments, role groups, ...)", world.seedingWrites() > 0);

    Plan plan = setup.plan(connection);
    assertTrue(plan.blockedSteps().isEmpty(), world + "\n" + plan);
    ApplyResult result = setup.apply(plan, connection, ProgressListener.none());
    assertTrue(result.succeeded(), world + "\n" + plan + "\n" + result);

    Plan after = setup.plan(connection);
    assertTrue(after.isConverged(), world + "\n" + result + "\n" + after);
    int writes = tenant.writes().size();
    ApplyResult again = setup.apply(connection);
    assertTrue(again.succeeded(), world + "\n" + again);
    assertEquals(writes, tenant.writes().size(), world + ": the second apply wrote " + tenant.writes());

    if (setup.scope() instanceof GroupScope g) {
      Set<String> members = new HashSet<>();
      for (String group : world.scopeGroups()) {
        assertTrue(tenant.group(group).isPresent(), world + ": group '" + group + "' missing");
        tenant.members(group).forEach(m -> members.add(m.toLowerCase(Locale.ROOT)));
      }
      for (String declared : g.members()) {
        assertTrue(members.contains(declared.toLowerCase(Locale.ROOT)), world + ": " + declared + " not in " + members);
      }
    }
  }

  private static void cover(String label, boolean happened) {
    Statistics.label(label).collect(happened);
    Statistics.label(label).coverage(c -> c.check(true).count(n -> n > 0));
  }
}
