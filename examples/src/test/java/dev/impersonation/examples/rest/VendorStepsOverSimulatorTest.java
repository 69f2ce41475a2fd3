package dev.impersonation.examples.rest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.impersonation.Access;
import dev.impersonation.ImpersonationSetup;
import dev.impersonation.PlanBlockedException;
import dev.impersonation.Principal;
import dev.impersonation.Scope;
import dev.impersonation.Secret;
import dev.impersonation.SignIn;
import dev.impersonation.TenantConnection;
import dev.impersonation.TenantTarget;
import dev.impersonation.examples.ReschedgeExample;
import dev.impersonation.exchange.ExchangeConnection;
import dev.impersonation.plan.Plan;
import dev.impersonation.plan.ProgressListener;
import dev.impersonation.plan.Step;
import dev.impersonation.testkit.FakeTenant;
import dev.impersonation.testkit.exchange.ExchangeAdminSimulator;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The vendor steps no longer dropped (docs/vendor-procedures.md#steps), over the Exchange admin API simulator: the
 * cmdlets the REST backend sends for Cronofy's room list (its declared primary SMTP address, its room-only members),
 * Riva B's FullAccess over a recipient filter (read in bulk) and Reschedge's legacy roles on Exchange Online.
 */
class VendorStepsOverSimulatorTest {
  private static final String DOMAIN = "contoso.onmicrosoft.com";
  private static final String ANN = "ann@contoso.com";
  private static final String BOB = "bob@contoso.com";
  private static final String CEO = "ceo@contoso.com";
  private static final String ROOMS_APP = "7a8b9c0d-1e2f-4a3b-8c4d-5e6f7a8b9c0d";
  private static final String ROOMS_SP = "8b9c0d1e-2f3a-4b4c-9d5e-6f7a8b9c0d1e";
  private static final String ADDRESS = "cronofy.resource.list@contoso.com";
  private static final String ALL_BUT_CEO = "(RecipientTypeDetails -eq 'UserMailbox') -and (Alias -ne 'ceo')";
  private ExchangeAdminSimulator simulator;

  @AfterEach
  void stop() {
    if (simulator != null) {
      simulator.stop();
    }
  }

  /** Exchange over the simulator; the directory and the access probe stay in memory. */
  private TenantConnection overHttp(FakeTenant tenant) {
    simulator = ExchangeAdminSimulator.start(tenant);
    TenantConnection memory = tenant.connection();
    return TenantConnection.builder(tenant.target())
        .exchange(ExchangeConnection.exchangeOnline(tenant.target())
            .signIn(SignIn.builder(tenant.target()).appId(OverHttp.ADMIN_APP).clientSecret(Secret.of("test-only-secret"))
                .signInVia(simulator.baseUrl()).libraryRetries(false).build())
            .baseUrl(simulator.baseUrl()).clock(tenant.clock(), tenant.clock()).build().backend())
        .directory(memory.directory().orElse(null)).accessProbe(memory.accessProbe().orElseThrow())
        .clock(tenant.clock(), tenant.clock()).build();
  }

  private static FakeTenant roomsTenant() {
    return FakeTenant.exchangeOnline(DOMAIN).userMailbox(ANN).userMailbox(CEO).application(ROOMS_APP, ROOMS_SP, "Cronofy")
        .roomMailbox("room1@contoso.com", "Room 1").roomMailbox("room2@contoso.com", "Room 2").build();
  }

  private static ImpersonationSetup rooms(String... members) {
    return ImpersonationSetup.builder().name("Cronofy").target(TenantTarget.exchangeOnline(DOMAIN))
        .principal(Principal.application(ROOMS_APP))
        .scope(Scope.roomList("Cronofy Room List").alias("cronofy.resource.list").primarySmtpAddress(ADDRESS).members(members))
        .access(Access.rbacForApplications("Application Calendars.ReadWrite")).outsider(CEO).build();
  }

  @Test
  void theDeclaredPrimaryAddressIsSentWithTheCreateAndTheListIsFoundByItAfterwards() {
    FakeTenant tenant = roomsTenant();
    TenantConnection http = overHttp(tenant);
    ImpersonationSetup setup = rooms("room1@contoso.com", "room2@contoso.com");
    assertTrue(setup.apply(http).succeeded());
    ExchangeAdminSimulator.Request create = simulator.requests().stream().filter(r -> r.cmdlet().equals("New-DistributionGroup"))
        .findFirst().orElseThrow(() -> new AssertionError(simulator.requests().toString()));
    assertEquals(ADDRESS, create.parameters().get("PrimarySmtpAddress"));
    assertEquals(Boolean.TRUE, create.parameters().get("RoomList"));
    assertEquals(ADDRESS, tenant.group("Cronofy Room List").orElseThrow().primarySmtpAddress());
    assertEquals("Cronofy Room List", http.exchange().orElseThrow().findGroup(ADDRESS).orElseThrow().name(),
        "Get-DistributionGroup by the address finds the same list");
    Plan again = setup.plan(http);
    assertTrue(again.isConverged(), again::toString);
  }

  @Test
  void aMemberThatIsNotARoomIsBlockedBeforeAnythingIsSent() {
    FakeTenant tenant = roomsTenant();
    TenantConnection http = overHttp(tenant);
    Plan plan = rooms("room1@contoso.com", ANN).plan(http);
    Step blocked = plan.blockedSteps().stream().filter(s -> s.resource().endsWith("members")).findFirst()
        .orElseThrow(() -> new AssertionError(plan.toString()));
    assertTrue(blocked.reason().contains(ANN + " (UserMailbox)"), blocked::reason);
    assertThrows(PlanBlockedException.class, () -> rooms("room1@contoso.com", ANN).apply(plan, http, ProgressListener.none()));
    assertTrue(simulator.requests().stream().allMatch(r -> r.cmdlet().startsWith("Get-")), simulator.requests()::toString);
    assertTrue(tenant.writes().isEmpty(), tenant.writes()::toString);
  }

  @Test
  void rivaBReadsTheFilterAndTheGrantsOnceEachAndGrantsWithAutoMappingOff() {
    FakeTenant tenant = FakeTenant.exchangeOnline(DOMAIN).userMailbox("riva@contoso.com").userMailbox(ANN).userMailbox(BOB)
        .userMailbox(CEO).sharedMailbox("info@contoso.com", "Info").build();
    TenantConnection http = overHttp(tenant);
    ImpersonationSetup setup = ImpersonationSetup.builder().name("Riva-FullAccess").target(TenantTarget.exchangeOnline(DOMAIN))
        .principal(Principal.serviceAccount("riva@contoso.com")).scope(Scope.recipientFilter(ALL_BUT_CEO).acknowledged())
        .access(Access.fullAccess()).outsider(CEO).build();
    Plan plan = setup.plan(http);
    List<ExchangeAdminSimulator.Request> reads = simulator.requests().stream()
        .filter(r -> r.cmdlet().equals("Get-Mailbox") && ALL_BUT_CEO.equals(r.parameters().get("Filter"))).toList();
    assertEquals(1, reads.size(), simulator.requests()::toString);
    assertEquals("Unlimited", reads.get(0).parameters().get("ResultSize"));
    assertEquals(1, simulator.requestCount("Get-EXOMailboxPermission"), simulator.requestCounts()::toString);
    assertEquals(0, simulator.requestCount("Get-MailboxPermission"), "no permission read per mailbox");
    simulator.resetRequests();
    assertTrue(setup.apply(plan, http, ProgressListener.none()).succeeded());
    List<ExchangeAdminSimulator.Request> grants = simulator.requests().stream()
        .filter(r -> r.cmdlet().equals("Add-MailboxPermission")).toList();
    assertEquals(List.of(ANN, BOB), grants.stream().map(r -> r.parameters().get("Identity")).toList());
    grants.forEach(r -> assertEquals(Boolean.FALSE, r.parameters().get("AutoMapping")));
    assertTrue(tenant.mailboxPermissions(CEO).isEmpty() && tenant.mailboxPermissions("info@contoso.com").isEmpty());
    Plan again = setup.plan(http);
    assertTrue(again.isConverged(), again::toString);
  }

  @Test
  void reschedgesLegacyRolesReachThePlanOverHttpToo() {
    ReschedgeExample example = new ReschedgeExample();
    FakeTenant tenant = example.tenant(TenantTarget.Kind.EXCHANGE_ONLINE);
    ImpersonationSetup setup = example.setups(TenantTarget.Kind.EXCHANGE_ONLINE).get(0);
    Plan plan = setup.plan(overHttp(tenant));
    Step viewOnly = plan.steps().stream().filter(s -> s.resource().equals("legacy role 'View-Only Configuration'")).findFirst()
        .orElseThrow(() -> new AssertionError(plan.toString()));
    assertEquals(Step.StepAction.NO_OP, viewOnly.action());
    assertTrue(viewOnly.reason().contains("Autodiscover"), viewOnly::reason);
    assertTrue(plan.toString().contains("legacy role 'View-Only Configuration'"), "the table shows it");
    assertTrue(plan.toJson().contains("legacy role 'View-Only Configuration'"), "the JSON carries it");
    assertTrue(plan.toPowerShell().contains("View-Only Configuration"), "the script says it");
  }
}
