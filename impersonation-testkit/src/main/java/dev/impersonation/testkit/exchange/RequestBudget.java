package dev.impersonation.testkit.exchange;

import dev.impersonation.spi.Sleeper;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * What a tenant's Exchange admin endpoint allows, as the simulator enforces it: a round-trip latency added to every
 * request, at most {@code maxConcurrent} requests in flight (more are answered with the live "maximum number of
 * concurrent requests per tenant" text), and at most {@code requestsPerWindow} requests per fixed window of the given
 * clock (more are answered 429 with a fractional {@code Retry-After} until the window ends). Microsoft documents none
 * of these numbers for the REST endpoint (docs/exchange-admin-rest.md#concurrency, [U]); the defaults are off.
 */
final class RequestBudget {
  private final Duration latency;
  private final Sleeper sleeper;
  private final int maxConcurrent;
  private final int requestsPerWindow;
  private final Duration window;
  private final Clock clock;
  private int inFlight;
  private Instant windowStart;
  private int inWindow;
  private int concurrencyRefusals;
  private int rateRefusals;

  RequestBudget(Duration latency, Sleeper sleeper, int maxConcurrent, int requestsPerWindow, Duration window, Clock clock) {
    this.latency = latency;
    this.sleeper = sleeper;
    this.maxConcurrent = maxConcurrent;
    this.requestsPerWindow = requestsPerWindow;
    this.window = window;
    this.clock = clock;
  }

  /** No latency, no limits. */
  static RequestBudget unlimited() {
    return new RequestBudget(Duration.ZERO, Sleeper.system(), Integer.MAX_VALUE, Integer.MAX_VALUE, Duration.ofSeconds(1),
        Clock.systemUTC());
  }

  /**
   * Admits one request: answers a refusal when the tenant's budget is spent, else counts the request in flight, waits
   * the latency and returns empty; the caller must then call {@link #done()} once it has answered.
   */
  Optional<AdminApiReply> admit() {
    synchronized (this) {
      if (inFlight >= maxConcurrent) {
        concurrencyRefusals++;
        return Optional.of(InvokeCommandHandler.injectedReply(RestFault.CONCURRENT_REQUESTS_LIMIT, "", java.util.Map.of()));
      }
      if (requestsPerWindow != Integer.MAX_VALUE) {
        Instant now = clock.instant();
        if (windowStart == null || !now.isBefore(windowStart.plus(window))) {
          windowStart = now;
          inWindow = 0;
        }
        if (inWindow >= requestsPerWindow) {
          rateRefusals++;
          Duration left = Duration.between(now, windowStart.plus(window));
          AdminApiReply r = AdminApiReply.error(429, "TooManyRequests", "ServerBusyException", "The server is busy; retry later.");
          r.headers.put("Retry-After", String.format(java.util.Locale.ROOT, "%.3f", Math.max(0.001, left.toNanos() / 1e9)));
          return Optional.of(r);
        }
        inWindow++;
      }
      inFlight++;
    }
    if (!latency.isZero()) {
      try {
        sleeper.sleep(latency);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    return Optional.empty();
  }

  /** The admitted request was answered. */
  synchronized void done() {
    inFlight--;
  }

  /** Requests refused for concurrency, then for rate. */
  synchronized int[] refusals() {
    return new int[] {concurrencyRefusals, rateRefusals};
  }

  synchronized void reset() {
    concurrencyRefusals = 0;
    rateRefusals = 0;
  }
}
