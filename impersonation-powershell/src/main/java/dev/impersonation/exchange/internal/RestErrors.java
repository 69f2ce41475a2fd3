package dev.impersonation.exchange.internal;

import com.fasterxml.jackson.databind.JsonNode;
import dev.impersonation.AccessDeniedException;
import dev.impersonation.ObjectAlreadyExistsException;
import dev.impersonation.ObjectNotFoundException;
import dev.impersonation.OrganizationNotCustomizedException;
import dev.impersonation.TenantException;
import dev.impersonation.ThrottledException;
import dev.impersonation.TransientTenantException;
import dev.impersonation.spi.RetryAfter;
import java.math.BigDecimal;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Iterator;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Turns an error answer of the {@code InvokeCommand} endpoint into a typed exception, in the shapes the live endpoint
 * uses ({@code docs/exchange-admin-rest.md}):
 * <ul>
 *   <li>403, often with a body of NUL bytes labelled {@code Content-Encoding: gzip}: an unknown cmdlet or one the
 *       caller's roles do not include. Access denied, naming the cmdlet and the role it needs; never retried.</li>
 *   <li>404 {@code NotFound} "Error executing cmdlet" and 400 {@code BadRequest} "Invalid Operation": the exception type
 *       is in {@code error.details[].message} ({@code "Ex…|Type|text"}) and the text in
 *       {@code error.innererror.internalexception.message}; property names are matched case-insensitively. The
 *       TYPE classifies; a 404 without a type is not taken for "absent".</li>
 *   <li>429, or the "maximum number of concurrent requests" text in any status: throttled, with a {@code Retry-After}
 *       that may be fractional ("1.5").</li>
 *   <li>a 200 answer carrying {@code @adminapi.errors}: the cmdlet failed ({@link #adminApiErrors}).</li>
 * </ul>
 * Messages carry the cmdlet name, the HTTP status, the service's inner text and the client-request-id; never a token or
 * a request body.
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
   * @param body the decoded response body, or null when there was none or it could not be decoded
   * @param requestId the client-request-id sent
   * @param clock the clock to measure an HTTP-date Retry-After from when the answer has no Date header
   */
  public static TenantException classify(String cmdlet, String identity, int status, String retryAfterHeader, String dateHeader,
      String body, String requestId, Clock clock) {
    Optional<Duration> retryAfter = retryAfter(retryAfterHeader, dateHeader, clock);
    ParsedError parsed = parse(body);
    String where = cmdlet + " (HTTP " + status + ", client-request-id " + requestId + ")";
    String serviceText = parsed.message().isEmpty() ? "" : ": " + parsed.message();
    if (status == 429 || isConcurrencyLimit(parsed)) {
      return new ThrottledException(where + " was throttled" + serviceText + ". Retry after "
          + retryAfter.map(RestErrors::seconds).orElse("a back-off") + ".", retryAfter.orElse(null));
    }
    if (status == 403) {
      return new AccessDeniedException("The Exchange admin endpoint refused " + where
          + (parsed.message().isEmpty() ? " with no readable body" : serviceText)
          + ". The endpoint answers so when the cmdlet does not exist or the caller's roles do not include it. "
          + CmdletRoles.needed(cmdlet) + " Role changes can take up to an hour to apply.");
    }
    if (status == 401) {
      return new AccessDeniedException(where + " was not authenticated" + serviceText + ". For app-only access, grant the "
          + "app the Exchange.ManageAsApp application permission of Office 365 Exchange Online "
          + "(00000002-0000-0ff1-ce00-000000000000) with admin consent, and request the token for https://<exchange host>/.default.");
    }
    if (status == 502 || status == 503 || status == 504) {
      return new TransientTenantException(where + " failed temporarily" + serviceText + "; retry later.");
    }
    Optional<TenantException> byType = byType(parsed.type(), parsed.message(), identity, where);
    if (byType.isPresent()) {
      TenantException e = byType.get();
      if (e instanceof ThrottledException t && t.retryAfter().isEmpty() && retryAfter.isPresent()) {
        return new ThrottledException(t.getMessage(), retryAfter.get());
      }
      return e;
    }
    if (status == 404) {
      // No exception type: a wrong path or tenant, not evidence that the object is absent.
      return new TenantException(where + " answered Not Found without an Exchange exception type" + serviceText
          + ". Check the tenant in the endpoint path and the Exchange host.");
    }
    if (!parsed.type().isEmpty()) {
      // A type this client does not know: keep its text; the known fragments of Exchange's messages still apply.
      return rewrap(ErrorClassifier.classify(parsed.type(), parsed.message(), identity), where);
    }
    return rewrap(ErrorClassifier.classify("", parsed.message().isEmpty() ? "HTTP " + status : parsed.message(), identity), where);
  }

  /**
   * The failure carried by a 200 answer's {@code @adminapi.errors}, if any: the cmdlet failed even though the HTTP
   * exchange succeeded (the ExchangeOnlineManagement module's REST helpers treat it so).
   */
  public static Optional<TenantException> adminApiErrors(String cmdlet, String identity, JsonNode answer, String requestId) {
    JsonNode errors = field(answer, "@adminapi.errors");
    if (errors == null || errors.isNull() || errors.isMissingNode() || (errors.isContainerNode() && errors.isEmpty())) {
      return Optional.empty();
    }
    JsonNode first = errors.isArray() ? errors.get(0) : errors;
    ParsedError read = first.isTextual() ? fromPipeText(first.asText()) : fromObject(first);
    String where = cmdlet + " (HTTP 200 with @adminapi.errors, client-request-id " + requestId + ")";
    ParsedError parsed = read.message().isEmpty() ? new ParsedError(read.type(), shorten(first.toString())) : read;
    Optional<TenantException> byType = byType(parsed.type(), parsed.message(), identity, where);
    return Optional.of(byType.orElseGet(() -> rewrap(ErrorClassifier.classify(parsed.type(), parsed.message(), identity), where)));
  }

  private static ParsedError fromObject(JsonNode node) {
    ParsedError nested = parseError(field(node, "error") != null ? field(node, "error") : node);
    if (!nested.message().isEmpty() || !nested.type().isEmpty()) {
      return nested;
    }
    for (String name : new String[] {"message", "Message", "exception", "errordetails"}) {
      JsonNode m = field(node, name);
      if (m != null && m.isTextual()) {
        return fromPipeText(m.asText());
      }
    }
    return new ParsedError("", "");
  }

  /** Classification by the exception type alone ({@link ExchangeErrors#classifyByType}), with where it happened. */
  private static Optional<TenantException> byType(String type, String message, String identity, String where) {
    String text = (message.isEmpty() ? simpleType(type) : message) + " [" + where + "]";
    return ErrorClassifier.classifyByType(type, text, identity, where.split(" ", 2)[0]);
  }

  private static String simpleType(String type) {
    String t = type == null ? "" : type.strip();
    return t.contains(".") ? t.substring(t.lastIndexOf('.') + 1) : t;
  }

  private static boolean isConcurrencyLimit(ParsedError parsed) {
    String all = (parsed.type() + " " + parsed.message() + " " + parsed.outer()).toLowerCase(Locale.ROOT);
    return all.contains("maximum number of concurrent requests");
  }

  private static TenantException rewrap(TenantException e, String where) {
    // Keep the type the classifier chose; add where it happened to the message.
    String msg = e.getMessage() + " [" + where + "]";
    if (e instanceof ObjectNotFoundException nf) {
      return new ObjectNotFoundException(nf.identity(), msg);
    }
    if (e instanceof ObjectAlreadyExistsException ae) {
      return new ObjectAlreadyExistsException(ae.identity(), msg);
    }
    if (e instanceof OrganizationNotCustomizedException) {
      return new OrganizationNotCustomizedException(msg);
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
   * The exception type and message of an error body.
   *
   * @param type the exception type from {@code error.details[].message} ({@code "Ex…|Type|text"}) or
   *     {@code innererror.type}, or ""
   * @param message the most specific text: {@code innererror.internalexception.message}, else the details' text, else
   *     {@code error.message}
   * @param outer {@code error.code} and {@code error.message} (e.g. "NotFound Error executing cmdlet")
   */
  public record ParsedError(String type, String message, String outer) {
    /** A parsed error without outer text. */
    public ParsedError(String type, String message) {
      this(type, message, "");
    }
  }

  /** Parses an error body; unknown shapes give the (shortened) raw text as the message; NUL-only bodies give nothing. */
  public static ParsedError parse(String body) {
    if (body == null || body.replace("\0", "").isBlank()) {
      return new ParsedError("", "");
    }
    JsonNode root;
    try {
      root = InvokeCommandJson.MAPPER.readTree(body);
    } catch (Exception e) {
      return new ParsedError("", shorten(body.replace("\0", "").strip()));
    }
    JsonNode error = field(root, "error");
    return parseError(error == null ? root : error);
  }

  private static ParsedError parseError(JsonNode error) {
    if (error == null || !error.isObject()) {
      return new ParsedError("", "");
    }
    String type = "";
    String detailText = "";
    JsonNode details = field(error, "details");
    if (details != null) {
      for (JsonNode detail : details) {
        JsonNode m = field(detail, "message");
        ParsedError p = m == null ? new ParsedError("", "") : fromPipeText(m.asText(""));
        if (!p.type().isEmpty()) {
          type = p.type();
          detailText = p.message();
          break;
        }
        if (detailText.isEmpty() && !p.message().isEmpty()) {
          detailText = p.message();
        }
      }
    }
    String innerText = "";
    JsonNode inner = field(error, "innererror");
    if (inner != null) {
      JsonNode internal = field(inner, "internalexception");
      JsonNode im = internal == null ? null : field(internal, "message");
      if (im != null && im.isTextual()) {
        innerText = im.asText();
      }
      if (type.isEmpty()) {
        JsonNode it = internal == null ? null : field(internal, "type");
        JsonNode ot = field(inner, "type");
        type = it != null && it.isTextual() ? it.asText() : ot != null && ot.isTextual() ? ot.asText() : "";
      }
      if (innerText.isEmpty()) {
        JsonNode m = field(inner, "message");
        innerText = m != null && m.isTextual() ? m.asText() : "";
      }
    }
    JsonNode code = field(error, "code");
    JsonNode message = field(error, "message");
    String outer = ((code == null ? "" : code.asText("")) + " " + (message == null ? "" : message.asText(""))).strip();
    if (type.isEmpty() && message != null) {
      ParsedError fromMessage = fromPipeText(message.asText(""));
      type = fromMessage.type();
    }
    String text = !innerText.isBlank() ? innerText : !detailText.isBlank() ? detailText
        : message == null ? "" : fromPipeText(message.asText("")).message();
    return new ParsedError(simpleType(type), shorten(text.strip()), outer);
  }

  /** {@code "Ex…|Type|text"} (or {@code "|Type|text"}) split into type and text; other text is all message. */
  private static ParsedError fromPipeText(String m) {
    String[] parts = m.split("\\|", 3);
    if (parts.length == 3 && !parts[1].isBlank() && !parts[1].contains(" ")) {
      return new ParsedError(simpleType(parts[1].strip()), shorten(parts[2].strip()));
    }
    return new ParsedError("", shorten(m.strip()));
  }

  /** A field by name, ignoring case (live bodies say {@code internalexception}, documented ones {@code internalException}). */
  static JsonNode field(JsonNode node, String name) {
    if (node == null || !node.isObject()) {
      return null;
    }
    JsonNode exact = node.get(name);
    if (exact != null) {
      return exact;
    }
    for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      if (e.getKey().equalsIgnoreCase(name)) {
        return e.getValue();
      }
    }
    return null;
  }

  /**
   * A {@code Retry-After} value: delta-seconds, possibly fractional ("1.5"), or an HTTP-date measured from the answer's
   * {@code Date} header (else from {@code clock}). Negative waits become zero; unparsable values are ignored.
   */
  public static Optional<Duration> retryAfter(String header, String dateHeader, Clock clock) {
    return RetryAfter.parse(header, dateHeader, clock);
  }

  private static String seconds(Duration d) {
    return BigDecimal.valueOf(d.toMillis()).movePointLeft(3).stripTrailingZeros().toPlainString() + " s";
  }

  private static String shorten(String s) {
    return s.length() <= MAX_TEXT ? s : s.substring(0, MAX_TEXT) + "…";
  }
}
