package dev.impersonation.examples.rest;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.impersonation.Principal.Application;
import dev.impersonation.Principal;
import dev.impersonation.Secret;
import dev.impersonation.SignIn;
import dev.impersonation.TenantConnection;
import dev.impersonation.examples.RoleAwareVerificationExampleAccess;
import dev.impersonation.exchange.ExchangeConnection;
import dev.impersonation.graph.GraphConnection;
import dev.impersonation.spi.AccessProbe;
import dev.impersonation.spi.ProbeOutcome;
import dev.impersonation.testkit.FakeTenant;
import dev.impersonation.testkit.exchange.ExchangeAdminSimulator;
import dev.impersonation.testkit.graph.GraphSimulator;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The role-aware verification example over a production connection: Exchange REST against the Exchange admin
 * simulator ({@code Test-ServicePrincipalAuthorization} rows with {@code GrantedPermissions}), Microsoft Graph against
 * the Graph simulator (the app's consent read from {@code appRoleAssignments}), and the app's own per-permission Graph
 * probe ({@code /messages}, {@code /calendar}).
 */
class RoleAwareVerificationOverSimulatorsTest {
  private static final String ADMIN_APP = "00000000-0000-4000-8000-0000000000ad";
  private final List<AutoCloseable> simulators = new ArrayList<>();
  private final List<String> probed = new ArrayList<>();

  @AfterEach
  void stop() throws Exception {
    for (AutoCloseable s : simulators) {
      s.close();
    }
  }

  private TenantConnection production(FakeTenant tenant) {
    String appId = RoleAwareVerificationExampleAccess.appId();
    ExchangeAdminSimulator exchange = ExchangeAdminSimulator.start(tenant);
    GraphSimulator graph = GraphSimulator.builder(tenant).appToken(ExchangeAdminSimulator.SIGN_IN_TOKEN, appId).start();
    simulators.add(exchange);
    simulators.add(graph);
    SignIn shared = SignIn.builder(tenant.target()).appId(ADMIN_APP).clientSecret(Secret.of("test-only-admin-secret"))
        .libraryRetries(false).signInVia(exchange.baseUrl()).build();
    AccessProbe asTheApp = new AccessProbe() {
      @Override
      public String name() {
        return "graph-probe";
      }

      @Override
      public ProbeOutcome probe(Principal principal, String mailbox) {
        return probe(principal, mailbox, "Calendars.Read");
      }

      @Override
      public ProbeOutcome probe(Principal principal, String mailbox, String permission) {
        probed.add(mailbox + " " + permission);
        return GraphConnection.builder(SignIn.builder(tenant.target()).appId(((Application) principal).appId()).clientSecret(Secret.of("test-only-app-secret"))
            .signInVia(exchange.baseUrl()).libraryRetries(false).build()).baseUrl(graph.graphUrl()).build().probe().probe(principal, mailbox, permission);
      }
    };
    return TenantConnection.builder(tenant.target())
        .exchange(ExchangeConnection.exchangeOnline(tenant.target()).signIn(shared)
            .baseUrl(exchange.baseUrl()).clock(tenant.clock(), tenant.clock()).build().backend())
        .directory(GraphConnection.exchangeOnline(tenant.target()).signIn(shared).baseUrl(graph.graphUrl())
            .clock(tenant.clock(), tenant.clock()).build().directory())
        .accessProbe(asTheApp)
        .clock(tenant.clock(), tenant.clock()).build();
  }

  @Test
  void theSameAnswersOverTheSimulators() {
    FakeTenant tenant = RoleAwareVerificationExampleAccess.tenant();
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    var result = RoleAwareVerificationExampleAccess.run(production(tenant), new PrintStream(out, true, StandardCharsets.UTF_8));
    RoleAwareVerificationExampleAccess.assertRoleAware(result);
    assertTrue(probed.contains("ceo@contoso.com Mail.Read") && probed.contains("ann@contoso.com Calendars.Read"), probed.toString());
    String evidence = result.afterFix().mailbox("ann@contoso.com").orElseThrow().permission("Mail.Read").orElseThrow().evidence();
    assertTrue(evidence.contains("graph-probe GET /users/ann@contoso.com/messages?$top=1"), evidence);
    assertTrue(evidence.contains("Test-ServicePrincipalAuthorization -Resource ann@contoso.com: Application Mail.Read grants Mail.Read"),
        evidence);
    assertTrue(out.toString(StandardCharsets.UTF_8).contains("FINDING D11"));
  }
}
