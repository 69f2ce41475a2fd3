package dev.impersonation.testkit.powershell;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.impersonation.Access;
import dev.impersonation.ImpersonationSetup;
import dev.impersonation.Principal;
import dev.impersonation.Scope;
import dev.impersonation.TenantTarget;
import dev.impersonation.plan.Plan;
import dev.impersonation.testkit.FakeTenant;
import dev.impersonation.verify.Diagnosis.Finding;
import dev.impersonation.verify.Diagnosis;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The commands that diagnosis findings and plan warnings suggest an admin type are PowerShell too: a name with a
 * quote in it (an apostrophe is common in addresses, e.g. {@code o'brien@contoso.com}) must stay one literal.
 */
class FixCommandsParsingTest {
  private static final String SVC = "svc@contoso.com";
  private static final String OBRIEN = "o'brien@contoso.com";
  private static final String OLD = "O'Brien\u2019s old impersonation";

  private static ImpersonationSetup setup(String... members) {
    return ImpersonationSetup.builder().name("Sync").target(TenantTarget.exchangeServer("contoso.com"))
        .principal(Principal.serviceAccount(SVC)).scope(Scope.distributionGroup("Sync Users").members(members))
        .access(Access.applicationImpersonation()).build();
  }

  /** The command at the start of {@code text}, up to (not including) {@code prose}. */
  private static ParsedCommand command(String text, String prose) {
    int end = prose.isEmpty() ? text.length() : text.indexOf(prose);
    assertTrue(end > 0, () -> "no '" + prose + "' in " + text);
    return ScriptParser.parseCommand(text.substring(0, end));
  }

  @Test
  @DisplayName("D10: Set-CASMailbox for a mailbox whose address has an apostrophe")
  void ewsDisabledOnMailboxWithApostrophe() {
    FakeTenant tenant = FakeTenant.exchangeServer("contoso.com").userMailbox(SVC).userMailbox("ann@contoso.com")
        .userMailboxWithoutEws(OBRIEN).build();
    Diagnosis d = setup("ann@contoso.com", OBRIEN).diagnose(tenant.connection());
    Finding f = d.withCode("D10").get(0);
    ParsedCommand fix = command(f.fix(), "");
    assertEquals("Set-CASMailbox", fix.name());
    assertEquals(OBRIEN, fix.text("Identity"), f.fix());
    assertEquals(new ParsedValue.Bool(true), fix.parameter("EwsEnabled").orElseThrow(), f.fix());
  }

  @Test
  @DisplayName("D4: Remove-ManagementRoleAssignment for an assignment whose name has quotes, in diagnosis and plan")
  void organizationWideAssignmentWithQuotes() {
    FakeTenant tenant = FakeTenant.exchangeServer("contoso.com").userMailbox(SVC).userMailbox("ann@contoso.com")
        .roleAssignment(OLD, "ApplicationImpersonation", SVC, "").build();
    ImpersonationSetup setup = setup("ann@contoso.com");
    Plan plan = setup.plan(tenant.connection());
    String warning = plan.warnings().stream().filter(w -> w.contains("Remove-ManagementRoleAssignment")).findFirst()
        .orElseThrow(() -> new AssertionError(plan.warnings().toString()));
    String suggested = warning.substring(warning.indexOf("Remove-ManagementRoleAssignment"));
    ParsedCommand fromPlan = command(suggested.substring(0, suggested.length() - 1), "");
    assertEquals(OLD, fromPlan.text("Identity"), warning);
    ParsedScript script = ScriptParser.parse(plan.toPowerShell());
    assertTrue(script.comments().stream().anyMatch(c -> c.startsWith("WARNING: An organization-wide assignment")));

    assertTrue(setup.apply(plan, tenant.connection(), dev.impersonation.plan.ProgressListener.none()).succeeded());
    Diagnosis d = setup.diagnose(tenant.connection());
    List<Finding> d4 = d.withCode("D4").stream().filter(f -> f.fix().startsWith("Remove-ManagementRoleAssignment")).toList();
    assertEquals(1, d4.size(), d::toString);
    ParsedCommand fix = command(d4.get(0).fix(), " (the scoped assignment stays)");
    assertEquals(OLD, fix.text("Identity"), d4.get(0).fix());
    assertEquals(new ParsedValue.Bool(false), fix.parameter("Confirm").orElseThrow());
  }
}
