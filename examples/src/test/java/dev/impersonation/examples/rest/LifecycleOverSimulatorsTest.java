package dev.impersonation.examples.rest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.impersonation.examples.LifecycleExample;
import dev.impersonation.plan.ApplyResult;
import dev.impersonation.plan.Step.StepAction;
import dev.impersonation.testkit.FakeTenant;
import dev.impersonation.testkit.powershell.ScriptRunner;
import dev.impersonation.verify.DriftReport;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The life-cycle example (docs/lifecycle.md) in memory and over the HTTP simulators: the same drift found and repaired,
 * the same teardown, and the tenant back as it was before the setup, pre-existing objects untouched; the teardown's
 * script does the same on a tenant the setup was applied to.
 */
class LifecycleOverSimulatorsTest {
  private final OverHttp http = new OverHttp();

  @AfterEach
  void stop() throws Exception {
    http.close();
  }

  @Test
  void driftIsFoundAndRepairedAndTeardownLeavesWhatExistedInMemoryAndOverHttp() {
    LifecycleExample.Run[] runs = new LifecycleExample.Run[2];
    String memory = OverHttp.printed(out -> runs[0] = LifecycleExample.run(out, FakeTenant::connection));
    String overHttp = OverHttp.printed(out -> runs[1] = LifecycleExample.run(out, http::connect));
    for (LifecycleExample.Run run : runs) {
      assertTrue(run.succeeded(), () -> run.drift() + "\n" + run.reapplied() + "\n" + run.repairedDrift() + "\n" + run.teardown()
          + "\n" + run.tornDown() + "\n" + run.snapshotBefore() + "\n---\n" + run.snapshotAfter());
      assertEquals(run.drift().findings(), run.alerts(), "every finding is an alert event");
      assertEquals(List.of(DriftReport.Kind.ROLE_ASSIGNMENT_REMOVED), run.drift().findings().stream().map(DriftReport.Drift::kind).toList(),
          run.drift()::toString);
      assertTrue(run.teardown().steps().stream().noneMatch(s -> s.action() == StepAction.BLOCKED), run.teardown()::toString);
      assertTrue(run.tenant().members(LifecycleExample.GROUP).contains(LifecycleExample.EVE), "a member the setup did not add stays");
      assertEquals(List.of("Other Vendor-Mail.Read"), run.tenant().roleAssignments().stream().map(a -> a.name()).toList());
    }
    assertEquals(runs[0].teardown().toPowerShell(), runs[1].teardown().toPowerShell(), "the same teardown both ways");
    for (String output : List.of(memory, overHttp)) {
      assertTrue(output.contains("ALERT ROLE_ASSIGNMENT_REMOVED") && output.contains("as it was before the setup"), output);
      assertFalse(output.contains("test-only-admin-secret"), "no secret printed");
    }
  }

  @Test
  void theTeardownScriptRemovesTheSameAndLeavesWhatExisted() {
    FakeTenant scripted = LifecycleExample.tenant();
    String before = scripted.snapshot();
    ApplyResult applied = LifecycleExample.setup().apply(scripted.connection());
    assertTrue(applied.succeeded(), applied::toString);
    String script = LifecycleExample.setup().teardown(scripted.connection(), applied.record()).toPowerShell();
    ScriptRunner.Result result = ScriptRunner.on(scripted).run(script);
    assertEquals(0, result.exitCode(), result::toString);
    assertEquals(before, scripted.snapshot(), script);
    ScriptRunner.Result again = ScriptRunner.on(scripted).run(script);
    assertEquals(0, again.exitCode(), "the script can run twice: " + again);
  }
}
