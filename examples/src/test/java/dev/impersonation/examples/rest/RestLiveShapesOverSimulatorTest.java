package dev.impersonation.examples.rest;

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
import dev.impersonation.exchange.ExchangeConnection;
import dev.impersonation.plan.ApplyResult.StepResult;
import dev.impersonation.plan.ApplyResult;
import dev.impersonation.plan.Plan;
import dev.impersonation.plan.Step.StepAction;
import dev.impersonation.testkit.FakeTenant;
import dev.impersonation.testkit.exchange.ExchangeAdminSimulator;
import dev.impersonation.testkit.exchange.RestFault;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The library over the Exchange admin simulator answering in the live endpoint's shapes (docs/exchange-admin-rest.md):
 * a denied cmdlet blocks the plan once, naming the role, and is never retried; a fractional Retry-After is waited out
 * on the connection's clock; a 200 carrying @adminapi.errors fails the step.
 */
class RestLiveShapesOverSimulatorTest {
  static final String APP = "6f1c2a3b-4d5e-4f60-8172-93a4b5c6d7e8";

  static FakeTenant tenant() {
    return FakeTenant.exchangeOnline("contoso.onmicrosoft.com").userMailbox("ann@contoso.com").userMailbox("ceo@contoso.com")
        .application(APP, "9a2b3c4d-5e6f-4a7b-8c9d-0e1f2a3b4c5d", "Calendar Sync").build();
  }

  static TenantConnection connect(FakeTenant tenant, ExchangeAdminSimulator simulator) {
    return ExchangeConnection.exchangeOnline("contoso.onmicrosoft.com")
          .signIn(dev.impersonation.SignIn.builder(dev.impersonation.TenantTarget.exchangeOnline("contoso.onmicrosoft.com")).appId("00000000-0000-4000-8000-0000000000aa").clientSecret(Secret.of("test-only-secret"))
              .signInVia(simulator.baseUrl()).libraryRetries(false).build())
          .baseUrl(simulator.baseUrl()).clock(tenant.clock(), tenant.clock()).build().connection();
  }

  static ImpersonationSetup setup() {
    return ImpersonationSetup.builder().name("CalendarSync").target(TenantTarget.exchangeOnline("contoso.onmicrosoft.com"))
        .principal(Principal.application(APP).servicePrincipal("9a2b3c4d-5e6f-4a7b-8c9d-0e1f2a3b4c5d"))
        .scope(Scope.mailEnabledSecurityGroup("Calendar Sync Users").members(List.of("ann@contoso.com")))
        .access(Access.rbacForApplications("Application Calendars.ReadWrite")).build();
  }

  @Test
  void aDeniedReadBlocksThePlanNamingTheRoleAndIsNotRetried() {
    FakeTenant tenant = tenant();
    try (ExchangeAdminSimulator simulator = ExchangeAdminSimulator.start(tenant)) {
      simulator.inject("Get-ManagementRoleAssignment", RestFault.ACCESS_DENIED_NUL_GZIP, 5);
      Plan plan = setup().plan(connect(tenant, simulator));
      var blocked = plan.steps().stream().filter(s -> s.action() == StepAction.BLOCKED).toList();
      assertFalse(blocked.isEmpty(), plan::toString);
      assertTrue(blocked.stream().anyMatch(s -> s.reason().contains("Role Management")), plan::toString);
      assertEquals(1, simulator.requestCount("Get-ManagementRoleAssignment"), "an access denial is not retried");
      assertTrue(tenant.roleAssignments().isEmpty(), "nothing written");
    }
  }

  @Test
  void aFractionalRetryAfterIsWaitedOutOnTheConnectionsClock() {
    FakeTenant tenant = tenant();
    try (ExchangeAdminSimulator simulator = ExchangeAdminSimulator.start(tenant)) {
      TenantConnection connection = connect(tenant, simulator);
      Plan plan = setup().plan(connection);
      simulator.inject("New-ManagementRoleAssignment", RestFault.THROTTLED_FRACTIONAL_RETRY_AFTER, 1);
      ApplyResult result = setup().apply(plan, connection, e -> { });
      assertTrue(result.succeeded(), result::toString);
      StepResult scope = result.results().stream().filter(r -> r.step().resource().startsWith("role assignment"))
          .findFirst().orElseThrow();
      assertEquals(2, scope.attempts());
      assertEquals(Duration.ofMillis(1500), scope.waited());
    }
  }

  @Test
  void anOkAnswerCarryingAdminApiErrorsFailsTheStep() {
    FakeTenant tenant = tenant();
    try (ExchangeAdminSimulator simulator = ExchangeAdminSimulator.start(tenant)) {
      TenantConnection connection = connect(tenant, simulator);
      Plan plan = setup().plan(connection);
      simulator.inject("New-ManagementRoleAssignment", RestFault.ADMINAPI_ERRORS_200, 10);
      ApplyResult result = setup().apply(plan, connection, e -> { });
      assertFalse(result.succeeded(), result::toString);
      assertTrue(result.toString().contains("@adminapi.errors") || result.results().stream()
          .anyMatch(r -> r.message().contains("@adminapi.errors")), result::toString);
      assertTrue(tenant.roleAssignments().isEmpty());
    }
  }
}
