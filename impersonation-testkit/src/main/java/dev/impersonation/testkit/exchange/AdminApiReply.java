package dev.impersonation.testkit.exchange;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.github.tomakehurst.wiremock.http.ResponseDefinition;
import dev.impersonation.AccessDeniedException;
import dev.impersonation.ObjectAlreadyExistsException;
import dev.impersonation.ObjectNotFoundException;
import dev.impersonation.OrganizationNotCustomizedException;
import dev.impersonation.ThrottledException;
import dev.impersonation.TransientTenantException;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One answer of {@link InvokeCommandHandler} (docs/exchange-admin-rest.md, docs/error-texts.md): a status, a JSON body
 * (or raw bytes), extra headers and the error text for the request journal; with the error shapes of the live
 * endpoint and {@link #failure}, the mapping of what a cmdlet threw.
 */
final class AdminApiReply {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Pattern TYPED = Pattern.compile("^([A-Za-z][A-Za-z0-9.-]*Exception):\\s*(.*)$", Pattern.DOTALL);

  final int status;
  final JsonNode body;
  final Optional<String> error;
  final Map<String, String> headers = new LinkedHashMap<>();
  byte[] rawBody;
  /** A broken connection instead of an answer (WireMock's fault), or null. */
  com.github.tomakehurst.wiremock.http.Fault connectionFault;
  /** Milliseconds to hold the answer back (0: none). */
  int delayMillis;

  /** 403 with 32 NUL bytes labelled {@code Content-Encoding: gzip}, as the live endpoint answers a denied cmdlet. */
  static AdminApiReply accessDenied(String journalText) {
    AdminApiReply r = new AdminApiReply(403, JSON.createObjectNode(), Optional.of(journalText));
    r.rawBody = new byte[32];
    r.headers.put("Content-Encoding", "gzip");
    return r;
  }

  AdminApiReply(int status, JsonNode body, Optional<String> error) {
    this.status = status;
    this.body = body;
    this.error = error;
  }

  ResponseDefinition toResponse() {
    com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder b = com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder
        .responseDefinition().withStatus(status).withHeader("Content-Type", "application/json; odata.metadata=minimal; charset=utf-8");
    headers.forEach(b::withHeader);
    if (connectionFault != null) {
      return b.withFault(connectionFault).build();
    }
    if (delayMillis > 0) {
      b.withFixedDelay(delayMillis);
    }
    return rawBody != null ? b.withBody(rawBody).build() : b.withBody(body.toString()).build();
  }

  /** The answer to what the cmdlet threw (docs/error-texts.md). */
  static AdminApiReply failure(Throwable e) {
    String text = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    Matcher typed = TYPED.matcher(text);
    String type;
    String message;
    if (typed.matches()) {
      type = typed.group(1);
      message = typed.group(2);
    } else {
      type = typeOf(e);
      message = text;
    }
    if (e instanceof ThrottledException t) {
      AdminApiReply r = error(429, "TooManyRequests", typed.matches() ? type : "ServerBusyException", message);
      r.headers.put("Retry-After", retryAfter(t.retryAfter().orElse(Duration.ofSeconds(1))));
      r.headers.put("Rate-Limit-Remaining", "0");
      return r;
    }
    if (e instanceof TransientTenantException) {
      return error(503, "ServiceUnavailable", typed.matches() ? type : "ServiceUnavailableException", message);
    }
    if (e instanceof AssertionError || !(e instanceof dev.impersonation.ImpersonationException)) {
      // Strict-mode violations, simulated crashes and simulator bugs: a 500 the test will notice.
      return error(500, "InternalServerError", e.getClass().getName(), text);
    }
    if (e instanceof AccessDeniedException || type.equals("CommandNotFoundException")) {
      // The live endpoint answers an unknown cmdlet, or one the caller's roles lack, so: 403, a body of NUL bytes that
      // claims to be gzip.
      return AdminApiReply.accessDenied(type + ": " + message);
    }
    if (type.endsWith("ManagementObjectNotFoundException")) {
      return error(404, "NotFound", type, message);
    }
    return error(400, "BadRequest", type, message);
  }

  /** A Retry-After value in seconds, fractional when the wait is not whole ("1.5"), as the live endpoint sends. */
  static String retryAfter(Duration wait) {
    return java.math.BigDecimal.valueOf(Math.max(0, wait.toMillis())).movePointLeft(3).stripTrailingZeros().toPlainString();
  }

  private static String typeOf(Throwable e) {
    if (e instanceof ObjectNotFoundException) {
      return "ManagementObjectNotFoundException";
    }
    if (e instanceof ObjectAlreadyExistsException) {
      return "ManagementObjectAlreadyExistsException";
    }
    if (e instanceof OrganizationNotCustomizedException) {
      return "Cmdlet-InvalidOperationInDehydratedContextException";
    }
    if (e instanceof AccessDeniedException) {
      return "UnauthorizedAccessException";
    }
    return "InvalidOperationException";
  }

  /** A stable, code-like error id per exception type, e.g. {@code Ex6F9304} (the real endpoint's codes look so). */
  static String errorCode(String type) {
    return "Ex" + String.format(Locale.ROOT, "%06X", type.hashCode() & 0xFFFFFF);
  }

  /**
   * An error in the live endpoint's shape: {@code error.code} the HTTP reason ("NotFound", "BadRequest"),
   * {@code error.message} the generic text ("Error executing cmdlet", "Invalid Operation"), the exception type in
   * {@code error.details[].message} as {@code "Ex…|Namespace.Type|text"}, and the text under
   * {@code error.innererror.internalexception} (lower case, as live bodies spell it).
   */
  static AdminApiReply error(int status, String code, String type, String message) {
    String fullType = namespaced(type);
    String detailCode = errorCode(type);
    ObjectNode body = JSON.createObjectNode();
    ObjectNode error = body.putObject("error");
    error.put("code", code);
    error.put("message", status == 404 ? "Error executing cmdlet" : status == 400 ? "Invalid Operation" : message);
    ObjectNode detail = error.putArray("details").addObject();
    detail.put("code", detailCode);
    detail.put("target", "");
    detail.put("message", detailCode + "|" + fullType + "|" + message);
    ObjectNode inner = error.putObject("innererror");
    inner.put("message", message);
    inner.put("type", fullType);
    ObjectNode internal = inner.putObject("internalexception");
    internal.put("message", message);
    internal.put("type", fullType);
    return new AdminApiReply(status, body, Optional.of(type + ": " + message));
  }

  /** The .NET namespace Exchange's task exceptions carry in live answers. */
  static String namespaced(String type) {
    if (type.contains(".")) {
      return type;
    }
    if (type.startsWith("ManagementObject") || type.equals("MemberAlreadyExistsException")) {
      return "Microsoft.Exchange.Configuration.Tasks." + type;
    }
    return type;
  }

  /** A 200 answer whose {@code @adminapi.errors} says the cmdlet failed (the module's REST helpers read it so). */
  static AdminApiReply adminApiErrors(String type, String message) {
    ObjectNode body = JSON.createObjectNode();
    body.putArray("value");
    body.putArray("@adminapi.errors").add(errorCode(type) + "|" + namespaced(type) + "|" + message);
    return new AdminApiReply(200, body, Optional.of(type + ": " + message));
  }

}
