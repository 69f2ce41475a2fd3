package dev.impersonation.testkit.exchange;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.impersonation.Access;
import dev.impersonation.ImpersonationSetup;
import dev.impersonation.ObjectAlreadyExistsException;
import dev.impersonation.OrganizationNotCustomizedException;
import dev.impersonation.Principal;
import dev.impersonation.Scope;
import dev.impersonation.TenantConnection;
import dev.impersonation.TenantTarget;
import dev.impersonation.ThrottledException;
import dev.impersonation.exchange.CmdletExchangeBackend;
import dev.impersonation.plan.ApplyResult;
import dev.impersonation.plan.Plan;
import dev.impersonation.spi.ExchangeBackend;
import dev.impersonation.spi.Operation;
import dev.impersonation.spi.RecipientFilter;
import dev.impersonation.testkit.FakeTenant;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The real client-side contract: {@link CmdletExchangeBackend} over a test InvokeCommand transport against the
 * simulator reaches the same tenant state as the in-memory backend on a twin tenant.
 */
class CmdletBackendOverSimulatorTest {
  static final String DOMAIN = "contoso.onmicrosoft.com";
  static final String ANN = "ann@contoso.com";
  static final String BOB = "bob@contoso.com";
  static final String DAN = "dan@contoso.com";
  static final String CEO = "ceo@contoso.com";
  static final String ADMIN = "admin@contoso.com";
  static final String APP = "3c4d5e6f-7a8b-4c9d-8e0f-1a2b3c4d5e6f";
  static final String SP = "4d5e6f7a-8b9c-4d0e-9f1a-2b3c4d5e6f70";

  /** RevenueInboxExample on Exchange Online: a dehydrated tenant, a new MESG scoping RBAC for Applications. */
  static FakeTenant revenueInboxTenant() {
    return FakeTenant.exchangeOnline(DOMAIN).dehydrated().userMailbox(ANN, "Ann Ames").userMailbox(BOB, "Bob Brown")
        .userMailbox(DAN, "Dan Dunn").userMailbox(CEO, "Carol CEO").userMailbox(ADMIN, "Admin")
        .application(APP, SP, "Revenue Inbox").build();
  }

  static ImpersonationSetup revenueInbox() {
    return ImpersonationSetup.builder().name("RevenueInbox").target(TenantTarget.exchangeOnline(DOMAIN))
        .managementScopeName("RIusersScope").principal(Principal.application(APP))
        .scope(Scope.mailEnabledSecurityGroup("RISG").members(ANN, BOB, DAN).owner(ADMIN).closed())
        .access(Access.rbacForApplications("Application Mail.ReadWrite", "Application Calendars.ReadWrite")).build();
  }

  static TenantConnection overHttp(FakeTenant tenant, ExchangeAdminSimulator exo) {
    TenantConnection inMemory = tenant.connection();
    return TenantConnection.builder(tenant.target())
        .exchange(new CmdletExchangeBackend(tenant.target(), new HttpCmdletTransport(exo)))
        .directory(inMemory.directory().orElseThrow()).accessProbe(inMemory.accessProbe().orElseThrow())
        .clock(tenant.clock(), tenant.clock()).build();
  }

  @Test
  void planAndApplyOverHttpReachTheSameStateAsInMemory() {
    FakeTenant twin = revenueInboxTenant();
    ApplyResult inMemory = revenueInbox().apply(twin.connection());
    assertTrue(inMemory.succeeded(), inMemory.toString());

    FakeTenant tenant = revenueInboxTenant();
    try (ExchangeAdminSimulator exo = ExchangeAdminSimulator.start(tenant)) {
      TenantConnection http = overHttp(tenant, exo);
      Plan plan = revenueInbox().plan(http);
      Map<String, Integer> planRequests = exo.requestCounts();
      int planTotal = exo.requestCount();
      exo.resetRequests();
      ApplyResult result = revenueInbox().apply(plan, http, dev.impersonation.plan.ProgressListener.none());
      assertTrue(result.succeeded(), result.toString());
      Map<String, Integer> applyRequests = exo.requestCounts();
      int applyTotal = exo.requestCount();

      assertEquals(twin.snapshot(), tenant.snapshot());
      assertFalse(tenant.isDehydrated());

      exo.resetRequests();
      assertTrue(revenueInbox().plan(http).isConverged(), "a second plan over HTTP has nothing to do");
      System.out.println("[exo-sim] RevenueInbox plan: " + planTotal + " requests " + planRequests);
      System.out.println("[exo-sim] RevenueInbox apply: " + applyTotal + " requests " + applyRequests);
      System.out.println("[exo-sim] RevenueInbox re-plan: " + exo.requestCount() + " requests " + exo.requestCounts());
      // Lookups of absent objects (e.g. the planner's free-name probe "RISG 2") are the only errors.
      assertTrue(exo.requests().stream().allMatch(r -> r.status() == 200
          || r.error().orElse("").startsWith("ManagementObjectNotFoundException: ")), exo.requests().toString());
    }
  }

  @Test
  void backendReadsMatchTheInMemoryBackend() {
    FakeTenant tenant = revenueInboxTenant();
    assertTrue(revenueInbox().apply(tenant.connection()).succeeded());
    try (ExchangeAdminSimulator exo = ExchangeAdminSimulator.builder(tenant).pageSize(2).start()) {
      ExchangeBackend http = new CmdletExchangeBackend(tenant.target(), new HttpCmdletTransport(exo));
      ExchangeBackend mem = tenant.connection().exchange().orElseThrow();
      assertEquals(mem.organizationConfig(), http.organizationConfig());
      assertEquals(mem.findRecipient(ANN), http.findRecipient(ANN));
      assertEquals(mem.findGroup("RISG"), http.findGroup("RISG"));
      assertEquals(mem.groupMembers("RISG"), http.groupMembers("RISG"), "three members over two pages");
      assertEquals(mem.findManagementScope("RIusersScope"), http.findManagementScope("RIusersScope"));
      assertEquals(mem.roleAssignments(SP), http.roleAssignments(SP));
      assertEquals(mem.findServicePrincipal(APP), http.findServicePrincipal(APP));
      assertEquals(mem.accessPolicies(APP), http.accessPolicies(APP));
      assertEquals(mem.listMailboxes(3), http.listMailboxes(3));
      assertEquals(mem.testConfiguredAccess(dev.impersonation.AccessMethod.RBAC_FOR_APPLICATIONS, Principal.application(APP), ANN),
          http.testConfiguredAccess(dev.impersonation.AccessMethod.RBAC_FOR_APPLICATIONS, Principal.application(APP), ANN));
      assertEquals(mem.testConfiguredAccess(dev.impersonation.AccessMethod.RBAC_FOR_APPLICATIONS, Principal.application(APP), CEO),
          http.testConfiguredAccess(dev.impersonation.AccessMethod.RBAC_FOR_APPLICATIONS, Principal.application(APP), CEO));
      assertTrue(http.findGroup("Nope").isEmpty());
      assertTrue(http.findManagementScope("Nope").isEmpty());
    }
  }

  @Test
  void roleGroupsPermissionsAndAccessTestsMatchTheInMemoryBackend() {
    FakeTenant tenant = ExchangeAdminSimulatorTest.seeded().build();
    try (ExchangeAdminSimulator exo = ExchangeAdminSimulator.start(tenant)) {
      ExchangeBackend http = new CmdletExchangeBackend(tenant.target(), new HttpCmdletTransport(exo));
      ExchangeBackend mem = tenant.connection().exchange().orElseThrow();
      assertEquals(mem.findRoleGroup("RIappImpersonation"), http.findRoleGroup("RIappImpersonation"));
      assertEquals(mem.mailboxPermissions(BOB), http.mailboxPermissions(BOB));
      assertEquals(mem.roleAssignments(ANN), http.roleAssignments(ANN));
      assertEquals(mem.findGroup("Sales Team"), http.findGroup("Sales Team"));
      assertEquals(mem.groupMembers("Sales Team"), http.groupMembers("Sales Team"));
      for (String mailbox : List.of(ANN, ADMIN)) {
        for (dev.impersonation.AccessMethod method : dev.impersonation.AccessMethod.values()) {
          Principal principal = switch (method) {
            case RBAC_FOR_APPLICATIONS, APPLICATION_ACCESS_POLICY -> Principal.application(ExchangeAdminSimulatorTest.APP);
            default -> Principal.serviceAccount(ADMIN);
          };
          dev.impersonation.spi.ConfiguredAccess a = mem.testConfiguredAccess(method, principal, mailbox);
          dev.impersonation.spi.ConfiguredAccess b = http.testConfiguredAccess(method, principal, mailbox);
          assertEquals(a.inScope(), b.inScope(), method + " " + mailbox + ": " + a + " vs " + b);
        }
      }
    }
  }

  @Test
  void typedErrorsReachTheBackend() {
    FakeTenant tenant = revenueInboxTenant();
    try (ExchangeAdminSimulator exo = ExchangeAdminSimulator.start(tenant)) {
      ExchangeBackend http = new CmdletExchangeBackend(tenant.target(), new HttpCmdletTransport(exo));
      Operation scope = new Operation.NewManagementScope("S", new RecipientFilter.Custom("Department -eq 'Sales'"));
      assertThrows(OrganizationNotCustomizedException.class, () -> http.execute(scope));
      http.execute(new Operation.EnableOrganizationCustomization());
      assertThrows(ObjectAlreadyExistsException.class, () -> http.execute(new Operation.EnableOrganizationCustomization()));
      tenant.faults().on("NewManagementScope").throttle(Duration.ofSeconds(30));
      ThrottledException t = assertThrows(ThrottledException.class, () -> http.execute(scope));
      assertEquals(Duration.ofSeconds(30), t.retryAfter().orElseThrow());
      http.execute(scope);
      assertThrows(ObjectAlreadyExistsException.class, () -> http.execute(scope));
      assertEquals(List.of("S"), tenant.managementScopes().stream().map(s -> s.name()).toList());
    }
  }
}
