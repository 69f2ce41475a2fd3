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
import dev.impersonation.TenantTarget;
import dev.impersonation.exchange.ExchangeConnection;
import dev.impersonation.graph.GraphConnection;
import dev.impersonation.plan.Plan;
import dev.impersonation.plan.Step.StepAction;
import dev.impersonation.spi.ApplicationPermissionGrant;
import dev.impersonation.testkit.FakeTenant;
import dev.impersonation.testkit.exchange.ExchangeAdminSimulator;
import dev.impersonation.testkit.graph.GraphSimulator;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Granting and revoking tenant-wide consent over a production connection (Graph SDK backend and Exchange REST) against
 * the simulators of one FakeTenant: the writes land in the tenant's store, and re-planning converges.
 */
class ConsentOverSimulatorsTest {
  private static final String DOMAIN = "contoso.onmicrosoft.com";
  private static final String ADMIN_APP = "00000000-0000-4000-8000-0000000000ad";
  private static final String APP = "6f1c2a3b-4d5e-4f60-8172-93a4b5c6d7e8";
  private static final String SP = "9a2b3c4d-5e6f-4a7b-8c9d-0e1f2a3b4c5d";
  private final List<AutoCloseable> simulators = new ArrayList<>();

  @AfterEach
  void stop() throws Exception {
    for (AutoCloseable s : simulators) {
      s.close();
    }
  }

  private TenantConnection production(FakeTenant tenant) {
    ExchangeAdminSimulator exchange = ExchangeAdminSimulator.start(tenant);
    GraphSimulator graph = GraphSimulator.builder(tenant).appToken(ExchangeAdminSimulator.SIGN_IN_TOKEN, ADMIN_APP).start();
    simulators.add(exchange);
    simulators.add(graph);
    SignIn shared = SignIn.builder(tenant.target()).appId(ADMIN_APP).clientSecret(Secret.of("test-only-admin-secret"))
        .libraryRetries(false).signInVia(exchange.baseUrl()).build();
    return TenantConnection.builder(tenant.target())
        .exchange(ExchangeConnection.exchangeOnline(tenant.target()).signIn(shared)
            .baseUrl(exchange.baseUrl()).clock(tenant.clock(), tenant.clock()).build().backend())
        .directory(GraphConnection.exchangeOnline(tenant.target()).signIn(shared).baseUrl(graph.graphUrl())
            .clock(tenant.clock(), tenant.clock()).build().directory())
        .clock(tenant.clock(), tenant.clock()).build();
  }

  private static FakeTenant.Builder tenant() {
    return FakeTenant.exchangeOnline(DOMAIN).userMailbox("ann@contoso.com").userMailbox("ceo@contoso.com")
        .application(APP, SP, "Sync");
  }

  private static List<String> consent(FakeTenant tenant) {
    return tenant.connection().directory().orElseThrow().applicationPermissionGrants(SP).stream()
        .map(ApplicationPermissionGrant::permission).toList();
  }

  @Test
  void anAccessPolicyGrantsConsentThroughGraph() {
    FakeTenant tenant = tenant().consent(APP, "Mail.Read").build();
    TenantConnection connection = production(tenant);
    ImpersonationSetup setup = ImpersonationSetup.builder().name("LegacySync").target(TenantTarget.exchangeOnline(DOMAIN))
        .principal(Principal.application(APP)).scope(Scope.mailEnabledSecurityGroup("Sync Users").members("ann@contoso.com"))
        .access(Access.applicationAccessPolicy().withGraphPermissions("Mail.Read", "Calendars.ReadWrite")).build();
    Plan plan = setup.plan(connection);
    assertEquals("graph", plan.steps().stream().filter(s -> s.resource().startsWith("tenant-wide consent")).findFirst()
        .orElseThrow().backend(), plan::toString);
    assertTrue(setup.apply(plan, connection, dev.impersonation.plan.ProgressListener.none()).succeeded());
    assertEquals(List.of("Mail.Read", "Calendars.ReadWrite"), consent(tenant));
    assertTrue(setup.plan(connection).isConverged());
  }

  @Test
  void rbacRemovesTheMailConsentThroughGraphOnlyWhenAsked() {
    FakeTenant tenant = tenant().consent(APP, "Mail.ReadWrite", "User.Read.All").build();
    TenantConnection connection = production(tenant);
    java.util.function.Supplier<ImpersonationSetup.Builder> builder = () -> ImpersonationSetup.builder().name("Sync")
        .target(TenantTarget.exchangeOnline(DOMAIN)).principal(Principal.application(APP))
        .scope(Scope.mailEnabledSecurityGroup("Sync Users").members("ann@contoso.com"));
    ImpersonationSetup keep = builder.get().access(Access.rbacForApplications("Application Mail.Read")).build();
    assertTrue(keep.apply(connection).succeeded());
    assertEquals(List.of("Mail.ReadWrite", "User.Read.All"), consent(tenant));

    ImpersonationSetup remove = builder.get().access(Access.rbacForApplications("Application Mail.Read").removingTenantWideConsent()).build();
    Plan plan = remove.plan(connection);
    assertEquals(1, plan.steps().stream().filter(s -> s.action() == StepAction.REVOKE).count(), plan::toString);
    assertTrue(remove.apply(plan, connection, dev.impersonation.plan.ProgressListener.none()).succeeded());
    assertEquals(List.of("User.Read.All"), consent(tenant));
    assertTrue(remove.plan(connection).isConverged());
  }
}
