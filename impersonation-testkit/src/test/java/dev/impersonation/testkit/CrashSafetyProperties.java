package dev.impersonation.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.impersonation.TenantConnection;
import dev.impersonation.plan.ApplyResult;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.ShrinkingMode;

/**
 * the declare-plan-apply-verify flow step 3: "Re-running after a crash at any point converges without duplicates." For each vendor-shaped
 * scenario (both target kinds), a crash before write k+1 of a clean run, then a fresh apply, ends in exactly the
 * clean run's tenant state, with no write performed twice and pre-existing members kept.
 */
class CrashSafetyProperties {
  private static final List<Fixtures.Scenario> SCENARIOS = Fixtures.crashScenarios();
  private static final Map<String, CleanRun> CLEAN = new ConcurrentHashMap<>();

  /** What a crash-free apply on a fresh tenant writes and ends with. */
  record CleanRun(String snapshot, List<String> writes) {}

  /** One crash point of one scenario. */
  record Crash(Fixtures.Scenario scenario, int k) {
    @Override
    public String toString() {
      return scenario + ", crash before write #" + (k + 1);
    }
  }

  private static String describe(JournalEntry e) {
    return e.backend() + " " + e.operation() + "(" + e.detail() + ")";
  }

  static CleanRun clean(Fixtures.Scenario s) {
    return CLEAN.computeIfAbsent(s.name(), n -> {
      FakeTenant tenant = s.tenant().get();
      ApplyResult result = s.setup().apply(tenant.connection());
      assertTrue(result.succeeded(), result.toString());
      return new CleanRun(tenant.snapshot(), tenant.writes().stream().map(CrashSafetyProperties::describe).toList());
    });
  }

  @Example
  void cleanRunsWriteSomethingAndNothingTwice() {
    for (Fixtures.Scenario s : SCENARIOS) {
      CleanRun clean = clean(s);
      assertTrue(clean.writes().size() >= 3, s + ": " + clean.writes());
      assertEquals(clean.writes().size(), new HashSet<>(clean.writes()).size(), s + " wrote something twice: " + clean.writes());
    }
  }

  @Provide
  Arbitrary<Crash> crashes() {
    return Arbitraries.of(SCENARIOS)
        .flatMap(s -> Arbitraries.integers().between(0, clean(s).writes().size() - 1).map(k -> new Crash(s, k)));
  }

  @Property(tries = 60, seed = "20261123", shrinking = ShrinkingMode.OFF)
  void crashAnywhereThenApplyAgainConvergesWithoutDuplicates(@ForAll("crashes") Crash crash) {
    Fixtures.Scenario s = crash.scenario();
    CleanRun clean = clean(s);
    FakeTenant tenant = s.tenant().get();
    TenantConnection connection = tenant.connection();

    tenant.faults().crashAfterWrites(crash.k());
    assertThrows(SimulatedCrashException.class, () -> s.setup().apply(connection), crash.toString());
    assertEquals(crash.k(), tenant.writes().size(), "writes before the crash");

    ApplyResult recovery = s.setup().apply(connection);
    assertTrue(recovery.succeeded(), crash + "\n" + recovery);
    assertEquals(clean.snapshot(), tenant.snapshot(), crash + ": end state differs from a clean run");
    assertTrue(s.setup().plan(connection).isConverged(), crash + ": not converged");

    List<String> writes = tenant.writes().stream().map(CrashSafetyProperties::describe).toList();
    assertEquals(writes.size(), new HashSet<>(writes).size(), crash + ": a write was performed twice: " + writes);
    assertEquals(new HashSet<>(clean.writes()), new HashSet<>(writes), crash + ": crash + recovery wrote other things than a clean run");
    for (String member : s.preExistingMembers()) {
      assertTrue(tenant.members(s.group()).contains(member), crash + ": pre-existing member " + member + " lost");
    }
  }

  @Example
  void everyCrashPointOfEveryScenario() {
    // Exhaustive companion of the property above: the scenarios are small enough to try every k.
    for (Fixtures.Scenario s : SCENARIOS) {
      for (int k = 0; k < clean(s).writes().size(); k++) {
        crashAnywhereThenApplyAgainConvergesWithoutDuplicates(new Crash(s, k));
      }
    }
  }
}
