package dev.impersonation.testkit;

import static dev.impersonation.testkit.Fixtures.ANN;
import static dev.impersonation.testkit.Fixtures.BOB;
import static dev.impersonation.testkit.Fixtures.CEO;
import static dev.impersonation.testkit.Fixtures.DAN;
import static dev.impersonation.testkit.Fixtures.EVE;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.impersonation.Access;
import dev.impersonation.ImpersonationSetup;
import dev.impersonation.InvalidSetupException;
import dev.impersonation.Principal;
import dev.impersonation.Scope;
import dev.impersonation.TenantTarget;
import dev.impersonation.TransientTenantException;
import dev.impersonation.migration.AccessPolicyMigration;
import dev.impersonation.plan.ApplyResult;
import dev.impersonation.plan.Plan;
import dev.impersonation.plan.Step.StepAction;
import dev.impersonation.plan.Step;
import dev.impersonation.spi.AccessProbe;
import dev.impersonation.spi.ProbeOutcome;
import dev.impersonation.verify.VerificationReport;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** Migration from an application access policy to RBAC for Applications (docs/migration.md), end to end on the fake. */
class AccessPolicyMigrationTest {
  private static final String APP = "2b3c4d5e-6f70-4a81-9b2c-3d4e5f607182";
  private static final String SP = "3c4d5e6f-7081-4b92-8c3d-4e5f60718293";

  /** A tenant set up by a vendor's access-policy how-to: a policy group with a nested group, consent, a deny policy. */
  static FakeTenant vendorTenant() {
    return FakeTenant.exchangeOnline(Fixtures.ONLINE).userMailbox(ANN).userMailbox(BOB).userMailbox(DAN).userMailbox(EVE)
        .userMailbox(CEO).application(APP, SP, "Calendar Sync").consent(APP, "Mail.ReadWrite", "Calendars.ReadWrite", "User.Read.All")
        .mailEnabledSecurityGroup("Sales", DAN, EVE).mailEnabledSecurityGroup("Sync Users", ANN, BOB, "Sales")
        .mailEnabledSecurityGroup("Executives", CEO)
        .accessPolicy(APP, "Sync Users", "RestrictAccess").accessPolicy(APP, "Executives", "DenyAccess").build();
  }

  private static Set<String> granted(FakeTenant tenant, String... mailboxes) {
    AccessProbe probe = tenant.connection().accessProbe().orElseThrow();
    return List.of(mailboxes).stream().filter(m -> probe.probe(Principal.application(APP), m, "Calendars.ReadWrite").result()
        == ProbeOutcome.Result.GRANTED).collect(Collectors.toSet());
  }

  @Test
  void readingFindsThePolicyItsNestedMembersTheConsentAndTheMatchingRoles() {
    FakeTenant tenant = vendorTenant();
    AccessPolicyMigration m = AccessPolicyMigration.read(tenant.connection(), APP);
    assertEquals(1, m.restrictPolicies().size());
    assertEquals(1, m.denyPolicies().size(), "the DenyAccess policy is reported");
    assertEquals(List.of(ANN, BOB), m.directMembers());
    assertEquals(List.of(new AccessPolicyMigration.NestedMember(DAN, "Sales"), new AccessPolicyMigration.NestedMember(EVE, "Sales")),
        m.nestedOnly());
    assertEquals(List.of("Mail.ReadWrite", "Calendars.ReadWrite"), m.consentedPermissions(), "User.Read.All is not a mailbox permission");
    assertEquals(List.of("Application Mail.ReadWrite", "Application Calendars.ReadWrite"), m.roles());
    assertTrue(m.roleListFromExchange());
    assertTrue(m.unknowns().isEmpty(), m::toString);
    assertTrue(m.toString().contains("would FALL OUT"), m::toString);
    assertTrue(m.toJson().contains("\"nestedOnly\""), m::toJson);
    assertTrue(tenant.writes().isEmpty(), "reading writes nothing");
  }

  @Test
  void theMigratedSetupFlattensConfirmsThenRemovesConsentAndPolicyAndVerifies() {
    FakeTenant tenant = vendorTenant();
    assertEquals(Set.of(ANN, BOB, DAN, EVE), granted(tenant, ANN, BOB, DAN, EVE, CEO), "before: the policy's reach");

    ImpersonationSetup setup = AccessPolicyMigration.read(tenant.connection(), APP).flatteningNestedMembers()
        .removingConsentAndPolicyWhenConfirmed().toSetup("SyncRbac");
    Plan plan = setup.plan(tenant.connection());
    List<StepAction> actions = plan.steps().stream().map(Step::action).toList();
    Step gate = plan.steps().stream().filter(s -> s.resource().startsWith("confirmation of RBAC")).findFirst().orElseThrow();
    Step consent = plan.steps().stream().filter(s -> s.resource().startsWith("tenant-wide consent")).findFirst().orElseThrow();
    Step policy = plan.steps().stream().filter(s -> s.resource().startsWith("access policy '")).findFirst().orElseThrow();
    assertEquals(StepAction.PREREQUISITE, gate.action(), plan::toString);
    assertEquals(StepAction.REVOKE, consent.action(), plan::toString);
    assertEquals(StepAction.REVOKE, policy.action(), plan::toString);
    assertTrue(consent.dependsOn().contains(gate.number()) && policy.dependsOn().contains(consent.number()),
        "gate, then consent, then policy: " + plan);
    assertTrue(actions.contains(StepAction.ADD_MEMBERS), "the nested members are added directly: " + plan);
    assertTrue(plan.warnings().stream().anyMatch(w -> w.contains("DenyAccess policy") && w.contains("is kept")), plan::toString);

    ApplyResult result = setup.apply(plan, tenant.connection(), dev.impersonation.plan.ProgressListener.none());
    assertTrue(result.succeeded(), result::toString);
    assertEquals(List.of("DenyAccess"), tenant.accessPolicies().stream().map(p -> p.accessRight()).toList(), "only the deny is left");
    assertTrue(tenant.members("Sync Users").containsAll(List.of(DAN.toLowerCase(), EVE.toLowerCase())), tenant.members("Sync Users")::toString);
    assertTrue(setup.plan(tenant.connection()).isConverged(), () -> setup.plan(tenant.connection()).toString());

    VerificationReport after = tenant.advanceUntilVerified(setup, Duration.ofHours(3));
    assertTrue(after.isSatisfied(), after::toString);
    assertEquals(Set.of(ANN, BOB, DAN, EVE), granted(tenant, ANN, BOB, DAN, EVE, CEO), "after: the same mailboxes, by RBAC");
  }

  @Test
  void withoutFlatteningThePlanSaysWhoFallsOut() {
    FakeTenant tenant = vendorTenant();
    ImpersonationSetup setup = AccessPolicyMigration.read(tenant.connection(), APP).toSetup("SyncRbac");
    Plan plan = setup.plan(tenant.connection());
    assertTrue(plan.warnings().stream().anyMatch(w -> w.contains("Sales")), plan::toString);
    assertTrue(plan.steps().stream().noneMatch(s -> s.action() == StepAction.REVOKE), "nothing removed unless asked: " + plan);
  }

  @Test
  void aFailedConfirmationRemovesNothing() {
    FakeTenant tenant = vendorTenant();
    ImpersonationSetup setup = AccessPolicyMigration.read(tenant.connection(), APP).flatteningNestedMembers()
        .removingConsentAndPolicyWhenConfirmed().toSetup("SyncRbac");
    tenant.faults().fail("testConfiguredAccess", 1000, () -> new TransientTenantException("503 Service Unavailable"));
    ApplyResult result = setup.apply(tenant.connection());
    assertFalse(result.succeeded(), result::toString);
    assertEquals(2, tenant.accessPolicies().size(), "the policies stay");
    assertEquals(Set.of(ANN, BOB, DAN, EVE), granted(tenant, ANN, BOB, DAN, EVE, CEO), "the consent stays: nobody lost access");
  }

  @Test
  void theExportedScriptGatesTheRemovalsOnTheConfirmation() {
    FakeTenant reference = vendorTenant();
    ImpersonationSetup setup = AccessPolicyMigration.read(reference.connection(), APP).flatteningNestedMembers()
        .removingConsentAndPolicyWhenConfirmed().toSetup("SyncRbac");
    String script = setup.plan(reference.connection()).toPowerShell();
    dev.impersonation.testkit.powershell.ScriptParser.parse(script);
    int gate = script.indexOf("Confirm-RbacForApplications -AppId '" + APP + "' -Roles 'Application Mail.ReadWrite','Application Calendars.ReadWrite' -Group 'Sync Users'");
    int consent = script.indexOf("REMOVES tenant-wide admin consent");
    int policy = script.indexOf("Remove-ApplicationAccessPolicy -Identity '");
    assertTrue(script.contains("function Confirm-RbacForApplications"), script);
    assertTrue(gate > 0 && consent > gate && policy > consent, "gate, then consent, then policy:\n" + script);
    assertTrue(script.contains("Start-Sleep -Seconds '7200'"), "the RBAC cache is waited out before the gate");
  }

  @Test
  void aMigrationIsNotProposedFromAnIncompleteRead() {
    FakeTenant tenant = vendorTenant();
    tenant.faults().fail("groupMembers", 100, () -> new TransientTenantException("503"));
    AccessPolicyMigration m = AccessPolicyMigration.read(tenant.connection(), APP);
    assertFalse(m.unknowns().isEmpty());
    InvalidSetupException e = assertThrows(InvalidSetupException.class, () -> m.toSetup("SyncRbac"));
    assertTrue(e.getMessage().contains("could not be read"), e.getMessage());
    assertThrows(InvalidSetupException.class, () -> AccessPolicyMigration.read(
        FakeTenant.exchangeServer(Fixtures.SERVER).build().connection(), APP));
    assertThrows(InvalidSetupException.class, () -> ImpersonationSetup.builder().name("X").target(TenantTarget.exchangeOnline(Fixtures.ONLINE))
        .principal(Principal.application(APP)).scope(Scope.distributionGroup("D").members(ANN))
        .access(Access.rbacForApplications("Application Mail.Read").replacingAccessPolicies()).build());
  }
}
