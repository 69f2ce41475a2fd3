package dev.impersonation.examples.rest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.impersonation.ImpersonationSetup;
import dev.impersonation.TenantConnection;
import dev.impersonation.TenantTarget;
import dev.impersonation.examples.VendorExample;
import dev.impersonation.plan.ApplyResult;
import dev.impersonation.plan.ProgressListener;
import dev.impersonation.spi.DirectoryBackend;
import dev.impersonation.spi.ExchangeBackend;
import dev.impersonation.testkit.FakeTenant;
import dev.impersonation.testkit.JournalEntry;
import dev.impersonation.testkit.exchange.ExchangeAdminSimulator;
import dev.impersonation.testkit.graph.GraphSimulator;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Crash at every write of every vendor example on Exchange Online, over both HTTP simulators: the tenant's store fails
 * write k+1 (the simulator answers 500), and the client dies right there, as a killed process would (an Error through
 * the backend, past every retry). A fresh connection then applies again: it converges to exactly the state of a clean
 * run, performs no successful write twice, and keeps what existed before. With members added several at a time, writes
 * already in flight when the crash comes may still land; recovery must cope with that too.
 */
class CrashOverHttpTest {
  /** A process death: nothing in the library may catch it. */
  static final class ProcessDeath extends Error {
    ProcessDeath(String message) {
      super(message);
    }
  }

  static Stream<VendorExample> examples() {
    return VendorExample.all().stream();
  }

  private static final class Simulators implements AutoCloseable {
    final ExchangeAdminSimulator exchange;
    final GraphSimulator graph;

    Simulators(FakeTenant tenant) {
      exchange = ExchangeAdminSimulator.start(tenant);
      graph = OverHttp.graph(tenant);
    }

    /** A new connection (new backends, nothing cached), optionally dying at the store's simulated crash. */
    TenantConnection connect(FakeTenant tenant, boolean dieAtCrash) {
      TenantConnection http = OverHttp.connection(tenant, exchange, graph);
      if (!dieAtCrash) {
        return http;
      }
      return TenantConnection.builder(tenant.target()).exchange(dying(http.exchange().orElseThrow(), ExchangeBackend.class))
          .directory(dying(http.directory().orElseThrow(), DirectoryBackend.class))
          .accessProbe(http.accessProbe().orElseThrow()).clock(tenant.clock(), tenant.clock()).build();
    }

    @Override
    public void close() {
      exchange.close();
      graph.close();
    }
  }

  /** {@code backend}, except that any call that meets the store's simulated crash (a 500 naming it) kills the client. */
  @SuppressWarnings("unchecked")
  static <T> T dying(T backend, Class<T> type) {
    Set<Class<?>> interfaces = new LinkedHashSet<>();
    interfaces.add(type);
    for (Class<?> c = backend.getClass(); c != null; c = c.getSuperclass()) {
      interfaces.addAll(List.of(c.getInterfaces()));
    }
    return (T) Proxy.newProxyInstance(type.getClassLoader(), interfaces.toArray(Class<?>[]::new), (proxy, method, args) -> {
      try {
        return method.invoke(backend, args);
      } catch (InvocationTargetException e) {
        for (Throwable t = e.getCause(); t != null; t = t.getCause()) {
          if (String.valueOf(t.getMessage()).contains("simulated crash")) {
            throw new ProcessDeath("killed at " + method.getName() + ": " + t.getMessage());
          }
        }
        throw e.getCause();
      }
    });
  }

  private static String describe(JournalEntry e) {
    return e.backend() + " " + e.operation() + "(" + e.detail() + ")";
  }

  private static boolean applyAll(List<ImpersonationSetup> setups, TenantConnection connection) {
    for (ImpersonationSetup s : setups) {
      ApplyResult r = s.apply(s.plan(connection), connection, ProgressListener.none());
      if (!r.succeeded()) {
        throw new AssertionError(s.name() + " failed:\n" + r);
      }
    }
    return true;
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("examples")
  void crashAtEveryWriteThenApplyAgainConvergesWithoutDuplicates(VendorExample example) {
    TenantTarget.Kind online = TenantTarget.Kind.EXCHANGE_ONLINE;
    List<ImpersonationSetup> setups = example.setups(online);
    FakeTenant cleanTenant = example.tenant(online);
    String before = cleanTenant.snapshot();
    String cleanSnapshot;
    int cleanWrites;
    try (Simulators sims = new Simulators(cleanTenant)) {
      applyAll(setups, sims.connect(cleanTenant, false));
      cleanSnapshot = cleanTenant.snapshot();
      cleanWrites = cleanTenant.writes().size();
    }
    assertTrue(cleanWrites >= 1, example.id() + " writes nothing");
    assertTrue(!before.equals(cleanSnapshot), example.id() + " changes nothing");
    List<String> failures = new ArrayList<>();
    for (int k = 0; k < cleanWrites; k++) {
      FakeTenant tenant = example.tenant(online);
      try (Simulators sims = new Simulators(tenant)) {
        tenant.faults().crashAfterWrites(k);
        TenantConnection dying = sims.connect(tenant, true);
        boolean died;
        try {
          applyAll(setups, dying);
          died = false;
        } catch (ProcessDeath expected) {
          died = true;
        }
        if (!died) {
          failures.add("k=" + k + ": the crash never came");
          continue;
        }
        int writesAtCrash = tenant.writes().size();
        TenantConnection fresh = sims.connect(tenant, false);
        applyAll(setups, fresh);
        if (!cleanSnapshot.equals(tenant.snapshot())) {
          failures.add("k=" + k + ": end state differs from a clean run");
        }
        for (ImpersonationSetup s : setups) {
          if (!s.plan(fresh).isConverged()) {
            failures.add("k=" + k + ": " + s.name() + " not converged");
          }
        }
        List<String> writes = tenant.writes().stream().map(CrashOverHttpTest::describe).toList();
        if (writes.size() != new LinkedHashSet<>(writes).size()) {
          failures.add("k=" + k + ": a write succeeded twice: " + writes);
        }
        if (writesAtCrash < k) {
          failures.add("k=" + k + ": only " + writesAtCrash + " writes before the crash");
        }
      }
    }
    assertEquals(List.of(), failures, example.id() + ": " + cleanWrites + " crash points");
    System.out.println("[measurement] crash over HTTP, " + example.id() + ": " + cleanWrites + " crash points, each recovered");
  }
}
