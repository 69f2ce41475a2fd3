package dev.impersonation.testkit;

import dev.impersonation.spi.Sleeper;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A clock that moves only when told to: by {@link #advance(Duration)}, or when library code sleeps on it (its
 * {@link Sleeper} advances simulated time instead of blocking). Provisioning and propagation delays of a
 * {@link FakeTenant} run on it, so tests are instant and deterministic.
 */
public final class FakeClock extends Clock implements Sleeper {
  private final AtomicReference<Instant> now;
  private final AtomicReference<Duration> slept = new AtomicReference<>(Duration.ZERO);

  public FakeClock(Instant start) {
    this.now = new AtomicReference<>(start);
  }

  /** Moves time forward. */
  public FakeClock advance(Duration duration) {
    if (duration.isNegative()) {
      throw new IllegalArgumentException("time only moves forward, got " + duration);
    }
    now.updateAndGet(t -> t.plus(duration));
    return this;
  }

  /** Total time library code has slept on this clock. */
  public Duration totalSlept() {
    return slept.get();
  }

  @Override
  public void sleep(Duration duration) {
    slept.updateAndGet(d -> d.plus(duration));
    advance(duration);
  }

  @Override
  public Instant instant() {
    return now.get();
  }

  @Override
  public ZoneId getZone() {
    return ZoneOffset.UTC;
  }

  @Override
  public String toString() {
    return "FakeClock[" + now.get() + ", slept " + slept.get() + "]";
  }

  @Override
  public Clock withZone(ZoneId zone) {
    throw new UnsupportedOperationException("FakeClock is always UTC");
  }
}
