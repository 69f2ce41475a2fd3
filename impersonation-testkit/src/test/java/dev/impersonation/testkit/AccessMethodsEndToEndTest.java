package dev.impersonation.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.impersonation.Access;
import dev.impersonation.GroupKind;
import dev.impersonation.ImpersonationSetup;
import dev.impersonation.Principal;
import dev.impersonation.Scope;
import dev.impersonation.TenantTarget;
import dev.impersonation.plan.Plan;
import dev.impersonation.plan.Step.StepAction;
import dev.impersonation.plan.Step;
import dev.impersonation.verify.MailboxAccess.AccessState;
import dev.impersonation.verify.MailboxAccess;
import dev.impersonation.verify.VerificationReport;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The access methods and scopes the vendor examples do not use, end to end against FakeTenant. */
class AccessMethodsEndToEndTest {
  private static final String DOMAIN = "contoso.onmicrosoft.com";
  private static final String APP = "6f1c2a3b-4d5e-4f60-8172-93a4b5c6d7e8";
  private static final String SP = "9a2b3c4d-5e6f-4a7b-8c9d-0e1f2a3b4c5d";
  private static final String AU = "0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d";
  private static final String ANN = "ann@contoso.com";
  private static final String BOB = "bob@contoso.com";
  private static final String CEO = "ceo@contoso.com";

  private static FakeTenant.Builder people() {
    return FakeTenant.exchangeOnline(DOMAIN).userMailbox(ANN).userMailbox(BOB).userMailbox(CEO);
  }

  private static ImpersonationSetup.Builder app(String name) {
    return ImpersonationSetup.builder().name(name).target(TenantTarget.exchangeOnline(DOMAIN)).principal(Principal.application(APP));
  }

  private static AccessState state(VerificationReport report, String mailbox) {
    return report.mailboxes().stream().filter(m -> m.mailbox().equalsIgnoreCase(mailbox)).map(MailboxAccess::state)
        .findFirst().orElseThrow(() -> new AssertionError(mailbox + " not in\n" + report));
  }

  private static Step onlyBlocked(Plan plan) {
    assertEquals(1, plan.blockedSteps().size() - (int) plan.blockedSteps().stream()
        .filter(s -> s.resource().equals("access grant")).count(), plan::toString);
    return plan.blockedSteps().get(0);
  }

  @Test
  void applicationAccessPolicyRestrictsConsentToTheGroupAfterItsDelay() {
    FakeTenant tenant = people().application(APP, SP, "Legacy Sync").consent(APP, "Mail.Read").build();
    ImpersonationSetup setup = app("LegacySync").scope(Scope.mailEnabledSecurityGroup("Legacy Sync Users").members(ANN, BOB))
        .access(Access.applicationAccessPolicy()).build();
    Plan plan = setup.plan(tenant.connection());
    assertTrue(plan.warnings().stream().anyMatch(w -> w.contains("legacy")), plan::toString);
    assertTrue(setup.apply(plan, tenant.connection(), dev.impersonation.plan.ProgressListener.none()).succeeded());
    assertEquals(1, tenant.accessPolicyCount());
    assertTrue(setup.plan(tenant.connection()).isConverged());
    // Before the policy takes effect the app still reaches everyone through its consent.
    VerificationReport early = setup.verify(tenant.connection());
    assertEquals(AccessState.GRANTED, state(early, CEO), early::toString);
    assertTrue(!early.isSatisfied());
    tenant.clock().advance(Duration.ofMinutes(91));
    VerificationReport later = setup.verify(tenant.connection());
    assertTrue(later.isSatisfied(), later::toString);
    assertEquals(AccessState.DENIED, state(later, CEO));
    // Applying again creates no second policy.
    setup.apply(tenant.connection());
    assertEquals(1, tenant.accessPolicyCount());
  }

  @Test
  void administrativeUnitScopesRbacForApplications() {
    FakeTenant tenant = people().application(APP, SP, "Sync").administrativeUnit(AU, ANN, BOB).build();
    ImpersonationSetup setup = app("AuSync").scope(Scope.administrativeUnit(AU))
        .access(Access.rbacForApplications("Application Mail.Read")).build();
    assertTrue(setup.plan(tenant.connection()).toPowerShell().contains("-RecipientAdministrativeUnitScope '" + AU + "'"));
    assertTrue(setup.apply(tenant.connection()).succeeded());
    assertEquals(dev.impersonation.spi.ScopeType.ADMINISTRATIVE_UNIT, tenant.roleAssignments().get(0).scopeType());
    assertTrue(tenant.managementScope("AuSync-Scope").isEmpty(), "no management scope for an administrative unit");
    tenant.clock().advance(Duration.ofHours(1));
    VerificationReport report = setup.verify(tenant.connection());
    assertTrue(report.isSatisfied(), report::toString);
    assertEquals(AccessState.DENIED, state(report, CEO));
    assertTrue(setup.plan(tenant.connection()).isConverged());
  }

  @Test
  void missingAdministrativeUnitBlocks() {
    FakeTenant tenant = people().application(APP, SP, "Sync").build();
    Plan plan = app("AuSync").scope(Scope.administrativeUnit(AU)).access(Access.rbacForApplications("Application Mail.Read"))
        .build().plan(tenant.connection());
    assertTrue(onlyBlocked(plan).reason().contains("no such administrative unit"), plan::toString);
  }

  @Test
  void securityGroupWithFullAccessIsWrittenThroughTheDirectory() {
    FakeTenant tenant = people().userMailbox("svc@contoso.com").build();
    ImpersonationSetup setup = ImpersonationSetup.builder().name("Delegates").target(TenantTarget.exchangeOnline(DOMAIN))
        .principal(Principal.serviceAccount("svc@contoso.com")).scope(Scope.securityGroup("Delegated Mailboxes").members(ANN, BOB))
        .access(Access.fullAccess()).build();
    Plan plan = setup.plan(tenant.connection());
    assertTrue(plan.steps().stream().anyMatch(s -> s.action() == StepAction.CREATE && s.backend().equals("fake-graph")), plan::toString);
    assertTrue(setup.apply(plan, tenant.connection(), dev.impersonation.plan.ProgressListener.none()).succeeded());
    assertEquals(GroupKind.SECURITY, tenant.group("Delegated Mailboxes").orElseThrow().kind());
    assertEquals(2, tenant.members("Delegated Mailboxes").size());
    assertEquals(1, tenant.mailboxPermissions(ANN).size());
    assertTrue(setup.plan(tenant.connection()).isConverged());
    assertTrue(setup.verify(tenant.connection()).isSatisfied());
  }

  @Test
  void applicationWithoutServicePrincipalBlocksWithConsentAdvice() {
    FakeTenant tenant = people().build();
    Plan plan = app("NoSp").scope(Scope.mailEnabledSecurityGroup("G").members(ANN))
        .access(Access.rbacForApplications("Application Mail.Read")).build().plan(tenant.connection());
    assertTrue(onlyBlocked(plan).reason().contains("admin consent"), plan::toString);
  }

  @Test
  void missingServiceAccountBlocksUnlessCreationIsDeclared() {
    FakeTenant tenant = FakeTenant.exchangeServer("contoso.com").userMailbox(ANN).userMailbox(CEO).build();
    Plan plan = ImpersonationSetup.builder().name("Svc").target(TenantTarget.exchangeServer("contoso.com"))
        .principal(Principal.serviceAccount("svc@contoso.com")).scope(Scope.distributionGroup("G").members(ANN))
        .access(Access.applicationImpersonation()).build().plan(tenant.connection());
    Step blocked = onlyBlocked(plan);
    assertTrue(blocked.reason().contains("docs/diagnostics.md#d1") && blocked.reason().contains("createIfMissing"), plan::toString);
  }

  @Test
  void existingGroupOfAnotherKindBlocks() {
    FakeTenant tenant = people().application(APP, SP, "Sync").distributionGroup("Sync Users", ANN).build();
    Plan plan = app("Kind").scope(Scope.mailEnabledSecurityGroup("Sync Users").members(ANN))
        .access(Access.rbacForApplications("Application Mail.Read")).build().plan(tenant.connection());
    assertTrue(onlyBlocked(plan).reason().contains("is a distribution group, not a mail-enabled security group"), plan::toString);
  }

  @Test
  void memberThatIsAGroupBlocksWithD2() {
    FakeTenant tenant = people().application(APP, SP, "Sync").distributionGroup("Nested", BOB).build();
    Plan plan = app("Nest").scope(Scope.mailEnabledSecurityGroup("Sync Users").members(ANN, "nested@" + DOMAIN))
        .access(Access.rbacForApplications("Application Mail.Read")).build().plan(tenant.connection());
    Step blocked = onlyBlocked(plan);
    assertTrue(blocked.reason().contains("docs/diagnostics.md#d2"), plan::toString);
  }
}
