package dev.impersonation.testkit;

import dev.impersonation.ThrottledException;
import dev.impersonation.TransientTenantException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.Supplier;

/**
 * Deterministic fault injection for a {@link FakeTenant}, as data (the testkit's design).
 *
 * <p>Operations are named like the SPI: reads such as {@code "findGroup"} or {@code "organizationConfig"}, writes by
 * operation type such as {@code "NewManagementScope"}, and {@code "probe"}; {@link FaultOperations} holds them as
 * constants, and an unknown name is refused with the nearest known ones (a typo never makes a rule that cannot fire).
 * A bare name matches every backend; prefix it with {@code "exchange."} or {@code "directory."} to target one.
 * {@code "*"} matches every call.
 *
 * <pre>{@code
 * tenant.faults().on("NewManagementScope").onCall(2).throttle(Duration.ofSeconds(30));  // only the 2nd call
 * tenant.faults().on("exchange.findGroup").times(3).unavailable();                       // the next 3 calls
 * tenant.faults().readAfterWriteLag(2);                  // new objects stay invisible for 2 reads
 * tenant.faults().randomTransient(42L, 0.2);             // 20% of calls fail transiently, seeded
 * tenant.faults().crashAfterWrites(3);                   // the 4th write dies like a killed process
 * }</pre>
 */
public final class Faults {
  private static final class Rule {
    final String operation;
    final int fromCall;
    int remaining;
    final Supplier<RuntimeException> error;
    int seen;

    Rule(String operation, int fromCall, int remaining, Supplier<RuntimeException> error) {
      this.operation = operation;
      this.fromCall = fromCall;
      this.remaining = remaining;
      this.error = error;
    }
  }

  private final List<Rule> rules = new ArrayList<>();
  private final Map<String, Integer> calls = new HashMap<>();
  private int crashAfterWrites = -1;
  private int writes;
  private Random random;
  private double probability;
  private int injected;
  private int lagReads;
  private Duration lagTime = Duration.ZERO;
  private java.util.Set<String> allowedWrites;

  /** Starts a rule for one operation: choose when ({@link RuleBuilder#onCall}, {@link RuleBuilder#times}) and what. */
  public RuleBuilder on(String operation) {
    return new RuleBuilder(FaultOperations.require(operation));
  }

  /** Chooses when and how an operation fails. */
  public final class RuleBuilder {
    private final String operation;
    private int fromCall = 1;
    private int times = 1;

    private RuleBuilder(String operation) {
      this.operation = operation;
    }

    /** Fail starting at the n-th call of the operation counted from now (1-based). */
    public RuleBuilder onCall(int n) {
      if (n < 1) {
        throw new IllegalArgumentException("call numbers start at 1, got " + n);
      }
      this.fromCall = n;
      return this;
    }

    /** Fail this many consecutive calls (default 1). */
    public RuleBuilder times(int count) {
      this.times = count;
      return this;
    }

    /** HTTP 429 / Exchange "server busy" with this Retry-After. */
    public Faults throttle(Duration retryAfter) {
      return fail(() -> throttled(retryAfter));
    }

    /** HTTP 503 Service Unavailable. */
    public Faults unavailable() {
      return fail(Faults::unavailableError);
    }

    /** A request that timed out. */
    public Faults timeout() {
      return fail(Faults::timeoutError);
    }

    /** Any error. */
    public Faults fail(Supplier<RuntimeException> error) {
      synchronized (Faults.this) {
        rules.add(new Rule(operation, fromCall, times, error));
      }
      return Faults.this;
    }
  }

  /** The next {@code times} calls of {@code operation} throw what {@code error} supplies. */
  public Faults fail(String operation, int times, Supplier<RuntimeException> error) {
    return on(operation).times(times).fail(error);
  }

  /** The next {@code times} calls of {@code operation} are throttled with this Retry-After. */
  public Faults throttle(String operation, int times, Duration retryAfter) {
    return on(operation).times(times).throttle(retryAfter);
  }

  /** The next {@code times} calls of {@code operation} answer 503 Service Unavailable. */
  public Faults unavailable(String operation, int times) {
    return on(operation).times(times).unavailable();
  }

  /**
   * Every call fails with {@code probability} with a transient error (throttling with a Retry-After of 1-30 s, 503, or
   * a timeout), drawn from a generator seeded with {@code seed}: the same seed gives the same faults.
   */
  public synchronized Faults randomTransient(long seed, double probability) {
    if (probability < 0 || probability >= 1) {
      throw new IllegalArgumentException("probability must be in [0, 1), got " + probability);
    }
    this.random = new Random(seed);
    this.probability = probability;
    return this;
  }

  /**
   * Read-after-write lag as the services have it (docs/graph.md, docs/error-texts.md): an object created from now on is invisible to the
   * next {@code reads} reads or references that name it ("couldn't be found on ..."), then appears.
   */
  public synchronized Faults readAfterWriteLag(int reads) {
    this.lagReads = reads;
    return this;
  }

  /** Read-after-write lag on the clock: new objects appear {@code lag} after their creation. */
  public synchronized Faults readAfterWriteLag(Duration lag) {
    this.lagTime = lag;
    return this;
  }

  /**
   * Strict mode, like WireMock's {@code failOnUnmatchedRequests}: any write whose operation is not listed fails the test
   * with an {@link AssertionError} naming it, before it changes anything.
   */
  public synchronized Faults allowOnlyWrites(String... operations) {
    for (String operation : operations) {
      FaultOperations.require(operation);
    }
    this.allowedWrites = new java.util.LinkedHashSet<>(java.util.List.of(operations));
    return this;
  }

  /** After {@code k} successful writes, the next write throws {@link SimulatedCrashException} (once). */
  public synchronized Faults crashAfterWrites(int k) {
    this.crashAfterWrites = k;
    this.writes = 0;
    return this;
  }

  /** Removes every pending fault and the lag settings. */
  public synchronized Faults clear() {
    rules.clear();
    calls.clear();
    crashAfterWrites = -1;
    random = null;
    allowedWrites = null;
    lagReads = 0;
    lagTime = Duration.ZERO;
    return this;
  }

  /** How many faults were injected so far (rules and random ones; crashes excluded). */
  public synchronized int injectedCount() {
    return injected;
  }

  synchronized int lagReads() {
    return lagReads;
  }

  synchronized Duration lagTime() {
    return lagTime;
  }

  synchronized void beforeCall(String backend, String operation, boolean write) {
    if (write && allowedWrites != null && !allowedWrites.contains(operation) && !allowedWrites.contains(backend + "." + operation)) {
      throw new AssertionError("Unexpected write " + backend + "." + operation + ": strict mode allows only " + allowedWrites
          + " (FakeTenant.faults().allowOnlyWrites). Nothing was changed.");
    }
    int call = calls.merge(backend + "." + operation, 1, Integer::sum);
    for (Rule r : rules) {
      boolean matches = r.operation.equals("*") || r.operation.equals(operation) || r.operation.equals(backend + "." + operation);
      if (!matches || r.remaining <= 0) {
        continue;
      }
      r.seen++;
      if (r.seen >= r.fromCall) {
        r.remaining--;
        injected++;
        throw r.error.get();
      }
    }
    if (random != null && random.nextDouble() < probability) {
      injected++;
      switch (random.nextInt(3)) {
        case 0 -> throw throttled(Duration.ofSeconds(1 + random.nextInt(30)));
        case 1 -> throw unavailableError();
        default -> throw timeoutError();
      }
    }
    if (write && crashAfterWrites >= 0 && writes == crashAfterWrites) {
      crashAfterWrites = -1;
      throw new SimulatedCrashException("simulated crash before write #" + (writes + 1) + " (" + operation + ", call " + call + ")");
    }
  }

  synchronized void afterWrite() {
    writes++;
  }

  static ThrottledException throttled(Duration retryAfter) {
    return new ThrottledException("Server busy: the maximum number of concurrent requests per tenant was exceeded. "
        + "Retry after " + retryAfter.getSeconds() + " s. (HTTP 429)", retryAfter);
  }

  static TransientTenantException unavailableError() {
    return new TransientTenantException("503 Service Unavailable: the service is temporarily overloaded.");
  }

  static TransientTenantException timeoutError() {
    return new TransientTenantException("The operation has timed out (no answer within the request timeout).");
  }
}
