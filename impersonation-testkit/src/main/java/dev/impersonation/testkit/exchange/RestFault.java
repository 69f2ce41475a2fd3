package dev.impersonation.testkit.exchange;

/**
 * An answer of the live Exchange admin endpoint that {@link ExchangeAdminSimulator#inject} makes the simulator give to a
 * cmdlet instead of running it (the tenant is not touched). Each is a shape public clients of the endpoint have
 * recorded ({@code docs/exchange-admin-rest.md}); the simulator produces the same shapes by itself where the fake
 * tenant's outcome calls for them (a denied or unknown cmdlet, a missing object, throttling).
 */
public enum RestFault {
  /** 403 with a body of NUL bytes labelled {@code Content-Encoding: gzip}: an unknown cmdlet or one the role lacks. */
  ACCESS_DENIED_NUL_GZIP,
  /** 200 with {@code "value":[]} and {@code @adminapi.errors} naming an {@code InvalidOperationException}. */
  ADMINAPI_ERRORS_200,
  /** 429 with {@code Retry-After: 1.5} (fractional seconds). */
  THROTTLED_FRACTIONAL_RETRY_AFTER,
  /**
   * The "maximum number of concurrent requests per tenant" text, in a 400 {@code BadRequest} body without
   * {@code Retry-After} (which status carries it live is unproven; the text is what identifies it).
   */
  CONCURRENT_REQUESTS_LIMIT,
  /** 404 {@code NotFound} "Error executing cmdlet" with {@code ManagementObjectNotFoundException} in the details. */
  NOT_FOUND,
  /** 429 without {@code Retry-After}: the client chooses its own back-off. */
  THROTTLED_WITHOUT_RETRY_AFTER,
  /** 503 {@code ServiceUnavailable}, as a gateway answers while the service is busy or being updated. */
  SERVICE_UNAVAILABLE,
  /** The connection is reset before any answer (the cmdlet did not run). */
  CONNECTION_RESET,
  /** 200 whose body breaks off mid-stream (a malformed chunk, then the connection closes; the cmdlet did not run). */
  BODY_CUT_OFF,
  /**
   * The cmdlet runs, then the answer comes only after {@link #LATE_ANSWER_MILLIS} ms: a client with a shorter read
   * timeout gives up on a write that did happen (the answer is lost, the change is not).
   */
  LATE_ANSWER_AFTER_RUNNING;

  /** How late {@link #LATE_ANSWER_AFTER_RUNNING} answers; a test sets the client's read timeout below it. */
  public static final int LATE_ANSWER_MILLIS = 1500;
}
