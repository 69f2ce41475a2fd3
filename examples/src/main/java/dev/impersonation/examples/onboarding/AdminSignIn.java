package dev.impersonation.examples.onboarding;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.microsoft.aad.msal4j.AuthorizationCodeParameters;
import com.microsoft.aad.msal4j.AuthorizationRequestUrlParameters;
import com.microsoft.aad.msal4j.IAccount;
import com.microsoft.aad.msal4j.IAuthenticationResult;
import com.microsoft.aad.msal4j.Prompt;
import com.microsoft.aad.msal4j.PublicClientApplication;
import com.microsoft.aad.msal4j.ResponseMode;
import com.microsoft.aad.msal4j.SilentParameters;
import java.net.MalformedURLException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ExecutionException;

/**
 * The admin's sign-in through MSAL4J: the authorization code flow with PKCE (S256). {@link #start} makes the URL the
 * browser goes to and the secrets the callback needs; {@link #finish} redeems the code with the verifier and reads who
 * signed in from the ID token. One MSAL application per sign-in, so its token cache (and refresh token) belongs to that
 * admin only; later tokens for other resources (Exchange after Graph) come from it silently.
 */
final class AdminSignIn {
  /** The first token is for Graph; Exchange's comes silently from the same refresh token. */
  static final String GRAPH_SCOPE = "https://graph.microsoft.com/.default";

  private static final ObjectMapper JSON = new ObjectMapper();

  private final String clientId;
  private final String authority;
  private final SignInRoute route;

  /** What the callback needs to finish one sign-in; held in the browser's session only. */
  record Pending(String state, String codeVerifier, String nonce, PublicClientApplication app) {}

  /**
   * @param clientId the vendor's onboarding app registration (multi-tenant, public client with this redirect URI)
   * @param authority e.g. {@code https://login.microsoftonline.com/organizations/}
   * @param route where sign-in requests really go
   */
  AdminSignIn(String clientId, String authority, SignInRoute route) {
    this.clientId = Objects.requireNonNull(clientId, "clientId");
    this.authority = authority.endsWith("/") ? authority : authority + "/";
    this.route = route;
  }

  /** A new sign-in: the URL to send the browser to (already routed) and what the callback checks. */
  Started start(URI redirectUri) {
    PublicClientApplication app;
    try {
      app = PublicClientApplication.builder(clientId).authority(authority).instanceDiscovery(false).httpClient(route).build();
    } catch (MalformedURLException e) {
      throw new IllegalStateException("The sign-in authority '" + authority + "' is not a URL.", e);
    }
    Pending pending = new Pending(Unguessable.value(), Unguessable.value() + Unguessable.value(), Unguessable.value(), app);
    AuthorizationRequestUrlParameters params = AuthorizationRequestUrlParameters.builder(redirectUri.toString(), Set.of(GRAPH_SCOPE))
        .codeChallenge(challenge(pending.codeVerifier())).codeChallengeMethod("S256").state(pending.state())
        .nonce(pending.nonce()).responseMode(ResponseMode.QUERY).prompt(Prompt.SELECT_ACCOUNT).build();
    try {
      return new Started(route.route(app.getAuthorizationRequestUrl(params).toURI()), pending);
    } catch (java.net.URISyntaxException e) {
      throw new IllegalStateException(e);
    }
  }

  /** The browser's URL and the pending sign-in. */
  record Started(URI browserUrl, Pending pending) {}

  /**
   * Redeems {@code code} with the pending sign-in's verifier.
   *
   * @throws SignInFailedException if the sign-in endpoint refused it
   */
  SignedInAdmin finish(Pending pending, String code, URI redirectUri) {
    PublicClientApplication app = pending.app();
    IAuthenticationResult result;
    try {
      result = app.acquireToken(AuthorizationCodeParameters.builder(code, redirectUri).scopes(Set.of(GRAPH_SCOPE))
          .codeVerifier(pending.codeVerifier()).build()).get();
    } catch (ExecutionException e) {
      Throwable cause = e.getCause() == null ? e : e.getCause();
      throw new SignInFailedException("Microsoft did not accept the sign-in: " + firstLine(cause.getMessage()), cause);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new SignInFailedException("Interrupted while finishing the sign-in.", e);
    }
    JsonNode claims = claims(result.idToken());
    if (!pending.nonce().equals(claims.path("nonce").asText(pending.nonce()))) {
      throw new SignInFailedException("The ID token's nonce does not match this sign-in; start again.", null);
    }
    IAccount account = result.account();
    List<String> wids = new ArrayList<>();
    claims.path("wids").forEach(w -> wids.add(w.asText()));
    String upn = claims.path("preferred_username").asText(account == null ? "" : account.username());
    return new SignedInAdmin(upn, claims.path("name").asText(upn), claims.path("tid").asText(""), wids, claims.has("wids"),
        scope -> silently(app, account, scope));
  }

  private static String silently(PublicClientApplication app, IAccount account, String scope) {
    try {
      return app.acquireTokenSilently(SilentParameters.builder(Set.of(scope), account).build()).get().accessToken();
    } catch (ExecutionException | MalformedURLException e) {
      throw new SignInFailedException("The admin's sign-in no longer yields a token for " + scope + "; sign in again.", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new SignInFailedException("Interrupted while getting a token.", e);
    }
  }

  private static JsonNode claims(String idToken) {
    String[] parts = idToken == null ? new String[0] : idToken.split("\\.");
    if (parts.length < 2) {
      throw new SignInFailedException("The sign-in returned no ID token; the app must ask for the 'openid' scope.", null);
    }
    try {
      return JSON.readTree(Base64.getUrlDecoder().decode(parts[1]));
    } catch (java.io.IOException | IllegalArgumentException e) {
      throw new SignInFailedException("The sign-in returned an ID token that is not a JWT.", e);
    }
  }

  static String challenge(String verifier) {
    try {
      byte[] hash = MessageDigest.getInstance("SHA-256").digest(verifier.getBytes(StandardCharsets.US_ASCII));
      return Base64.getUrlEncoder().withoutPadding().encodeToString(hash);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /**
   * Microsoft's admin consent URL for {@code appId} in {@code tenantId} (already routed): {@code /{tenant}/v2.0/adminconsent}
   * with {@code scope=https://graph.microsoft.com/.default}, which consents to exactly what the app registration lists and
   * creates its service principal. The answer comes back to {@code redirectUri} with {@code admin_consent=True} or
   * {@code error}.
   */
  URI adminConsentUrl(String tenantId, String appId, URI redirectUri, String state) {
    URI base = URI.create(authority).resolve("/" + tenantId + "/v2.0/adminconsent");
    String query = "client_id=" + enc(appId) + "&scope=" + enc(GRAPH_SCOPE) + "&redirect_uri=" + enc(redirectUri.toString())
        + "&state=" + enc(state);
    return route.route(URI.create(base + "?" + query));
  }

  private static String enc(String s) {
    return java.net.URLEncoder.encode(s, StandardCharsets.UTF_8);
  }

  private static String firstLine(String s) {
    return s == null ? "(no message)" : s.lines().findFirst().orElse(s);
  }

  /** The sign-in could not be completed; the message is safe to show (no code, token or verifier). */
  static final class SignInFailedException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    SignInFailedException(String message, Throwable cause) {
      super(message, cause);
    }
  }
}
