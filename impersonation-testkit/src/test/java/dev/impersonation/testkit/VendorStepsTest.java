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

  private static ImpersonationSetup rooms(Scope.GroupScope list) {
    return ImpersonationSetup.builder().name("Cronofy").target(TenantTarget.exchangeServer(Fixtures.SERVER))
        .principal(Principal.serviceAccount("cronofy@contoso.com")).scope(list).access(Access.applicationImpersonation())
        .outsider(CEO).build();
  }

  private static FakeTenant.Builder roomsTenant() {
    return FakeTenant.exchangeServer(Fixtures.SERVER).userMailbox("cronofy@contoso.com").userMailbox(ANN).userMailbox(CEO)
        .roomMailbox("room1@contoso.com", "Room 1").roomMailbox("room2@contoso.com", "Room 2");
  }

  @Test
  void aRoomListTakesOnlyRoomMailboxesAndNothingIsWrittenOtherwise() {
    FakeTenant tenant = roomsTenant().build();
    ImpersonationSetup setup = rooms(Scope.roomList("Cronofy Room List").members("room1@contoso.com", ANN));
    Plan plan = setup.plan(tenant.connection());
    Step blocked = plan.blockedSteps().stream().filter(s -> s.resource().endsWith("members")).findFirst()
        .orElseThrow(() -> new AssertionError(plan.toString()));
    assertTrue(blocked.reason().contains(ANN + " (UserMailbox)") && blocked.reason().contains("not room mailboxes"), blocked::reason);
    assertThrows(dev.impersonation.PlanBlockedException.class, () -> setup.apply(plan, tenant.connection(),
        dev.impersonation.plan.ProgressListener.none()));
    assertTrue(tenant.writes().isEmpty(), "nothing written: " + tenant.writes());
  }

  @Test
  void anExistingRoomListWithOtherMailboxesIsReported() {
    FakeTenant tenant = roomsTenant().roomList("Cronofy Room List", "room1@contoso.com", ANN).build();
    Plan plan = rooms(Scope.roomList("Cronofy Room List").members("room1@contoso.com", "room2@contoso.com"))
        .plan(tenant.connection());
    assertTrue(plan.warnings().stream().anyMatch(w -> w.contains("not room mailboxes") && w.contains(ANN)), plan.warnings()::toString);
    assertTrue(plan.blockedSteps().isEmpty(), plan::toString);
  }

  @Test
  void aDeclaredPrimaryAddressIsTheCreatedListsInMemoryAndInTheScript() {
    Scope.GroupScope list = Scope.roomList("Cronofy Room List").alias("cronofy.resource.list")
        .primarySmtpAddress("rooms.cronofy@contoso.com").members("room1@contoso.com", "room2@contoso.com");
    FakeTenant applied = roomsTenant().build();
    assertTrue(rooms(list).apply(applied.connection()).succeeded());
    assertEquals("rooms.cronofy@contoso.com", applied.group("Cronofy Room List").orElseThrow().primarySmtpAddress());
    assertTrue(rooms(list).plan(applied.connection()).isConverged());

    FakeTenant scripted = roomsTenant().build();
    String script = rooms(list).plan(scripted.connection()).toPowerShell();
    assertTrue(script.contains("-PrimarySmtpAddress 'rooms.cronofy@contoso.com'"), script);
    dev.impersonation.testkit.powershell.ScriptRunner.Result r = dev.impersonation.testkit.powershell.ScriptRunner.on(scripted).run(script);
    assertEquals(0, r.exitCode(), r::toString);
    assertEquals(applied.snapshot(), scripted.snapshot());
  }

  @Test
  void aDeclaredAddressHeldByAnotherRecipientBlocksTheCreate() {
    FakeTenant tenant = roomsTenant().distributionGroup("Old Rooms").build();
    String held = tenant.group("Old Rooms").orElseThrow().primarySmtpAddress();
    Plan plan = rooms(Scope.roomList("Cronofy Room List").primarySmtpAddress(held).members("room1@contoso.com"))
        .plan(tenant.connection());
    assertTrue(plan.blockedSteps().stream().anyMatch(s -> s.reason().contains("is held by 'Old Rooms'")), plan::toString);
  }

  @Test
  void anExistingListWithAnotherAddressIsKeptAndSaidSo() {
    FakeTenant tenant = roomsTenant().roomList("Cronofy Room List", "room1@contoso.com").build();
    Plan plan = rooms(Scope.roomList("Cronofy Room List").primarySmtpAddress("rooms.cronofy@contoso.com")
        .members("room1@contoso.com")).plan(tenant.connection());
    assertTrue(plan.warnings().stream().anyMatch(w -> w.contains("not the declared rooms.cronofy@contoso.com")), plan.warnings()::toString);
  }

  private static final String ALL_BUT_CEO = "(RecipientTypeDetails -eq 'UserMailbox') -and (Alias -ne 'ceo')";

  private static ImpersonationSetup rivaB(Scope scope) {
    return ImpersonationSetup.builder().name("Riva-FullAccess").target(TenantTarget.exchangeServer(Fixtures.SERVER))
        .principal(Principal.serviceAccount("riva@contoso.com")).scope(scope).access(Access.fullAccess()).outsider(CEO).build();
  }

  private static FakeTenant rivaTenant() {
    return FakeTenant.exchangeServer(Fixtures.SERVER).userMailbox("riva@contoso.com").userMailbox(ANN)
        .userMailbox(Fixtures.BOB).userMailbox(CEO).sharedMailbox("info@contoso.com", "Info").build();
  }

  @Test
  void rivaBAllUserMailboxesExceptOneNeedsTheOrganizationWideAcknowledgement() {
    InvalidSetupException e = assertThrows(InvalidSetupException.class, () -> rivaB(Scope.recipientFilter(ALL_BUT_CEO)));
    assertTrue(e.getMessage().contains("acknowledged()") && e.getMessage().contains("EVERY"), e.getMessage());
    assertTrue(Scope.recipientFilter(ALL_BUT_CEO).reachesOrganization());
    assertTrue(!Scope.recipientFilter("(RecipientTypeDetails -eq 'UserMailbox') -and (Department -eq 'Sales')").reachesOrganization());
  }

  @Test
  void rivaBIsReadInOnePagedCallAndGrantedWithAutoMappingOff() {
    FakeTenant tenant = rivaTenant();
    ImpersonationSetup setup = rivaB(Scope.recipientFilter(ALL_BUT_CEO).acknowledged());
    tenant.clearJournal();
    Plan plan = setup.plan(tenant.connection());
    assertEquals(1, tenant.journal().stream().filter(j -> j.operation().equals("mailboxesMatching")).count(), "one paged read");
    assertEquals(0, tenant.journal().stream().filter(j -> j.operation().equals("findRecipient")
        && !j.detail().equals("riva@contoso.com")).count(),
        "no look-up per mailbox: " + tenant.journal());
    Step grant = plan.steps().stream().filter(s -> s.resource().startsWith("FullAccess")).findFirst().orElseThrow();
    assertTrue(grant.reason().contains("2 mailbox(es)") && grant.reason().contains("AutoMapping off"), grant::reason);
    assertTrue(plan.warnings().stream().anyMatch(w -> w.contains("applied again")), plan.warnings()::toString);
    assertTrue(plan.toPowerShell().contains("-AutoMapping:$false"), plan::toPowerShell);
    assertTrue(setup.apply(plan, tenant.connection(), dev.impersonation.plan.ProgressListener.none()).succeeded());
    assertTrue(tenant.mailboxPermissions(CEO).isEmpty(), "the excluded mailbox is untouched");
    assertTrue(tenant.mailboxPermissions("info@contoso.com").isEmpty(), "a shared mailbox is not a user mailbox");
    assertTrue(setup.verify(tenant.connection()).isSatisfied(), () -> setup.verify(tenant.connection()).toString());
  }

  @Test
  void aMailboxThatMatchesLaterIsDriftNotCoveredAndReapplyCoversIt() {
    FakeTenant tenant = rivaTenant();
    ImpersonationSetup setup = rivaB(Scope.recipientFilter(ALL_BUT_CEO).acknowledged());
    dev.impersonation.plan.SetupRecord record = setup.apply(tenant.connection()).record();
    tenant.invokeExchangeCmdlet("New-Mailbox", java.util.Map.of("Name", "Dan", "UserPrincipalName", Fixtures.DAN,
        "Password", "test-only-1!"));
    dev.impersonation.verify.DriftReport drift = setup.drift(tenant.connection(), record);
    assertEquals(1, drift.findings(dev.impersonation.verify.DriftReport.Kind.NOT_COVERED).size(), drift::toString);
    assertTrue(drift.findings().get(0).subject().contains(Fixtures.DAN), drift::toString);
    setup.apply(tenant.connection());
    assertTrue(setup.drift(tenant.connection(), record).isClean());
  }

  @Test
  void aGroupCreatedWithItsMembersInOneCallAndAGroupThatAppearedMeanwhileStillGetsThem() {
    FakeTenant tenant = roomsTenant().build();
    ImpersonationSetup setup = rooms(Scope.roomList("Cronofy Room List").members("room1@contoso.com", "room2@contoso.com"));
    Plan plan = setup.plan(tenant.connection());
    Step create = plan.steps().stream().filter(s -> s.action() == StepAction.CREATE).findFirst().orElseThrow();
    assertTrue(create.reason().contains("with 2 member(s)"), create::reason);
    assertTrue(plan.steps().stream().noneMatch(s -> s.action() == StepAction.ADD_MEMBERS), plan::toString);
    // Someone creates the list (empty) between plan and apply: the create is "already done", its members are added.
    tenant.invokeExchangeCmdlet("New-DistributionGroup", java.util.Map.of("Name", "Cronofy Room List", "RoomList", true));
    assertTrue(setup.apply(plan, tenant.connection(), dev.impersonation.plan.ProgressListener.none()).succeeded());
    assertEquals(2, tenant.members("Cronofy Room List").size());
    assertTrue(setup.plan(tenant.connection()).isConverged());
  }

  @Test
  void anImpersonationRoleGroupWithExtraRolesOnExchangeOnlineSaysHowToKeepThemInThePlan() {
    dev.impersonation.UnsupportedOnTargetException e = assertThrows(dev.impersonation.UnsupportedOnTargetException.class,
        () -> ImpersonationSetup.builder().name("Reschedge").target(TenantTarget.exchangeOnline(Fixtures.ONLINE))
            .principal(Principal.serviceAccount("reschedge@contoso.com")).scope(Scope.organization().acknowledged())
            .access(Access.applicationImpersonation().viaRoleGroup("Reschedge").withExtraRoles("View-Only Configuration"))
            .build());
    assertTrue(e.getMessage().contains(".replacingLegacyRoles(\"ApplicationImpersonation\", \"View-Only Configuration\")"),
        e.getMessage());
    // Without extra roles there is nothing to carry over, and the advice does not invent any.
    dev.impersonation.UnsupportedOnTargetException plain = assertThrows(dev.impersonation.UnsupportedOnTargetException.class,
        () -> ImpersonationSetup.builder().name("Reschedge").target(TenantTarget.exchangeOnline(Fixtures.ONLINE))
            .principal(Principal.serviceAccount("reschedge@contoso.com")).scope(Scope.organization().acknowledged())
            .access(Access.applicationImpersonation()).build());
    assertTrue(!plain.getMessage().contains("replacingLegacyRoles"), plain.getMessage());
  }

  @Test
  void reschedgesRoleGroupOnExchangeServerCarriesViewOnlyConfiguration() {
    FakeTenant tenant = FakeTenant.exchangeServer(Fixtures.SERVER).userMailbox("reschedge@contoso.com").userMailbox(ANN)
        .userMailbox(CEO).build();
    ImpersonationSetup setup = ImpersonationSetup.builder().name("Reschedge").target(TenantTarget.exchangeServer(Fixtures.SERVER))
        .principal(Principal.serviceAccount("reschedge@contoso.com")).scope(Scope.organization().acknowledged())
        .access(Access.applicationImpersonation().viaRoleGroup("Reschedge").withExtraRoles("View-Only Configuration"))
        .addVerifyMailboxes(ANN).build();
    assertTrue(setup.apply(tenant.connection()).succeeded());
    assertEquals(java.util.List.of("ApplicationImpersonation", "View-Only Configuration"),
        tenant.connection().exchange().orElseThrow().findRoleGroup("Reschedge").orElseThrow().roles());
    assertTrue(setup.plan(tenant.connection()).isConverged());
  }

  @Test
  void anEquipmentMailboxIsNotARoomEither() {
    FakeTenant tenant = FakeTenant.exchangeServer(Fixtures.SERVER).userMailbox("cronofy@contoso.com").userMailbox(CEO)
        .roomMailbox("room1@contoso.com", "Room 1").equipmentMailbox("projector@contoso.com", "Projector").build();
    Plan plan = rooms(Scope.roomList("Cronofy Room List").members("room1@contoso.com", "projector@contoso.com"))
        .plan(tenant.connection());
    Step blocked = plan.blockedSteps().stream().filter(s -> s.resource().endsWith("members")).findFirst()
        .orElseThrow(() -> new AssertionError(plan.toString()));
    assertTrue(blocked.reason().contains("projector@contoso.com (EquipmentMailbox)"), blocked::reason);
    assertTrue(plan.toPowerShell().contains("throw"), "the script refuses to run a blocked plan");
    assertTrue(tenant.writes().isEmpty(), "nothing written: " + tenant.writes());
  }

  @Test
  void aListThatIsTheGroupItselfHoldingTheAddressIsNoConflict() {
    // The list exists under the setup's name with the declared address: the same group, found by name and by address.
    FakeTenant tenant = roomsTenant().build();
    Scope.GroupScope list = Scope.roomList("Cronofy Room List").primarySmtpAddress("rooms.cronofy@contoso.com")
        .members("room1@contoso.com");
    tenant.invokeExchangeCmdlet("New-DistributionGroup", java.util.Map.of("Name", "Cronofy Room List", "RoomList", true,
        "PrimarySmtpAddress", "rooms.cronofy@contoso.com"));
    Plan plan = rooms(list).plan(tenant.connection());
    assertTrue(plan.blockedSteps().isEmpty(), plan::toString);
    assertTrue(plan.warnings().stream().noneMatch(w -> w.contains("not the declared")), plan.warnings()::toString);
    assertTrue(plan.steps().stream().noneMatch(s -> s.action() == StepAction.CREATE && s.resource().startsWith("room list")),
        plan::toString);
    assertEquals("rooms.cronofy@contoso.com", tenant.connection().exchange().orElseThrow().findGroup("rooms.cronofy@contoso.com")
        .orElseThrow().primarySmtpAddress(), "found by its address too");
  }

  @Test
  void rivaBScriptLoopsOverTheFilterWhenItRunsAndRunsTwice() {
    ImpersonationSetup setup = rivaB(Scope.recipientFilter(ALL_BUT_CEO).acknowledged());
    FakeTenant applied = rivaTenant();
    assertTrue(setup.apply(applied.connection()).succeeded());

    FakeTenant scripted = rivaTenant();
    String script = setup.plan(scripted.connection()).toPowerShell();
    assertTrue(script.contains("Grant-FullAccessByFilter -Filter '(RecipientTypeDetails -eq ''UserMailbox'') -and (Alias -ne "
        + "''ceo'')' -User 'riva@contoso.com'"), script);
    assertTrue(script.contains("foreach ($mailbox in @(Get-Mailbox -ResultSize Unlimited -Filter $Filter))"), script);
    dev.impersonation.testkit.powershell.ScriptRunner.Result first = dev.impersonation.testkit.powershell.ScriptRunner.on(scripted).run(script);
    assertEquals(0, first.exitCode(), first::toString);
    assertEquals(applied.snapshot(), scripted.snapshot(), "the script reaches the state apply reaches");
    assertTrue(first.output().stream().anyMatch(l -> l.contains("2 mailbox(es) match the filter, 2 granted now")), first::toString);
    int writes = scripted.writes().size();
    dev.impersonation.testkit.powershell.ScriptRunner.Result second = dev.impersonation.testkit.powershell.ScriptRunner.on(scripted).run(script);
    assertEquals(0, second.exitCode(), second::toString);
    assertEquals(writes, scripted.writes().size(), "a second run grants nothing");
  }

  @Test
  void rivaBScriptCoversAMailboxThatMatchesAfterThePlanWasRead() {
    ImpersonationSetup setup = rivaB(Scope.recipientFilter(ALL_BUT_CEO).acknowledged());
    FakeTenant tenant = rivaTenant();
    String script = setup.plan(tenant.connection()).toPowerShell();
    tenant.invokeExchangeCmdlet("New-Mailbox", java.util.Map.of("Name", "Dan", "UserPrincipalName", Fixtures.DAN,
        "Password", "test-only-1!"));
    dev.impersonation.testkit.powershell.ScriptRunner.Result r = dev.impersonation.testkit.powershell.ScriptRunner.on(tenant).run(script);
    assertEquals(0, r.exitCode(), r::toString);
    assertTrue(tenant.mailboxPermissions(Fixtures.DAN).stream().anyMatch(p -> p.accessRights().contains("FullAccess")),
        "the loop reads the filter when the script runs");
    assertTrue(tenant.mailboxPermissions(CEO).isEmpty(), "the excluded mailbox is untouched");
  }

  private static ImpersonationSetup rivaBOnline() {
    return ImpersonationSetup.builder().name("Riva-FullAccess").target(TenantTarget.exchangeOnline(Fixtures.ONLINE))
        .principal(Principal.serviceAccount("riva@contoso.com")).scope(Scope.recipientFilter(ALL_BUT_CEO).acknowledged())
        .access(Access.fullAccess()).outsider(CEO).build();
  }

  private static FakeTenant rivaOnlineTenant() {
    return FakeTenant.exchangeOnline(Fixtures.ONLINE).userMailbox("riva@contoso.com").userMailbox(ANN).userMailbox(Fixtures.BOB)
        .userMailbox(CEO).sharedMailbox("info@contoso.com", "Info").build();
  }

  @Test
  void rivaBOnExchangeOnlineReadsTheGrantsInOnePagedCallNotOnePerMailbox() {
    FakeTenant tenant = rivaOnlineTenant();
    ImpersonationSetup setup = rivaBOnline();
    tenant.clearJournal();
    Plan plan = setup.plan(tenant.connection());
    assertEquals(1, tenant.journal().stream().filter(j -> j.operation().equals("mailboxesMatching")).count(), () -> tenant.journal().toString());
    assertEquals(1, tenant.journal().stream().filter(j -> j.operation().equals("fullAccessGrants")).count(), () -> tenant.journal().toString());
    assertEquals(0, tenant.journal().stream().filter(j -> j.operation().equals("mailboxPermissions")).count(),
        "no permission read per mailbox: " + tenant.journal());
    Step grant = plan.steps().stream().filter(s -> s.resource().startsWith("FullAccess")).findFirst().orElseThrow();
    assertTrue(grant.reason().contains("2 mailbox(es)") && grant.reason().contains("one paged Get-EXOMailboxPermission"),
        grant::reason);
    assertTrue(setup.apply(plan, tenant.connection(), dev.impersonation.plan.ProgressListener.none()).succeeded());
    Plan again = setup.plan(tenant.connection());
    assertTrue(again.isConverged(), again::toString);
  }

  @Test
  void aFailedBulkReadOfTheGrantsBlocksAndIsNeverTakenAsNoGrant() {
    FakeTenant tenant = rivaOnlineTenant();
    tenant.faults().fail("fullAccessGrants", 100, () -> new dev.impersonation.TransientTenantException("503 Service Unavailable"));
    Plan plan = rivaBOnline().plan(tenant.connection());
    Step blocked = plan.blockedSteps().stream().filter(s -> s.resource().startsWith("FullAccess")).findFirst()
        .orElseThrow(() -> new AssertionError(plan.toString()));
    assertTrue(blocked.reason().contains("Get-EXOMailboxPermission"), blocked::reason);
    assertTrue(plan.steps().stream().noneMatch(s -> s.operation().orElse(null) instanceof dev.impersonation.spi.Operation.AddMailboxPermissions),
        plan::toString);
  }
}
