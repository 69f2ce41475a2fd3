package dev.impersonation.examples;

import dev.impersonation.spi.Sleeper;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Simulated time: the wall time during which at least one request was waiting out its round trip (so concurrent round
 * trips count once), times {@value #ScaleBenchmark.SPEED_UP}, plus the waits slept on this clock (Retry-After, back-off), which take no
 * real time. The client's and the simulators' own computing does not count: in production it is small next to the
 * round trips, here it would dominate.
 */
final class BenchmarkClock extends Clock implements Sleeper {
  private final Instant start = Instant.parse("2026-12-04T00:00:00Z");
  private final AtomicLong slept = new AtomicLong();
  private long busyNanos;
  private int inFlight;
  private long busySince;

  @Override
  public Instant instant() {
    long busy;
    synchronized (this) {
      busy = busyNanos + (inFlight > 0 ? System.nanoTime() - busySince : 0);
    }
    return start.plusNanos(busy * ScaleBenchmark.SPEED_UP + slept.get());
  }

  @Override
  public void sleep(Duration d) {
    slept.addAndGet(d.toNanos());
  }

  /** The simulators' latency: really waits {@code d} while counting a round trip in flight. */
  Sleeper roundTrips() {
    return d -> {
      synchronized (this) {
        if (inFlight++ == 0) {
          busySince = System.nanoTime();
        }
      }
      try {
        Sleeper.system().sleep(d);
      } finally {
        synchronized (this) {
          if (--inFlight == 0) {
            busyNanos += System.nanoTime() - busySince;
          }
        }
      }
    };
  }

  /**
   * For a client that sends one request at a time: each request advances the clock by {@code roundTrip} without
   * waiting, which is exactly what the pending time of a sequential client adds up to.
   */
  Sleeper accountedRoundTrips(Duration roundTrip) {
    return d -> slept.addAndGet(roundTrip.toNanos());
  }

  @Override
  public ZoneId getZone() {
    return ZoneOffset.UTC;
  }

  @Override
  public Clock withZone(ZoneId zone) {
    return this;
  }
}
