package dev.impersonation.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.impersonation.Access.ApplicationAccessPolicy;
import dev.impersonation.Access.RbacForApplications;
import dev.impersonation.Access;
import dev.impersonation.ImpersonationSetup;
import dev.impersonation.InvalidSetupException;
import dev.impersonation.Principal;
import dev.impersonation.Scope;
import dev.impersonation.TenantTarget;
import dev.impersonation.TransientTenantException;
import dev.impersonation.plan.Plan;
import dev.impersonation.plan.ProgressListener;
import dev.impersonation.plan.Step.StepAction;
import dev.impersonation.plan.Step;
import dev.impersonation.spi.ApplicationPermissionGrant;
import dev.impersonation.spi.Operation;
import dev.impersonation.testkit.powershell.ParsedCommand;
import dev.impersonation.testkit.powershell.ParsedScript;
import dev.impersonation.testkit.powershell.ParsedStatement;
import dev.impersonation.testkit.powershell.ParsedValue;
import dev.impersonation.testkit.powershell.ScriptParser;
import dev.impersonation.verify.MailboxAccess.AccessState;
import dev.impersonation.verify.MailboxAccess;
import dev.impersonation.verify.VerificationReport;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Granting and revoking tenant-wide application permissions (Entra admin consent): an access policy's app gets the
 * Graph permissions the policy restricts, after the policy; RBAC for Applications removes mailbox consent only when
 * the setup opts in, after the assignments (docs/rbac-for-applications.md step 5 of the RBAC for Applications recipe, docs/rbac-for-applications.md#recipe, D11).
 */
class ApplicationPermissionsTest {
  private static final String DOMAIN = "contoso.onmicrosoft.com";
  private static final String APP = "6f1c2a3b-4d5e-4f60-8172-93a4b5c6d7e8";
  private static final String SP = "9a2b3c4d-5e6f-4a7b-8c9d-0e1f2a3b4c5d";
  private static final String ANN = "ann@contoso.com";
  private static final String BOB = "bob@contoso.com";
  private static final String CEO = "ceo@contoso.com";
  private static final String CONSENT = "tenant-wide consent of " + APP;

  private static FakeTenant.Builder people() {
    return FakeTenant.exchangeOnline(DOMAIN).userMailbox(ANN).userMailbox(BOB).userMailbox(CEO).application(APP, SP, "Sync");
  }

  private static ImpersonationSetup policy(String... permissions) {
    return ImpersonationSetup.builder().name("LegacySync").target(TenantTarget.exchangeOnline(DOMAIN))
        .principal(Principal.application(APP)).scope(Scope.mailEnabledSecurityGroup("Sync Users").members(ANN, BOB))
        .access(Access.applicationAccessPolicy().withGraphPermissions(permissions)).build();
  }

  private static ImpersonationSetup rbac(RbacForApplications access) {
    return ImpersonationSetup.builder().name("Sync").target(TenantTarget.exchangeOnline(DOMAIN))
        .principal(Principal.application(APP)).scope(Scope.mailEnabledSecurityGroup("Sync Users").members(ANN, BOB))
        .access(access).build();
  }

  private static Step step(Plan plan, String resourcePrefix) {
    return plan.steps().stream().filter(s -> s.resource().startsWith(resourcePrefix)).findFirst()
        .orElseThrow(() -> new AssertionError("no step for " + resourcePrefix + " in\n" + plan));
  }

  private static List<Step> steps(Plan plan, String resourcePrefix) {
    return plan.steps().stream().filter(s -> s.resource().startsWith(resourcePrefix)).toList();
  }

  private static List<String> consent(FakeTenant tenant) {
    return tenant.connection().directory().orElseThrow().applicationPermissionGrants(SP).stream()
        .map(ApplicationPermissionGrant::permission).toList();
  }

  private static AccessState state(VerificationReport report, String mailbox) {
    return report.mailboxes().stream().filter(m -> m.mailbox().equalsIgnoreCase(mailbox)).map(MailboxAccess::state)
        .findFirst().orElseThrow(() -> new AssertionError(mailbox + " not in\n" + report));
  }

  // ------------------------------------------------------------------ the API

  @Test
  void graphPermissionsAreValidatedAndDeduplicated() {
    ApplicationAccessPolicy p = Access.applicationAccessPolicy().withGraphPermissions("Mail.Read", "Mail.Read", "Calendars.ReadWrite");
    assertEquals(List.of("Mail.Read", "Calendars.ReadWrite"), p.graphPermissions());
    assertEquals(List.of(), Access.applicationAccessPolicy().graphPermissions());
    assertTrue(p.describe().contains("Mail.Read, Calendars.ReadWrite"), p.describe());
    InvalidSetupException role = assertThrows(InvalidSetupException.class,
        () -> Access.applicationAccessPolicy().withGraphPermissions("Application Mail.Read"));
    assertTrue(role.getMessage().contains("write \"Mail.Read\""), role.getMessage());
    assertThrows(InvalidSetupException.class, () -> Access.applicationAccessPolicy().withGraphPermissions("Mail Read"));
    assertFalse(Access.rbacForApplications("Application Mail.Read").removeTenantWideConsent());
    assertTrue(Access.rbacForApplications("Application Mail.Read").removingTenantWideConsent().removeTenantWideConsent());
  }

  // ------------------------------------------------------------------ access policy: grant after the policy

  @Test
  void anAccessPolicyPlanGrantsTheMissingConsentAfterThePolicy() {
    FakeTenant tenant = people().build();
    Plan plan = policy("Mail.Read", "Calendars.ReadWrite").plan(tenant.connection());
    Step policyStep = step(plan, "application access policy");
    Step grant = step(plan, CONSENT);
    assertEquals(StepAction.CREATE, policyStep.action(), plan::toString);
    assertEquals(StepAction.CREATE, grant.action(), plan::toString);
    assertTrue(grant.number() > policyStep.number(), plan::toString);
    // Between them: a wait until the new policy is effective, so the consent is never wider than the policy.
    Step settle = plan.steps().stream().filter(st -> st.operation().orElse(null) instanceof Operation.AwaitAccessPolicy)
        .findFirst().orElseThrow(() -> new AssertionError(plan.toString()));
    assertEquals(StepAction.PREREQUISITE, settle.action());
    assertTrue(settle.number() > policyStep.number() && grant.number() > settle.number(), plan::toString);
    assertTrue(settle.dependsOn().contains(policyStep.number()) && grant.dependsOn().contains(settle.number()), plan::toString);
    assertTrue(grant.reason().contains("once the access policy is effective"), grant.reason());
    assertEquals(new Operation.GrantApplicationPermissions(APP, SP, List.of("Mail.Read", "Calendars.ReadWrite")),
        grant.operation().orElseThrow());
    assertEquals("fake-graph", grant.backend());
    assertTrue(plan.warnings().stream().anyMatch(w -> w.contains("reports speak of days")), plan::toString);
  }

  @Test
  void existingConsentIsANoOpAndOnlyTheMissingPermissionIsGranted() {
    FakeTenant tenant = people().consent(APP, "Mail.Read").build();
    Step all = step(policy("Mail.Read").plan(tenant.connection()), CONSENT);
    assertEquals(StepAction.NO_OP, all.action());
    Step some = step(policy("Mail.Read", "Calendars.ReadWrite").plan(tenant.connection()), CONSENT);
    assertEquals(new Operation.GrantApplicationPermissions(APP, SP, List.of("Calendars.ReadWrite")), some.operation().orElseThrow());
  }

  @Test
  void withoutGraphPermissionsAnAccessPolicyPlansNoConsentStep() {
    FakeTenant tenant = people().build();
    ImpersonationSetup setup = ImpersonationSetup.builder().name("LegacySync").target(TenantTarget.exchangeOnline(DOMAIN))
        .principal(Principal.application(APP)).scope(Scope.mailEnabledSecurityGroup("Sync Users").members(ANN, BOB))
        .access(Access.applicationAccessPolicy()).build();
    assertEquals(List.of(), steps(setup.plan(tenant.connection()), CONSENT));
  }

  @Test
  void anAccessPolicySetupWithoutPriorConsentEndsScopedAfterThePolicyDelay() {
    FakeTenant tenant = people().build();
    ImpersonationSetup setup = policy("Calendars.ReadWrite");
    assertTrue(setup.apply(tenant.connection()).succeeded());
    assertEquals(List.of("Calendars.ReadWrite"), consent(tenant));
    assertEquals(1, tenant.accessPolicyCount());
    // Apply waited for the policy to settle before granting consent: the outsider was never reachable.
    assertTrue(tenant.clock().totalSlept().compareTo(Duration.ofMinutes(90)) >= 0, tenant.clock()::toString);
    assertEquals(AccessState.DENIED, state(setup.verify(tenant.connection()), CEO));
    Plan again = setup.plan(tenant.connection());
    assertTrue(again.isConverged(), again::toString);
    tenant.clock().advance(Duration.ofMinutes(91));
    VerificationReport report = setup.verify(tenant.connection());
    assertEquals(AccessState.GRANTED, state(report, ANN), report::toString);
    assertEquals(AccessState.GRANTED, state(report, BOB), report::toString);
    assertEquals(AccessState.DENIED, state(report, CEO), report::toString);
    assertTrue(report.isSatisfied(), report::toString);
  }

  // ------------------------------------------------------------------ RBAC for Applications: revoke only on request

  @Test
  void byDefaultRbacWarnsAboutConsentAndRevokesNothing() {
    FakeTenant tenant = people().consent(APP, "Mail.ReadWrite").build();
    ImpersonationSetup setup = rbac(Access.rbacForApplications("Application Mail.Read"));
    Plan plan = setup.plan(tenant.connection());
    assertTrue(plan.steps().stream().noneMatch(s -> s.action() == StepAction.REVOKE), plan::toString);
    assertEquals(List.of(), steps(plan, CONSENT));
    assertTrue(plan.warnings().stream().anyMatch(w -> w.contains("(docs/diagnostics.md#d11)") && w.contains("removingTenantWideConsent()")),
        plan::toString);
    assertTrue(setup.apply(plan, tenant.connection(), ProgressListener.none()).succeeded());
    tenant.clock().advance(Duration.ofHours(3));
    VerificationReport report = setup.verify(tenant.connection());
    assertEquals(AccessState.GRANTED, state(report, ANN), report::toString);
    assertEquals(AccessState.GRANTED, state(report, CEO), "least privilege is broken by the consent:\n" + report);
    assertFalse(report.isSatisfied());
    assertFalse(setup.diagnose(tenant.connection()).withCode("D11").isEmpty());
    assertEquals(List.of("Mail.ReadWrite"), consent(tenant));
  }

  @Test
  void optingInRevokesTheMailConsentAfterTheAssignments() {
    FakeTenant tenant = people().consent(APP, "Mail.ReadWrite", "User.Read.All").build();
    ImpersonationSetup setup = rbac(Access.rbacForApplications("Application Mail.Read", "Application Calendars.Read")
        .removingTenantWideConsent());
    Plan plan = setup.plan(tenant.connection());
    Step revoke = step(plan, CONSENT);
    List<Step> assignments = steps(plan, "role assignment");
    assertEquals(2, assignments.size(), plan::toString);
    assertEquals(StepAction.REVOKE, revoke.action(), plan::toString);
    assertTrue(revoke.action().writes());
    for (Step a : assignments) {
      assertEquals(StepAction.CREATE, a.action());
      assertTrue(revoke.number() > a.number() && revoke.dependsOn().contains(a.number()), plan::toString);
    }
    assertTrue(revoke.reason().startsWith("REMOVES consent that existed"), revoke.reason());
    assertEquals(new Operation.RevokeApplicationPermissions(APP, SP, List.of("Mail.ReadWrite")), revoke.operation().orElseThrow());
    assertTrue(plan.toString().contains("REVOKE"), plan::toString);
    assertTrue(plan.warnings().stream().anyMatch(w -> w.startsWith("REMOVES EXISTING CONSENT")), plan::toString);
    assertTrue(plan.warnings().stream().anyMatch(w -> w.contains("keeps tenant-wide consent Microsoft Graph User.Read.All")),
        plan::toString);

    assertTrue(setup.apply(plan, tenant.connection(), ProgressListener.none()).succeeded());
    assertEquals(List.of("User.Read.All"), consent(tenant), "only the mailbox consent is revoked");
    VerificationReport report = tenant.advanceUntilVerified(setup, Duration.ofHours(3));
    assertEquals(AccessState.GRANTED, state(report, ANN), report::toString);
    assertEquals(AccessState.DENIED, state(report, CEO), report::toString);
    assertTrue(report.isSatisfied(), report::toString);
    Plan again = setup.plan(tenant.connection());
    assertTrue(again.isConverged(), again::toString);
  }

  @Test
  void optingInWithoutMailConsentIsANoOp() {
    FakeTenant tenant = people().build();
    Plan plan = rbac(Access.rbacForApplications("Application Mail.Read").removingTenantWideConsent()).plan(tenant.connection());
    assertEquals(StepAction.NO_OP, step(plan, CONSENT).action(), plan::toString);
  }

  @Test
  void aFailedConsentReadBlocksTheGrantAndTheRevoke() {
    FakeTenant aap = people().build();
    aap.faults().fail("directory.applicationPermissionGrants", 100, () -> new TransientTenantException("Graph timed out"));
    Step grant = step(policy("Mail.Read").plan(aap.connection()), CONSENT);
    assertEquals(StepAction.BLOCKED, grant.action());
    assertTrue(grant.reason().contains("could not read the app's tenant-wide consent") && grant.reason().contains("never taken as absent"),
        grant.reason());

    FakeTenant rbac = people().consent(APP, "Mail.ReadWrite").build();
    rbac.faults().fail("directory.applicationPermissionGrants", 100, () -> new TransientTenantException("Graph timed out"));
    Plan plan = rbac(Access.rbacForApplications("Application Mail.Read").removingTenantWideConsent()).plan(rbac.connection());
    assertEquals(StepAction.BLOCKED, step(plan, CONSENT).action(), plan::toString);
    assertTrue(plan.steps().stream().noneMatch(s -> s.action() == StepAction.REVOKE), plan::toString);
  }

  // ------------------------------------------------------------------ the script

  @Test
  void theScriptsShowTheGrantAndTheRevokeAndParse() {
    FakeTenant tenant = people().consent(APP, "Mail.ReadWrite").build();
    ParsedScript grant = ScriptParser.parse(policy("Mail.Read").plan(people().build().connection()).toPowerShell());
    ParsedCommand connect = grant.command("Connect-MgGraph").orElseThrow();
    assertEquals(new ParsedValue.LiteralList(List.of("AppRoleAssignment.ReadWrite.All", "Application.Read.All")),
        connect.parameter("Scopes").orElseThrow());
    ParsedStatement.Assignment graphSp = grant.assignmentOf("graphSpId").orElseThrow();
    assertEquals("Get-MgServicePrincipal", graphSp.read().name());
    assertEquals("appId eq '00000003-0000-0000-c000-000000000000'", graphSp.read().text("Filter"));
    ParsedStatement.Assignment role = grant.assignmentOf("graphRole_Mail_Read").orElseThrow();
    assertEquals("Find-MgGraphPermission", role.read().name());
    assertEquals("Mail.Read", role.read().text("SearchString"));
    assertEquals("Application", role.read().text("PermissionType"));
    ParsedStatement.IdempotentBlock create = grant.statements(ParsedStatement.IdempotentBlock.class).stream()
        .filter(b -> b.command().is("New-MgServicePrincipalAppRoleAssignment")).findFirst().orElseThrow();
    assertEquals(SP, create.command().text("ServicePrincipalId"));
    assertEquals(SP, create.command().text("PrincipalId"));
    assertInstanceOf(ParsedValue.Variable.class, create.command().parameter("ResourceId").orElseThrow());
    assertInstanceOf(ParsedValue.Variable.class, create.command().parameter("AppRoleId").orElseThrow());

    String revokeText = rbac(Access.rbacForApplications("Application Mail.Read").removingTenantWideConsent())
        .plan(tenant.connection()).toPowerShell();
    ParsedScript revoke = ScriptParser.parse(revokeText);
    assertEquals(SP, revoke.command("Get-MgServicePrincipalAppRoleAssignment").orElseThrow().text("ServicePrincipalId"));
    assertTrue(revoke.comments().stream().anyMatch(c -> c.contains("REMOVES tenant-wide admin consent")), revokeText);
    assertTrue(revoke.comments().stream().anyMatch(c -> c.contains("Remove-MgServicePrincipalAppRoleAssignment -ServicePrincipalId "
        + SP + " ")), revokeText);
    assertTrue(revoke.assignmentOf("graphRole_Mail_ReadWrite").isPresent(), revokeText);
  }
}
