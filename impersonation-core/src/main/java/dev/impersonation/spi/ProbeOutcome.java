package dev.impersonation.spi;

/**
 * What a real access attempt returned.
 *
 * @param result granted, denied or mailbox not ready
 * @param evidence what the service answered, e.g. "GET /users/x/calendar: 403 ErrorAccessDenied"
 */
public record ProbeOutcome(Result result, String evidence) {
  /** The outcome of one access attempt. */
  public enum Result { GRANTED, DENIED, MAILBOX_NOT_READY }
}
