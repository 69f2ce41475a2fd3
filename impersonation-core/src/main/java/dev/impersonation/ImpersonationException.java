package dev.impersonation;

/**
 * Root of every exception this library throws. Unchecked, so fluent code stays readable; catch the
 * subtypes to react to a particular failure. Messages never contain secrets and always say what to do next.
 */
public class ImpersonationException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public ImpersonationException(String message) {
    super(message);
  }

  public ImpersonationException(String message, Throwable cause) {
    super(message, cause);
  }
}
