package dev.impersonation.graph.internal;

import com.microsoft.graph.models.odataerrors.ODataError;
import com.microsoft.kiota.ApiException;
import dev.impersonation.AccessDeniedException;
import dev.impersonation.ObjectAlreadyExistsException;
import dev.impersonation.ObjectNotFoundException;
import dev.impersonation.TenantException;
import dev.impersonation.ThrottledException;
import dev.impersonation.TransientTenantException;
import dev.impersonation.spi.RetryAfter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Clock;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Collection;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Turns Graph error answers (an {@link ODataError} / {@link ApiException} from the SDK, or an inner {@code $batch}
 * response) into the core's typed exceptions (docs/error-texts.md). Messages carry the operation, the HTTP status, Graph's code
 * and message; never a token, a password or a request body.
 */
public final class GraphErrors {
  /** Graph's answer to adding a member or owner that is already there (docs/error-texts.md): success for us. */
  public static final String ALREADY_EXISTS_FRAGMENT = "added object references already exist";
  /** Graph's answer to a write on a distribution list or mail-enabled security group (docs/error-texts.md). */
  public static final String GRAPH_DL_TEXT =
      "Cannot Create (or Update) a mail-enabled security groups and or distribution list.";
  private static final int MAX_TEXT = 1000;

  private GraphErrors() {}

  /** The status, Graph error code and message of a failed call. */
  public record Failure(int status, String code, String message, Optional<Duration> retryAfter) {
    /** Whether Graph said a reference being added is already there. */
    public boolean alreadyExists() {
      return status == 400 && message.toLowerCase(Locale.ROOT).contains(ALREADY_EXISTS_FRAGMENT);
    }
  }

  /** Extracts status, code, message and Retry-After from an SDK exception. */
  public static Failure failure(ApiException e, Clock clock) {
    String code = "";
    String message = "";
    if (e instanceof ODataError o && o.getError() != null) {
      code = nz(o.getError().getCode());
      message = nz(o.getError().getMessage());
    } else if (e.getMessage() != null) {
      message = e.getMessage();
    }
    String retryAfter = null;
    if (e.getResponseHeaders() != null) {
      retryAfter = header(e.getResponseHeaders(), "Retry-After");
    }
    return new Failure(e.getResponseStatusCode(), code, message, retryAfter(retryAfter, clock));
  }

  /** A header value, case-insensitively, from the SDK's header map. */
  public static String header(Map<String, ? extends Collection<String>> headers, String name) {
    for (Map.Entry<String, ? extends Collection<String>> h : headers.entrySet()) {
      if (h.getKey() != null && h.getKey().equalsIgnoreCase(name) && h.getValue() != null && !h.getValue().isEmpty()) {
        return h.getValue().iterator().next();
      }
    }
    return null;
  }

  /** Parses a {@code Retry-After} header: delta-seconds (a fraction allowed) or an HTTP-date measured from {@code clock}. */
  public static Optional<Duration> retryAfter(String value, Clock clock) {
    return RetryAfter.parse(value, null, clock);
  }

  /** Classifies a failure of {@code what} on {@code identity}. */
  public static TenantException classify(String what, String identity, Failure f) {
    String text = what + " (HTTP " + f.status() + (f.code().isEmpty() ? "" : " " + f.code()) + ")"
        + (f.message().isEmpty() ? "" : ": " + clip(f.message()));
    int s = f.status();
    if (s == 429) {
      return new ThrottledException(text + ". Retry after " + f.retryAfter().map(d -> d.toSeconds() + " s").orElse("a back-off")
          + ".", f.retryAfter().orElse(null));
    }
    if (s == 401 || s == 403) {
      return new AccessDeniedException(text + ". Grant the app the Microsoft Graph application permissions this needs "
          + "(User.ReadWrite.All, Group.ReadWrite.All, Application.Read.All; AdministrativeUnit.ReadWrite.All to fill an "
          + "administrative unit, AppRoleAssignment.ReadWrite.All to grant or revoke consent) with admin consent, or sign in "
          + "as an admin with those rights; consent can take minutes to apply (docs/permissions.md).");
    }
    if (s == 404) {
      return new ObjectNotFoundException(identity, text + (f.code().equals("Request_ResourceNotFound")
          ? ". It is missing, or was created moments ago and has not replicated yet." : "."));
    }
    if (f.alreadyExists() || (s == 400 && f.message().toLowerCase(Locale.ROOT).contains("already exists"))) {
      return new ObjectAlreadyExistsException(identity, text);
    }
    if (s == 400 && f.message().contains("Cannot Create (or Update) a mail-enabled security group")) {
      return new TenantException(text + " Distribution groups, mail-enabled security groups and room lists are written "
          + "through Exchange: add an Exchange backend.");
    }
    if (s >= 500 || s == 408) {
      return new TransientTenantException(text + "; retry later.");
    }
    return new TenantException(text);
  }

  /** Classifies any failure the SDK threw while performing {@code what}. */
  public static TenantException translate(String what, String identity, RuntimeException e, Clock clock) {
    if (e instanceof TenantException te) {
      return te;
    }
    if (e instanceof ApiException api && api.getResponseStatusCode() > 0) {
      return classify(what, identity, failure(api, clock));
    }
    Throwable cause = e;
    while (cause != null) {
      if (cause instanceof IOException || cause instanceof UncheckedIOException) {
        return new TransientTenantException(what + " could not reach Microsoft Graph (" + cause.getClass().getSimpleName()
            + "); retry later.", e);
      }
      cause = cause.getCause();
    }
    return new TenantException(what + " failed: " + e.getClass().getSimpleName()
        + (e.getMessage() == null ? "" : " " + clip(e.getMessage())), e);
  }

  private static String nz(String s) {
    return s == null ? "" : s;
  }

  private static String clip(String s) {
    String line = s.strip();
    return line.length() > MAX_TEXT ? line.substring(0, MAX_TEXT) + "…" : line;
  }
}
