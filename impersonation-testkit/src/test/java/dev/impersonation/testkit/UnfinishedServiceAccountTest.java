package dev.impersonation.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.impersonation.Access;
import dev.impersonation.ImpersonationSetup;
import dev.impersonation.Principal;
import dev.impersonation.Scope;
import dev.impersonation.Secret;
import dev.impersonation.TenantTarget;
import dev.impersonation.plan.Plan;
import dev.impersonation.plan.Step;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * A service account whose user was created but not licensed (an apply stopped between Graph's two calls, as a crash over
 * HTTP can leave it): the next plan licenses it instead of waiting forever for a mailbox that never comes.
 */
class UnfinishedServiceAccountTest {
  private static final String SKU = "6fd2c87f-b296-42f0-b197-1e91e994b900";
  private static final String UPN = "riva@contoso.com";

  private static ImpersonationSetup setup() {
    return ImpersonationSetup.builder().name("Riva").target(TenantTarget.exchangeOnline("contoso.onmicrosoft.com"))
        .principal(Principal.serviceAccount(UPN).createIfMissing("Riva Sync", "US", SKU, Secret.of("Test-only-1!")))
        .scope(Scope.mailboxes("ann@contoso.com")).access(Access.fullAccess()).build();
  }

  @Test
  void anUnlicensedUserIsLicensedThenAwaited() {
    FakeTenant tenant = FakeTenant.exchangeOnline("contoso.onmicrosoft.com").license(SKU).userMailbox("ann@contoso.com")
        .userWithoutMailbox(UPN).build();
    Plan plan = setup().plan(tenant.connection());
    Step licence = plan.steps().get(0);
    assertEquals(Step.StepAction.CREATE, licence.action(), plan::toString);
    assertTrue(licence.reason().contains("without the licence"), plan::toString);

    assertTrue(setup().apply(plan, tenant.connection(), dev.impersonation.plan.ProgressListener.none()).succeeded());
    assertTrue(tenant.advanceUntilConverged(setup(), Duration.ofHours(2)).compareTo(Duration.ofHours(2)) <= 0);
    assertTrue(setup().plan(tenant.connection()).isConverged());
  }
}
