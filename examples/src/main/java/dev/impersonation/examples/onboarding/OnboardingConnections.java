package dev.impersonation.examples.onboarding;

import dev.impersonation.SignIn;
import dev.impersonation.TenantConnection;
import dev.impersonation.exchange.ExchangeConnection;
import dev.impersonation.graph.GraphConnection;
import dev.impersonation.spi.Sleeper;
import java.time.Clock;

/**
 * How the app turns the admin's delegated sign-in into a {@link TenantConnection}: Exchange through its admin REST endpoint
 * and the directory through Microsoft Graph, both with the admin's tokens.
 */
public final class OnboardingConnections {
  private OnboardingConnections() {}

  /** The live services. */
  public static TenantConnection live(SignIn signIn) {
    return connect(ExchangeConnection.builder(signIn), GraphConnection.builder(signIn), Clock.systemUTC(), Sleeper.system());
  }

  /** Local simulators (the demo and the browser test), on the simulated tenant's clock. */
  public static TenantConnection simulated(SignIn signIn, String exchangeBaseUrl, String graphBaseUrl, Clock clock,
      Sleeper sleeper) {
    return connect(ExchangeConnection.builder(signIn).baseUrl(exchangeBaseUrl), GraphConnection.builder(signIn).baseUrl(graphBaseUrl),
        clock, sleeper);
  }

  private static TenantConnection connect(ExchangeConnection.Builder exchange, GraphConnection.Builder graph, Clock clock,
      Sleeper sleeper) {
    ExchangeConnection e = exchange.clock(clock, sleeper).build();
    GraphConnection g = graph.clock(clock, sleeper).build();
    return TenantConnection.builder(g.target()).exchange(e.backend()).directory(g.directory()).clock(clock, sleeper).build();
  }
}
