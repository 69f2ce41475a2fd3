package dev.impersonation;

/** A failure worth retrying: 503, a timeout, a dropped connection. */
public class TransientTenantException extends TenantException {
  private static final long serialVersionUID = 1L;

  public TransientTenantException(String message) {
    super(message);
  }

  public TransientTenantException(String message, Throwable cause) {
    super(message, cause);
  }

  @Override
  public boolean isTransient() {
    return true;
  }
}
