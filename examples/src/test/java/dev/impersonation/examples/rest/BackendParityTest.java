package dev.impersonation.examples.rest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.impersonation.TenantConnection;
import dev.impersonation.TenantTarget;
import dev.impersonation.examples.ExampleRun;
import dev.impersonation.examples.VendorExample;
import dev.impersonation.exchange.CmdletExchangeBackend;
import dev.impersonation.exchange.ExchangeConnection;
import dev.impersonation.spi.ExchangeBackend;
import dev.impersonation.testkit.FakeTenant;
import dev.impersonation.testkit.exchange.ExchangeAdminSimulator;
import java.io.OutputStream;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every vendor example, both ways: with the in-memory Exchange backend, and with the cmdlet backend, over the REST
 * transport against the Exchange admin simulator (Exchange Online) or the cmdlet interpreter in-process (Exchange
 * Server, where no REST endpoint exists). Both must reach the same tenant state.
 */
class BackendParityTest {
  private static final PrintStream QUIET = new PrintStream(OutputStream.nullOutputStream());
  /** Requests per example over REST, printed once for the team's notes. */
  private static final Map<String, String> REQUESTS = new LinkedHashMap<>();
  private final List<ExchangeAdminSimulator> simulators = new ArrayList<>();

  static Stream<Arguments> examples() {
    return VendorExample.all().stream().flatMap(e -> Stream.of(TenantTarget.Kind.values()).map(k -> Arguments.of(e, k)));
  }

  @AfterEach
  void stopSimulators() {
    simulators.forEach(ExchangeAdminSimulator::stop);
  }

  @AfterAll
  static void report() {
    REQUESTS.forEach((k, v) -> System.out.println("[requests] " + k + ": " + v));
  }

  /** The connection whose Exchange backend speaks cmdlets; directory and probe stay in memory (Graph is issue #6). */
  private TenantConnection cmdletConnection(FakeTenant tenant, String key) {
    ExchangeBackend exchange;
    if (tenant.target().isExchangeOnline()) {
      ExchangeAdminSimulator simulator = ExchangeAdminSimulator.start(tenant);
      simulators.add(simulator);
      exchange = ExchangeConnection.exchangeOnline(tenant.target())
          .signIn(dev.impersonation.SignIn.builder(tenant.target()).appId("00000000-0000-4000-8000-0000000000aa").clientSecret(dev.impersonation.Secret.of("test-only-secret"))
              .signInVia(simulator.baseUrl()).libraryRetries(false).build())
          .baseUrl(simulator.baseUrl()).clock(tenant.clock(), tenant.clock()).build().backend();
      REQUESTS.put(key, "see simulator");
    } else {
      exchange = new CmdletExchangeBackend(tenant.target(), new InProcessCmdletTransport(tenant));
    }
    TenantConnection memory = tenant.connection();
    return TenantConnection.builder(tenant.target()).exchange(exchange).directory(memory.directory().orElse(null))
        .accessProbe(memory.accessProbe().orElseThrow()).clock(tenant.clock(), tenant.clock()).build();
  }

  @ParameterizedTest(name = "{0} on {1}")
  @MethodSource("examples")
  void cmdletBackendReachesTheSameStateAsInMemory(VendorExample example, TenantTarget.Kind kind) {
    ExampleRun memory = ExampleRun.run(example, kind, QUIET);
    String key = example.id() + "-" + VendorExample.targetId(kind);
    ExampleRun cmdlets = ExampleRun.run(example, kind, QUIET, tenant -> cmdletConnection(tenant, key));

    assertTrue(memory.succeeded());
    assertTrue(cmdlets.succeeded(), () -> cmdlets.cycles().toString());
    assertEquals(memory.tenant().snapshot(), cmdlets.tenant().snapshot());
    if (kind == TenantTarget.Kind.EXCHANGE_ONLINE) {
      ExchangeAdminSimulator simulator = simulators.get(simulators.size() - 1);
      assertTrue(simulator.requestCount() > 0);
      REQUESTS.put(key, simulator.requestCount() + " InvokeCommand requests for plan+apply+re-plan+verify "
          + simulator.requestCounts());
    }
  }
}
