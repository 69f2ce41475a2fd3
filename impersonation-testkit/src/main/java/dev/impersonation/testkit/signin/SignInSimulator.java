package dev.impersonation.testkit.signin;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

/**
 * A local Microsoft Entra ID sign-in endpoint for the delegated authorization code flow with PKCE, so a product's own
 * sign-in (a vendor's onboarding page, MSAL4J's {@code getAuthorizationRequestUrl} and {@code acquireToken}) can be tested
 * end to end in a browser, offline:
 * <ul>
 *   <li>{@code GET /{tenant}/oauth2/v2.0/authorize}: a sign-in page (the account field is {@code loginfmt}, id
 *       {@code i0116}, the button id {@code idSIButton9}, as on the live page); {@code POST} of that form redirects to
 *       {@code redirect_uri} with {@code code} and {@code state} ({@code response_mode} {@code query} or
 *       {@code form_post}); an unknown account gets the page again with the live text; "Cancel" redirects with
 *       {@code error=access_denied}.</li>
 *   <li>{@code POST /{tenant}/oauth2/v2.0/token}: {@code authorization_code} (the code once, for the same client and
 *       redirect URI, and the {@code code_verifier} whose S256 hash is the {@code code_challenge}, else
 *       {@code invalid_grant} with the live AADSTS text) and {@code refresh_token} (a token for another resource, as MSAL
 *       asks for Exchange after Graph). Answers carry an access token, a refresh token, {@code client_info} and an ID
 *       token whose {@code wids} claim lists the account's {@link DirectoryRole}s (what an app reads to tell an admin from a
 *       user; the live service puts {@code wids} in ID tokens when the app's manifest sets {@code groupMembershipClaims}).</li>
 *   <li>{@code GET /{tenant}/v2.0/adminconsent}: the admin consent page for {@code client_id}; accepting it as an account
 *       holding Global, Privileged Role, Cloud Application or Application Administrator runs
 *       {@link Builder#onAdminConsent} and redirects with {@code admin_consent=True}, {@code tenant} and {@code state};
 *       any other account, or "Cancel", redirects with {@code error}.</li>
 * </ul>
 * The tokens are opaque to the Exchange and Graph simulators, which accept any bearer token; {@link #accountFor(String)}
 * tells a test whose token a request carried. Codes, tokens and verifiers are never logged or kept in {@link #requests()}.
 *
 * <pre>{@code
 * try (SignInSimulator signIn = SignInSimulator.builder("contoso.onmicrosoft.com")
 *     .account("admin@contoso.onmicrosoft.com", "Ada Admin", DirectoryRole.EXCHANGE_ADMINISTRATOR)
 *     .account("user@contoso.onmicrosoft.com", "Uma User")
 *     .start()) {
 *   // point MSAL's https://login.microsoftonline.com at signIn.baseUrl() and drive the browser
 * }
 * }</pre>
 */
public final class SignInSimulator implements AutoCloseable {
  /** The live text for an account the tenant does not have (the page shows it under the field). */
  public static final String UNKNOWN_ACCOUNT_TEXT =
      "This username may be incorrect. Make sure you typed it correctly. Otherwise, contact your admin.";
  /** The live error for a code verifier that does not match the code challenge. */
  public static final String PKCE_MISMATCH_TEXT =
      "AADSTS501481: The Code_Verifier does not match the code_challenge supplied in the authorization request.";
  /** The live error for a code redeemed twice. */
  public static final String CODE_REDEEMED_TEXT =
      "AADSTS54005: OAuth2 Authorization code was already redeemed, please retry with a new valid code or use an existing "
          + "refresh token.";

  private static final ObjectMapper JSON = new ObjectMapper();

  private final String tenantDomain;
  private final String tenantId;
  private final Map<String, Account> accounts;
  private final Clock clock;
  private final HttpServer server;
  private final Map<String, PendingCode> codes = new ConcurrentHashMap<>();
  private final Map<String, Account> refreshTokens = new ConcurrentHashMap<>();
  private final Map<String, Account> accessTokens = new ConcurrentHashMap<>();
  private final List<String> requests = new CopyOnWriteArrayList<>();
  private final AdminConsent adminConsent;

  /** One account that can sign in. */
  record Account(String upn, String displayName, String objectId, Set<DirectoryRole> roles) {}

  /** A code issued and not yet redeemed. */
  private record PendingCode(Account account, String clientId, String redirectUri, Optional<String> challenge,
      Optional<String> nonce, String scope) {}

  private SignInSimulator(Builder b) throws IOException {
    this.tenantDomain = b.tenantDomain;
    this.tenantId = b.tenantId;
    this.accounts = Map.copyOf(b.accounts);
    this.clock = b.clock;
    this.adminConsent = new AdminConsent(tenantDomain, tenantId, accounts, b.onAdminConsent, requests);
    this.server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext("/", this::handle);
    server.start();
  }

  /** Starts a sign-in endpoint for the tenant with this primary domain. */
  public static Builder builder(String tenantDomain) {
    return new Builder(tenantDomain);
  }

  /** The base URL ({@code http://127.0.0.1:PORT}); route MSAL's login host here. */
  public String baseUrl() {
    return "http://" + server.getAddress().getAddress().getHostAddress() + ":" + server.getAddress().getPort();
  }

  /** The tenant id ({@code tid}) in the ID tokens. */
  public String tenantId() {
    return tenantId;
  }


  /** The account an access token issued here belongs to, if it was issued here. */
  public Optional<String> accountFor(String accessToken) {
    return Optional.ofNullable(accessTokens.get(accessToken)).map(Account::upn);
  }

  /** The requests so far, as {@code METHOD path (grant or outcome)}: no codes, tokens or verifiers. */
  public List<String> requests() {
    return List.copyOf(requests);
  }

  @Override
  public void close() {
    server.stop(0);
  }

  @Override
  public String toString() {
    return "SignInSimulator[" + tenantDomain + " at " + baseUrl() + ", " + accounts.size() + " accounts]";
  }

  private void handle(HttpExchange exchange) throws IOException {
    try (exchange) {
      String path = exchange.getRequestURI().getPath();
      String method = exchange.getRequestMethod();
      SignInHttp.echoCorrelationId(exchange);
      if (path.endsWith("/oauth2/v2.0/authorize") && method.equals("GET")) {
        Map<String, String> q = SignInHttp.form(exchange.getRequestURI().getRawQuery());
        requests.add("GET " + path);
        authorizePage(exchange, q, null);
      } else if (path.endsWith("/oauth2/v2.0/authorize") && method.equals("POST")) {
        Map<String, String> f = SignInHttp.form(SignInHttp.body(exchange));
        signIn(exchange, path, f);
      } else if (path.endsWith("/v2.0/adminconsent")) {
        Map<String, String> f = SignInHttp.form(method.equals("POST") ? SignInHttp.body(exchange)
            : exchange.getRequestURI().getRawQuery());
        adminConsent.handle(exchange, method + " " + path, f);
      } else if (path.endsWith("/oauth2/v2.0/token") && method.equals("POST")) {
        Map<String, String> f = SignInHttp.form(SignInHttp.body(exchange));
        requests.add("POST " + path + " (" + f.getOrDefault("grant_type", "no grant_type") + ")");
        token(exchange, f);
      } else {
        requests.add(method + " " + path + " (not found)");
        SignInHttp.send(exchange, 404, "text/plain", "Not found: " + method + " " + path);
      }
    } catch (RuntimeException e) {
      throw new IOException(e);
    }
  }

  private void authorizePage(HttpExchange exchange, Map<String, String> q, String error) throws IOException {
    Optional<String> problem = authorizeProblem(q);
    if (problem.isPresent()) {
      // The live service shows an error page rather than redirecting when the request itself is malformed.
      SignInHttp.errorPage(exchange, problem.get());
      return;
    }
    String hidden = SignInHttp.hiddenFields(q);
    String hint = q.getOrDefault("loginfmt", q.getOrDefault("login_hint", ""));
    String body = "<form method=\"post\">" + hidden
        + "<p>Sign in to <b>" + SignInHttp.html(tenantDomain) + "</b> (simulated Microsoft Entra ID)</p>"
        + "<input type=\"email\" name=\"loginfmt\" id=\"i0116\" placeholder=\"Email, phone, or Skype\" value=\"" + SignInHttp.html(hint) + "\">"
        + (error == null ? "" : "<div id=\"usernameError\" role=\"alert\">" + SignInHttp.html(error) + "</div>")
        + "<p><button type=\"submit\" name=\"action\" value=\"cancel\" id=\"idBtn_Back\">Cancel</button> "
        + "<button type=\"submit\" name=\"action\" value=\"signin\" id=\"idSIButton9\">Sign in</button></p></form>";
    SignInHttp.send(exchange, 200, "text/html; charset=utf-8", SignInHttp.page("Sign in to your account", body));
  }

  private Optional<String> authorizeProblem(Map<String, String> q) {
    if (!"code".equals(q.get("response_type"))) {
      return Optional.of("AADSTS900144: The request body must contain the following parameter: 'response_type' (code).");
    }
    if (q.getOrDefault("client_id", "").isBlank()) {
      return Optional.of("AADSTS900144: The request body must contain the following parameter: 'client_id'.");
    }
    String redirect = q.getOrDefault("redirect_uri", "");
    if (!redirect.startsWith("http://") && !redirect.startsWith("https://")) {
      return Optional.of("AADSTS50011: The redirect URI '" + redirect + "' specified in the request does not match the "
          + "redirect URIs configured for the application.");
    }
    if (q.containsKey("code_challenge") && !"S256".equals(q.getOrDefault("code_challenge_method", "plain"))
        && !"plain".equals(q.get("code_challenge_method"))) {
      return Optional.of("AADSTS501491: Invalid code_challenge_method.");
    }
    return Optional.empty();
  }

  private void signIn(HttpExchange exchange, String path, Map<String, String> f) throws IOException {
    Optional<String> problem = authorizeProblem(f);
    if (problem.isPresent()) {
      requests.add("POST " + path + " (malformed)");
      authorizePage(exchange, f, null);
      return;
    }
    String redirect = f.get("redirect_uri");
    Map<String, String> answer = new LinkedHashMap<>();
    if ("cancel".equals(f.get("action"))) {
      requests.add("POST " + path + " (cancelled)");
      answer.put("error", "access_denied");
      answer.put("error_description", "AADSTS65004: User declined to consent to access the app.");
    } else {
      Account account = accounts.get(f.getOrDefault("loginfmt", "").strip().toLowerCase(Locale.ROOT));
      if (account == null) {
        requests.add("POST " + path + " (unknown account)");
        authorizePage(exchange, f, UNKNOWN_ACCOUNT_TEXT);
        return;
      }
      requests.add("POST " + path + " (signed in)");
      String code = SignInTokens.random();
      codes.put(code, new PendingCode(account, f.get("client_id"), redirect, Optional.ofNullable(f.get("code_challenge")),
          Optional.ofNullable(f.get("nonce")), f.getOrDefault("scope", "")));
      answer.put("code", code);
    }
    if (f.containsKey("state")) {
      answer.put("state", f.get("state"));
    }
    if ("form_post".equals(f.get("response_mode"))) {
      StringBuilder inputs = new StringBuilder();
      answer.forEach((k, v) -> inputs.append("<input type=\"hidden\" name=\"").append(SignInHttp.html(k)).append("\" value=\"")
          .append(SignInHttp.html(v)).append("\">"));
      SignInHttp.send(exchange, 200, "text/html; charset=utf-8", "<!DOCTYPE html><html><body onload=\"document.forms[0].submit()\">"
          + "<form method=\"post\" action=\"" + SignInHttp.html(redirect) + "\">" + inputs + "<noscript><button>Continue</button></noscript>"
          + "</form></body></html>");
      return;
    }
    SignInHttp.redirect(exchange, redirect, answer);
  }

  private void token(HttpExchange exchange, Map<String, String> f) throws IOException {
    String grant = f.getOrDefault("grant_type", "");
    Account account;
    Optional<String> nonce = Optional.empty();
    String scope = f.getOrDefault("scope", "");
    if (grant.equals("authorization_code")) {
      PendingCode pending = codes.remove(f.getOrDefault("code", ""));
      if (pending == null) {
        tokenError(exchange, "invalid_grant", CODE_REDEEMED_TEXT);
        return;
      }
      if (!pending.clientId().equals(f.get("client_id")) || !pending.redirectUri().equals(f.get("redirect_uri"))) {
        tokenError(exchange, "invalid_grant", "AADSTS50148: The code_verifier does not match the code_challenge supplied in "
            + "the authorization request for PKCE, or the client or redirect URI differ from the authorization request.");
        return;
      }
      if (pending.challenge().isPresent() && !SignInTokens.s256(f.getOrDefault("code_verifier", "")).equals(pending.challenge().get())) {
        tokenError(exchange, "invalid_grant", PKCE_MISMATCH_TEXT);
        return;
      }
      account = pending.account();
      nonce = pending.nonce();
      if (scope.isBlank()) {
        scope = pending.scope();
      }
    } else if (grant.equals("refresh_token")) {
      account = refreshTokens.get(f.getOrDefault("refresh_token", ""));
      if (account == null) {
        tokenError(exchange, "invalid_grant", "AADSTS9002313: Invalid request. Request is malformed or invalid.");
        return;
      }
    } else {
      tokenError(exchange, "unsupported_grant_type", "AADSTS70003: The app requested an unsupported grant type '" + grant + "'.");
      return;
    }
    String access = "simulated-delegated-" + SignInTokens.random();
    String refresh = SignInTokens.random();
    accessTokens.put(access, account);
    refreshTokens.put(refresh, account);
    long now = clock.instant().getEpochSecond();
    Map<String, Object> claims = new LinkedHashMap<>();
    claims.put("aud", f.getOrDefault("client_id", ""));
    claims.put("iss", "https://login.microsoftonline.com/" + tenantId + "/v2.0");
    claims.put("iat", now);
    claims.put("nbf", now);
    claims.put("exp", now + 3600);
    claims.put("name", account.displayName());
    claims.put("oid", account.objectId());
    claims.put("preferred_username", account.upn());
    claims.put("sub", account.objectId());
    claims.put("tid", tenantId);
    claims.put("ver", "2.0");
    claims.put("wids", account.roles().stream().map(DirectoryRole::templateId).toList());
    nonce.ifPresent(n -> claims.put("nonce", n));
    Map<String, Object> answer = new LinkedHashMap<>();
    answer.put("token_type", "Bearer");
    answer.put("scope", SignInTokens.resourceScopes(scope));
    answer.put("expires_in", 3599);
    answer.put("ext_expires_in", 3599);
    answer.put("access_token", access);
    answer.put("refresh_token", refresh);
    answer.put("id_token", SignInTokens.jwt(claims));
    answer.put("client_info", SignInTokens.b64(JSON.writeValueAsBytes(Map.of("uid", account.objectId(), "utid", tenantId))));
    SignInHttp.send(exchange, 200, "application/json; charset=utf-8", JSON.writeValueAsString(answer));
  }

  /** The scopes of a resource among those asked for (MSAL adds openid, profile and offline_access). */
  private void tokenError(HttpExchange exchange, String error, String description) throws IOException {
    requests.add("  -> 400 " + error);
    Map<String, Object> answer = new LinkedHashMap<>();
    answer.put("error", error);
    answer.put("error_description", description);
    answer.put("error_codes", List.of(Integer.parseInt(description.replaceAll("^AADSTS(\\d+).*$", "$1"))));
    answer.put("timestamp", clock.instant().toString());
    answer.put("trace_id", UUID.randomUUID().toString());
    answer.put("correlation_id", UUID.randomUUID().toString());
    SignInHttp.send(exchange, 400, "application/json; charset=utf-8", JSON.writeValueAsString(answer));
  }

  /** Configures a {@link SignInSimulator}. */
  public static final class Builder {
    private final String tenantDomain;
    private String tenantId;
    private final Map<String, Account> accounts = new LinkedHashMap<>();
    private Clock clock = Clock.systemUTC();
    private Consumer<String> onAdminConsent = appId -> { };

    private Builder(String tenantDomain) {
      if (tenantDomain == null || tenantDomain.isBlank()) {
        throw new IllegalArgumentException("SignInSimulator.builder(...) needs the tenant's domain, e.g. 'contoso.onmicrosoft.com'.");
      }
      this.tenantDomain = tenantDomain.strip().toLowerCase(Locale.ROOT);
      this.tenantId = UUID.nameUUIDFromBytes(this.tenantDomain.getBytes(StandardCharsets.UTF_8)).toString();
    }

    /** The tenant id in the tokens (default: derived from the domain, stable across runs). */
    public Builder tenantId(String tenantId) {
      this.tenantId = UUID.fromString(Objects.requireNonNull(tenantId, "tenantId")).toString();
      return this;
    }

    /**
     * An account that can sign in, holding these directory roles (besides {@link DirectoryRole#USER}); with none it is a
     * plain user.
     */
    public Builder account(String userPrincipalName, String displayName, DirectoryRole... roles) {
      String upn = Objects.requireNonNull(userPrincipalName, "userPrincipalName").strip().toLowerCase(Locale.ROOT);
      if (!upn.contains("@")) {
        throw new IllegalArgumentException("An account signs in with its user principal name (name@domain), not '" + upn + "'.");
      }
      Set<DirectoryRole> held = EnumSet.of(DirectoryRole.USER);
      held.addAll(List.of(roles));
      accounts.put(upn, new Account(upn, Objects.requireNonNull(displayName, "displayName"),
          UUID.nameUUIDFromBytes(upn.getBytes(StandardCharsets.UTF_8)).toString(), Set.copyOf(held)));
      return this;
    }

    /** The clock of the tokens' {@code iat} and {@code exp} (e.g. the FakeTenant's). */
    public Builder clock(Clock clock) {
      this.clock = Objects.requireNonNull(clock, "clock");
      return this;
    }

    /**
     * What an admin's consent at {@code /{tenant}/v2.0/adminconsent} does, given the application id consented to (e.g.
     * {@code appId -> tenant.adminConsented(appId, spId, name)}: its service principal appears).
     */
    public Builder onAdminConsent(Consumer<String> onAdminConsent) {
      this.onAdminConsent = Objects.requireNonNull(onAdminConsent, "onAdminConsent");
      return this;
    }

    /** Starts the endpoint on a free loopback port. */
    public SignInSimulator start() {
      try {
        return new SignInSimulator(this);
      } catch (IOException e) {
        throw new UncheckedIOException("Could not start the sign-in simulator: " + e.getMessage(), e);
      }
    }
  }

}
