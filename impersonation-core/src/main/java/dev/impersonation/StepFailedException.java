package dev.impersonation;

/** A step failed for good during {@code apply} (after its retries); see the apply result for what ran. */
public class StepFailedException extends ImpersonationException {
  private static final long serialVersionUID = 1L;

  public StepFailedException(String message, Throwable cause) {
    super(message, cause);
  }
}
