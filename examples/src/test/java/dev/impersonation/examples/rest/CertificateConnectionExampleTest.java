package dev.impersonation.examples.rest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.impersonation.ImpersonationSetup;
import dev.impersonation.Secret;
import dev.impersonation.SignIn;
import dev.impersonation.TenantConnection;
import dev.impersonation.examples.CertificateConnectionExample;
import dev.impersonation.exchange.ExchangeConnection;
import dev.impersonation.graph.GraphConnection;
import dev.impersonation.plan.Plan;
import dev.impersonation.testkit.FakeTenant;
import dev.impersonation.testkit.exchange.ExchangeAdminSimulator;
import dev.impersonation.testkit.graph.GraphSimulator;
import dev.impersonation.verify.VerificationReport;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The certificate example, run against the Exchange admin and Graph simulators: MSAL signs in once with a real PKCS#12
 * certificate (made here with the JDK's keytool) at the simulator's token endpoint; the directory work travels over
 * Graph and the cmdlets over the Exchange REST endpoint.
 */
class CertificateConnectionExampleTest {
  private static final String TENANT = "contoso.onmicrosoft.com";
  private static final String ADMIN_APP = "00000000-0000-4000-8000-0000000000ad";
  private static final String SYNC_APP = "6f1c2a3b-4d5e-4f60-8172-93a4b5c6d7e8";
  private static final String SYNC_SP = "9a2b3c4d-5e6f-4a7b-8c9d-0e1f2a3b4c5d";

  private static Path pfx(Path dir) throws Exception {
    return TestPfx.create(dir, "admin-app", "test-only-pfx-password");
  }

  @Test
  void plansAppliesAndVerifiesOverRestWithACertificate(@TempDir Path dir) throws Exception {
    FakeTenant tenant = FakeTenant.exchangeOnline(TENANT).dehydrated()
        .userMailbox("ann@contoso.com").userMailbox("bob@contoso.com").userMailbox("ceo@contoso.com")
        .application(SYNC_APP, SYNC_SP, "Calendar Sync").build();
    try (ExchangeAdminSimulator simulator = ExchangeAdminSimulator.builder(tenant)
        .requireToken(ExchangeAdminSimulator.SIGN_IN_TOKEN).start();
        GraphSimulator graphSimulator = GraphSimulator.start(tenant)) {
      SignIn signIn = CertificateConnectionExample.signIn(TENANT, ADMIN_APP, pfx(dir), Secret.of("test-only-pfx-password"))
          .newBuilder().signInVia(simulator.baseUrl()).libraryRetries(false).build();
      TenantConnection connection = CertificateConnectionExample.connect(
          ExchangeConnection.builder(signIn).baseUrl(simulator.baseUrl()),
          GraphConnection.builder(signIn).baseUrl(graphSimulator.graphUrl()), tenant.clock(), tenant.clock());
      ImpersonationSetup setup = CertificateConnectionExample.setup(TENANT, SYNC_APP, List.of("ann@contoso.com", "bob@contoso.com"));

      Plan plan = setup.plan(connection);
      assertTrue(plan.blockedSteps().isEmpty(), plan::toString);
      assertTrue(setup.apply(plan, connection, dev.impersonation.plan.ProgressListener.none()).succeeded());
      assertTrue(setup.plan(connection).isConverged());
      assertFalse(tenant.isDehydrated());
      assertEquals(2, tenant.members("Calendar Sync Users").size());

      tenant.clock().advance(Duration.ofHours(2));
      VerificationReport report = setup.verify(connection);
      assertTrue(report.isSatisfied(), report::toString);
      assertTrue(report.notes().stream().anyMatch(n -> n.contains("No access probe")), "configured state over REST");
      assertTrue(simulator.requests().stream().allMatch(r -> r.anchorMailbox().orElse("").startsWith("APP:SystemMailbox")));
      assertTrue(graphSimulator.requestCount() > 0, "the service principal was looked up over Graph");
      assertTrue(plan.steps().stream().anyMatch(st -> st.resource().startsWith("Entra service principal")
          && st.reason().contains(SYNC_SP)), plan::toString);
    }
  }
}
