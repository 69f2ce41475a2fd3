package dev.impersonation.examples.rest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.impersonation.ImpersonationException;
import dev.impersonation.ImpersonationSetup;
import dev.impersonation.TenantConnection;
import dev.impersonation.TenantTarget;
import dev.impersonation.examples.VendorExample;
import dev.impersonation.plan.ApplyResult;
import dev.impersonation.plan.Plan;
import dev.impersonation.plan.ProgressListener;
import dev.impersonation.testkit.FakeTenant;
import dev.impersonation.testkit.JournalEntry;
import dev.impersonation.testkit.exchange.ExchangeAdminSimulator;
import dev.impersonation.testkit.exchange.RestFault;
import dev.impersonation.testkit.graph.GraphSimulator;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every answer shape of the Exchange admin endpoint ({@link RestFault}) given once to every cmdlet a vendor example
 * sends, over both HTTP simulators: a transient answer (429 with or without Retry-After, the concurrent-requests text,
 * 503, a reset connection, a body cut off) is retried and the apply converges to a clean run's state; a final one (403
 * with NUL bytes, 200 with {@code @adminapi.errors}, 404) ends in a typed error or a failed step that names itself, and
 * never in a write a clean run would not make (a failed read never leads to a create). After either, a clean apply
 * reaches the clean run's state.
 */
class FaultMatrixOverHttpTest {
  private static final Set<RestFault> TRANSIENT = EnumSet.of(RestFault.THROTTLED_FRACTIONAL_RETRY_AFTER,
      RestFault.THROTTLED_WITHOUT_RETRY_AFTER, RestFault.CONCURRENT_REQUESTS_LIMIT, RestFault.SERVICE_UNAVAILABLE,
      RestFault.CONNECTION_RESET, RestFault.BODY_CUT_OFF);

  static Stream<Arguments> matrix() {
    return VendorExample.all().stream().flatMap(e -> Stream.of(RestFault.values())
        .filter(f -> f != RestFault.LATE_ANSWER_AFTER_RUNNING).map(f -> Arguments.of(e, f)));
  }

  static Stream<VendorExample> examples() {
    return VendorExample.all().stream();
  }

  private record Run(String snapshot, Set<String> writes, Set<String> cmdlets) {}

  private static final java.util.Map<String, Run> CLEAN = new java.util.concurrent.ConcurrentHashMap<>();

  private static String describe(JournalEntry e) {
    return e.backend() + " " + e.operation() + "(" + e.detail() + ")";
  }

  private static TenantConnection connect(FakeTenant tenant, ExchangeAdminSimulator exchange, GraphSimulator graph) {
    return OverHttp.connection(tenant, exchange, graph);
  }

  private static TenantConnection connect(FakeTenant tenant, ExchangeAdminSimulator exchange, GraphSimulator graph,
      java.time.Duration readTimeout) {
    return OverHttp.connection(tenant, exchange, graph, readTimeout);
  }

  private static GraphSimulator graph(FakeTenant tenant) {
    return OverHttp.graph(tenant);
  }

  /** Applies every setup in order; null when all succeeded, else what stopped them. */
  private static String applyAll(List<ImpersonationSetup> setups, TenantConnection connection) {
    for (ImpersonationSetup s : setups) {
      Plan plan;
      try {
        plan = s.plan(connection);
      } catch (ImpersonationException typed) {
        return "plan of " + s.name() + ": " + typed.getClass().getSimpleName() + ": " + typed.getMessage();
      }
      if (!plan.blockedSteps().isEmpty()) {
        return "plan of " + s.name() + " blocked (a read failed, so nothing is written): " + plan.blockedSteps();
      }
      ApplyResult r = s.apply(plan, connection, ProgressListener.none());
      if (!r.succeeded()) {
        return r.toString();
      }
    }
    return null;
  }

  private static Run clean(VendorExample example) {
    return CLEAN.computeIfAbsent(example.id(), id -> {
      FakeTenant tenant = example.tenant(TenantTarget.Kind.EXCHANGE_ONLINE);
      try (ExchangeAdminSimulator exchange = ExchangeAdminSimulator.start(tenant); GraphSimulator graph = graph(tenant)) {
        String stopped = applyAll(example.setups(TenantTarget.Kind.EXCHANGE_ONLINE), connect(tenant, exchange, graph));
        assertEquals(null, stopped, id + " does not apply cleanly");
        Set<String> cmdlets = new LinkedHashSet<>();
        exchange.requests().forEach(r -> cmdlets.add(r.cmdlet()));
        return new Run(tenant.snapshot(), new HashSet<>(tenant.writes().stream().map(FaultMatrixOverHttpTest::describe).toList()),
            cmdlets);
      }
    });
  }

  @ParameterizedTest(name = "{0}, {1}")
  @MethodSource("matrix")
  void everyCmdletAnsweredOnceWithTheFault(VendorExample example, RestFault fault) {
    Run clean = clean(example);
    List<ImpersonationSetup> setups = example.setups(TenantTarget.Kind.EXCHANGE_ONLINE);
    FakeTenant tenant = example.tenant(TenantTarget.Kind.EXCHANGE_ONLINE);
    String stopped;
    try (ExchangeAdminSimulator exchange = ExchangeAdminSimulator.start(tenant); GraphSimulator graph = graph(tenant)) {
      clean.cmdlets().forEach(c -> exchange.inject(c, fault, 1));
      stopped = applyAll(setups, connect(tenant, exchange, graph));
    }
    List<String> problems = new ArrayList<>();
    if (TRANSIENT.contains(fault)) {
      if (stopped != null) {
        problems.add("a transient answer was not retried to success:\n" + stopped);
      } else if (!clean.snapshot().equals(tenant.snapshot())) {
        problems.add("converged to another state than a clean run");
      }
    } else if (stopped != null && !(stopped.startsWith("plan of ") || stopped.contains("FAILED"))) {
      problems.add("stopped without a typed error or a failed step: " + stopped);
    }
    for (JournalEntry w : tenant.writes()) {
      if (!clean.writes().contains(describe(w))) {
        problems.add("a write a clean run does not make: " + describe(w));
      }
    }
    // Whatever happened, a clean apply afterwards reaches the clean run's state.
    try (ExchangeAdminSimulator exchange = ExchangeAdminSimulator.start(tenant); GraphSimulator graph = graph(tenant)) {
      String again = applyAll(setups, connect(tenant, exchange, graph));
      if (again != null) {
        problems.add("the apply after the faults failed:\n" + again);
      } else if (!clean.snapshot().equals(tenant.snapshot())) {
        problems.add("after the faults, a clean apply reached another state than a clean run");
      }
    }
    assertTrue(problems.isEmpty(), example.id() + " with " + fault + ": " + problems);
  }

  private static boolean isWrite(String cmdlet) {
    return cmdlet.matches("(?i)(New|Add|Set|Enable|Remove|Update)-.*");
  }

  /**
   * A timeout after the service did the write: the first write of each example runs, but its answer comes after the
   * client's read timeout. The executor sends it again, the service says "already there", and the apply converges to a
   * clean run's state with that write done once.
   */
  @ParameterizedTest(name = "{0}")
  @MethodSource("examples")
  void aWriteWhoseAnswerTimesOutIsNotDoneTwice(VendorExample example) {
    Run clean = clean(example);
    String firstWrite = clean.cmdlets().stream().filter(FaultMatrixOverHttpTest::isWrite).findFirst().orElseThrow();
    FakeTenant tenant = example.tenant(TenantTarget.Kind.EXCHANGE_ONLINE);
    try (ExchangeAdminSimulator exchange = ExchangeAdminSimulator.start(tenant); GraphSimulator graph = graph(tenant)) {
      exchange.inject(firstWrite, RestFault.LATE_ANSWER_AFTER_RUNNING, 1);
      String stopped = applyAll(example.setups(TenantTarget.Kind.EXCHANGE_ONLINE),
          connect(tenant, exchange, graph, java.time.Duration.ofMillis(RestFault.LATE_ANSWER_MILLIS / 3)));
      assertEquals(null, stopped, example.id() + ": " + firstWrite + " timed out after running");
      assertTrue(exchange.requestCount(firstWrite) >= 2, "the timed-out write was sent again: " + exchange.requestCounts());
    }
    assertEquals(clean.snapshot(), tenant.snapshot(), example.id() + ": another state than a clean run");
    List<String> writes = tenant.writes().stream().map(FaultMatrixOverHttpTest::describe).toList();
    assertEquals(writes.size(), new HashSet<>(writes).size(), "a write succeeded twice: " + writes);
  }

  /** Read-after-write lag (a new object missing from the next two reads): every example still converges. */
  @ParameterizedTest(name = "{0}")
  @MethodSource("examples")
  void readAfterWriteLagConverges(VendorExample example) {
    Run clean = clean(example);
    FakeTenant tenant = example.tenant(TenantTarget.Kind.EXCHANGE_ONLINE);
    tenant.faults().readAfterWriteLag(2);
    try (ExchangeAdminSimulator exchange = ExchangeAdminSimulator.start(tenant); GraphSimulator graph = graph(tenant)) {
      assertEquals(null, applyAll(example.setups(TenantTarget.Kind.EXCHANGE_ONLINE), connect(tenant, exchange, graph)));
    }
    assertEquals(clean.snapshot(), tenant.snapshot(), example.id() + ": another state than a clean run");
  }
}
