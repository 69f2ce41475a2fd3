package dev.impersonation.testkit;

import static dev.impersonation.testkit.Fixtures.ANN;
import static dev.impersonation.testkit.Fixtures.BOB;
import static dev.impersonation.testkit.Fixtures.CEO;
import static dev.impersonation.testkit.Fixtures.RI_APP;
import static dev.impersonation.testkit.Fixtures.RI_SP;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.impersonation.Access;
import dev.impersonation.ImpersonationSetup;
import dev.impersonation.Principal;
import dev.impersonation.Scope;
import dev.impersonation.Secret;
import dev.impersonation.TenantConnection;
import dev.impersonation.TenantTarget;
import dev.impersonation.plan.ApplyResult;
import dev.impersonation.plan.Plan;
import dev.impersonation.plan.ProgressListener.ProgressEvent;
import dev.impersonation.plan.Step.StepAction;
import dev.impersonation.plan.Step;
import dev.impersonation.spi.Operation;
import dev.impersonation.verify.MailboxAccess.AccessState;
import dev.impersonation.verify.VerificationReport;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * A connection with the directory (Graph) backend only: RBAC for Applications through Graph beta's Exchange RBAC
 * endpoints, and waiting for a new mailbox through Graph (docs/rbac-for-applications.md, docs/graph.md).
 */
class GraphOnlyConnectionTest {
  static final String AU = "0f1e2d3c-4b5a-4968-8776-a5b4c3d2e1f0";

  private static FakeTenant tenant() {
    return FakeTenant.exchangeOnline(Fixtures.ONLINE).userMailbox(ANN, "Ann Ames").userMailbox(BOB, "Bob Brown")
        .userMailbox(CEO, "Carol CEO").mailboxProperty(ANN, "Department", "Sales").mailboxProperty(BOB, "Department", "Sales")
        .mailboxProperty(CEO, "Department", "Board").application(RI_APP, RI_SP, "Revenue Inbox").administrativeUnit(AU, ANN, BOB)
        .build();
  }

  private static ImpersonationSetup setup(Scope scope) {
    return ImpersonationSetup.builder().name("Sync").target(Fixtures.target(TenantTarget.Kind.EXCHANGE_ONLINE))
        .principal(Principal.application(RI_APP)).scope(scope).addVerifyMailboxes(ANN, BOB)
        .access(Access.rbacForApplications("Application Mail.Read", "Application Calendars.ReadWrite")).build();
  }

  @Test
  @DisplayName("administrative-unit scope over Graph only: planned, applied through Graph, converged, and verified after propagation")
  void administrativeUnitScopeThroughGraph() {
    FakeTenant tenant = tenant();
    TenantConnection graphOnly = tenant.directoryOnlyConnection();
    ImpersonationSetup setup = setup(Scope.administrativeUnit(AU));
    Plan plan = setup.plan(graphOnly);
    assertTrue(plan.blockedSteps().isEmpty(), plan.toString());
    List<Step> creates = plan.steps().stream().filter(s -> s.action() == StepAction.CREATE).toList();
    assertEquals(2, creates.size(), plan.toString());
    assertTrue(creates.stream().allMatch(s -> s.backend().equals("fake-graph")), plan.toString());
    Step pointer = plan.steps().stream().filter(s -> s.resource().startsWith("Exchange service principal")).findFirst().orElseThrow();
    assertEquals(StepAction.NO_OP, pointer.action());
    assertTrue(pointer.reason().contains("Graph"), pointer.reason());
    assertTrue(plan.warnings().stream().anyMatch(w -> w.contains("Enable-OrganizationCustomization")), plan.warnings().toString());

    ApplyResult result = setup.apply(graphOnly);
    assertTrue(result.succeeded(), result.toString());
    assertTrue(tenant.writes().stream().allMatch(w -> w.backend().equals("directory")), tenant.writes().toString());
    assertEquals(2, tenant.writes().stream().filter(w -> w.operation().equals("NewManagementRoleAssignment")).count());
    assertTrue(setup.plan(graphOnly).isConverged(), setup.plan(graphOnly).toString());
    // Exchange sees the same assignments Graph made (one store), with the administrative unit as their scope.
    Plan viaExchange = setup.plan(tenant.connection());
    assertTrue(viaExchange.isConverged(), viaExchange + "\n" + tenant.journal());

    VerificationReport early = setup.verify(graphOnly);
    assertTrue(early.isPending(), early.toString());
    VerificationReport report = tenant.advanceUntilVerified(setup, Duration.ofHours(3));
    assertEquals(AccessState.GRANTED, report.mailboxes().stream().filter(m -> m.mailbox().equalsIgnoreCase(ANN)).findFirst()
        .orElseThrow().state(), report.toString());
    assertTrue(report.mailboxes().stream().anyMatch(m -> !m.inScope() && m.state() == AccessState.DENIED), report.toString());
  }

  @Test
  @DisplayName("recipient-filter scope over Graph only: a custom app scope, then assignments that use it")
  void recipientFilterScopeThroughGraph() {
    FakeTenant tenant = tenant();
    ImpersonationSetup setup = setup(Scope.recipientFilter("Department -eq 'Sales'"));
    ApplyResult result = setup.apply(tenant.directoryOnlyConnection());
    assertTrue(result.succeeded(), result.toString());
    assertEquals(List.of("NewManagementScope", "NewManagementRoleAssignment", "NewManagementRoleAssignment"),
        tenant.writes().stream().map(JournalEntry::operation).toList());
    assertTrue(setup.plan(tenant.directoryOnlyConnection()).isConverged());
    assertTrue(setup.plan(tenant.connection()).isConverged(), setup.plan(tenant.connection()).toString());
    tenant.clock().advance(Duration.ofHours(1));
    VerificationReport report = setup.verify(tenant.directoryOnlyConnection());
    assertTrue(report.isSatisfied(), report.toString());
    assertTrue(report.mailboxes().stream().filter(m -> m.mailbox().equalsIgnoreCase(CEO)).allMatch(m -> m.state() == AccessState.DENIED),
        report.toString());
  }

  @Test
  @DisplayName("a group scope over Graph only: the group is made through Graph and each role is assigned with directoryScopeId /Groups/{id}")
  void groupScopeOverGraphOnly() {
    FakeTenant tenant = tenant();
    ImpersonationSetup setup = setup(Scope.microsoft365Group("Sync Team").members(ANN, BOB));
    Plan plan = setup.plan(tenant.directoryOnlyConnection());
    assertTrue(plan.blockedSteps().isEmpty(), plan.toString());
    assertTrue(plan.steps().stream().noneMatch(s -> s.resource().startsWith("management scope")), plan.toString());
    ApplyResult result = setup.apply(plan, tenant.directoryOnlyConnection(), dev.impersonation.plan.ProgressListener.none());
    assertTrue(result.succeeded(), result.toString());
    assertEquals(List.of("CreateDirectoryGroup", "AddGroupMembers", "NewManagementRoleAssignment"),
        tenant.writes().stream().map(JournalEntry::operation).distinct().toList());
    assertEquals(2, tenant.writes().stream().filter(w -> w.operation().equals("NewManagementRoleAssignment")).count());
    assertTrue(tenant.roleAssignments().stream().allMatch(a -> a.scopeType() == dev.impersonation.spi.ScopeType.RECIPIENT_GROUP
        && a.scope().equals("Sync Team")), tenant.roleAssignments().toString());
    assertTrue(setup.plan(tenant.directoryOnlyConnection()).isConverged(), setup.plan(tenant.directoryOnlyConnection()).toString());
    assertTrue(setup.plan(tenant.connection()).isConverged(), "Exchange reads the same assignments back");
    tenant.clock().advance(Duration.ofHours(3));
    VerificationReport report = setup.verify(tenant.connection());
    assertTrue(report.isSatisfied(), report.toString());
  }

  @Test
  @DisplayName("a dehydrated organization: Graph refuses the assignment, the step fails naming Enable-OrganizationCustomization")
  void dehydratedOrganization() {
    FakeTenant tenant = FakeTenant.exchangeOnline(Fixtures.ONLINE).dehydrated().userMailbox(ANN)
        .application(RI_APP, RI_SP, "Revenue Inbox").administrativeUnit(AU, ANN).build();
    ApplyResult result = setup(Scope.administrativeUnit(AU)).apply(tenant.directoryOnlyConnection());
    assertFalse(result.succeeded(), result.toString());
    assertTrue(result.results().stream().anyMatch(r -> r.message().contains("Enable-OrganizationCustomization")), result.toString());
    assertTrue(tenant.writes().isEmpty(), tenant.writes().toString());
  }

  @Test
  @DisplayName("the exported script of a Graph-only plan still makes sure of Exchange's service principal before assigning")
  void scriptCreatesPointerIfMissing() {
    Plan plan = setup(Scope.administrativeUnit(AU)).plan(tenant().directoryOnlyConnection());
    String script = plan.toPowerShell();
    int pointer = script.indexOf("New-ServicePrincipal");
    int assignment = script.indexOf("New-ManagementRoleAssignment");
    assertTrue(pointer > 0 && assignment > pointer, script);
    assertTrue(script.contains("Get-ServicePrincipal"), script);
    // The plan's JSON keeps the operation of the NO_OP step.
    assertTrue(plan.toJson().contains("NewServicePrincipal"), plan.toJson());
  }

  @Test
  @DisplayName("a new service account's mailbox is awaited through Graph when the connection has no Exchange backend")
  void awaitMailboxThroughGraph() {
    String upn = "svc-sync@contoso.com";
    FakeTenant tenant = FakeTenant.exchangeOnline(Fixtures.ONLINE).license(Fixtures.SKU).userMailbox(ANN).build();
    ImpersonationSetup setup = ImpersonationSetup.builder().name("Svc").target(Fixtures.target(TenantTarget.Kind.EXCHANGE_ONLINE))
        .principal(Principal.serviceAccount(upn).createIfMissing("Sync", "US", Fixtures.SKU, Secret.of("N0t-a-real-pw!".toCharArray())))
        .scope(Scope.mailboxes(ANN)).access(Access.fullAccess()).build();
    TenantConnection graphOnly = tenant.directoryOnlyConnection();
    Plan plan = setup.plan(graphOnly);
    // FullAccess needs Exchange, so the grant is blocked; the account and the wait are not.
    List<Step> runnable = plan.steps().stream().filter(s -> s.action() != StepAction.BLOCKED).toList();
    assertTrue(runnable.stream().anyMatch(s -> s.operation().orElse(null) instanceof Operation.AwaitMailbox), plan.toString());
    Plan accountOnly = new Plan(plan.setupName(), plan.target(), plan.principal(), plan.scope(), plan.access(),
        runnable, plan.warnings(), plan.plannedAt());
    List<ProgressEvent> events = new ArrayList<>();
    ApplyResult result = setup.apply(accountOnly, graphOnly, events::add);
    assertTrue(result.succeeded(), result.toString());
    assertTrue(events.stream().anyMatch(e -> e.kind() == ProgressEvent.Kind.WAITING), events.toString());
    assertTrue(tenant.journal().stream().anyMatch(e -> e.backend().equals("directory") && e.operation().equals("findMailbox")),
        tenant.journal().toString());
    assertTrue(tenant.journal().stream().noneMatch(e -> e.backend().equals("exchange")), tenant.journal().toString());
  }
}
