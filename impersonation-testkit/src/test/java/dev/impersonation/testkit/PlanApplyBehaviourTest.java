package dev.impersonation.testkit;

import static dev.impersonation.testkit.Fixtures.ADMIN;
import static dev.impersonation.testkit.Fixtures.ANN;
import static dev.impersonation.testkit.Fixtures.BOB;
import static dev.impersonation.testkit.Fixtures.CEO;
import static dev.impersonation.testkit.Fixtures.DAN;
import static dev.impersonation.testkit.Fixtures.EVE;
import static dev.impersonation.testkit.Fixtures.FAY;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.impersonation.Access;
import dev.impersonation.ImpersonationSetup;
import dev.impersonation.PlanBlockedException;
import dev.impersonation.Principal;
import dev.impersonation.Scope;
import dev.impersonation.TenantConnection;
import dev.impersonation.TenantTarget;
import dev.impersonation.TransientTenantException;
import dev.impersonation.plan.ApplyResult.StepOutcome;
import dev.impersonation.plan.ApplyResult.StepResult;
import dev.impersonation.plan.ApplyResult;
import dev.impersonation.plan.Plan;
import dev.impersonation.plan.ProgressListener.ProgressEvent;
import dev.impersonation.plan.Step.StepAction;
import dev.impersonation.plan.Step;
import dev.impersonation.spi.Operation;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Planner and executor behaviour through the public API, against FakeTenant (declare, plan, apply; a failed read is never absent). */
class PlanApplyBehaviourTest {

  private static ImpersonationSetup serverImpersonation(Scope scope) {
    return ImpersonationSetup.builder().name("Sync").target(Fixtures.target(TenantTarget.Kind.EXCHANGE_SERVER))
        .principal(Principal.serviceAccount("svc@contoso.com")).scope(scope).access(Access.applicationImpersonation()).build();
  }

  private static FakeTenant.Builder serverPeople() {
    return Fixtures.people(TenantTarget.Kind.EXCHANGE_SERVER).userMailbox("svc@contoso.com", "Sync Service");
  }

  private static List<Step> stepsFor(Plan plan, String resource) {
    return plan.steps().stream().filter(s -> s.resource().equals(resource)).toList();
  }

  // ------------------------------------------------------------ UNKNOWN blocks (known pitfalls of the services and SDKs)

  @Nested
  @DisplayName("a failed read is never 'absent' (DESIGN docs/error-texts.md)")
  class FailedReads {

    static Stream<Arguments> failingReads() {
      return Stream.of(
          Arguments.of("findGroup", "mail-enabled security group 'RISG'"),
          Arguments.of("organizationConfig", "organization customization"),
          // (findManagementScope: RevenueInbox on Exchange Online scopes by -RecipientGroupScope, no management scope is read)
          Arguments.of("findServicePrincipal", "Entra service principal of " + Fixtures.RI_APP),
          Arguments.of("roleAssignments", "role assignment 'RevenueInbox-Mail.ReadWrite'"));
    }

    @ParameterizedTest(name = "{0} fails -> {1} BLOCKED")
    @MethodSource("failingReads")
    void failedReadBlocksTheDependentStep(String read, String resource) {
      Fixtures.Scenario s = Fixtures.revenueInboxOnline();
      FakeTenant tenant = s.tenant().get();
      TenantConnection connection = tenant.connection();
      tenant.faults().fail(read, 100, () -> new TransientTenantException("boom: 503 from " + read)); // past every retry
      Plan plan = s.setup().plan(connection);

      List<Step> steps = stepsFor(plan, resource);
      assertFalse(steps.isEmpty(), "a step for " + resource + " in\n" + plan);
      assertEquals(StepAction.BLOCKED, steps.get(0).action(), plan.toString());
      assertTrue(steps.get(0).reason().contains("boom: 503 from " + read), steps.get(0).reason());
      assertTrue(steps.get(0).reason().contains("never taken as absent"), steps.get(0).reason());
      assertTrue(steps.stream().noneMatch(st -> st.action() == StepAction.CREATE), "never CREATE after a failed read:\n" + plan);
      assertTrue(steps.get(0).operation().isEmpty());

      PlanBlockedException e = assertThrows(PlanBlockedException.class,
          () -> s.setup().apply(plan, connection, dev.impersonation.plan.ProgressListener.none()));
      assertTrue(e.getMessage().contains("Nothing was applied"), e.getMessage());
      assertTrue(e.getMessage().contains(resource), e.getMessage());
      assertTrue(tenant.writes().isEmpty(), "no writes: " + tenant.writes());
    }

    @Test
    @DisplayName("a read that fails once is retried after its Retry-After, and the plan is not blocked")
    void aReadThatFailsOnceIsRetried() {
      Fixtures.Scenario s = Fixtures.revenueInboxOnline();
      FakeTenant tenant = s.tenant().get();
      tenant.faults().throttle("findGroup", 1, java.time.Duration.ofSeconds(7));
      Plan plan = s.setup().plan(tenant.connection());
      assertTrue(plan.blockedSteps().isEmpty(), plan.toString());
      assertEquals(java.time.Duration.ofSeconds(7), tenant.clock().totalSlept());
    }

    @Test
    @DisplayName("apply() re-plans: a read that keeps failing blocks it before any write")
    void applyWithPersistentReadFailureWritesNothing() {
      Fixtures.Scenario s = Fixtures.revenueInboxOnline();
      FakeTenant tenant = s.tenant().get();
      String before = tenant.snapshot();
      tenant.faults().fail("findGroup", 100, () -> new TransientTenantException("boom"));
      assertThrows(PlanBlockedException.class, () -> s.setup().apply(tenant.connection()));
      assertTrue(tenant.writes().isEmpty());
      assertEquals(before, tenant.snapshot());
    }

    @Test
    @DisplayName("a failed member lookup blocks the member step instead of skipping the member")
    void failedMemberLookupBlocks() {
      Fixtures.Scenario s = Fixtures.revenueInboxOnline();
      FakeTenant tenant = s.tenant().get();
      // The bulk read fails (its members are then read one by one), and so does the first single look-up.
      tenant.faults().fail("findRecipients", 100, () -> new TransientTenantException("boom"));
      tenant.faults().fail("findRecipient", 100, () -> new TransientTenantException("boom"));
      Plan plan = s.setup().plan(tenant.connection());
      assertTrue(plan.blockedSteps().stream().anyMatch(st -> st.resource().contains("members") && st.reason().contains("boom")),
          plan.toString());
      assertTrue(plan.steps().stream().noneMatch(st -> st.action() == StepAction.ADD_MEMBERS), plan.toString());
    }
  }

  // ------------------------------------------------------------ idempotence (re-running converges)

  static Stream<Fixtures.Scenario> scenarios() {
    return Fixtures.crashScenarios().stream();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("scenarios")
  @DisplayName("re-plan after apply is converged, and a second apply writes nothing")
  void applyConvergesAndIsIdempotent(Fixtures.Scenario s) {
    FakeTenant tenant = s.tenant().get();
    TenantConnection connection = tenant.connection();
    Plan first = s.setup().plan(connection);
    assertFalse(first.isConverged());
    assertTrue(first.blockedSteps().isEmpty(), first.toString());
    ApplyResult result = s.setup().apply(first, connection, dev.impersonation.plan.ProgressListener.none());
    assertTrue(result.succeeded(), result.toString());
    int writes = tenant.writes().size();
    assertTrue(writes > 0);

    Plan again = s.setup().plan(connection);
    assertTrue(again.isConverged(), again.toString());
    assertTrue(again.changes().isEmpty());
    ApplyResult second = s.setup().apply(connection);
    assertTrue(second.succeeded());
    assertTrue(second.results().stream().allMatch(r -> r.outcome() == StepOutcome.SKIPPED), second.toString());
    assertEquals(writes, tenant.writes().size(), "the second apply wrote: "
        + tenant.writes().subList(writes, tenant.writes().size()));
    for (String m : s.preExistingMembers()) {
      assertTrue(tenant.members(s.group()).contains(m), m + " kept in " + tenant.members(s.group()));
    }
    var report = s.setup().awaitVerification(connection, Duration.ofHours(3), dev.impersonation.plan.ProgressListener.none());
    assertTrue(report.isSatisfied(), report.toString());
  }

  // ------------------------------------------------------------ membership modes (ADD_ONLY never removes a member)

  @Nested
  @DisplayName("membership modes")
  class Membership {

    private FakeTenant tenantWithGroup() {
      return serverPeople().distributionGroup("Sync Users", ANN, CEO, EVE).distributionGroup("Other", CEO, EVE).build();
    }

    @Test
    @DisplayName("ADD_ONLY (default) adds declared members and never removes existing ones")
    void addOnlyKeepsExistingMembers() {
      FakeTenant tenant = tenantWithGroup();
      ImpersonationSetup setup = serverImpersonation(Scope.distributionGroup("Sync Users").members(ANN, BOB));
      Plan plan = setup.plan(tenant.connection());
      assertTrue(plan.steps().stream().noneMatch(st -> st.action() == StepAction.REMOVE_MEMBERS), plan.toString());
      assertTrue(setup.apply(tenant.connection()).succeeded());
      assertEquals(Set.of(ANN, CEO, EVE, BOB), Set.copyOf(tenant.members("Sync Users")));
      assertTrue(tenant.writes().stream().noneMatch(w -> w.operation().equals("RemoveGroupMembers")));
      assertTrue(setup.plan(tenant.connection()).isConverged());
    }

    @Test
    @DisplayName("EXACT removes the undeclared members of that group, and nothing else")
    void exactRemovesUndeclaredOnly() {
      FakeTenant tenant = tenantWithGroup();
      ImpersonationSetup setup = serverImpersonation(Scope.distributionGroup("Sync Users").members(ANN, BOB).exactMembership());
      Plan plan = setup.plan(tenant.connection());
      List<Step> removals = plan.steps().stream().filter(st -> st.action() == StepAction.REMOVE_MEMBERS).toList();
      assertEquals(1, removals.size(), plan.toString());
      Operation.RemoveGroupMembers remove = (Operation.RemoveGroupMembers) removals.get(0).operation().orElseThrow();
      assertEquals("Sync Users", remove.group());
      assertEquals(Set.of(CEO, EVE), Set.copyOf(remove.members()));

      assertTrue(setup.apply(plan, tenant.connection(), dev.impersonation.plan.ProgressListener.none()).succeeded());
      assertEquals(Set.of(ANN, BOB), Set.copyOf(tenant.members("Sync Users")));
      assertEquals(Set.of(CEO, EVE), Set.copyOf(tenant.members("Other")), "another group is untouched");
      assertTrue(tenant.mailbox(CEO).isPresent() && tenant.mailbox(EVE).isPresent(), "removed members' mailboxes stay");
      List<JournalEntry> removed = tenant.writes().stream().filter(w -> w.operation().equals("RemoveGroupMembers")).toList();
      assertEquals(2, removed.size(), removed.toString());
      assertTrue(removed.stream().allMatch(w -> w.detail().contains("Sync Users")), removed.toString());
      assertTrue(setup.plan(tenant.connection()).isConverged());
    }

    @Test
    @DisplayName("existingMembership() on a missing group is BLOCKED (never created)")
    void existingMembershipOnMissingGroupIsBlocked() {
      FakeTenant tenant = serverPeople().build();
      ImpersonationSetup setup = serverImpersonation(Scope.distributionGroup("Nope").existingMembership());
      Plan plan = setup.plan(tenant.connection());
      Step group = stepsFor(plan, "distribution group 'Nope'").get(0);
      assertEquals(StepAction.BLOCKED, group.action());
      assertTrue(group.reason().contains("does not exist"), group.reason());
      assertTrue(plan.steps().stream().noneMatch(st -> st.action() == StepAction.CREATE), plan.toString());
      assertThrows(PlanBlockedException.class, () -> setup.apply(tenant.connection()));
      assertTrue(tenant.writes().isEmpty());
    }

    @Test
    @DisplayName("existingMembership() on an existing group leaves its members exactly as they are")
    void existingMembershipLeavesMembers() {
      FakeTenant tenant = tenantWithGroup();
      ImpersonationSetup setup = serverImpersonation(Scope.distributionGroup("Sync Users").existingMembership());
      assertTrue(setup.apply(tenant.connection()).succeeded());
      assertEquals(List.of(ANN, CEO, EVE), tenant.members("Sync Users"));
      assertTrue(tenant.writes().stream().noneMatch(w -> w.operation().contains("GroupMembers")));
      assertTrue(setup.plan(tenant.connection()).isConverged());
    }
  }

  // ------------------------------------------------------------ conflicts (the library's trust rules, docs/README.md docs/diagnostics.md#d4, #d5)

  @Test
  @DisplayName("an existing management scope with the same name but another filter is BLOCKED, not changed")
  void conflictingScopeIsBlocked() {
    FakeTenant tenant = serverPeople().distributionGroup("Sync Users", ANN)
        .managementScope("Sync-Scope", "Department -eq 'Finance'").build();
    ImpersonationSetup setup = serverImpersonation(Scope.distributionGroup("Sync Users").members(ANN));
    Plan plan = setup.plan(tenant.connection());
    Step scope = stepsFor(plan, "management scope 'Sync-Scope'").get(0);
    assertEquals(StepAction.BLOCKED, scope.action(), plan.toString());
    assertTrue(scope.reason().contains("Department -eq 'Finance'"), scope.reason());
    assertTrue(scope.reason().contains("not changed automatically"), scope.reason());
    assertThrows(PlanBlockedException.class, () -> setup.apply(tenant.connection()));
    assertEquals("Department -eq 'Finance'", tenant.managementScope("Sync-Scope").orElseThrow().recipientFilter());
    assertTrue(tenant.writes().isEmpty());
  }

  @Test
  @DisplayName("an existing scope with an equivalent filter is reused (case and spacing of operators ignored)")
  void equivalentScopeIsReused() {
    FakeTenant tenant = serverPeople().managementScope("Sync-Scope", "department -EQ 'Sales'")
        .mailboxProperty(ANN, "Department", "Sales").build();
    ImpersonationSetup setup = serverImpersonation(Scope.recipientFilter("Department -eq 'Sales'"));
    Plan plan = setup.plan(tenant.connection());
    assertEquals(StepAction.NO_OP, stepsFor(plan, "management scope 'Sync-Scope'").get(0).action(), plan.toString());
  }

  @Test
  @DisplayName("docs/diagnostics.md#d4: an organization-wide ApplicationImpersonation assignment on Exchange Server is warned about, not removed")
  void organizationWideAssignmentIsWarnedAbout() {
    FakeTenant tenant = serverPeople().distributionGroup("Sync Users", ANN)
        .roleAssignment("OldImpersonation", "ApplicationImpersonation", "svc@contoso.com", "").build();
    ImpersonationSetup setup = serverImpersonation(Scope.distributionGroup("Sync Users").members(ANN));
    Plan plan = setup.plan(tenant.connection());
    assertTrue(plan.warnings().stream().anyMatch(w -> w.contains("docs/diagnostics.md#d4") && w.contains("OldImpersonation")), plan.warnings().toString());
    assertTrue(plan.toString().contains("WARNING:"), plan.toString());
    assertTrue(plan.toPowerShell().contains("# WARNING:"), "the script carries the warning");
    assertTrue(setup.apply(plan, tenant.connection(), dev.impersonation.plan.ProgressListener.none()).succeeded());
    assertTrue(tenant.roleAssignments().stream().anyMatch(a -> a.name().equals("OldImpersonation") && a.isOrganizationWide()),
        tenant.roleAssignments().toString());
    assertTrue(tenant.roleAssignments().stream().anyMatch(a -> a.scope().equals("Sync-Scope")), "the scoped one is added");
  }

  // ------------------------------------------------------------ routing (the module boundaries)

  @Test
  @DisplayName("a directory-only connection cannot write a distribution group: BLOCKED, saying to add an Exchange backend")
  void directoryOnlyConnectionIsBlocked() {
    FakeTenant tenant = Fixtures.people(TenantTarget.Kind.EXCHANGE_ONLINE).application(Fixtures.RI_APP, Fixtures.RI_SP, "RI").build();
    ImpersonationSetup setup = ImpersonationSetup.builder().name("Sync").target(Fixtures.target(TenantTarget.Kind.EXCHANGE_ONLINE))
        .principal(Principal.application(Fixtures.RI_APP)).scope(Scope.distributionGroup("Sync Users").members(ANN, BOB))
        .access(Access.rbacForApplications("Application Mail.Read")).build();
    TenantConnection connection = tenant.directoryOnlyConnection();
    Plan plan = setup.plan(connection);
    Step group = stepsFor(plan, "distribution group 'Sync Users'").get(0);
    assertEquals(StepAction.BLOCKED, group.action(), plan.toString());
    assertTrue(group.reason().contains("Exchange backend") && group.reason().contains("add"), group.reason());
    assertTrue(plan.steps().stream().noneMatch(st -> st.action() == StepAction.CREATE), plan.toString());
    assertTrue(plan.blockedSteps().stream().filter(st -> !st.resource().equals("access grant"))
        .allMatch(st -> st.reason().contains("Exchange backend")), plan.toString());
    assertThrows(PlanBlockedException.class, () -> setup.apply(connection));
    assertTrue(tenant.writes().isEmpty());
  }

  @Test
  @DisplayName("a directory-only connection creates a Microsoft 365 group and scopes RBAC for Applications to it (/Groups/{id})")
  void directoryOnlyConnectionWithMicrosoft365Group() {
    FakeTenant tenant = FakeTenant.exchangeOnline(Fixtures.ONLINE).userMailbox(ANN).application(Fixtures.RI_APP, Fixtures.RI_SP, "RI").build();
    ImpersonationSetup setup = ImpersonationSetup.builder().name("Sync").target(Fixtures.target(TenantTarget.Kind.EXCHANGE_ONLINE))
        .principal(Principal.application(Fixtures.RI_APP)).scope(Scope.microsoft365Group("Sync Team").members(ANN))
        .access(Access.rbacForApplications("Application Mail.Read")).build();
    Plan plan = setup.plan(tenant.directoryOnlyConnection());
    assertTrue(plan.blockedSteps().isEmpty(), plan.toString());
    assertTrue(setup.apply(tenant.directoryOnlyConnection()).succeeded());
    assertTrue(tenant.writes().stream().allMatch(w -> w.backend().equals("directory")), tenant.writes().toString());
    assertTrue(tenant.writes().stream().anyMatch(w -> w.operation().equals("CreateDirectoryGroup")), tenant.writes().toString());
    // With Exchange too, the same setup is converged: Exchange reads the group-scoped assignment back.
    assertTrue(setup.plan(tenant.connection()).isConverged(), setup.plan(tenant.connection()).toString());
  }

  // ------------------------------------------------------------ throttling (the library's trust rules, docs/exchange-admin-rest.md)

  @Test
  @DisplayName("throttled twice with Retry-After 30 s: 3 attempts, >= 60 s waited on the fake clock, RETRYING events")
  void throttlingHonoursRetryAfter() {
    Fixtures.Scenario s = Fixtures.revenueInboxOnline();
    FakeTenant tenant = s.tenant().get();
    tenant.faults().throttle("NewManagementRoleAssignment", 2, Duration.ofSeconds(30));
    List<ProgressEvent> events = new ArrayList<>();
    var start = tenant.clock().instant();
    ApplyResult result = s.setup().apply(tenant.connection(), events::add);
    assertTrue(result.succeeded(), result.toString());
    StepResult scope = result.results().stream()
        .filter(r -> r.step().operation().orElse(null) instanceof Operation.NewManagementRoleAssignment).findFirst().orElseThrow();
    assertEquals(StepOutcome.APPLIED, scope.outcome());
    assertEquals(3, scope.attempts());
    assertTrue(scope.waited().compareTo(Duration.ofSeconds(60)) >= 0, scope.waited().toString());
    assertTrue(Duration.between(start, tenant.clock().instant()).compareTo(Duration.ofSeconds(60)) >= 0);
    assertTrue(tenant.clock().totalSlept().compareTo(Duration.ofSeconds(60)) >= 0);
    List<ProgressEvent> retries = events.stream().filter(e -> e.kind() == ProgressEvent.Kind.RETRYING).toList();
    assertEquals(2, retries.size(), events.toString());
    assertTrue(retries.stream().allMatch(e -> e.delay().equals(java.util.Optional.of(Duration.ofSeconds(30)))), retries.toString());
    assertTrue(retries.stream().allMatch(e -> e.step().map(st -> st.number() == scope.step().number()).orElse(false)));
    assertTrue(retries.get(0).message().contains("ThrottledException"), retries.get(0).message());
    assertEquals(2, tenant.writes().stream().filter(w -> w.operation().equals("NewManagementRoleAssignment")).count(),
        "one write per role, each once");
    assertTrue(s.setup().plan(tenant.connection()).isConverged());
  }

  @Test
  @DisplayName("a transient failure beyond maxAttempts fails that step; later steps are NOT_RUN; apply again resumes")
  void persistentTransientFailureStopsAndResumes() {
    Fixtures.Scenario s = Fixtures.revenueInboxOnline();
    FakeTenant tenant = s.tenant().get();
    tenant.faults().unavailable("NewManagementRoleAssignment", 8);
    ApplyResult result = s.setup().apply(tenant.connection());
    assertFalse(result.succeeded());
    StepResult failed = result.failure().orElseThrow();
    assertEquals(8, failed.attempts());
    assertTrue(failed.message().contains("503"), failed.message());
    assertTrue(result.results().stream().dropWhile(r -> r != failed).skip(1).allMatch(r -> r.outcome() == StepOutcome.NOT_RUN
        || r.outcome() == StepOutcome.SKIPPED), result.toString());
    assertTrue(tenant.roleAssignments().isEmpty());
    assertTrue(s.setup().apply(tenant.connection()).succeeded());
    assertTrue(s.setup().plan(tenant.connection()).isConverged());
  }

  @Test
  @DisplayName("the dehydrated org gets Enable-OrganizationCustomization first, exactly once")
  void dehydratedOrganizationIsCustomizedFirst() {
    Fixtures.Scenario s = Fixtures.revenueInboxOnline();
    FakeTenant tenant = s.tenant().get();
    Plan plan = s.setup().plan(tenant.connection());
    Step org = stepsFor(plan, "organization customization").get(0);
    assertEquals(StepAction.PREREQUISITE, org.action());
    assertTrue(org.reason().contains("docs/diagnostics.md#d6"));
    assertTrue(s.setup().apply(plan, tenant.connection(), dev.impersonation.plan.ProgressListener.none()).succeeded());
    assertFalse(tenant.isDehydrated());
    List<String> ops = tenant.writes().stream().map(JournalEntry::operation).toList();
    int enable = ops.indexOf("EnableOrganizationCustomization");
    assertEquals(1, ops.stream().filter("EnableOrganizationCustomization"::equals).count());
    assertTrue(enable < ops.indexOf("NewManagementRoleAssignment"), ops.toString());
    assertFalse(ops.contains("NewManagementScope"), "a -RecipientGroupScope needs no management scope: " + ops);
  }

  @Test
  @DisplayName("the plan's steps are in dependency order and every dependency points backwards")
  void dependenciesPointBackwards() {
    for (Fixtures.Scenario s : Fixtures.crashScenarios()) {
      Plan plan = s.setup().plan(s.tenant().get().connection());
      for (Step step : plan.steps()) {
        assertTrue(step.dependsOn().stream().allMatch(d -> d < step.number()), s + ": " + step);
      }
      assertEquals(plan.steps().stream().map(Step::number).toList(),
          java.util.stream.IntStream.rangeClosed(1, plan.steps().size()).boxed().toList());
    }
  }

  @Test
  @DisplayName("the RevenueInbox setup ends with the right objects (group, owner, hidden, assignments scoped to the group)")
  void revenueInboxEndState() {
    Fixtures.Scenario s = Fixtures.revenueInboxOnline();
    FakeTenant tenant = s.tenant().get();
    assertTrue(s.setup().apply(tenant.connection()).succeeded());
    var group = tenant.group("RISG").orElseThrow();
    assertEquals(Set.of(ANN, BOB, DAN), Set.copyOf(tenant.members("RISG")));
    assertTrue(group.managedBy().contains(ADMIN), group.managedBy().toString());
    assertTrue(group.memberJoinClosed());
    assertTrue(group.hiddenFromAddressLists());
    // RBAC for Applications over a group on Exchange Online: -RecipientGroupScope, no management scope, no DN.
    assertTrue(tenant.managementScope("RIusersScope").isEmpty());
    assertEquals(Set.of("Application Mail.ReadWrite", "Application Calendars.ReadWrite"),
        tenant.roleAssignments().stream().map(a -> a.role()).collect(Collectors.toSet()));
    assertTrue(tenant.roleAssignments().stream().allMatch(a -> a.assignee().equalsIgnoreCase(Fixtures.RI_SP)
        && a.scopeType() == dev.impersonation.spi.ScopeType.RECIPIENT_GROUP && a.scope().equals("RISG")), tenant.roleAssignments()::toString);
    assertTrue(tenant.hasExchangeServicePrincipal(Fixtures.RI_APP));
    assertFalse(tenant.members("RISG").contains(FAY));
    assertFalse(tenant.members("RISG").contains(CEO));
  }
}
