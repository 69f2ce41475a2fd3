package dev.impersonation.exchange.internal;

import com.fasterxml.jackson.databind.JsonNode;
import dev.impersonation.AccessDeniedException;
import dev.impersonation.TenantException;
import dev.impersonation.ThrottledException;
import dev.impersonation.TransientTenantException;
import dev.impersonation.exchange.ExchangeErrors;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Optional;

/**
 * Turns an error answer of the {@code InvokeCommand} endpoint into a typed exception (DOMAIN.md §6, §8). Messages carry
 * the cmdlet name, the HTTP status, the service's text and the client-request-id; never a token or a request body.
 */
public final class RestErrors {
  private static final int MAX_TEXT = 2000;

  private RestErrors() {}

  /**
   * Classifies one error answer.
   *
   * @param cmdlet the cmdlet name
   * @param identity the cmdlet's identity, for not-found / already-exists
   * @param status the HTTP status
   * @param retryAfterHeader the {@code Retry-After} header, or null
   * @param dateHeader the {@code Date} header, or null (an HTTP-date Retry-After is measured from it)
   * @param body the response body, or null
   * @param requestId the client-request-id sent
   * @param clock the clock to measure an HTTP-date Retry-After from when the answer has no Date header
   */
  public static TenantException classify(String cmdlet, String identity, int status, String retryAfterHeader, String dateHeader,
      String body, String requestId, Clock clock) {
    Optional<Duration> retryAfter = retryAfter(retryAfterHeader, dateHeader, clock);
    ParsedError parsed = parse(body);
    String where = cmdlet + " (HTTP " + status + ", client-request-id " + requestId + ")";
    String serviceText = parsed.message().isEmpty() ? "" : ": " + parsed.message();
    if (status == 429) {
      return new ThrottledException(where + " was throttled" + serviceText + ". Retry after "
          + retryAfter.map(d -> d.toSeconds() + " s").orElse("a back-off") + ".", retryAfter.orElse(null));
    }
    if (status == 401 || status == 403) {
      return new AccessDeniedException(where + " was denied" + serviceText + ". For app-only access, grant the app the "
          + "Exchange.ManageAsApp application permission of Office 365 Exchange Online (00000002-0000-0ff1-ce00-000000000000) "
          + "with admin consent, and assign its service principal an Entra role such as Exchange Administrator (or add it to "
          + "a role group); a signed-in admin needs such a role. Role changes can take up to an hour to apply.");
    }
    if (status == 502 || status == 503 || status == 504) {
      return new TransientTenantException(where + " failed temporarily" + serviceText + "; retry later.");
    }
    TenantException classified = ExchangeErrors.classify(parsed.type(), parsed.message().isEmpty() ? "HTTP " + status
        : parsed.message(), identity);
    if (classified instanceof ThrottledException t && t.retryAfter().isEmpty() && retryAfter.isPresent()) {
      return new ThrottledException(t.getMessage() + " (" + where + ")", retryAfter.get());
    }
    return rewrap(classified, where);
  }

  private static TenantException rewrap(TenantException e, String where) {
    // Keep the type the classifier chose; add where it happened to the message.
    String msg = e.getMessage() + " [" + where + "]";
    if (e instanceof dev.impersonation.ObjectNotFoundException nf) {
      return new dev.impersonation.ObjectNotFoundException(nf.identity(), msg);
    }
    if (e instanceof dev.impersonation.ObjectAlreadyExistsException ae) {
      return new dev.impersonation.ObjectAlreadyExistsException(ae.identity(), msg);
    }
    if (e instanceof dev.impersonation.OrganizationNotCustomizedException) {
      return new dev.impersonation.OrganizationNotCustomizedException(msg);
    }
    if (e instanceof ThrottledException t) {
      return new ThrottledException(msg, t.retryAfter().orElse(null));
    }
    if (e instanceof AccessDeniedException) {
      return new AccessDeniedException(msg);
    }
    if (e instanceof TransientTenantException) {
      return new TransientTenantException(msg);
    }
    if (e.getClass() == TenantException.class) {
      return new TenantException(msg);
    }
    return e;
  }

  /**
   * The exception type and message of an error body: {@code error.details[].message} of the form
   * {@code "<code>|<ExceptionType>|<message>"}, else {@code error.innererror.internalException.message}, else
   * {@code error.message}.
   *
   * @param type the exception type, or ""
   * @param message the message, or ""
   */
  public record ParsedError(String type, String message) {}

  /** Parses an error body; unknown shapes give the (shortened) raw text as the message. */
  public static ParsedError parse(String body) {
    if (body == null || body.isBlank()) {
      return new ParsedError("", "");
    }
    JsonNode root;
    try {
      root = InvokeCommandJson.MAPPER.readTree(body);
    } catch (Exception e) {
      return new ParsedError("", shorten(body.strip()));
    }
    JsonNode error = root.path("error");
    for (JsonNode detail : error.path("details")) {
      String m = detail.path("message").asText("");
      String[] parts = m.split("\\|", 3);
      if (parts.length == 3) {
        return new ParsedError(parts[1].strip(), shorten(parts[2].strip()));
      }
    }
    JsonNode internal = error.path("innererror").path("internalException");
    if (internal.hasNonNull("message")) {
      String type = internal.path("type").asText("");
      return new ParsedError(type.contains(".") ? type.substring(type.lastIndexOf('.') + 1) : type,
          shorten(internal.path("message").asText("")));
    }
    for (JsonNode detail : error.path("details")) {
      if (detail.hasNonNull("message")) {
        return new ParsedError(detail.path("code").asText(""), shorten(detail.path("message").asText()));
      }
    }
    if (error.hasNonNull("message")) {
      return new ParsedError(error.path("code").asText(""), shorten(error.path("message").asText()));
    }
    return new ParsedError("", shorten(body.strip()));
  }

  /**
   * A {@code Retry-After} value: delta-seconds, or an HTTP-date measured from the answer's {@code Date} header (else from
   * {@code clock}). Negative waits become zero; unparsable values are ignored.
   */
  public static Optional<Duration> retryAfter(String header, String dateHeader, Clock clock) {
    if (header == null || header.isBlank()) {
      return Optional.empty();
    }
    String v = header.strip();
    try {
      long seconds = Long.parseLong(v);
      return Optional.of(Duration.ofSeconds(Math.max(0, seconds)));
    } catch (NumberFormatException notSeconds) {
      // an HTTP-date
    }
    try {
      Instant at = ZonedDateTime.parse(v, DateTimeFormatter.RFC_1123_DATE_TIME).toInstant();
      Instant now = clock.instant();
      if (dateHeader != null && !dateHeader.isBlank()) {
        try {
          now = ZonedDateTime.parse(dateHeader.strip(), DateTimeFormatter.RFC_1123_DATE_TIME).toInstant();
        } catch (RuntimeException ignored) {
          // fall back to the clock
        }
      }
      Duration d = Duration.between(now, at);
      return Optional.of(d.isNegative() ? Duration.ZERO : d);
    } catch (RuntimeException e) {
      return Optional.empty();
    }
  }

  private static String shorten(String s) {
    return s.length() <= MAX_TEXT ? s : s.substring(0, MAX_TEXT) + "…";
  }
}
