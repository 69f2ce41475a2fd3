package dev.impersonation;

import dev.impersonation.internal.Pkcs12;
import java.nio.file.Path;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * How the library signs in to one Microsoft Entra tenant: app-only with a certificate or a client secret for unattended
 * runs, delegated with a device code for an admin at a console, or delegated with tokens the vendor's own sign-in page
 * obtained. The Exchange and the Graph connections both take a {@code SignIn}; pass the same one to both and they share
 * one token cache, so a delegated admin signs in once.
 *
 * <pre>{@code
 * SignIn signIn = SignIn.builder(TenantTarget.exchangeOnline("contoso.onmicrosoft.com"))
 *     .appId("00000000-0000-0000-0000-000000000001")
 *     .certificate(Path.of("app.pfx"), Secret.of(console.readPassword()))
 *     .build();
 * ExchangeConnection exchange = ExchangeConnection.builder(signIn).build();
 * GraphConnection graph = GraphConnection.builder(signIn).build();
 * }</pre>
 *
 * <p>The authority is {@code https://<cloud login host>/<tenant>/} ({@link Cloud#loginHost()}, overridable with
 * {@link Builder#authorityHost(String)}). An immutable value: derive a variant with {@link #newBuilder()}. Secrets, keys
 * and tokens never appear in {@link #toString()}, logs or exception messages. The backends reach the credential itself only
 * through {@link #accept(Visitor)}, so whoever holds a {@code SignIn} holds its secret: keep it as you keep the secret.
 */
public final class SignIn {
  /** How tokens are obtained. */
  public enum Kind {
    /** App-only, a certificate (client assertion signed with its private key). */
    CERTIFICATE("app-only certificate"),
    /** App-only, a client secret. */
    CLIENT_SECRET("app-only client secret"),
    /** Delegated, an admin signs in with a device code. */
    DEVICE_CODE("delegated device code"),
    /** Delegated, tokens from the caller's own sign-in. */
    TOKEN_SUPPLIER("delegated token supplier");

    private final String label;

    Kind(String label) {
      this.label = label;
    }

    /** Whether tokens are app-only (no signed-in user). */
    public boolean isAppOnly() {
      return this == CERTIFICATE || this == CLIENT_SECRET;
    }

    @Override
    public String toString() {
      return label;
    }
  }

  /**
   * What a backend does with each way of signing in; {@link SignIn#accept(Visitor)} calls the one method that matches, so a
   * backend that signs in must handle all four.
   *
   * @param <R> what the backend makes of it (e.g. an MSAL application)
   */
  public interface Visitor<R> {
    /**
     * App-only with a certificate.
     *
     * @param chain the certificate first, then its chain (at least one)
     * @param key its private key
     * @param pkcs12 the PKCS#12 file it was read from, if any (PowerShell's {@code Connect-ExchangeOnline} takes the file)
     * @param pkcs12Password that file's password, if any
     */
    R certificate(List<X509Certificate> chain, PrivateKey key, Optional<Path> pkcs12, Optional<Secret> pkcs12Password);

    /** App-only with a client secret. */
    R clientSecret(Secret secret);

    /** Delegated: {@code userPrincipalName} signs in with a device code; {@code showMessage} shows the instructions. */
    R deviceCode(String userPrincipalName, Consumer<String> showMessage);

    /** Delegated: {@code tokenForScope} maps a scope to a current access token of {@code userPrincipalName}. */
    R tokenSupplier(String userPrincipalName, Function<String, String> tokenForScope);
  }

  private final String tenant;
  private final Cloud cloud;
  private final String authorityHost;
  private final Kind kind;
  private final String appId;
  private final Credential credential;
  private final String userPrincipalName;
  private final String signInEndpoint;
  private final boolean libraryRetries;
  private final TokenCache tokenCache;

  private SignIn(Builder b, TokenCache cache) {
    this.tenant = b.tenant;
    this.cloud = b.cloud;
    this.authorityHost = b.authorityHost;
    this.kind = b.kind;
    this.appId = b.appId;
    this.credential = b.credential;
    this.userPrincipalName = b.userPrincipalName;
    this.signInEndpoint = b.signInEndpoint;
    this.libraryRetries = b.libraryRetries;
    this.tokenCache = cache;
  }

  /** Starts a sign-in to an Exchange Online target's tenant; the authority comes from its cloud and domain. */
  public static Builder builder(TenantTarget target) {
    Objects.requireNonNull(target, "target");
    if (!target.isExchangeOnline()) {
      throw new InvalidSetupException("Sign-in goes to Microsoft Entra ID, which only Exchange Online uses; " + target
          + " is on-premises: Exchange Server connects with the Kerberos identity of the process running PowerShell.");
    }
    return new Builder(target.domain(), target.cloud().orElse(Cloud.GLOBAL));
  }

  /** Starts a sign-in to a tenant (its domain or its id) in a cloud. */
  public static Builder builder(String tenant, Cloud cloud) {
    if (tenant == null || tenant.isBlank()) {
      throw new InvalidSetupException("SignIn.builder(...) needs the tenant, e.g. 'contoso.onmicrosoft.com' or its id.");
    }
    return new Builder(tenant.strip(), Objects.requireNonNull(cloud, "cloud"));
  }

  /**
   * A builder holding this sign-in's settings. What it builds is a new sign-in with a new, empty token cache unless only
   * settings that do not change who signs in are changed ({@link Builder#signInVia}, {@link Builder#libraryRetries}).
   */
  public Builder newBuilder() {
    Builder b = new Builder(tenant, cloud);
    b.authorityHost = authorityHost;
    b.kind = kind;
    b.appId = appId;
    b.credential = credential;
    b.userPrincipalName = userPrincipalName;
    b.signInEndpoint = signInEndpoint;
    b.libraryRetries = libraryRetries;
    b.origin = this;
    return b;
  }

  /** How tokens are obtained. */
  public Kind kind() {
    return kind;
  }

  /** Whether tokens are app-only. */
  public boolean isAppOnly() {
    return kind.isAppOnly();
  }

  /** The tenant, a domain or an id, as given. */
  public String tenant() {
    return tenant;
  }

  /** The cloud whose sign-in host is used. */
  public Cloud cloud() {
    return cloud;
  }

  /** The application (client) id; empty for a token supplier without one. */
  public Optional<String> appId() {
    return Optional.ofNullable(appId);
  }

  /** The signed-in admin's UPN, for delegated sign-in. */
  public Optional<String> userPrincipalName() {
    return Optional.ofNullable(userPrincipalName);
  }

  /** The authority, e.g. {@code https://login.microsoftonline.com/contoso.onmicrosoft.com/}. */
  public String authority() {
    String host = authorityHost == null || authorityHost.isEmpty() ? cloud.loginHost() : authorityHost;
    host = host.replaceFirst("(?i)^https://", "").replaceAll("/+$", "");
    return "https://" + host + "/" + tenant + "/";
  }

  /**
   * Where sign-in requests really go when {@link Builder#signInVia(String)} redirected them (a local simulator); empty
   * for the authority itself.
   */
  public Optional<String> signInEndpoint() {
    return Optional.ofNullable(signInEndpoint);
  }

  /** Whether the sign-in library may retry a failed sign-in request by itself (default true). */
  public boolean libraryRetries() {
    return libraryRetries;
  }

  /** The token cache all backends signing in with this object share. */
  public TokenCache tokenCache() {
    return tokenCache;
  }

  /** Calls the {@code visitor} method for this way of signing in, with the credential it needs. */
  public <R> R accept(Visitor<R> visitor) {
    return credential.accept(Objects.requireNonNull(visitor, "visitor"));
  }

  /** The credential of one way of signing in, handed to a visitor only. */
  private interface Credential {
    <R> R accept(Visitor<R> visitor);
  }

  @Override
  public String toString() {
    return "SignIn[" + kind + (appId == null ? "" : ", app " + appId) + (userPrincipalName == null ? "" : ", user " + userPrincipalName)
        + ", authority " + authority() + (signInEndpoint == null ? "" : ", via " + signInEndpoint) + "]";
  }

  /**
   * Configures a {@link SignIn}. Choose exactly one way to sign in: {@link #certificate}, {@link #clientSecret},
   * {@link #deviceCode} or {@link #tokenSupplier}.
   */
  public static final class Builder {
    private final String tenant;
    private final Cloud cloud;
    private String authorityHost;
    private String appId;
    private Kind kind;
    private Credential credential;
    private String userPrincipalName;
    private String signInEndpoint;
    private boolean libraryRetries = true;
    private SignIn origin;
    private boolean identityChanged;

    private Builder(String tenant, Cloud cloud) {
      this.tenant = tenant;
      this.cloud = cloud;
    }

    /** The application (client) id registered in Entra ID. Required except for {@link #tokenSupplier}. */
    public Builder appId(String appId) {
      this.appId = appId == null ? null : appId.strip();
      identityChanged = true;
      return this;
    }

    /** App-only with a certificate and its private key (the certificate is uploaded to the app registration). */
    public Builder certificate(X509Certificate certificate, PrivateKey privateKey) {
      List<X509Certificate> chain = List.of(Objects.requireNonNull(certificate, "certificate"));
      Objects.requireNonNull(privateKey, "privateKey");
      return choose(Kind.CERTIFICATE, null, new Credential() {
        @Override
        public <R> R accept(Visitor<R> v) {
          return v.certificate(chain, privateKey, Optional.empty(), Optional.empty());
        }
      });
    }

    /** App-only with a certificate from a PKCS#12 (.pfx/.p12) file; its first private-key entry is used. */
    public Builder certificate(Path pkcs12, Secret password) {
      Objects.requireNonNull(pkcs12, "pkcs12");
      Objects.requireNonNull(password, "password");
      Pkcs12 store = Pkcs12.read(pkcs12, password);
      return choose(Kind.CERTIFICATE, null, new Credential() {
        @Override
        public <R> R accept(Visitor<R> v) {
          return v.certificate(store.chain(), store.key(), Optional.of(pkcs12), Optional.of(password));
        }
      });
    }

    /** App-only with a client secret. Prefer a certificate in production. */
    public Builder clientSecret(Secret secret) {
      Objects.requireNonNull(secret, "secret");
      return choose(Kind.CLIENT_SECRET, null, new Credential() {
        @Override
        public <R> R accept(Visitor<R> v) {
          return v.clientSecret(secret);
        }
      });
    }

    /**
     * Delegated: the admin {@code userPrincipalName} signs in with a device code; {@code showMessage} receives the text
     * to show (the URL and the code). The app must be a public client registration.
     */
    public Builder deviceCode(String userPrincipalName, Consumer<String> showMessage) {
      String upn = upn(userPrincipalName);
      Objects.requireNonNull(showMessage, "showMessage");
      return choose(Kind.DEVICE_CODE, upn, new Credential() {
        @Override
        public <R> R accept(Visitor<R> v) {
          return v.deviceCode(upn, showMessage);
        }
      });
    }

    /**
     * Delegated: tokens from the vendor's own sign-in page, for the admin {@code userPrincipalName}. The function maps a
     * scope (e.g. {@code https://outlook.office365.com/.default}) to a current access token; it is called before every
     * request, so it should cache and refresh.
     */
    public Builder tokenSupplier(String userPrincipalName, Function<String, String> tokenForScope) {
      String upn = upn(userPrincipalName);
      Objects.requireNonNull(tokenForScope, "tokenForScope");
      return choose(Kind.TOKEN_SUPPLIER, upn, new Credential() {
        @Override
        public <R> R accept(Visitor<R> v) {
          return v.tokenSupplier(upn, tokenForScope);
        }
      });
    }

    /** Delegated: like {@link #tokenSupplier(String, Function)} with one token whatever the scope. */
    public Builder tokenSupplier(String userPrincipalName, Supplier<String> token) {
      Objects.requireNonNull(token, "token");
      return tokenSupplier(userPrincipalName, scope -> token.get());
    }

    /**
     * Overrides the sign-in host (default: the cloud's, e.g. {@code login.microsoftonline.us} for GCC High). The
     * authority stays {@code https://<host>/<tenant>/}.
     */
    public Builder authorityHost(String host) {
      String h = host == null ? null : host.strip().replaceFirst("(?i)^https://", "").replaceAll("/+$", "");
      if (h != null && (h.isEmpty() || h.contains("/") || h.contains(" "))) {
        throw new InvalidSetupException("authorityHost(...) takes a host name such as 'login.microsoftonline.us', but got '"
            + host + "'.");
      }
      this.authorityHost = h;
      identityChanged = true;
      return this;
    }

    /**
     * Sends the sign-in requests to {@code baseUrl} (e.g. a simulator's {@code http://localhost:8080}) while the
     * authority stays the real https one; for tests and local simulators only.
     */
    public Builder signInVia(String baseUrl) {
      if (baseUrl == null || !baseUrl.strip().matches("(?i)https?://[^/\\s]+(/\\S*)?")) {
        throw new InvalidSetupException("signInVia(...) needs an http(s) URL such as 'http://localhost:8080', but got '" + baseUrl
            + "'.");
      }
      this.signInEndpoint = baseUrl.strip();
      return this;
    }

    /** Whether the sign-in library may retry a 5xx once by itself (default true; tests of error paths turn it off). */
    public Builder libraryRetries(boolean retries) {
      this.libraryRetries = retries;
      return this;
    }

    private Builder choose(Kind k, String upn, Credential c) {
      if (kind != null && kind != k && origin == null) {
        throw new InvalidSetupException("Choose one way to sign in: " + kind + " is already set, so " + k + " cannot be added.");
      }
      kind = k;
      userPrincipalName = upn;
      credential = c;
      identityChanged = true;
      return this;
    }

    private static String upn(String upn) {
      if (upn == null || !upn.strip().matches("[^@\\s]+@[^@\\s]+\\.[^@\\s]+")) {
        throw new InvalidSetupException("Delegated sign-in needs the admin's user principal name, e.g. 'admin@contoso.com', "
            + "but got '" + upn + "'.");
      }
      return upn.strip();
    }

    /** Builds the sign-in; checks that exactly one way to sign in was chosen and that it has what it needs. */
    public SignIn build() {
      if (kind == null) {
        throw new InvalidSetupException("Choose how to sign in: .certificate(cert, key), .certificate(pkcs12Path, password), "
            + ".clientSecret(secret), .deviceCode(upn, message -> ...) or .tokenSupplier(upn, scope -> token).");
      }
      if (kind != Kind.TOKEN_SUPPLIER && (appId == null || appId.isEmpty())) {
        throw new InvalidSetupException("Sign-in with a " + kind + " needs the application (client) id: .appId(\"<appId>\").");
      }
      TokenCache cache = origin != null && !identityChanged ? origin.tokenCache : new TokenCache();
      return new SignIn(this, cache);
    }

    @Override
    public String toString() {
      return "SignIn.Builder[" + (kind == null ? "no sign-in chosen" : kind) + ", tenant " + tenant + "]";
    }
  }
}
