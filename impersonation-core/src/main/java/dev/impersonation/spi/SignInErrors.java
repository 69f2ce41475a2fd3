package dev.impersonation.spi;

import dev.impersonation.AccessDeniedException;
import dev.impersonation.SignIn;
import dev.impersonation.TenantException;
import dev.impersonation.ThrottledException;
import dev.impersonation.TransientTenantException;
import java.time.Duration;

/**
 * The typed exception for a failed sign-in, the same whichever backend signed in: a refusal is
 * {@link AccessDeniedException} with what to check, 429 is {@link ThrottledException}, 5xx and unreachable endpoints are
 * {@link TransientTenantException}. Messages name the authority, scope, app and kind of sign-in, never a secret or token.
 */
public final class SignInErrors {
  private static final int MAX_TEXT = 500;

  private SignInErrors() {}

  /**
   * The sign-in endpoint answered with an error.
   *
   * @param signIn the sign-in
   * @param scope the scope asked for
   * @param status the HTTP status (0 if unknown)
   * @param errorCode the OAuth error code (e.g. {@code invalid_client}), may be null
   * @param text the service's error text (only its first line is kept)
   * @param retryAfter the wait a 429 asked for, may be null
   * @return the exception to throw
   */
  public static TenantException answered(SignIn signIn, String scope, int status, String errorCode, String text, Duration retryAfter) {
    String what = what(signIn, scope);
    String line = firstLine(text);
    if (status == 429) {
      return new ThrottledException(what + " was throttled: " + line, retryAfter);
    }
    if (status >= 500) {
      return new TransientTenantException(what + " failed temporarily (HTTP " + status + "): " + line + "; retry later.");
    }
    return new AccessDeniedException(what + " was refused (" + errorCode + "): " + line + ". Check the app id, the tenant, "
        + "that the certificate or secret is the one registered on the app and not expired, and that an admin consented to "
        + "Exchange.ManageAsApp (app-only) or to the delegated Exchange permission.");
  }

  /** The sign-in library refused locally (e.g. an invalid authority or a missing account). */
  public static TenantException failed(SignIn signIn, String scope, String errorCode, String text) {
    return new AccessDeniedException(what(signIn, scope) + " failed (" + errorCode + "): " + firstLine(text));
  }

  /** The sign-in endpoint could not be reached. */
  public static TenantException unreachable(SignIn signIn, String scope, Throwable cause) {
    return new TransientTenantException(what(signIn, scope) + " could not reach the sign-in endpoint: "
        + cause.getClass().getSimpleName() + "; retry later.", cause);
  }

  /** Anything else; only the failure's type and first line are kept. */
  public static TenantException unexpected(SignIn signIn, String scope, Throwable cause) {
    return new TenantException(what(signIn, scope) + " failed: " + cause.getClass().getSimpleName() + " "
        + firstLine(cause.getMessage()));
  }

  /** A delegated token supplier gave nothing. */
  public static TenantException noToken(String scope) {
    return new AccessDeniedException("The token supplier gave no access token for " + scope + ". Sign the admin in again.");
  }

  private static String what(SignIn signIn, String scope) {
    return "Sign-in to " + signIn.authority() + " for " + scope + signIn.appId().map(a -> " as app " + a).orElse("") + " ("
        + signIn.kind() + ")";
  }

  private static String firstLine(String s) {
    if (s == null) {
      return "";
    }
    int nl = s.indexOf('\n');
    String line = (nl < 0 ? s : s.substring(0, nl)).strip();
    return line.length() > MAX_TEXT ? line.substring(0, MAX_TEXT) + "…" : line;
  }
}
