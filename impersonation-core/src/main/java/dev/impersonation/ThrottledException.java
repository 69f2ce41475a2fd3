package dev.impersonation;

import java.time.Duration;
import java.util.Optional;

/**
 * The tenant throttled the call (HTTP 429, Exchange "server busy" / "maximum number of concurrent requests").
 * The executor waits {@link #retryAfter()} on its clock when the service said how long, else backs off.
 */
public class ThrottledException extends TenantException {
  private static final long serialVersionUID = 1L;
  private final Duration retryAfter;

  public ThrottledException(String message, Duration retryAfter) {
    super(message);
    this.retryAfter = retryAfter;
  }

  /** How long the service asked us to wait, if it said. */
  public Optional<Duration> retryAfter() {
    return Optional.ofNullable(retryAfter);
  }

  @Override
  public boolean isTransient() {
    return true;
  }
}
