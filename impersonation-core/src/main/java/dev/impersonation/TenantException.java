package dev.impersonation;

/** A tenant (or a backend talking to it) answered with an error. Subtypes say which kind. */
public class TenantException extends ImpersonationException {
  private static final long serialVersionUID = 1L;

  public TenantException(String message) {
    super(message);
  }

  public TenantException(String message, Throwable cause) {
    super(message, cause);
  }

  /** Whether repeating the same call later may succeed (throttling, 5xx, timeouts, replication lag). */
  public boolean isTransient() {
    return false;
  }
}
