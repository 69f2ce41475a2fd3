package dev.impersonation.testkit;

import static dev.impersonation.testkit.Fixtures.ANN;
import static dev.impersonation.testkit.Fixtures.CEO;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.impersonation.Access;
import dev.impersonation.ImpersonationSetup;
import dev.impersonation.InvalidSetupException;
import dev.impersonation.Principal;
import dev.impersonation.Scope;
import dev.impersonation.TenantTarget;
import dev.impersonation.plan.Plan;
import dev.impersonation.plan.Step;
import dev.impersonation.plan.Step.StepAction;
import org.junit.jupiter.api.Test;

/** Vendor steps that have no direct equivalent on a target appear in the plan with why, never dropped (docs/vendor-procedures.md). */
class VendorStepsTest {
  private static final String APP = "5e6f7a8b-9c0d-4e1f-a2b3-c4d5e6f7a8b9";
  private static final String SP = "6f7a8b9c-0d1e-4f2a-b3c4-d5e6f7a8b9c0";

  @Test
  void reschedgesViewOnlyConfigurationIsExplainedInTheOnlinePlan() {
    FakeTenant tenant = FakeTenant.exchangeOnline(Fixtures.ONLINE).userMailbox(ANN).userMailbox(CEO).application(APP, SP, "Reschedge").build();
    ImpersonationSetup setup = ImpersonationSetup.builder().name("Reschedge").target(TenantTarget.exchangeOnline(Fixtures.ONLINE))
        .principal(Principal.application(APP)).scope(Scope.organization().acknowledged())
        .access(Access.rbacForApplications("Application Calendars.ReadWrite")
            .replacingLegacyRoles("ApplicationImpersonation", "View-Only Configuration"))
        .addVerifyMailboxes(ANN, CEO).build();
    Plan plan = setup.plan(tenant.connection());
    Step viewOnly = plan.steps().stream().filter(s -> s.resource().equals("legacy role 'View-Only Configuration'")).findFirst()
        .orElseThrow(() -> new AssertionError(plan.toString()));
    assertEquals(StepAction.NO_OP, viewOnly.action());
    assertTrue(viewOnly.reason().contains("no application-role equivalent") && viewOnly.reason().contains("Autodiscover"),
        viewOnly::reason);
    Step impersonation = plan.steps().stream().filter(s -> s.resource().equals("legacy role 'ApplicationImpersonation'"))
        .findFirst().orElseThrow();
    assertTrue(impersonation.reason().contains("replaced by Application Calendars.ReadWrite"), impersonation::reason);
    assertTrue(plan.warnings().stream().anyMatch(w -> w.contains("View-Only Configuration")), plan.warnings()::toString);
    assertTrue(plan.toPowerShell().contains("View-Only Configuration"), "the script says it too");
    assertTrue(plan.toJson().contains("legacy role 'View-Only Configuration'"));
    assertTrue(setup.apply(tenant.connection()).succeeded());
    assertTrue(setup.plan(tenant.connection()).isConverged(), "the legacy roles are no-ops, so the plan converges");
  }

  @Test
  void anApplicationRoleIsNotALegacyRole() {
    InvalidSetupException e = assertThrows(InvalidSetupException.class,
        () -> Access.rbacForApplications("Application Mail.Read").replacingLegacyRoles("Application Mail.Read"));
    assertTrue(e.getMessage().contains("rbacForApplications("), e.getMessage());
  }
}
