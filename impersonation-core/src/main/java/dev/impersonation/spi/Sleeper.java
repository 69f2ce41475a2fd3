package dev.impersonation.spi;

import java.time.Duration;
import java.util.concurrent.locks.LockSupport;

/**
 * Waits for a duration. The library never waits any other way, so tests swap in a fake clock whose sleeper
 * advances simulated time instead of blocking.
 */
@FunctionalInterface
public interface Sleeper {
  /** Waits {@code duration}; throws {@link InterruptedException} if the thread is interrupted. */
  void sleep(Duration duration) throws InterruptedException;

  /** The real-time sleeper for production connections. */
  static Sleeper system() {
    return duration -> {
      long deadline = System.nanoTime() + duration.toNanos();
      long left;
      while ((left = deadline - System.nanoTime()) > 0) {
        LockSupport.parkNanos(left);
        if (Thread.interrupted()) {
          throw new InterruptedException("interrupted while waiting " + duration);
        }
      }
    };
  }
}
