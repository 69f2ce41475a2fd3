package dev.impersonation.examples.rest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.impersonation.Secret;
import dev.impersonation.TenantConnection;
import dev.impersonation.exchange.ExchangeConnection;
import dev.impersonation.plan.ApplyResult.StepResult;
import dev.impersonation.plan.ApplyResult;
import dev.impersonation.plan.ProgressListener.ProgressEvent;
import dev.impersonation.testkit.FakeTenant;
import dev.impersonation.testkit.exchange.ExchangeAdminSimulator;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** A 429 with Retry-After from the REST endpoint is waited out by the core executor on the connection's clock. */
class RestThrottlingTest {
  @Test
  void retryAfterTravelsFromTheHttpHeaderToTheExecutorsClock() {
    FakeTenant tenant = FakeTenant.exchangeOnline("contoso.onmicrosoft.com").userMailbox("ann@contoso.com")
        .userMailbox("ceo@contoso.com").application("6f1c2a3b-4d5e-4f60-8172-93a4b5c6d7e8",
            "9a2b3c4d-5e6f-4a7b-8c9d-0e1f2a3b4c5d", "Calendar Sync").build();
    try (ExchangeAdminSimulator simulator = ExchangeAdminSimulator.start(tenant)) {
      TenantConnection connection = ExchangeConnection.exchangeOnline("contoso.onmicrosoft.com")
          .signIn(dev.impersonation.SignIn.builder(dev.impersonation.TenantTarget.exchangeOnline("contoso.onmicrosoft.com")).appId("00000000-0000-4000-8000-0000000000aa").clientSecret(Secret.of("test-only-secret"))
              .signInVia(simulator.baseUrl()).libraryRetries(false).build())
          .baseUrl(simulator.baseUrl()).clock(tenant.clock(), tenant.clock()).build().connection();
      // Exchange only (no Graph backend), so the sync app's service principal id is given.
      var setup = dev.impersonation.ImpersonationSetup.builder().name("CalendarSync")
          .target(dev.impersonation.TenantTarget.exchangeOnline("contoso.onmicrosoft.com"))
          .principal(dev.impersonation.Principal.application("6f1c2a3b-4d5e-4f60-8172-93a4b5c6d7e8")
              .servicePrincipal("9a2b3c4d-5e6f-4a7b-8c9d-0e1f2a3b4c5d"))
          .scope(dev.impersonation.Scope.mailEnabledSecurityGroup("Calendar Sync Users").members(List.of("ann@contoso.com")))
          .access(dev.impersonation.Access.rbacForApplications("Application Calendars.ReadWrite")).build();
      var plan = setup.plan(connection);
      tenant.faults().on("NewManagementRoleAssignment").times(2).throttle(Duration.ofSeconds(30));
      List<ProgressEvent> events = new ArrayList<>();

      ApplyResult result = setup.apply(plan, connection, events::add);

      assertTrue(result.succeeded(), result::toString);
      StepResult scope = result.results().stream().filter(r -> r.step().resource().startsWith("role assignment"))
          .findFirst().orElseThrow();
      assertEquals(3, scope.attempts());
      assertEquals(Duration.ofSeconds(60), scope.waited());
      assertEquals(2, events.stream().filter(e -> e.kind() == ProgressEvent.Kind.RETRYING
          && e.delay().equals(Optional.of(Duration.ofSeconds(30)))).count());
      assertEquals(3, simulator.requestCount("New-ManagementRoleAssignment"));
      assertTrue(simulator.requests().stream().anyMatch(r -> r.status() == 429));
    }
  }
}
