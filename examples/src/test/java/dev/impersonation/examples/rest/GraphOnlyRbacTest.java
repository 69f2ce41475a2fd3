package dev.impersonation.examples.rest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.impersonation.Access;
import dev.impersonation.ImpersonationSetup;
import dev.impersonation.Principal;
import dev.impersonation.Scope;
import dev.impersonation.Secret;
import dev.impersonation.SignIn;
import dev.impersonation.TenantConnection;
import dev.impersonation.graph.GraphConnection;
import dev.impersonation.graph.GraphDirectoryBackend;
import dev.impersonation.plan.ApplyResult;
import dev.impersonation.plan.Plan;
import dev.impersonation.plan.Step.StepAction;
import dev.impersonation.spi.Recipient;
import dev.impersonation.spi.RecipientType;
import dev.impersonation.testkit.FakeTenant;
import dev.impersonation.testkit.graph.GraphSimulator;
import dev.impersonation.verify.MailboxAccess.AccessState;
import dev.impersonation.verify.VerificationReport;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * RBAC for Applications with nothing but Microsoft Graph: the Exchange RBAC endpoints of Graph beta
 * ({@code /beta/roleManagement/exchange/...}, docs/rbac-for-applications.md) against the Graph simulator, with the app's own probe.
 */
class GraphOnlyRbacTest {
  static final String ADMIN_APP = "00000000-0000-4000-8000-0000000000ad";
  static final String APP = "3c4d5e6f-7a8b-4c9d-8e0f-1a2b3c4d5e6f";
  static final String SP = "4d5e6f7a-8b9c-4d0e-9f1a-2b3c4d5e6f70";
  static final String AU = "0f1e2d3c-4b5a-4968-8776-a5b4c3d2e1f0";
  static final String ANN = "ann@contoso.com";
  static final String BOB = "bob@contoso.com";
  static final String CEO = "ceo@contoso.com";

  private GraphSimulator graph;

  @AfterEach
  void stop() {
    if (graph != null) {
      graph.close();
    }
  }

  private FakeTenant tenant() {
    return FakeTenant.exchangeOnline("contoso.onmicrosoft.com").userMailbox(ANN, "Ann Ames").userMailbox(BOB, "Bob Brown")
        .userMailbox(CEO, "Carol CEO").mailboxProperty(ANN, "Department", "Sales").mailboxProperty(BOB, "Department", "Sales")
        .mailboxProperty(CEO, "Department", "Board").application(APP, SP, "Revenue Inbox").administrativeUnit(AU, ANN, BOB)
        .build();
  }

  private GraphDirectoryBackend directory(FakeTenant tenant) {
    graph = GraphSimulator.builder(tenant).start();
    SignIn credentials = SignIn.builder(tenant.target()).appId(ADMIN_APP).clientSecret(Secret.of("test-only-admin-secret"))
        .libraryRetries(false).signInVia(graph.baseUrl()).build();
    return GraphConnection.exchangeOnline(tenant.target()).signIn(credentials).baseUrl(graph.graphUrl())
        .clock(tenant.clock(), tenant.clock()).build().directory();
  }

  private TenantConnection graphOnly(FakeTenant tenant, GraphDirectoryBackend directory) {
    return TenantConnection.builder(tenant.target()).directory(directory)
        .accessProbe(tenant.connection().accessProbe().orElseThrow()).clock(tenant.clock(), tenant.clock()).build();
  }

  private static ImpersonationSetup setup(Scope scope) {
    return ImpersonationSetup.builder().name("Sync").target(dev.impersonation.TenantTarget.exchangeOnline("contoso.onmicrosoft.com"))
        .principal(Principal.application(APP)).scope(scope).addVerifyMailboxes(ANN, BOB)
        .access(Access.rbacForApplications("Application Mail.Read", "Application Calendars.ReadWrite")).build();
  }

  @Test
  @DisplayName("administrative-unit scope: planned, applied and re-planned over Graph beta; Exchange sees the same assignments")
  void administrativeUnitScope() {
    FakeTenant tenant = tenant();
    GraphDirectoryBackend directory = directory(tenant);
    TenantConnection connection = graphOnly(tenant, directory);
    ImpersonationSetup setup = setup(Scope.administrativeUnit(AU));

    Plan plan = setup.plan(connection);
    assertTrue(plan.blockedSteps().isEmpty(), plan.toString());
    assertEquals(2, plan.steps().stream().filter(s -> s.action() == StepAction.CREATE && s.backend().equals("graph")).count(),
        plan.toString());
    ApplyResult result = setup.apply(plan, connection, e -> { });
    assertTrue(result.succeeded(), result.toString());
    assertTrue(setup.plan(connection).isConverged(), setup.plan(connection).toString());
    assertTrue(setup.plan(tenant.connection()).isConverged(), setup.plan(tenant.connection()).toString());

    Map<String, Integer> routes = graph.requestCounts();
    assertEquals(2, routes.get("POST /beta/roleManagement/exchange/roleAssignments"), routes.toString());
    // Role ids are looked up once per role and cached.
    assertEquals(2, routes.get("GET /beta/roleManagement/exchange/roleDefinitions"), routes.toString());
    assertTrue(graph.requests().stream().noneMatch(r -> r.path().contains("/v1.0/roleManagement")), graph.requests().toString());

    tenant.clock().advance(Duration.ofHours(1));
    VerificationReport report = setup.verify(connection);
    assertTrue(report.isSatisfied(), report.toString());
    assertTrue(report.mailboxes().stream().anyMatch(m -> m.mailbox().equalsIgnoreCase(CEO) && m.state() == AccessState.DENIED),
        report.toString());
  }

  @Test
  @DisplayName("recipient-filter scope: POST customAppScopes, then role assignments with its appScopeId")
  void recipientFilterScope() {
    FakeTenant tenant = tenant();
    TenantConnection connection = graphOnly(tenant, directory(tenant));
    ImpersonationSetup setup = setup(Scope.recipientFilter("Department -eq 'Sales'"));
    ApplyResult result = setup.apply(connection);
    assertTrue(result.succeeded(), result.toString());
    assertEquals(1, graph.requestCount("POST /beta/roleManagement/exchange/customAppScopes"), graph.requestCounts().toString());
    assertTrue(setup.plan(connection).isConverged(), setup.plan(connection).toString());
    // The in-memory Exchange backend reads the same scope and assignments.
    assertTrue(setup.plan(tenant.connection()).isConverged(), setup.plan(tenant.connection()).toString());
    tenant.clock().advance(Duration.ofHours(1));
    assertTrue(setup.verify(connection).isSatisfied(), setup.verify(connection).toString());
  }

  @Test
  @DisplayName("Microsoft 365 group scope over Graph only: the group, its members by id, and /Groups/{id} assignments; Exchange agrees")
  void microsoft365GroupScope() {
    FakeTenant tenant = tenant();
    TenantConnection connection = graphOnly(tenant, directory(tenant));
    ImpersonationSetup setup = setup(Scope.microsoft365Group("Sync Team").members(ANN, BOB));
    Plan plan = setup.plan(connection);
    assertTrue(plan.blockedSteps().isEmpty(), plan.toString());
    ApplyResult result = setup.apply(plan, connection, e -> { });
    assertTrue(result.succeeded(), result.toString());
    assertEquals(2, graph.requestCount("POST /beta/roleManagement/exchange/roleAssignments"), graph.requestCounts().toString());
    String groupId = tenant.group("Sync Team").orElseThrow().id();
    assertTrue(graph.requests().stream().filter(r -> r.route().equals("POST /beta/roleManagement/exchange/roleAssignments")).count() == 2);
    assertTrue(tenant.roleAssignments().stream().allMatch(a -> a.scopeType() == dev.impersonation.spi.ScopeType.RECIPIENT_GROUP
        && a.scope().equals("Sync Team")), tenant.roleAssignments().toString());
    assertTrue(setup.plan(connection).isConverged(), setup.plan(connection).toString());
    assertTrue(setup.plan(tenant.connection()).isConverged(), setup.plan(tenant.connection()).toString());
    assertTrue(groupId != null && !groupId.isEmpty());
    tenant.clock().advance(Duration.ofHours(3));
    VerificationReport report = setup.verify(connection);
    assertTrue(report.isSatisfied(), report.toString());
    assertTrue(report.mailboxes().stream().anyMatch(m -> m.mailbox().equalsIgnoreCase(CEO) && m.state() == AccessState.DENIED),
        report.toString());
  }

  @Test
  @DisplayName("mailbox readiness over Graph: mailboxSettings when allowed, provisionedPlans when MailboxSettings.Read is missing")
  void mailboxReadiness() {
    FakeTenant tenant = FakeTenant.exchangeOnline("contoso.onmicrosoft.com").userMailbox(ANN).roomMailbox("room1@contoso.com", "Room 1")
        .application(ADMIN_APP, "5e6f7a8b-9c0d-4e1f-8a2b-3c4d5e6f7a8b", "Admin").build();
    GraphDirectoryBackend directory = directory(tenant);
    // The admin app holds no mail permission: mailboxSettings answers 403, so provisionedPlans decide.
    Recipient ann = directory.findMailbox(ANN).orElseThrow();
    assertEquals(RecipientType.USER_MAILBOX, ann.type());
    assertTrue(directory.findMailbox("nobody@contoso.com").isEmpty());
    assertTrue(graph.requestCount("GET /users/{id}/mailboxSettings") >= 1, graph.requestCounts().toString());
    assertTrue(directory.listMailboxes(10).stream().anyMatch(r -> r.primarySmtpAddress().equalsIgnoreCase(ANN)));
  }
}
