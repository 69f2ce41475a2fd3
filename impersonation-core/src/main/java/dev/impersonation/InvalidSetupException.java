package dev.impersonation;

/**
 * The desired state is invalid: raised by {@code build()} or by a factory method, before any call to a
 * tenant. The message names the offending value and how to fix it.
 */
public class InvalidSetupException extends ImpersonationException {
  private static final long serialVersionUID = 1L;

  public InvalidSetupException(String message) {
    super(message);
  }

  /** With the low-level cause (e.g. a CSV parser's error), whose message the caller has already put in words. */
  public InvalidSetupException(String message, Throwable cause) {
    super(message, cause);
  }
}
