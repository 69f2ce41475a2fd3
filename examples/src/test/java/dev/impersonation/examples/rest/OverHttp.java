package dev.impersonation.examples.rest;

import dev.impersonation.Secret;
import dev.impersonation.SignIn;
import dev.impersonation.TenantConnection;
import dev.impersonation.exchange.ExchangeConnection;
import dev.impersonation.graph.GraphConnection;
import dev.impersonation.testkit.FakeTenant;
import dev.impersonation.testkit.exchange.ExchangeAdminSimulator;
import dev.impersonation.testkit.graph.GraphSimulator;
import java.util.ArrayList;
import java.util.List;

/**
 * Connections to a FakeTenant over both HTTP simulators (the Exchange admin endpoint and Microsoft Graph), signed in as
 * one admin app, on the tenant's clock; {@link #close()} stops every simulator started.
 */
final class OverHttp implements AutoCloseable {
  static final String ADMIN_APP = "00000000-0000-4000-8000-0000000000aa";
  private final List<AutoCloseable> simulators = new ArrayList<>();

  /** A connection to {@code tenant} through newly started simulators; the access probe stays in memory. */
  TenantConnection connect(FakeTenant tenant) {
    ExchangeAdminSimulator exchange = ExchangeAdminSimulator.start(tenant);
    simulators.add(exchange);
    GraphSimulator graph = GraphSimulator.builder(tenant).appToken(ExchangeAdminSimulator.SIGN_IN_TOKEN, ADMIN_APP).start();
    simulators.add(graph);
    SignIn shared = SignIn.builder(tenant.target()).appId(ADMIN_APP).clientSecret(Secret.of("test-only-admin-secret"))
        .libraryRetries(false).signInVia(exchange.baseUrl()).build();
    return TenantConnection.builder(tenant.target())
        .exchange(ExchangeConnection.exchangeOnline(tenant.target()).signIn(shared).baseUrl(exchange.baseUrl())
            .clock(tenant.clock(), tenant.clock()).build().backend())
        .directory(GraphConnection.exchangeOnline(tenant.target()).signIn(shared).baseUrl(graph.graphUrl())
            .clock(tenant.clock(), tenant.clock()).build().directory())
        .accessProbe(tenant.connection().accessProbe().orElseThrow())
        .clock(tenant.clock(), tenant.clock()).build();
  }

  /** A Graph simulator for {@code tenant} whose sign-in token acts as the admin app. */
  static GraphSimulator graph(FakeTenant tenant) {
    return GraphSimulator.builder(tenant).appToken(ExchangeAdminSimulator.SIGN_IN_TOKEN, ADMIN_APP).start();
  }

  /**
   * A new connection (new backends, nothing cached) to {@code tenant} through running simulators, signed in as the admin
   * app, on the tenant's clock; the access probe stays in memory.
   */
  static TenantConnection connection(FakeTenant tenant, ExchangeAdminSimulator exchange, GraphSimulator graph,
      java.time.Duration readTimeout) {
    SignIn shared = SignIn.builder(tenant.target()).appId(ADMIN_APP).clientSecret(Secret.of("test-only-admin-secret"))
        .libraryRetries(false).signInVia(exchange.baseUrl()).build();
    return TenantConnection.builder(tenant.target())
        .exchange(ExchangeConnection.exchangeOnline(tenant.target()).signIn(shared).baseUrl(exchange.baseUrl())
            .readTimeout(readTimeout).clock(tenant.clock(), tenant.clock()).build().backend())
        .directory(GraphConnection.exchangeOnline(tenant.target()).signIn(shared).baseUrl(graph.graphUrl())
            .clock(tenant.clock(), tenant.clock()).build().directory())
        .accessProbe(tenant.connection().accessProbe().orElseThrow())
        .clock(tenant.clock(), tenant.clock()).build();
  }

  /** {@link #connection(FakeTenant, ExchangeAdminSimulator, GraphSimulator, java.time.Duration)} with the default timeout. */
  static TenantConnection connection(FakeTenant tenant, ExchangeAdminSimulator exchange, GraphSimulator graph) {
    return connection(tenant, exchange, graph, java.time.Duration.ofMinutes(2));
  }

  /** What {@code body} prints, as UTF-8 text. */
  static String printed(java.util.function.Consumer<java.io.PrintStream> body) {
    java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
    body.accept(new java.io.PrintStream(out, true, java.nio.charset.StandardCharsets.UTF_8));
    return out.toString(java.nio.charset.StandardCharsets.UTF_8);
  }

  @Override
  public void close() throws Exception {
    for (AutoCloseable s : simulators) {
      s.close();
    }
    simulators.clear();
  }
}
