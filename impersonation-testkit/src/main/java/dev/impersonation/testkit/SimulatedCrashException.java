package dev.impersonation.testkit;

/**
 * Thrown by a {@link FakeTenant} where {@link Faults#crashAfterWrites(int)} says the process dies. It is not an
 * {@code ImpersonationException}, so it escapes {@code apply} as a real crash would; re-apply to test recovery.
 */
public final class SimulatedCrashException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public SimulatedCrashException(String message) {
    super(message);
  }
}
