package dev.impersonation.examples.rest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
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
import dev.impersonation.plan.ApplyResult;
import dev.impersonation.plan.Plan;
import dev.impersonation.plan.ProgressListener.ProgressEvent;
import dev.impersonation.testkit.FakeTenant;
import dev.impersonation.testkit.exchange.ExchangeAdminSimulator;
import dev.impersonation.testkit.graph.GraphSimulator;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A secret canary through every path (issue 13): a client secret, a certificate's PFX bytes and password, the access
 * token the sign-in endpoint issues, and a new service account's password, through sign-in (secret and certificate),
 * plan, apply, verify, record, script and JSON over both HTTP simulators, a refused sign-in's exception, and every log
 * line at TRACE (this class runs alone in a JVM whose loggers write TRACE to a file: examples/pom.xml, execution
 * secret-canary). None of them appears in any text the library produces, the simulators' request logs or the log.
 */
class SecretCanaryTest {
  private static final String DOMAIN = "contoso.onmicrosoft.com";
  private static final String ADMIN_APP = "00000000-0000-4000-8000-0000000000ad";
  private static final String CLIENT_SECRET = "canary-client-secret-Q7x1";
  private static final String PFX_PASSWORD = "canary-pfx-password-Z3k9";
  private static final String TOKEN = "canary-access-token-M4p8";
  private static final String PASSWORD = "Canary-Mailbox-Password-9!";
  private static final String SKU = "6fd2c87f-b296-42f0-b197-1e91e994b900";

  private static Path pfx(Path dir) throws Exception {
    return TestPfx.create(dir, "admin-app", PFX_PASSWORD);
  }

  private static String stackTrace(Throwable t) {
    StringWriter w = new StringWriter();
    t.printStackTrace(new PrintWriter(w));
    return w.toString();
  }

  @Test
  void noSecretAppearsInAnyTextLogOrRequestJournal(@TempDir Path dir) throws Exception {
    Path pfx = pfx(dir);
    byte[] pfxBytes = Files.readAllBytes(pfx);
    Map<String, String> canaries = new LinkedHashMap<>();
    canaries.put("client secret", CLIENT_SECRET);
    canaries.put("certificate password", PFX_PASSWORD);
    canaries.put("access token", TOKEN);
    canaries.put("mailbox password", PASSWORD);
    // PFX bytes as they could leak: base64 (plain and URL-safe) and hex of a stretch from the middle of the file.
    byte[] middle = java.util.Arrays.copyOfRange(pfxBytes, pfxBytes.length / 2, pfxBytes.length / 2 + 24);
    canaries.put("PFX bytes (base64)", Base64.getEncoder().encodeToString(middle).substring(4, 28));
    canaries.put("PFX bytes (base64url)", Base64.getUrlEncoder().encodeToString(middle).substring(4, 28));
    canaries.put("PFX bytes (hex)", HexFormat.of().formatHex(middle));

    List<String> texts = new ArrayList<>();
    FakeTenant tenant = FakeTenant.exchangeOnline(DOMAIN).license(SKU).userMailbox("ann@contoso.com").userMailbox("bob@contoso.com")
        .userMailbox("ceo@contoso.com").build();
    try (ExchangeAdminSimulator exchange = ExchangeAdminSimulator.builder(tenant).requireToken(TOKEN).start();
        GraphSimulator graph = GraphSimulator.builder(tenant).appToken(TOKEN, ADMIN_APP).start()) {
      SignIn bySecret = SignIn.builder(tenant.target()).appId(ADMIN_APP).clientSecret(Secret.of(CLIENT_SECRET))
          .signInVia(exchange.baseUrl()).libraryRetries(false).build();
      SignIn byCertificate = SignIn.builder(tenant.target()).appId(ADMIN_APP).certificate(pfx, Secret.of(PFX_PASSWORD))
          .signInVia(exchange.baseUrl()).libraryRetries(false).build();
      texts.add(bySecret.toString());
      texts.add(byCertificate.toString());
      ExchangeConnection exo = ExchangeConnection.builder(byCertificate).baseUrl(exchange.baseUrl()).clock(tenant.clock(), tenant.clock()).build();
      GraphConnection gc = GraphConnection.builder(bySecret).baseUrl(graph.graphUrl()).clock(tenant.clock(), tenant.clock()).build();
      texts.add(exo.toString());
      texts.add(gc.toString());
      TenantConnection connection = TenantConnection.builder(tenant.target()).exchange(exo.backend()).directory(gc.directory())
          .accessProbe(tenant.connection().accessProbe().orElseThrow()).clock(tenant.clock(), tenant.clock()).build();
      texts.add(connection.toString());

      ImpersonationSetup setup = ImpersonationSetup.builder().name("Canary").target(TenantTarget.exchangeOnline(DOMAIN))
          .principal(Principal.serviceAccount("svc@contoso.com").createIfMissing("Svc", "US", SKU, Secret.of(PASSWORD)))
          .scope(Scope.mailboxes("ann@contoso.com", "bob@contoso.com")).access(Access.fullAccess()).outsider("ceo@contoso.com").build();
      texts.add(setup.toString());
      Plan plan = setup.plan(connection);
      texts.add(plan.toString());
      texts.add(plan.toJson());
      texts.add(plan.toPowerShell());
      List<ProgressEvent> events = new ArrayList<>();
      ApplyResult result = setup.apply(plan, connection, events::add);
      assertTrue(result.succeeded(), result::toString);
      texts.add(result.toString());
      events.forEach(e -> texts.add(e.toString()));
      texts.add(result.record().toJson());
      tenant.clock().advance(Duration.ofHours(2));
      texts.add(setup.verify(connection).toString());
      texts.add(setup.plan(connection).toJson());

      // A refused sign-in (the endpoint takes only the canary token; another client's token is refused).
      ExchangeAdminSimulator.Request sample = exchange.requests().get(0);
      texts.add(sample.toString());
      exchange.requests().forEach(r -> texts.add(r.toString()));
      graph.requests().forEach(r -> texts.add(r.toString()));
      texts.add(exchange.toString());
      texts.add(graph.toString());
      texts.add(tenant.journal().toString());
      texts.add(tenant.snapshot());
      try (ExchangeAdminSimulator strict = ExchangeAdminSimulator.builder(tenant).requireToken("another-token").start()) {
        SignIn other = SignIn.builder(tenant.target()).appId(ADMIN_APP).clientSecret(Secret.of(CLIENT_SECRET))
            .signInVia(exchange.baseUrl()).libraryRetries(false).build();
        TenantConnection refused = ExchangeConnection.builder(other).baseUrl(strict.baseUrl()).clock(tenant.clock(), tenant.clock())
            .build().connection();
        // The refused sign-in makes the plan's reads fail: blocked steps naming the failure, and apply refuses to write.
        Plan refusedPlan = setup.plan(refused);
        assertFalse(refusedPlan.blockedSteps().isEmpty(), refusedPlan::toString);
        texts.add(refusedPlan.toString());
        texts.add(refusedPlan.toJson());
        RuntimeException e = org.junit.jupiter.api.Assertions.assertThrows(RuntimeException.class,
            () -> setup.apply(refusedPlan, refused, dev.impersonation.plan.ProgressListener.none()));
        texts.add(e.toString());
        texts.add(stackTrace(e));
        RuntimeException direct = org.junit.jupiter.api.Assertions.assertThrows(RuntimeException.class,
            () -> ExchangeConnection.builder(other).baseUrl(strict.baseUrl()).build().backend().organizationConfig());
        texts.add(stackTrace(direct));
      }
    }
    String log = Files.readString(Path.of(System.getProperty("secret.canary.log",
        Path.of("target", "secret-canary-trace.log").toString())));
    assertTrue(log.contains("TRACE") || log.contains("DEBUG"), "the log was not written at TRACE: " + log.length() + " chars");
    texts.add(log);

    List<String> leaks = new ArrayList<>();
    for (Map.Entry<String, String> c : canaries.entrySet()) {
      for (String t : texts) {
        if (t.contains(c.getValue())) {
          int at = t.indexOf(c.getValue());
          leaks.add(c.getKey() + " in: …" + t.substring(Math.max(0, at - 80), Math.min(t.length(), at + 40)).replace('\n', ' ') + "…");
          break;
        }
      }
    }
    assertEquals(List.of(), leaks);
    assertFalse(texts.isEmpty());
    System.out.println("[measurement] secret canary: " + canaries.size() + " canaries, " + texts.size() + " texts, log "
        + log.length() + " characters at TRACE");
  }
}
