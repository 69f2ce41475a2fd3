package dev.impersonation;

import java.time.Duration;

/**
 * How apply retries and waits. Defaults follow the services' guidance: Retry-After honoured, exponential back-off
 * with jitter from 2 s up to 5 min, 8 attempts per call, and up to 60 min for a new mailbox to appear.
 *
 * @param maxAttempts attempts per call (1 = no retry)
 * @param initialBackoff first back-off when the service gave no Retry-After
 * @param maxBackoff longest single wait
 * @param readinessInterval first interval between readiness checks (mailbox provisioning)
 * @param readinessTimeout how long to wait for a new mailbox
 * @param jitterSeed seed of the back-off jitter (deterministic runs)
 */
public record RetryPolicy(int maxAttempts, Duration initialBackoff, Duration maxBackoff, Duration readinessInterval,
    Duration readinessTimeout, long jitterSeed) {
  public RetryPolicy {
    if (maxAttempts < 1) {
      throw new InvalidSetupException("maxAttempts must be at least 1, but got " + maxAttempts + ".");
    }
    if (initialBackoff.isNegative() || maxBackoff.compareTo(initialBackoff) < 0) {
      throw new InvalidSetupException("Back-off must satisfy 0 <= initialBackoff <= maxBackoff.");
    }
    if (readinessInterval.isNegative() || readinessInterval.isZero() || readinessTimeout.isNegative()) {
      throw new InvalidSetupException("readinessInterval must be positive and readinessTimeout not negative.");
    }
  }

  /** The defaults. */
  public static RetryPolicy defaults() {
    return new RetryPolicy(8, Duration.ofSeconds(2), Duration.ofMinutes(5), Duration.ofSeconds(30), Duration.ofMinutes(60), 42L);
  }

  /** With another number of attempts per call. */
  public RetryPolicy withMaxAttempts(int attempts) {
    return new RetryPolicy(attempts, initialBackoff, maxBackoff, readinessInterval, readinessTimeout, jitterSeed);
  }

  /** With another readiness timeout. */
  public RetryPolicy withReadinessTimeout(Duration timeout) {
    return new RetryPolicy(maxAttempts, initialBackoff, maxBackoff, readinessInterval, timeout, jitterSeed);
  }
}
