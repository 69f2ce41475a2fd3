package dev.impersonation.testkit;

import dev.impersonation.ThrottledException;
import dev.impersonation.TransientTenantException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

/**
 * Deterministic fault injection for a {@link FakeTenant}. Operation names are the SPI method or operation names:
 * reads such as {@code "findGroup"}, {@code "organizationConfig"}, writes such as {@code "NewManagementScope"};
 * {@code "*"} matches every call.
 */
public final class Faults {
  private record Rule(String operation, int[] remaining, Supplier<RuntimeException> error) {}

  private final List<Rule> rules = new ArrayList<>();
  private int crashAfterWrites = -1;
  private int writes;

  /** The next {@code times} calls of {@code operation} throw what {@code error} supplies. */
  public synchronized Faults fail(String operation, int times, Supplier<RuntimeException> error) {
    rules.add(new Rule(operation, new int[] {times}, error));
    return this;
  }

  /** The next {@code times} calls of {@code operation} are throttled with this Retry-After. */
  public Faults throttle(String operation, int times, Duration retryAfter) {
    return fail(operation, times, () -> new ThrottledException(
        "Server busy: the maximum number of concurrent requests per tenant was exceeded. Retry after " + retryAfter.getSeconds() + " s.", retryAfter));
  }

  /** The next {@code times} calls of {@code operation} answer 503 Service Unavailable. */
  public Faults unavailable(String operation, int times) {
    return fail(operation, times, () -> new TransientTenantException("503 Service Unavailable: the service is temporarily overloaded."));
  }

  /** After {@code k} successful writes, the next write throws {@link SimulatedCrashException} (once). */
  public synchronized Faults crashAfterWrites(int k) {
    this.crashAfterWrites = k;
    this.writes = 0;
    return this;
  }

  /** Removes every pending fault. */
  public synchronized Faults clear() {
    rules.clear();
    crashAfterWrites = -1;
    return this;
  }

  synchronized void beforeCall(String operation, boolean write) {
    for (Rule r : rules) {
      if ((r.operation.equals("*") || r.operation.equals(operation)) && r.remaining[0] > 0) {
        r.remaining[0]--;
        throw r.error.get();
      }
    }
    if (write && crashAfterWrites >= 0) {
      if (writes == crashAfterWrites) {
        crashAfterWrites = -1;
        throw new SimulatedCrashException("simulated crash before write #" + (writes + 1) + " (" + operation + ")");
      }
    }
  }

  synchronized void afterWrite() {
    writes++;
  }
}
