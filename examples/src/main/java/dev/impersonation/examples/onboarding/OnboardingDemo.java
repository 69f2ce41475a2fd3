package dev.impersonation.examples.onboarding;

import dev.impersonation.testkit.FakeTenant;
import dev.impersonation.testkit.exchange.ExchangeAdminSimulator;
import dev.impersonation.testkit.graph.GraphSimulator;
import dev.impersonation.testkit.signin.DirectoryRole;
import dev.impersonation.testkit.signin.SignInSimulator;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;

/**
 * The onboarding app against local simulators of a customer's tenant: a Microsoft Entra sign-in endpoint, the Exchange admin
 * REST endpoint and Microsoft Graph, all over one dehydrated {@link FakeTenant}. Run it and open the printed URL:
 *
 * <pre>
 * mvn -q -pl examples -am compile exec:java -Dexec.mainClass=dev.impersonation.examples.onboarding.OnboardingDemo
 * </pre>
 *
 * Sign in as {@code admin@contoso.onmicrosoft.com} (Exchange Administrator) or, to see the refusal, as
 * {@code helpdesk@contoso.onmicrosoft.com} (no admin role). The browser test drives the same environment.
 */
public final class OnboardingDemo implements AutoCloseable {
  /** The customer's tenant. */
  public static final String TENANT = "contoso.onmicrosoft.com";
  /** The vendor's sync app (the principal). */
  public static final String SYNC_APP_ID = "6f1c2a3b-4d5e-4f60-8172-93a4b5c6d7e8";
  /** The vendor's onboarding app registration (the app the admin signs in to). */
  public static final String ONBOARDING_CLIENT_ID = "0b8e4f2a-1c3d-4e5f-9a7b-6c5d4e3f2a1b";
  /** An Exchange Administrator. */
  public static final String ADMIN = "admin@" + TENANT;
  /** A Global Administrator (may consent to applications). */
  public static final String GLOBAL_ADMIN = "globaladmin@" + TENANT;
  /** The vendor's sync app's service principal in the customer's tenant, once consented. */
  public static final String SYNC_SP_ID = "9a2b3c4d-5e6f-4a7b-8c9d-0e1f2a3b4c5d";
  /** A user without an admin role. */
  public static final String HELPDESK = "helpdesk@" + TENANT;

  private final FakeTenant tenant;
  private final SignInSimulator signIn;
  private final ExchangeAdminSimulator exchange;
  private final GraphSimulator graph;
  private final OnboardingApp app;

  private OnboardingDemo(FakeTenant tenant, int port) {
    this.tenant = tenant;
    this.signIn = SignInSimulator.builder(TENANT).clock(tenant.clock())
        .account(ADMIN, "Ada Admin", DirectoryRole.EXCHANGE_ADMINISTRATOR)
        .account(GLOBAL_ADMIN, "Gil Global", DirectoryRole.GLOBAL_ADMINISTRATOR)
        .account(HELPDESK, "Hal Helpdesk")
        .onAdminConsent(appId -> tenant.adminConsented(appId, appId.equalsIgnoreCase(SYNC_APP_ID) ? SYNC_SP_ID
            : UUID.nameUUIDFromBytes(appId.getBytes(StandardCharsets.UTF_8)).toString(), appId))
        .start();
    this.exchange = ExchangeAdminSimulator.start(tenant);
    this.graph = GraphSimulator.start(tenant);
    this.app = OnboardingApp.builder(VendorApp.calendarSync(SYNC_APP_ID)).clientId(ONBOARDING_CLIENT_ID).port(port)
        .signInVia(signIn.baseUrl())
        .connect(s -> OnboardingConnections.simulated(s, exchange.baseUrl(), graph.graphUrl(), tenant.clock(), tenant.clock()))
        .demoAdvanceClock(() -> tenant.clock().advance(Duration.ofHours(1)),
            "Sign in as " + ADMIN + " (Exchange Administrator), " + GLOBAL_ADMIN + " or " + HELPDESK + " (no admin role). Mailboxes: ann, bob, "
                + "carol (Sales), ceo; groups: Sales Team, Board.")
        .start();
  }

  /** The demo's tenant: dehydrated, four mailboxes, two groups, the vendor's app (consented before). */
  public static FakeTenant demoTenant() {
    return customer().application(SYNC_APP_ID, SYNC_SP_ID, "Calendar Sync").build();
  }

  /** A customer that never consented to the vendor's app: the plan is blocked until a Global Administrator consents. */
  public static FakeTenant newCustomerTenant() {
    return customer().build();
  }

  private static FakeTenant.Builder customer() {
    return FakeTenant.exchangeOnline(TENANT).dehydrated()
        .userMailbox("ann@" + TENANT, "Ann Ames").mailboxProperty("ann@" + TENANT, "Department", "Sales")
        .userMailbox("bob@" + TENANT, "Bob Brown").mailboxProperty("bob@" + TENANT, "Department", "Sales")
        .userMailbox("carol@" + TENANT, "Carol Cruz").mailboxProperty("carol@" + TENANT, "Department", "Sales")
        .userMailbox("ceo@" + TENANT, "Chris CEO").mailboxProperty("ceo@" + TENANT, "Department", "Board")
        .mailEnabledSecurityGroup("Sales Team", "ann@" + TENANT, "bob@" + TENANT, "carol@" + TENANT)
        .mailEnabledSecurityGroup("Board", "ceo@" + TENANT);
  }

  /** Starts the simulators and the app over {@code tenant}, the app on {@code port} (0: any free one). */
  public static OnboardingDemo start(FakeTenant tenant, int port) {
    return new OnboardingDemo(tenant, port);
  }

  /** The simulated customer tenant (inspect its end state in tests). */
  public FakeTenant tenant() {
    return tenant;
  }

  /** The running onboarding app. */
  public OnboardingApp app() {
    return app;
  }


  /** The Exchange admin endpoint's simulator (its request journal). */
  public ExchangeAdminSimulator exchange() {
    return exchange;
  }

  @Override
  public void close() {
    app.close();
    graph.close();
    exchange.close();
    signIn.close();
  }

  /** Arguments: an optional port (default 8080) and {@code --new-customer} for a tenant that never consented to the app. */
  public static void main(String[] args) throws InterruptedException {
    List<String> rest = new ArrayList<>(List.of(args));
    boolean newCustomer = rest.remove("--new-customer");
    int port = rest.isEmpty() ? 8080 : Integer.parseInt(rest.get(0));
    try (OnboardingDemo demo = start(newCustomer ? newCustomerTenant() : demoTenant(), port)) {
      System.out.println("Onboarding demo: open " + demo.app().url() + " (Ctrl+C stops it)");
      System.out.println("Sign in as " + ADMIN + " (Exchange Administrator) or " + HELPDESK + " (no admin role).");
      new CountDownLatch(1).await();
    }
  }
}
