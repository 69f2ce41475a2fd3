package dev.impersonation.testkit;

import static dev.impersonation.testkit.FakeGraphApi.MAX_ODATA_BIND;

import dev.impersonation.ImpersonationException;
import dev.impersonation.ObjectNotFoundException;
import dev.impersonation.ThrottledException;
import dev.impersonation.TransientTenantException;
import dev.impersonation.testkit.FakeGraphCall.Result;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * An error answered in Graph's shape (docs/error-texts.md): the status, Graph's error code and message, and extra
 * headers ({@code Retry-After}); with the errors the fake answers and {@link #of}, the mapping of the store's exceptions.
 */
final class FakeGraphError extends RuntimeException {
  private static final Pattern TYPED = Pattern.compile("^(Request_[A-Za-z]+|[A-Z][A-Za-z]+Exception): (.*)$", Pattern.DOTALL);

  final int status;
  final String code;
  final Map<String, String> headers = new LinkedHashMap<>();

  FakeGraphError(int status, String code, String message) {
    super(message, null, false, false);
    this.status = status;
    this.code = code;
  }

  static Result methodNotAllowed(FakeGraphCall c) {
    throw new FakeGraphError(405, "Request_BadRequest", "Specified HTTP method is not allowed for the request target.");
  }

  static FakeGraphError badSegment(String segment) {
    return new FakeGraphError(400, "BadRequest", "Resource not found for the segment '" + segment + "'.");
  }

  static FakeGraphError notFound(String id) {
    return new FakeGraphError(404, "Request_ResourceNotFound", "Resource '" + id
        + "' does not exist or one of its queried reference-property objects are not present.");
  }

  static FakeGraphError badRequest(String message) {
    return new FakeGraphError(400, "Request_BadRequest", message);
  }

  static FakeGraphError bindLimit(int count) {
    return badRequest("The request has " + count + " references in 'members@odata.bind'; a single request may add at most "
        + MAX_ODATA_BIND + " members.");
  }

  /** The Graph error for what a handler or the store threw (docs/error-texts.md). */
  static FakeGraphError of(Throwable e) {
    if (e instanceof FakeGraphError g) {
      return g;
    }
    String text = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    if (e instanceof ThrottledException t) {
      long seconds = t.retryAfter().map(Duration::toMillis).map(ms -> Math.max(1, (ms + 999) / 1000)).orElse(1L);
      FakeGraphError g = new FakeGraphError(429, "TooManyRequests", "Too many requests: the application or tenant was throttled. "
          + "Retry after " + seconds + " s. (" + text + ")");
      g.headers.put("Retry-After", String.valueOf(seconds));
      return g;
    }
    if (e instanceof TransientTenantException) {
      return new FakeGraphError(503, "serviceNotAvailable", "The service is temporarily unavailable. (" + text + ")");
    }
    if (e instanceof AssertionError || !(e instanceof ImpersonationException)) {
      // Strict-mode violations, simulated crashes and simulator bugs: a 500 the test will notice.
      return new FakeGraphError(500, "InternalServerError", e.getClass().getName() + ": " + text);
    }
    Matcher typed = TYPED.matcher(text);
    String code = typed.matches() ? typed.group(1) : "Request_BadRequest";
    String message = typed.matches() ? typed.group(2) : text;
    if (code.equals("Request_ResourceNotFound") || (e instanceof ObjectNotFoundException && !code.startsWith("Request_"))) {
      return new FakeGraphError(404, "Request_ResourceNotFound", code.equals("Request_ResourceNotFound") ? message
          : "Resource '" + ((ObjectNotFoundException) e).identity() + "' does not exist or one of its queried reference-property "
          + "objects are not present.");
    }
    return new FakeGraphError(400, code.startsWith("Request_") ? code : "Request_BadRequest", message);
  }
}
