package dev.impersonation.examples.rest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.impersonation.Access;
import dev.impersonation.ImpersonationSetup;
import dev.impersonation.InvalidSetupException;
import dev.impersonation.Principal;
import dev.impersonation.Scope;
import dev.impersonation.Secret;
import dev.impersonation.SignIn;
import dev.impersonation.TenantConnection;
import dev.impersonation.TenantTarget;
import dev.impersonation.exchange.ExchangeConnection;
import dev.impersonation.plan.ApplyResult;
import dev.impersonation.plan.ProgressListener;
import dev.impersonation.testkit.FakeTenant;
import dev.impersonation.testkit.exchange.ExchangeAdminSimulator;
import dev.impersonation.testkit.exchange.RestFault;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Members added to an existing group over the REST endpoint go several at a time (ExchangeConnection's
 * maxConcurrentRequests) against a tenant that allows fewer at once and throttles: the apply still converges, each member
 * is added by exactly one successful request, and nothing else in the group changes.
 */
class ConcurrentMemberAddsOverSimulatorTest {
  private static final String DOMAIN = "contoso.onmicrosoft.com";
  private static final String APP = "6f1c2a3b-4d5e-4f60-8172-93a4b5c6d7e8";
  private static final String SP = "9a2b3c4d-5e6f-4a7b-8c9d-0e1f2a3b4c5d";
  private static final int MEMBERS = 250;

  private static List<String> members() {
    List<String> out = new ArrayList<>();
    for (int i = 0; i < MEMBERS; i++) {
      out.add(String.format("user%04d@contoso.com", i));
    }
    return out;
  }

  private static FakeTenant tenant() {
    FakeTenant.Builder b = FakeTenant.exchangeOnline(DOMAIN).application(APP, SP, "Calendar Sync").userMailbox("eve@contoso.com")
        .mailEnabledSecurityGroup("Sync Users", "eve@contoso.com");
    members().forEach(b::userMailbox);
    return b.build();
  }

  private static ImpersonationSetup setup() {
    return ImpersonationSetup.builder().name("CalendarSync").target(TenantTarget.exchangeOnline(DOMAIN))
        .principal(Principal.application(APP).servicePrincipal(SP))
        .scope(Scope.mailEnabledSecurityGroup("Sync Users").members(members()))
        .access(Access.rbacForApplications("Application Calendars.ReadWrite")).build();
  }

  private static TenantConnection connect(FakeTenant tenant, ExchangeAdminSimulator simulator, int concurrent) {
    SignIn signIn = SignIn.builder(TenantTarget.exchangeOnline(DOMAIN)).appId(OverHttp.ADMIN_APP)
        .clientSecret(Secret.of("test-only-secret")).signInVia(simulator.baseUrl()).libraryRetries(false).build();
    return ExchangeConnection.exchangeOnline(DOMAIN).signIn(signIn).baseUrl(simulator.baseUrl()).maxConcurrentRequests(concurrent)
        .clock(tenant.clock(), tenant.clock()).build().connection();
  }

  private static long successfulAdds(ExchangeAdminSimulator simulator) {
    return simulator.requests().stream().filter(r -> r.cmdlet().equals("Add-DistributionGroupMember") && r.status() == 200).count();
  }

  @Test
  void membersGoSeveralAtATimeAndEachIsAddedOnceUnderATenantBudgetAndThrottling() {
    FakeTenant tenant = tenant();
    try (ExchangeAdminSimulator simulator = ExchangeAdminSimulator.builder(tenant).maxConcurrentRequests(2).start()) {
      TenantConnection connection = connect(tenant, simulator, 4);
      ImpersonationSetup setup = setup();
      var plan = setup.plan(connection);
      simulator.inject("Add-DistributionGroupMember", RestFault.THROTTLED_FRACTIONAL_RETRY_AFTER, 2);

      ApplyResult result = setup.apply(plan, connection, ProgressListener.none());

      assertTrue(result.succeeded(), result::toString);
      assertEquals(MEMBERS + 1, tenant.members("Sync Users").size(), "every member added, Eve kept");
      assertTrue(tenant.members("Sync Users").contains("eve@contoso.com"));
      assertEquals(MEMBERS, successfulAdds(simulator), "one successful add per member, none twice");
      assertTrue(simulator.requests().stream().anyMatch(r -> r.status() == 429));
      assertTrue(setup.plan(connection).isConverged());
    }
  }

  @Test
  void oneAtATimeGivesTheSameTenant() {
    FakeTenant tenant = tenant();
    try (ExchangeAdminSimulator simulator = ExchangeAdminSimulator.start(tenant)) {
      TenantConnection connection = connect(tenant, simulator, 1);
      ImpersonationSetup setup = setup();
      assertTrue(setup.apply(setup.plan(connection), connection, ProgressListener.none()).succeeded());
      assertEquals(MEMBERS + 1, tenant.members("Sync Users").size());
      assertEquals(MEMBERS, simulator.requestCount("Add-DistributionGroupMember"), "no retries, no duplicates");
    }
  }

  @Test
  void aConcurrencyOutsideOneToSixteenIsRefusedWithTheReason() {
    InvalidSetupException e = assertThrows(InvalidSetupException.class,
        () -> ExchangeConnection.exchangeOnline(DOMAIN).maxConcurrentRequests(0));
    assertTrue(e.getMessage().contains("from 1 to 16"), e.getMessage());
    assertThrows(InvalidSetupException.class, () -> ExchangeConnection.exchangeOnline(DOMAIN).maxConcurrentRequests(17));
  }
}
