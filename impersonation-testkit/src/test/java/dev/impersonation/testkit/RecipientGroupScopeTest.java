package dev.impersonation.testkit;

import static dev.impersonation.testkit.Fixtures.ANN;
import static dev.impersonation.testkit.Fixtures.BOB;
import static dev.impersonation.testkit.Fixtures.CEO;
import static dev.impersonation.testkit.Fixtures.DAN;
import static dev.impersonation.testkit.Fixtures.RI_APP;
import static dev.impersonation.testkit.Fixtures.RI_SP;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.impersonation.Access;
import dev.impersonation.GroupKind;
import dev.impersonation.ImpersonationSetup;
import dev.impersonation.Principal;
import dev.impersonation.Scope;
import dev.impersonation.TenantTarget;
import dev.impersonation.TransientTenantException;
import dev.impersonation.plan.Plan;
import dev.impersonation.plan.Step.StepAction;
import dev.impersonation.plan.Step;
import dev.impersonation.spi.AssigneeType;
import dev.impersonation.spi.Operation;
import dev.impersonation.spi.RecipientFilter;
import dev.impersonation.spi.ScopeType;
import dev.impersonation.verify.MailboxAccess.AccessState;
import dev.impersonation.verify.VerificationReport;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * RBAC for Applications over a group on Exchange Online: {@code -RecipientGroupScope}, direct members only, nested groups
 * warned about, and setups made earlier with a {@code MemberOfGroup} management scope kept (docs/group-scopes.md).
 */
class RecipientGroupScopeTest {
  static final String GROUP = "Sync Users";
  static final String NESTED = "Sales Team";
  static final String DEEPER = "Sales Interns";
  static final String EVE = Fixtures.EVE;

  private static FakeTenant tenant(boolean nested) {
    FakeTenant.Builder b = FakeTenant.exchangeOnline(Fixtures.ONLINE).userMailbox(ANN, "Ann").userMailbox(BOB, "Bob")
        .userMailbox(DAN, "Dan").userMailbox(EVE, "Eve").userMailbox(CEO, "Carol CEO").application(RI_APP, RI_SP, "Revenue Inbox");
    if (nested) {
      // Sync Users = {ann, Sales Team}; Sales Team = {bob, ann, Sales Interns}; Sales Interns = {dan}.
      b.distributionGroup(DEEPER, DAN).distributionGroup(NESTED, BOB, ANN, DEEPER).distributionGroup(GROUP, ANN, NESTED);
    } else {
      b.distributionGroup(GROUP, ANN, BOB);
    }
    return b.build();
  }

  private static ImpersonationSetup setup(Scope scope) {
    return ImpersonationSetup.builder().name("Sync").target(Fixtures.target(TenantTarget.Kind.EXCHANGE_ONLINE))
        .principal(Principal.application(RI_APP)).scope(scope)
        .access(Access.rbacForApplications("Application Mail.Read", "Application Calendars.ReadWrite")).build();
  }

  @Test
  @DisplayName("each role is assigned with -RecipientGroupScope to the group: no management scope, no DN read")
  void assignsEachRoleToTheGroup() {
    FakeTenant tenant = tenant(false);
    ImpersonationSetup setup = setup(Scope.distributionGroup(GROUP).existingMembership());
    Plan plan = setup.plan(tenant.connection());
    assertTrue(plan.blockedSteps().isEmpty(), plan.toString());
    assertTrue(plan.steps().stream().noneMatch(s -> s.resource().startsWith("management scope")
        || s.operation().orElse(null) instanceof Operation.ResolveGroupDistinguishedName), plan.toString());
    List<Operation.NewManagementRoleAssignment> assignments = plan.steps().stream().map(s -> s.operation().orElse(null))
        .filter(o -> o instanceof Operation.NewManagementRoleAssignment).map(Operation.NewManagementRoleAssignment.class::cast).toList();
    assertEquals(2, assignments.size(), plan.toString());
    assertTrue(assignments.stream().allMatch(a -> a.scopeType() == ScopeType.RECIPIENT_GROUP && a.scope().equals(GROUP)));
    assertTrue(plan.toPowerShell().contains("-RecipientGroupScope 'Sync Users'"));
    assertTrue(plan.warnings().stream().noneMatch(w -> w.contains("nested")), plan.warnings().toString());

    assertTrue(setup.apply(tenant.connection()).succeeded());
    assertTrue(setup.plan(tenant.connection()).isConverged());
    VerificationReport report = setup.awaitVerification(tenant.connection(), Duration.ofHours(3),
        dev.impersonation.plan.ProgressListener.none());
    assertTrue(report.isSatisfied(), report.toString());
  }

  @Test
  @DisplayName("nested groups: the plan warns, names them and the mailboxes reached only through them; those stay denied")
  void nestedGroupsAreWarnedAbout() {
    FakeTenant tenant = tenant(true);
    ImpersonationSetup setup = setup(Scope.distributionGroup(GROUP).existingMembership());
    Plan plan = setup.plan(tenant.connection());
    String warning = plan.warnings().stream().filter(w -> w.contains("nested group")).findFirst().orElseThrow(() -> new AssertionError(plan.toString()));
    assertTrue(warning.contains("[" + NESTED + "]"), "names the nested group: " + warning);
    assertTrue(warning.contains(BOB) && warning.contains(DAN), "left out, also through the deeper group: " + warning);
    assertFalse(warning.contains(ANN), "ann is a direct member too: " + warning);
    assertTrue(warning.contains("docs/group-scopes.md"), warning);

    assertTrue(setup.apply(tenant.connection()).succeeded());
    tenant.clock().advance(Duration.ofHours(3));
    VerificationReport report = setup.verify(tenant.connection());
    assertTrue(report.mailboxes().stream().filter(m -> m.mailbox().equalsIgnoreCase(ANN))
        .allMatch(m -> m.state() == AccessState.GRANTED), report.toString());
    // The in-memory Test-ServicePrincipalAuthorization counts direct members only: bob, a nested member, is out of scope.
    var bob = tenant.connection().exchange().orElseThrow().testConfiguredAccess(dev.impersonation.AccessMethod.RBAC_FOR_APPLICATIONS,
        Principal.application(RI_APP), BOB);
    assertFalse(bob.inScope(), bob.toString());
    var ann = tenant.connection().exchange().orElseThrow().testConfiguredAccess(dev.impersonation.AccessMethod.RBAC_FOR_APPLICATIONS,
        Principal.application(RI_APP), ANN);
    assertTrue(ann.inScope(), ann.toString());
  }

  @Test
  @DisplayName("members that cannot be read: the plan warns that nesting was not checked, never stays silent")
  void unreadableMembersAreAWarningNotSilence() {
    FakeTenant tenant = tenant(true);
    tenant.faults().fail("groupMembers", 100, () -> new TransientTenantException("boom: 503 from groupMembers"));
    Plan plan = setup(Scope.distributionGroup(GROUP).existingMembership()).plan(tenant.connection());
    assertTrue(plan.warnings().stream().anyMatch(w -> w.startsWith("Could not check whether") && w.contains("boom: 503")),
        plan.warnings().toString());
  }

  @Test
  @DisplayName("a setup made earlier with a MemberOfGroup management scope is kept, not duplicated, and still verifies")
  void anEarlierDnScopeIsKept() {
    FakeTenant tenant = tenant(false);
    var exchange = tenant.connection().exchange().orElseThrow();
    String dn = tenant.group(GROUP).orElseThrow().distinguishedName();
    exchange.execute(new Operation.NewManagementScope("Sync-Scope", new RecipientFilter.MemberOfGroups(List.of(
        new RecipientFilter.GroupReference(GROUP, GroupKind.DISTRIBUTION, Optional.of(dn))))));
    exchange.execute(new Operation.NewServicePrincipal(RI_APP, RI_SP, "Revenue Inbox"));
    for (String role : List.of("Application Mail.Read", "Application Calendars.ReadWrite")) {
      exchange.execute(new Operation.NewManagementRoleAssignment("Sync-" + role.substring(12), role, RI_SP,
          AssigneeType.SERVICE_PRINCIPAL, ScopeType.MANAGEMENT_SCOPE, "Sync-Scope"));
    }
    tenant.clearJournal();
    ImpersonationSetup setup = setup(Scope.distributionGroup(GROUP).existingMembership());
    Plan plan = setup.plan(tenant.connection());
    assertTrue(plan.isConverged(), plan.toString());
    List<Step> kept = plan.steps().stream().filter(s -> s.resource().startsWith("role assignment")).toList();
    assertEquals(2, kept.size(), plan.toString());
    assertTrue(kept.stream().allMatch(s -> s.action() == StepAction.NO_OP && s.reason().contains("made by an earlier version")),
        plan.toString());
    assertTrue(setup.apply(tenant.connection()).succeeded());
    assertTrue(tenant.writes().isEmpty(), tenant.writes().toString());
    assertEquals(2, tenant.roleAssignments().size());
    VerificationReport report = setup.awaitVerification(tenant.connection(), Duration.ofHours(3),
        dev.impersonation.plan.ProgressListener.none());
    assertTrue(report.isSatisfied(), report.toString());
  }

  @Test
  @DisplayName("Exchange Server keeps the MemberOfGroup management scope for ApplicationImpersonation")
  void exchangeServerKeepsTheDnScope() {
    FakeTenant tenant = FakeTenant.exchangeServer(Fixtures.SERVER).userMailbox("svc@contoso.com", "Svc").userMailbox(ANN, "Ann")
        .distributionGroup(GROUP, ANN).build();
    ImpersonationSetup setup = ImpersonationSetup.builder().name("Sync").target(Fixtures.target(TenantTarget.Kind.EXCHANGE_SERVER))
        .principal(Principal.serviceAccount("svc@contoso.com")).scope(Scope.distributionGroup(GROUP).existingMembership())
        .access(Access.applicationImpersonation()).build();
    Plan plan = setup.plan(tenant.connection());
    assertTrue(plan.steps().stream().anyMatch(s -> s.operation().orElse(null) instanceof Operation.NewManagementScope m
        && m.filter() instanceof RecipientFilter.MemberOfGroups), plan.toString());
    assertFalse(plan.toPowerShell().contains("RecipientGroupScope"));
    assertTrue(setup.apply(tenant.connection()).succeeded());
  }

  @Test
  @DisplayName("Graph only: an existing distribution group is read through Graph and scoped with /Groups/{id}; filling it needs Exchange")
  void anExistingExchangeGroupOverGraphOnly() {
    FakeTenant tenant = tenant(false);
    ImpersonationSetup setup = setup(Scope.distributionGroup(GROUP).existingMembership());
    Plan plan = setup.plan(tenant.directoryOnlyConnection());
    assertTrue(plan.blockedSteps().isEmpty(), plan.toString());
    assertTrue(setup.apply(tenant.directoryOnlyConnection()).succeeded());
    assertEquals(2, tenant.roleAssignments().stream().filter(a -> a.scopeType() == ScopeType.RECIPIENT_GROUP
        && a.scope().equals(GROUP)).count(), tenant.roleAssignments().toString());
    assertTrue(setup.plan(tenant.connection()).isConverged(), "Exchange reads the same assignments back");
    // Graph cannot write a distribution group: adding a member blocks and names the Exchange backend.
    Plan filling = setup(Scope.distributionGroup(GROUP).members(ANN, EVE)).plan(tenant.directoryOnlyConnection());
    assertFalse(filling.blockedSteps().isEmpty(), filling.toString());
    assertTrue(filling.blockedSteps().stream().anyMatch(st -> st.reason().contains("Exchange")), filling.toString());
  }

  @Test
  @DisplayName("Graph only: nested groups are found from the members' @odata.type and the left-out mailboxes named")
  void nestedGroupsOverGraphOnly() {
    FakeTenant tenant = tenant(true);
    Plan plan = setup(Scope.distributionGroup(GROUP).existingMembership()).plan(tenant.directoryOnlyConnection());
    String warning = plan.warnings().stream().filter(w -> w.contains("nested group")).findFirst()
        .orElseThrow(() -> new AssertionError(plan.toString()));
    assertTrue(warning.contains(BOB) && warning.contains(DAN) && !warning.contains(ANN), warning);
    assertTrue(plan.warnings().stream().noneMatch(w -> w.startsWith("Could not check")), plan.warnings().toString());
  }
}
