package dev.impersonation.exchange.internal;

/**
 * How many cmdlet requests may be in flight to one tenant at once: at most a configured maximum, halved when the
 * service throttles (429, or its "maximum number of concurrent requests per tenant" answer) and grown back by one after
 * a run of answers without throttling (additive increase, multiplicative decrease). Thread-safe; one per backend, so one
 * per tenant connection.
 */
public final class AdaptiveConcurrency {
  /** Unthrottled answers, per request allowed in flight, before one more is allowed. */
  static final int SUCCESSES_PER_STEP_UP = 20;

  private final int max;
  private int limit;
  private int inFlight;
  private int successes;
  private int throttles;

  /** At most {@code max} requests in flight (at least 1). */
  public AdaptiveConcurrency(int max) {
    if (max < 1) {
      throw new IllegalArgumentException("max must be at least 1, not " + max);
    }
    this.max = max;
    this.limit = max;
  }

  /** Waits until one more request may be sent, then counts it in flight. */
  public synchronized void acquire() throws InterruptedException {
    while (inFlight >= limit) {
      wait();
    }
    inFlight++;
  }

  /** Counts a request done; {@code throttled} lowers the limit, a long enough run of unthrottled answers raises it. */
  public synchronized void release(boolean throttled) {
    inFlight--;
    if (throttled) {
      throttles++;
      limit = Math.max(1, limit / 2);
      successes = 0;
    } else if (limit < max && ++successes >= SUCCESSES_PER_STEP_UP * limit) {
      limit++;
      successes = 0;
    }
    notifyAll();
  }

  /** The configured maximum. */
  public int max() {
    return max;
  }

  /** How many requests may be in flight now. */
  public synchronized int limit() {
    return limit;
  }

  /** How many throttled answers lowered the limit so far. */
  public synchronized int throttles() {
    return throttles;
  }

  @Override
  public synchronized String toString() {
    return "AdaptiveConcurrency[limit " + limit + " of " + max + ", in flight " + inFlight + ", throttled " + throttles + "]";
  }
}
