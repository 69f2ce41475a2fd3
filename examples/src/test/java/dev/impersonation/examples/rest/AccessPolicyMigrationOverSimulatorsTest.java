package dev.impersonation.examples.rest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.impersonation.examples.AccessPolicyMigrationExample;
import dev.impersonation.testkit.FakeTenant;
import dev.impersonation.verify.MailboxAccess.AccessState;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The access-policy migration example (docs/migration.md) in memory and over the HTTP simulators (the Exchange admin
 * endpoint and Microsoft Graph): the same findings, the same end state, verified before and after.
 */
class AccessPolicyMigrationOverSimulatorsTest {
  private final OverHttp http = new OverHttp();

  @AfterEach
  void stop() throws Exception {
    http.close();
  }

  @Test
  void theMigrationReachesTheSameVerifiedStateInMemoryAndOverHttp() {
    AccessPolicyMigrationExample.Run[] runs = new AccessPolicyMigrationExample.Run[2];
    String memory = OverHttp.printed(out -> runs[0] = AccessPolicyMigrationExample.run(out, FakeTenant::connection));
    String overHttp = OverHttp.printed(out -> runs[1] = AccessPolicyMigrationExample.run(out, http::connect));
    for (AccessPolicyMigrationExample.Run run : runs) {
      assertTrue(run.succeeded(), () -> run.plan() + "\n" + run.applied() + "\n" + run.after());
      assertEquals(2, run.migration().nestedOnly().size(), run.migration()::toString);
      assertTrue(run.after().mailboxes().stream().filter(m -> !m.inScope()).allMatch(m -> m.state() == AccessState.DENIED),
          run.after()::toString);
    }
    assertEquals(runs[0].tenant().snapshot(), runs[1].tenant().snapshot());
    assertEquals(runs[0].migration().roles(), runs[1].migration().roles());
    for (String output : List.of(memory, overHttp)) {
      assertTrue(output.contains("BEFORE (application access policy)") && output.contains("AFTER (RBAC for Applications)"), output);
      assertTrue(output.contains("dan@contoso.com via Sales"), output);
    }
  }
}
