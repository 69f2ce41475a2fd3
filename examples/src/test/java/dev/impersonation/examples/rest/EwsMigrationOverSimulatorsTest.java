package dev.impersonation.examples.rest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.impersonation.examples.EwsMigrationExample;
import dev.impersonation.testkit.FakeTenant;
import dev.impersonation.testkit.powershell.ScriptRunner;
import dev.impersonation.verify.MailboxAccess.AccessState;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The EWS-to-Graph example (docs/migration.md#ews) in memory and over the HTTP simulators: the same verdicts, the EWS
 * setup removed with the backup product's allow-list entry kept; the Graph setup's script does the same as the apply.
 */
class EwsMigrationOverSimulatorsTest {
  private final OverHttp http = new OverHttp();

  @AfterEach
  void stop() throws Exception {
    http.close();
  }

  @Test
  void theVerdictsMoveFromKeepEwsToGraphReadyInMemoryAndOverHttp() {
    EwsMigrationExample.Run[] runs = new EwsMigrationExample.Run[2];
    String memory = OverHttp.printed(out -> runs[0] = EwsMigrationExample.run(out, FakeTenant::connection));
    String overHttp = OverHttp.printed(out -> runs[1] = EwsMigrationExample.run(out, http::connect));
    for (EwsMigrationExample.Run run : runs) {
      assertTrue(run.succeeded(), () -> run.atOnce() + "\n" + run.twoHoursLater() + "\n" + run.afterShutdown() + "\n"
          + run.ewsTeardown() + "\n" + run.ewsRemoved());
      assertTrue(run.twoHoursLater().ews().orElseThrow().isSatisfied(), "EWS still works in December: " + run.twoHoursLater());
      assertTrue(run.afterShutdown().ews().map(r -> r.inState(AccessState.GRANTED).isEmpty()).orElse(true),
          "no EWS after the shutdown: " + run.afterShutdown());
      assertEquals(List.of("0c1d2e3f-4a5b-4c6d-8e7f-8a9b0c1d2e3f"), run.tenant().ewsSettings().allowedAppIds(),
          "the backup product stays allow-listed, the vendor's app is removed");
      assertTrue(run.tenant().roleAssignments().stream().noneMatch(a -> a.role().equals("Application EWS.AccessAsApp")),
          run.tenant().roleAssignments()::toString);
      assertTrue(run.tenant().group("EWS Sync Users").isPresent(), "the Graph setup scopes to the group the EWS setup made: kept");
      assertEquals(3, run.tenant().members("EWS Sync Users").size(), "with its members");
      assertTrue(run.afterTeardown().isSatisfied(), "Graph still works after the EWS teardown: " + run.afterTeardown());
    }
    assertEquals(runs[0].tenant().snapshot(), runs[1].tenant().snapshot());
    for (String output : List.of(memory, overHttp)) {
      assertTrue(output.contains("KEEP_EWS_UNTIL_GRAPH_EFFECTIVE") && output.contains("GRAPH_READY"), output);
      assertFalse(output.contains("test-only-admin-secret"));
    }
  }

  @Test
  void theGraphSetupsScriptReachesTheSameStateAsTheApply() {
    FakeTenant applied = new dev.impersonation.examples.EwsVendorExample().tenant(dev.impersonation.TenantTarget.Kind.EXCHANGE_ONLINE);
    FakeTenant scripted = new dev.impersonation.examples.EwsVendorExample().tenant(dev.impersonation.TenantTarget.Kind.EXCHANGE_ONLINE);
    for (FakeTenant t : List.of(applied, scripted)) {
      assertTrue(EwsMigrationExample.ewsSetup().apply(t.connection()).succeeded());
    }
    String script = EwsMigrationExample.migration().graphSetup().plan(scripted.connection()).toPowerShell();
    assertTrue(EwsMigrationExample.migration().graphSetup().apply(applied.connection()).succeeded());
    ScriptRunner.Result result = ScriptRunner.on(scripted).run(script);
    assertTrue(result.exitCode() == 0 || result.exitCode() == 1, result::toString);
    assertEquals(applied.snapshot(), scripted.snapshot(), script);
  }
}
