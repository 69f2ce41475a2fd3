package dev.impersonation.examples.rest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.impersonation.ImpersonationSetup;
import dev.impersonation.Principal.Application;
import dev.impersonation.Principal;
import dev.impersonation.Secret;
import dev.impersonation.SignIn;
import dev.impersonation.TenantConnection;
import dev.impersonation.TenantTarget;
import dev.impersonation.examples.ExampleRun;
import dev.impersonation.examples.VendorExample;
import dev.impersonation.exchange.ExchangeConnection;
import dev.impersonation.graph.GraphAccessProbe;
import dev.impersonation.graph.GraphConnection;
import dev.impersonation.spi.AccessProbe;
import dev.impersonation.spi.ProbeOutcome;
import dev.impersonation.testkit.FakeTenant;
import dev.impersonation.testkit.exchange.ExchangeAdminSimulator;
import dev.impersonation.testkit.graph.GraphSimulator;
import java.io.OutputStream;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The Exchange Online examples with a full production connection: Microsoft Graph (directory and access probe) and
 * the Exchange admin REST endpoint, each against its simulator of the same tenant, sharing one sign-in. They must
 * reach the same state as with the in-memory backends.
 */
class GraphParityTest {
  private static final PrintStream QUIET = new PrintStream(OutputStream.nullOutputStream());
  private static final String ADMIN_APP = "00000000-0000-4000-8000-0000000000ad";
  private final List<AutoCloseable> simulators = new ArrayList<>();

  static Stream<VendorExample> examples() {
    return VendorExample.all().stream();
  }

  @AfterEach
  void stop() throws Exception {
    for (AutoCloseable s : simulators) {
      s.close();
    }
  }

  /** Probes apps over Graph (signing in as the app itself), EWS permissions and service accounts with the tenant's EWS probe. */
  private static AccessProbe probes(TenantTarget target, ExchangeAdminSimulator exchange, GraphSimulator graph,
      AccessProbe ews) {
    return new AccessProbe() {
      @Override
      public String name() {
        return "graph-or-ews";
      }

      @Override
      public ProbeOutcome probe(Principal principal, String mailbox) {
        if (principal instanceof Application app) {
          GraphAccessProbe asTheApp = GraphConnection.builder(SignIn.builder(target).appId(app.appId()).clientSecret(Secret.of("test-only-app-secret"))
            .signInVia(exchange.baseUrl()).libraryRetries(false).build()).baseUrl(graph.graphUrl()).build().probe();
          return asTheApp.probe(principal, mailbox);
        }
        return ews.probe(principal, mailbox);
      }

      @Override
      public ProbeOutcome probe(Principal principal, String mailbox, String permission) {
        // EWS permissions (full_access_as_app of Application EWS.AccessAsApp) are proved over EWS, the rest over Graph.
        if (principal instanceof Application app && !dev.impersonation.spi.AppPermissions.isEws(permission)) {
          return GraphConnection.builder(SignIn.builder(target).appId(app.appId()).clientSecret(Secret.of("test-only-app-secret"))
            .signInVia(exchange.baseUrl()).libraryRetries(false).build()).baseUrl(graph.graphUrl()).build().probe().probe(principal, mailbox, permission);
        }
        return ews.probe(principal, mailbox, permission);
      }
    };
  }

  private TenantConnection productionConnection(FakeTenant tenant, VendorExample example) {
    String appId = example.setups(TenantTarget.Kind.EXCHANGE_ONLINE).stream().map(ImpersonationSetup::principal)
        .filter(p -> p instanceof Application).map(p -> ((Application) p).appId()).findFirst().orElse(ADMIN_APP);
    ExchangeAdminSimulator exchange = ExchangeAdminSimulator.start(tenant);
    GraphSimulator graph = GraphSimulator.builder(tenant).appToken(ExchangeAdminSimulator.SIGN_IN_TOKEN, appId).start();
    simulators.add(exchange);
    simulators.add(graph);
    // One sign-in (one MSAL token cache) for both backends, routed to the simulator's token endpoint.
    SignIn shared = SignIn.builder(tenant.target()).appId(ADMIN_APP).clientSecret(Secret.of("test-only-admin-secret"))
        .libraryRetries(false).signInVia(exchange.baseUrl()).build();
    TenantConnection memory = tenant.connection();
    return TenantConnection.builder(tenant.target())
        .exchange(ExchangeConnection.exchangeOnline(tenant.target()).signIn(shared)
            .baseUrl(exchange.baseUrl()).clock(tenant.clock(), tenant.clock()).build().backend())
        .directory(GraphConnection.exchangeOnline(tenant.target()).signIn(shared).baseUrl(graph.graphUrl())
            .clock(tenant.clock(), tenant.clock()).build().directory())
        .accessProbe(probes(tenant.target(), exchange, graph, memory.accessProbe().orElseThrow()))
        .clock(tenant.clock(), tenant.clock()).build();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("examples")
  void graphAndRestReachTheSameStateAsInMemory(VendorExample example) {
    ExampleRun memory = ExampleRun.run(example, TenantTarget.Kind.EXCHANGE_ONLINE, QUIET);
    ExampleRun production = ExampleRun.run(example, TenantTarget.Kind.EXCHANGE_ONLINE, QUIET,
        tenant -> productionConnection(tenant, example));
    assertTrue(production.succeeded(), () -> production.cycles().toString());
    assertEquals(memory.tenant().snapshot(), production.tenant().snapshot());
  }
}
