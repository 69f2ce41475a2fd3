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
import dev.impersonation.plan.ApplyResult;
import dev.impersonation.plan.Plan;
import dev.impersonation.plan.ProgressListener;
import dev.impersonation.plan.SetupRecord;
import dev.impersonation.plan.Step.StepAction;
import dev.impersonation.spi.Operation;
import dev.impersonation.spi.OwnedObject;
import dev.impersonation.testkit.powershell.ScriptRunner;
import dev.impersonation.verify.DriftReport;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The record of an apply, drift against it, and teardown of exactly what it lists (docs/lifecycle.md). */
class LifecycleTest {
  private static final String APP = "4d5e6f70-8192-4a3b-8c4d-5e6f708192a3";
  private static final String SP = "5e6f7081-92a3-4b4c-9d5e-6f708192a3b4";
  private static final String OTHER_APP = "6f708192-a3b4-4c5d-8e6f-708192a3b4c5";

  /** Exchange Online: a pre-existing group with a member the setup does not declare, a pre-existing consent of another app. */
  private static FakeTenant online() {
    return FakeTenant.exchangeOnline(Fixtures.ONLINE).userMailbox(ANN).userMailbox(BOB).userMailbox(DAN).userMailbox(EVE)
        .userMailbox(CEO).application(APP, SP, "Sync").mailEnabledSecurityGroup("Sync Users", EVE)
        .mailEnabledSecurityGroup("Unrelated", CEO).build();
  }

  private static ImpersonationSetup rbac() {
    return ImpersonationSetup.builder().name("Sync").target(TenantTarget.exchangeOnline(Fixtures.ONLINE))
        .principal(Principal.application(APP)).scope(Scope.mailEnabledSecurityGroup("Sync Users").members(ANN, BOB))
        .access(Access.rbacForApplications("Application Calendars.ReadWrite")).build();
  }

  /** Exchange Server: the setup creates its group, scope, role group; a pre-existing distribution group is untouched. */
  private static FakeTenant server() {
    return FakeTenant.exchangeServer(Fixtures.SERVER).userMailbox("svc@contoso.com").userMailbox(ANN).userMailbox(BOB)
        .userMailbox(CEO).distributionGroup("Unrelated", CEO).build();
  }

  private static ImpersonationSetup impersonation() {
    return ImpersonationSetup.builder().name("Legacy").target(TenantTarget.exchangeServer(Fixtures.SERVER))
        .principal(Principal.serviceAccount("svc@contoso.com")).scope(Scope.distributionGroup("Legacy Users").members(ANN, BOB))
        .access(Access.applicationImpersonation().viaRoleGroup("LegacyImpersonation")).build();
  }

  @Test
  void applyRecordsWhatItMadeNotWhatExistedAndTheRecordRoundTripsAsJson() {
    FakeTenant tenant = online();
    ApplyResult applied = rbac().apply(tenant.connection());
    SetupRecord record = applied.record();
    assertTrue(applied.succeeded(), applied::toString);
    assertTrue(record.objects(OwnedObject.Kind.GROUP).isEmpty(), "the group existed: not the setup's");
    assertEquals(List.of(ANN, BOB), record.objects(OwnedObject.Kind.GROUP_MEMBERS).get(0).items());
    assertEquals(1, record.objects(OwnedObject.Kind.ROLE_ASSIGNMENT).size(), record::toString);
    assertEquals(1, record.objects(OwnedObject.Kind.EXCHANGE_SERVICE_PRINCIPAL).size(), record::toString);
    assertTrue(record.groupMembers().get("Sync Users").containsAll(List.of(ANN, BOB, EVE)), record.groupMembers()::toString);
    assertEquals(record, SetupRecord.fromJson(record.toJson()));
    assertFalse(record.toJson().toLowerCase().contains("secret"));
    assertThrows(InvalidSetupException.class, () -> SetupRecord.fromJson("{\"setupName\": 1}"));
  }

  @Test
  void driftIsCleanAfterApplyThenFindsWhatMovedAndReapplyRepairsWhatTheSetupOwns() {
    FakeTenant tenant = online();
    ImpersonationSetup setup = rbac();
    SetupRecord record = setup.apply(tenant.connection()).record();
    assertTrue(setup.drift(tenant.connection(), record).isClean(), () -> setup.drift(tenant.connection(), record).toString());

    String assignment = record.objects(OwnedObject.Kind.ROLE_ASSIGNMENT).get(0).identity();
    tenant.invokeExchangeCmdlet("Remove-ManagementRoleAssignment", Map.of("Identity", assignment));
    tenant.invokeExchangeCmdlet("Add-DistributionGroupMember", Map.of("Identity", "Sync Users", "Member", DAN));
    tenant.invokeExchangeCmdlet("Remove-DistributionGroupMember", Map.of("Identity", "Sync Users", "Member", BOB));
    tenant.connection().directory().orElseThrow().execute(new Operation.GrantApplicationPermissions(APP, SP, List.of("Mail.Read")));

    List<DriftReport.Drift> events = new ArrayList<>();
    DriftReport report = setup.drift(tenant.connection(), record, events::add);
    assertEquals(report.findings(), events, "every finding is also an event");
    assertEquals(1, report.findings(DriftReport.Kind.ROLE_ASSIGNMENT_REMOVED).size(), report::toString);
    assertTrue(report.findings(DriftReport.Kind.ROLE_ASSIGNMENT_REMOVED).get(0).repairedByReapply());
    assertEquals(BOB, report.findings(DriftReport.Kind.MEMBER_LEFT).get(0).subject(), report::toString);
    assertEquals(DAN, report.findings(DriftReport.Kind.MEMBER_ADDED_OUTSIDE).get(0).subject(), report::toString);
    assertEquals(1, report.findings(DriftReport.Kind.CONSENT_ADDED).size(), report::toString);
    assertTrue(report.toJson().contains("ROLE_ASSIGNMENT_REMOVED"));

    SetupRecord repaired = record.merge(setup.apply(tenant.connection()).record());
    DriftReport after = setup.drift(tenant.connection(), repaired);
    assertTrue(after.findings(DriftReport.Kind.ROLE_ASSIGNMENT_REMOVED).isEmpty() && after.findings(DriftReport.Kind.MEMBER_LEFT).isEmpty(),
        after::toString);
    assertEquals(1, after.findings(DriftReport.Kind.CONSENT_ADDED).size(), "consent is not the setup's to remove: " + after);
  }

  @Test
  void anEditedScopeFilterIsDriftThatAPersonDecides() {
    FakeTenant tenant = server();
    ImpersonationSetup setup = impersonation();
    SetupRecord record = setup.apply(tenant.connection()).record();
    String scope = record.objects(OwnedObject.Kind.MANAGEMENT_SCOPE).get(0).identity();
    tenant.invokeExchangeCmdlet("Remove-ManagementScope", Map.of("Identity", scope));
    tenant.invokeExchangeCmdlet("New-ManagementScope", Map.of("Name", scope, "RecipientRestrictionFilter", "Department -eq 'Sales'"));
    DriftReport report = setup.drift(tenant.connection(), record);
    List<DriftReport.Drift> changed = report.findings(DriftReport.Kind.SCOPE_CHANGED);
    assertEquals(1, changed.size(), report::toString);
    assertFalse(changed.get(0).repairedByReapply(), "an edited filter is not overwritten: " + report);
  }

  @Test
  void aRescopedAssignmentIsDriftThatAPersonDecides() {
    FakeTenant tenant = online();
    ImpersonationSetup setup = rbac();
    SetupRecord record = setup.apply(tenant.connection()).record();
    String assignment = record.objects(OwnedObject.Kind.ROLE_ASSIGNMENT).get(0).identity();
    tenant.invokeExchangeCmdlet("Remove-ManagementRoleAssignment", Map.of("Identity", assignment));
    tenant.invokeExchangeCmdlet("New-ManagementRoleAssignment", Map.of("Name", assignment, "Role", "Application Calendars.ReadWrite",
        "App", SP));
    DriftReport report = setup.drift(tenant.connection(), record);
    List<DriftReport.Drift> rescoped = report.findings(DriftReport.Kind.ROLE_ASSIGNMENT_RESCOPED);
    assertEquals(1, rescoped.size(), report::toString);
    assertFalse(rescoped.get(0).repairedByReapply(), "an organization-wide assignment under the setup's name is not overwritten");
  }

  @Test
  void ewsTurnedOffForTheOrganizationIsDrift() {
    FakeTenant tenant = FakeTenant.exchangeOnline(Fixtures.ONLINE).startingAt(java.time.Instant.parse("2026-12-03T09:00:00Z"))
        .userMailbox(ANN).userMailbox(BOB).userMailbox(CEO).application(APP, SP, "Sync").organizationEwsEnabled(true).build();
    ImpersonationSetup setup = ImpersonationSetup.builder().name("Ews").target(TenantTarget.exchangeOnline(Fixtures.ONLINE))
        .principal(Principal.application(APP)).scope(Scope.mailEnabledSecurityGroup("Ews Users").members(ANN, BOB))
        .access(Access.rbacForApplications("Application EWS.AccessAsApp")).allowingEws().build();
    SetupRecord record = setup.apply(tenant.connection()).record();
    assertEquals(java.util.Optional.of(true), record.ewsAllowedAfterApply(), record::toString);
    tenant.invokeExchangeCmdlet("Set-OrganizationConfig", Map.of("EwsEnabled", false));
    DriftReport report = setup.drift(tenant.connection(), record);
    assertEquals(1, report.findings(DriftReport.Kind.EWS_CHANGED).size(), report::toString);
    assertTrue(report.findings(DriftReport.Kind.EWS_CHANGED).get(0).detail().contains("no longer admits"), report::toString);
  }

  @Test
  void aFailedReadIsUnknownDriftNeverClean() {
    FakeTenant tenant = online();
    ImpersonationSetup setup = rbac();
    SetupRecord record = setup.apply(tenant.connection()).record();
    tenant.faults().fail("groupMembers", 1000, () -> new TransientTenantException("503"));
    DriftReport report = setup.drift(tenant.connection(), record);
    assertFalse(report.isClean());
    assertFalse(report.findings(DriftReport.Kind.UNKNOWN).isEmpty(), report::toString);
  }

  @Test
  void teardownRemovesExactlyWhatTheSetupMadeAndLeavesTheRestAsItWas() {
    FakeTenant tenant = server();
    String before = tenant.snapshot();
    ImpersonationSetup setup = impersonation();
    SetupRecord record = setup.apply(tenant.connection()).record();
    assertTrue(setup.drift(tenant.connection(), record).isClean());

    Plan teardown = setup.teardown(tenant.connection(), record);
    assertTrue(teardown.steps().stream().noneMatch(s -> s.action() == StepAction.BLOCKED), teardown::toString);
    assertTrue(teardown.toPowerShell().contains("Remove-DistributionGroup -Identity 'Legacy Users'"), teardown::toPowerShell);
    ApplyResult removed = setup.apply(teardown, tenant.connection(), ProgressListener.none());
    assertTrue(removed.succeeded(), removed::toString);
    assertEquals(before, tenant.snapshot(), "the tenant is as it was before the setup");
    assertTrue(setup.teardown(tenant.connection(), record).isConverged(), "a second teardown has nothing to do");
  }

  @Test
  void teardownNeverRemovesMembersItDidNotAddNorAGroupItDidNotCreate() {
    FakeTenant tenant = online();
    ImpersonationSetup setup = rbac();
    SetupRecord record = setup.apply(tenant.connection()).record();
    tenant.invokeExchangeCmdlet("Add-DistributionGroupMember", Map.of("Identity", "Sync Users", "Member", DAN));
    Plan teardown = setup.teardown(tenant.connection(), record);
    assertTrue(setup.apply(teardown, tenant.connection(), ProgressListener.none()).succeeded());
    assertTrue(tenant.group("Sync Users").isPresent(), "the group existed before: kept");
    List<String> members = tenant.members("Sync Users");
    assertTrue(members.contains(EVE.toLowerCase()) && members.contains(DAN.toLowerCase()), members::toString);
    assertFalse(members.contains(ANN.toLowerCase()) || members.contains(BOB.toLowerCase()), members::toString);
    assertTrue(tenant.roleAssignments().isEmpty(), tenant.roleAssignments()::toString);
    assertEquals(List.of(CEO.toLowerCase()), tenant.members("Unrelated"));
  }

  @Test
  void theTeardownScriptDoesTheSameAndCanRunTwice() {
    FakeTenant planned = server();
    ImpersonationSetup setup = impersonation();
    SetupRecord record = setup.apply(planned.connection()).record();
    String script = setup.teardown(planned.connection(), record).toPowerShell();

    FakeTenant scripted = server();
    String before = scripted.snapshot();
    setup.apply(scripted.connection());
    ScriptRunner.Result first = ScriptRunner.on(scripted).run(script);
    assertEquals(0, first.exitCode(), first.toString());
    assertEquals(before, scripted.snapshot());
    ScriptRunner.Result again = ScriptRunner.on(scripted).run(script);
    assertEquals(0, again.exitCode(), again.toString());
  }

  @Test
  void aRecordOfAnotherSetupIsRefused() {
    FakeTenant tenant = online();
    SetupRecord record = rbac().apply(tenant.connection()).record();
    InvalidSetupException e = assertThrows(InvalidSetupException.class, () -> impersonation().teardown(tenant.connection(), record));
    assertTrue(e.getMessage().contains("record is of setup 'Sync'"), e.getMessage());
  }
}
