package dev.impersonation.exchange;

import com.microsoft.aad.msal4j.ClientCredentialFactory;
import com.microsoft.aad.msal4j.ClientCredentialParameters;
import com.microsoft.aad.msal4j.ConfidentialClientApplication;
import com.microsoft.aad.msal4j.DeviceCodeFlowParameters;
import com.microsoft.aad.msal4j.IAccount;
import com.microsoft.aad.msal4j.IAuthenticationResult;
import com.microsoft.aad.msal4j.IClientCredential;
import com.microsoft.aad.msal4j.IHttpClient;
import com.microsoft.aad.msal4j.MsalClientException;
import com.microsoft.aad.msal4j.MsalServiceException;
import com.microsoft.aad.msal4j.PublicClientApplication;
import com.microsoft.aad.msal4j.SilentParameters;
import dev.impersonation.AccessDeniedException;
import dev.impersonation.Cloud;
import dev.impersonation.InvalidSetupException;
import dev.impersonation.Secret;
import dev.impersonation.TenantException;
import dev.impersonation.TenantTarget;
import dev.impersonation.ThrottledException;
import dev.impersonation.TransientTenantException;
import dev.impersonation.exchange.internal.RestErrors;
import java.io.IOException;
import java.io.InputStream;
import java.net.MalformedURLException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Enumeration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Supplier;
import javax.net.ssl.SSLSocketFactory;

/**
 * Access tokens for one tenant, from MSAL4J (docs/exchange-admin-rest.md): app-only with a certificate or a client secret for
 * unattended runs, or delegated for an admin who signs in with a device code, or with tokens the vendor's own sign-in
 * page obtained.
 *
 * <pre>{@code
 * ExchangeCredentials creds = ExchangeCredentials.builder(TenantTarget.exchangeOnline("contoso.onmicrosoft.com"))
 *     .appId("00000000-0000-0000-0000-000000000001")
 *     .certificate(certificate, privateKey)
 *     .build();
 * String token = creds.tokenFor("https://outlook.office365.com/.default");
 * }</pre>
 *
 * <p>One object holds one MSAL application and so one token cache: a {@code TenantConnection} should reuse the same
 * credentials for its Exchange and Graph backends ({@link #tokenFor(String)} with each resource's {@code /.default}
 * scope), so a delegated admin signs in once. The authority is {@code https://<cloud login host>/<tenant>}; instance
 * discovery is off, so MSAL never calls Microsoft's discovery host. Secrets and tokens never appear in
 * {@link #toString()}, in logs or in exception messages. Thread-safe.
 */
public final class ExchangeCredentials {
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

  private final Kind kind;
  private final String appId;
  private final String authority;
  private final String userPrincipalName;
  private final ConfidentialClientApplication confidential;
  private final PublicClientApplication publicClient;
  private final Consumer<String> deviceCodeMessage;
  private final Function<String, String> tokenFunction;
  private final Clock clock;
  private final Object signInLock = new Object();

  private ExchangeCredentials(Builder b, Kind kind, IClientCredential credential) {
    this.kind = kind;
    this.appId = b.appId;
    this.authority = b.authority();
    this.userPrincipalName = b.userPrincipalName;
    this.deviceCodeMessage = b.deviceCodeMessage;
    this.tokenFunction = b.tokenFunction;
    this.clock = b.clock;
    try {
      if (credential != null) {
        ConfidentialClientApplication.Builder cb = ConfidentialClientApplication.builder(appId, credential)
            .authority(authority).instanceDiscovery(false);
        if (b.msalHttpClient != null) {
          cb.httpClient(b.msalHttpClient);
        }
        if (b.sslSocketFactory != null) {
          cb.sslSocketFactory(b.sslSocketFactory);
        }
        if (!b.msalInternalRetries) {
          cb.disableInternalRetries();
        }
        this.confidential = cb.build();
        this.publicClient = null;
      } else if (kind == Kind.DEVICE_CODE) {
        PublicClientApplication.Builder pb = PublicClientApplication.builder(appId).authority(authority).instanceDiscovery(false);
        if (b.msalHttpClient != null) {
          pb.httpClient(b.msalHttpClient);
        }
        if (b.sslSocketFactory != null) {
          pb.sslSocketFactory(b.sslSocketFactory);
        }
        if (!b.msalInternalRetries) {
          pb.disableInternalRetries();
        }
        this.publicClient = pb.build();
        this.confidential = null;
      } else {
        this.confidential = null;
        this.publicClient = null;
      }
    } catch (MalformedURLException e) {
      throw new InvalidSetupException("The sign-in authority '" + authority + "' is not a valid URL.");
    }
  }

  /** Starts credentials for an Exchange Online target; the authority comes from its cloud and domain. */
  public static Builder builder(TenantTarget target) {
    Objects.requireNonNull(target, "target");
    if (!target.isExchangeOnline()) {
      throw new InvalidSetupException("ExchangeCredentials sign in to Microsoft Entra ID, which only Exchange Online uses; "
          + target + " is on-premises: use the PowerShell transport there.");
    }
    return new Builder(target.domain(), target.cloud().orElse(Cloud.GLOBAL));
  }

  /** Starts credentials for a tenant (domain or tenant id) in a cloud. */
  public static Builder builder(String tenant, Cloud cloud) {
    if (tenant == null || tenant.isBlank()) {
      throw new InvalidSetupException("ExchangeCredentials.builder(...) needs the tenant, e.g. 'contoso.onmicrosoft.com' or its id.");
    }
    return new Builder(tenant.strip(), Objects.requireNonNull(cloud, "cloud"));
  }

  /** How tokens are obtained. */
  public Kind kind() {
    return kind;
  }

  /** Whether tokens are app-only. */
  public boolean isAppOnly() {
    return kind.isAppOnly();
  }

  /** The application (client) id; empty for a token supplier without one. */
  public Optional<String> appId() {
    return Optional.ofNullable(appId);
  }

  /** The sign-in authority, e.g. {@code https://login.microsoftonline.com/contoso.onmicrosoft.com/}. */
  public String authority() {
    return authority;
  }

  /** The signed-in admin's UPN, for delegated credentials. */
  public Optional<String> userPrincipalName() {
    return Optional.ofNullable(userPrincipalName);
  }

  /**
   * A current access token for {@code scope} (e.g. {@code https://outlook.office365.com/.default}), from MSAL's cache
   * when it holds one, else from the sign-in endpoint. A device-code sign-in shows its message through the callback and
   * blocks until the admin completes it.
   *
   * @throws AccessDeniedException if the sign-in was refused (wrong secret or certificate, no consent, …)
   * @throws TransientTenantException if the sign-in endpoint was unreachable or failed temporarily
   */
  public String tokenFor(String scope) {
    Objects.requireNonNull(scope, "scope");
    if (kind == Kind.TOKEN_SUPPLIER) {
      String token = tokenFunction.apply(scope);
      if (token == null || token.isBlank()) {
        throw new AccessDeniedException("The token supplier gave no access token for " + scope + ". Sign the admin in again.");
      }
      return token;
    }
    try {
      if (confidential != null) {
        return confidential.acquireToken(ClientCredentialParameters.builder(Set.of(scope)).build()).get().accessToken();
      }
      return delegated(scope).accessToken();
    } catch (ExecutionException e) {
      throw translate(e.getCause() == null ? e : e.getCause(), scope);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new TenantException("Interrupted while signing in to " + authority + ".", e);
    } catch (RuntimeException e) {
      if (e instanceof TenantException te) {
        throw te;
      }
      throw translate(e, scope);
    }
  }

  private IAuthenticationResult delegated(String scope) throws ExecutionException, InterruptedException {
    synchronized (signInLock) {
      Set<IAccount> accounts = publicClient.getAccounts().get();
      IAccount account = accounts.stream().filter(a -> a.username() != null && a.username().equalsIgnoreCase(userPrincipalName))
          .findFirst().orElse(accounts.size() == 1 ? accounts.iterator().next() : null);
      if (account != null) {
        try {
          return publicClient.acquireTokenSilently(SilentParameters.builder(Set.of(scope), account).build()).get();
        } catch (ExecutionException | MalformedURLException e) {
          // no usable cached or refreshable token: sign in again below
        }
      }
      DeviceCodeFlowParameters params = DeviceCodeFlowParameters.builder(Set.of(scope),
          deviceCode -> deviceCodeMessage.accept(deviceCode.message())).build();
      return publicClient.acquireToken(params).get();
    }
  }

  private TenantException translate(Throwable e, String scope) {
    String what = "Sign-in to " + authority + " for " + scope + (appId == null ? "" : " as app " + appId) + " (" + kind + ")";
    if (e instanceof MsalServiceException s) {
      String text = firstLine(s.getMessage());
      int status = s.statusCode() == null ? 0 : s.statusCode();
      if (status == 429) {
        Map<String, List<String>> headers = s.headers() == null ? Map.of() : s.headers();
        String retryAfter = header(headers, "Retry-After");
        return new ThrottledException(what + " was throttled: " + text,
            RestErrors.retryAfter(retryAfter, header(headers, "Date"), clock).orElse(null));
      }
      if (status >= 500) {
        return new TransientTenantException(what + " failed temporarily (HTTP " + status + "): " + text + "; retry later.");
      }
      return new AccessDeniedException(what + " was refused (" + s.errorCode() + "): " + text + ". Check the app id, the "
          + "tenant, that the certificate or secret is the one registered on the app and not expired, and that an admin "
          + "consented to Exchange.ManageAsApp (app-only) or to the delegated Exchange permission.");
    }
    if (e instanceof MsalClientException c) {
      Throwable cause = c.getCause();
      if (cause instanceof IOException) {
        return new TransientTenantException(what + " could not reach the sign-in endpoint: " + cause.getClass().getSimpleName()
            + "; retry later.", c);
      }
      return new AccessDeniedException(what + " failed (" + c.errorCode() + "): " + firstLine(c.getMessage()));
    }
    if (e instanceof IOException) {
      return new TransientTenantException(what + " could not reach the sign-in endpoint: " + e.getClass().getSimpleName()
          + "; retry later.", e);
    }
    return new TenantException(what + " failed: " + e.getClass().getSimpleName() + " " + firstLine(e.getMessage()));
  }

  private static String header(Map<String, List<String>> headers, String name) {
    return headers.entrySet().stream().filter(h -> name.equalsIgnoreCase(h.getKey()) && h.getValue() != null && !h.getValue().isEmpty())
        .map(h -> h.getValue().get(0)).findFirst().orElse(null);
  }

  private static String firstLine(String s) {
    if (s == null) {
      return "";
    }
    int nl = s.indexOf('\n');
    String line = nl < 0 ? s : s.substring(0, nl);
    return line.length() > 500 ? line.substring(0, 500) + "…" : line.strip();
  }

  @Override
  public String toString() {
    return "ExchangeCredentials[" + kind + (appId == null ? "" : ", app " + appId)
        + (userPrincipalName == null ? "" : ", user " + userPrincipalName) + ", authority " + authority + "]";
  }

  /**
   * Configures {@link ExchangeCredentials}. Choose exactly one way to sign in: {@link #certificate}, {@link #clientSecret},
   * {@link #deviceCode} or {@link #tokenSupplier}.
   */
  public static final class Builder {
    private final String tenant;
    private final Cloud cloud;
    private String authorityHost;
    private String appId;
    private Kind kind;
    private X509Certificate certificate;
    private PrivateKey privateKey;
    private List<X509Certificate> chain;
    private Secret clientSecret;
    private String userPrincipalName;
    private Consumer<String> deviceCodeMessage;
    private Function<String, String> tokenFunction;
    private IHttpClient msalHttpClient;
    private SSLSocketFactory sslSocketFactory;
    private boolean msalInternalRetries = true;
    private Clock clock = Clock.systemUTC();

    private Builder(String tenant, Cloud cloud) {
      this.tenant = tenant;
      this.cloud = cloud;
    }

    /** The application (client) id registered in Entra ID. Required except for {@link #tokenSupplier}. */
    public Builder appId(String appId) {
      this.appId = appId == null ? null : appId.strip();
      return this;
    }

    /** App-only with a certificate and its private key (the certificate is uploaded to the app registration). */
    public Builder certificate(X509Certificate certificate, PrivateKey privateKey) {
      choose(Kind.CERTIFICATE);
      this.certificate = Objects.requireNonNull(certificate, "certificate");
      this.privateKey = Objects.requireNonNull(privateKey, "privateKey");
      this.chain = List.of(certificate);
      return this;
    }

    /** App-only with a certificate from a PKCS#12 (.pfx/.p12) file; its first private-key entry is used. */
    public Builder certificate(Path pkcs12, Secret password) {
      Objects.requireNonNull(pkcs12, "pkcs12");
      Objects.requireNonNull(password, "password");
      char[] pw = password.reveal();
      try (InputStream in = Files.newInputStream(pkcs12)) {
        KeyStore store = KeyStore.getInstance("PKCS12");
        store.load(in, pw);
        for (Enumeration<String> aliases = store.aliases(); aliases.hasMoreElements();) {
          String alias = aliases.nextElement();
          if (store.isKeyEntry(alias) && store.getKey(alias, pw) instanceof PrivateKey key) {
            List<X509Certificate> certs = new ArrayList<>();
            for (Certificate c : store.getCertificateChain(alias)) {
              certs.add((X509Certificate) c);
            }
            choose(Kind.CERTIFICATE);
            this.privateKey = key;
            this.certificate = certs.get(0);
            this.chain = List.copyOf(certs);
            return this;
          }
        }
        throw new InvalidSetupException("The PKCS#12 file " + pkcs12.getFileName() + " holds no private key entry.");
      } catch (IOException | GeneralSecurityException e) {
        throw new InvalidSetupException("Cannot read the PKCS#12 file " + pkcs12.getFileName() + " (" + e.getClass().getSimpleName()
            + "): check the path and the password.");
      } finally {
        Arrays.fill(pw, '\0');
      }
    }

    /** App-only with a client secret. Prefer a certificate in production. */
    public Builder clientSecret(Secret secret) {
      choose(Kind.CLIENT_SECRET);
      this.clientSecret = Objects.requireNonNull(secret, "secret");
      return this;
    }

    /**
     * Delegated: the admin {@code userPrincipalName} signs in with a device code; {@code showMessage} receives the text
     * to show (the URL and the code). The app must be a public client registration.
     */
    public Builder deviceCode(String userPrincipalName, Consumer<String> showMessage) {
      choose(Kind.DEVICE_CODE);
      this.userPrincipalName = upn(userPrincipalName);
      this.deviceCodeMessage = Objects.requireNonNull(showMessage, "showMessage");
      return this;
    }

    /**
     * Delegated: tokens from the vendor's own sign-in page, for the admin {@code userPrincipalName}. The function maps a
     * scope (e.g. {@code https://outlook.office365.com/.default}) to a current access token; it is called before every
     * request, so it should cache and refresh.
     */
    public Builder tokenSupplier(String userPrincipalName, Function<String, String> tokenForScope) {
      choose(Kind.TOKEN_SUPPLIER);
      this.userPrincipalName = upn(userPrincipalName);
      this.tokenFunction = Objects.requireNonNull(tokenForScope, "tokenForScope");
      return this;
    }

    /** Delegated: like {@link #tokenSupplier(String, Function)} for a supplier of Exchange tokens only. */
    public Builder tokenSupplier(String userPrincipalName, Supplier<String> token) {
      Objects.requireNonNull(token, "token");
      return tokenSupplier(userPrincipalName, scope -> token.get());
    }

    /**
     * Overrides the sign-in host (default: the cloud's, e.g. {@code login.microsoftonline.us} for GCC High). The
     * authority stays {@code https://<host>/<tenant>/}.
     */
    public Builder authorityHost(String host) {
      this.authorityHost = host == null ? null : host.strip();
      return this;
    }

    /**
     * The HTTP client MSAL uses (default: MSAL's own). Pass {@code new OkHttpMsalClient(okHttp)} from the internal
     * package to share a proxy; tests pass one with a URL rewrite to reach a local simulator.
     */
    public Builder msalHttpClient(IHttpClient client) {
      this.msalHttpClient = client;
      return this;
    }

    /** The TLS socket factory for MSAL's default HTTP client (e.g. to trust a test server's certificate). */
    public Builder sslSocketFactory(SSLSocketFactory factory) {
      this.sslSocketFactory = factory;
      return this;
    }

    /** Whether MSAL retries a 5xx once after a second by itself (default true; tests of error paths turn it off). */
    public Builder msalInternalRetries(boolean retries) {
      this.msalInternalRetries = retries;
      return this;
    }

    /** The clock an HTTP-date {@code Retry-After} of the sign-in endpoint is measured from. */
    public Builder clock(Clock clock) {
      this.clock = Objects.requireNonNull(clock, "clock");
      return this;
    }

    Kind kind() {
      return kind;
    }

    Optional<String> userPrincipalName() {
      return Optional.ofNullable(userPrincipalName);
    }

    String authority() {
      String host = authorityHost == null || authorityHost.isEmpty() ? cloud.loginHost() : authorityHost;
      host = host.replaceFirst("(?i)^https://", "").replaceAll("/+$", "");
      return "https://" + host + "/" + tenant + "/";
    }

    private void choose(Kind k) {
      if (kind != null && kind != k) {
        throw new InvalidSetupException("Choose one way to sign in: " + kind + " is already set, so " + k + " cannot be added.");
      }
      kind = k;
    }

    private static String upn(String upn) {
      if (upn == null || !upn.matches("[^@\\s]+@[^@\\s]+\\.[^@\\s]+")) {
        throw new InvalidSetupException("Delegated sign-in needs the admin's user principal name, e.g. 'admin@contoso.com', "
            + "for the X-AnchorMailbox header.");
      }
      return upn.strip();
    }

    /** Builds the credentials (one MSAL application, one token cache). */
    public ExchangeCredentials build() {
      if (kind == null) {
        throw new InvalidSetupException("Choose how to sign in: .certificate(cert, key), .certificate(pkcs12Path, password), "
            + ".clientSecret(secret), .deviceCode(upn, message -> ...) or .tokenSupplier(upn, scope -> token).");
      }
      if (kind != Kind.TOKEN_SUPPLIER && (appId == null || appId.isEmpty())) {
        throw new InvalidSetupException("Sign-in with a " + kind + " needs the application (client) id: .appId(\"<appId>\").");
      }
      IClientCredential credential = null;
      if (kind == Kind.CERTIFICATE) {
        credential = chain.size() > 1 ? ClientCredentialFactory.createFromCertificateChain(privateKey, chain)
            : ClientCredentialFactory.createFromCertificate(privateKey, certificate);
      } else if (kind == Kind.CLIENT_SECRET) {
        char[] s = clientSecret.reveal();
        try {
          credential = ClientCredentialFactory.createFromSecret(new String(s));
        } finally {
          Arrays.fill(s, '\0');
        }
      }
      return new ExchangeCredentials(this, kind, credential);
    }

    @Override
    public String toString() {
      return "ExchangeCredentials.Builder[" + (kind == null ? "no sign-in chosen" : kind) + ", authority " + authority() + "]";
    }
  }
}
