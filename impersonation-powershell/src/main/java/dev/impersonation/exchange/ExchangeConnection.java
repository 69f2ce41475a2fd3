package dev.impersonation.exchange;

import com.microsoft.aad.msal4j.IHttpClient;
import dev.impersonation.Cloud;
import dev.impersonation.InvalidSetupException;
import dev.impersonation.Secret;
import dev.impersonation.TenantTarget;
import dev.impersonation.exchange.internal.OkHttpMsalClient;
import dev.impersonation.spi.ExchangeBackend;
import dev.impersonation.spi.Sleeper;
import dev.impersonation.spi.TenantConnection;
import java.nio.file.Path;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.util.Objects;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Supplier;
import okhttp3.HttpUrl;
import okhttp3.OkHttpClient;

/**
 * The fluent entry point to Exchange Online over the admin REST endpoint (no PowerShell needed):
 *
 * <pre>{@code
 * TenantConnection tenant = ExchangeConnection.exchangeOnline("contoso.onmicrosoft.com")
 *     .appId("00000000-0000-0000-0000-000000000001")
 *     .certificate(Path.of("app.pfx"), Secret.of(console.readPassword()))
 *     .connection();
 * }</pre>
 *
 * <p>{@link #build()} gives the {@link ExchangeBackend} ({@link CmdletExchangeBackend} over an
 * {@link ExchangeRestTransport}); {@link #connection()} wraps it in a core {@link TenantConnection} on the system clock
 * (override with {@link #clock(Clock, Sleeper)}). The Exchange host comes from the target's cloud
 * ({@link Cloud#exchangeHost()}); as the DoD and China hosts are uncertain (docs/exchange-admin-rest.md) it can be overridden with
 * {@link #exchangeHost(String)}, and the token scope {@code https://<host>/.default} follows it. Sign-in uses
 * {@link ExchangeCredentials}: pass the same credentials to the Graph backend with {@link #credentials(ExchangeCredentials)}
 * so both share one token cache.
 *
 * <p>The default HTTP client connects within 10 s and reads for up to 15 minutes (REST cmdlets time out after 15
 * minutes), and never retries by itself: the core executor retries on the connection's clock. {@link #toString()} shows
 * the target and the kind of sign-in, never a secret.
 */
public final class ExchangeConnection {
  private final TenantTarget target;
  private final ExchangeCredentials.Builder credentialsBuilder;
  private ExchangeCredentials credentials;
  private boolean sharedCredentials;
  private String exchangeHost;
  private String baseUrl;
  private String tenantId;
  private OkHttpClient httpClient;
  private Duration readTimeout = DEFAULT_READ_TIMEOUT;
  private final java.util.Map<String, Duration> cmdletReadTimeouts = new java.util.LinkedHashMap<>();
  /** How long a REST call may stay silent by default before it is a (retried) timeout. */
  public static final Duration DEFAULT_READ_TIMEOUT = Duration.ofMinutes(2);
  private boolean msalHttpClientSet;
  private Clock clock = Clock.systemUTC();
  private Sleeper sleeper = Sleeper.system();
  private Path powerShell;
  private String appId;
  private Path pfxFile;
  private Secret pfxPassword;

  private ExchangeConnection(TenantTarget target) {
    this.target = Objects.requireNonNull(target, "target");
    this.credentialsBuilder = target.isExchangeOnline() ? ExchangeCredentials.builder(target) : null;
  }

  /**
   * On-premises Exchange Server, through a PowerShell process with a Kerberos remote session to {@code serverFqdn}
   * (the REST endpoint exists only in Exchange Online). Uses {@code pwsh} from the PATH unless
   * {@link #powerShell(Path)} names another.
   */
  public static ExchangeConnection exchangeServer(String organizationDomain, String serverFqdn) {
    ExchangeConnection c = new ExchangeConnection(TenantTarget.exchangeServer(organizationDomain, serverFqdn));
    c.powerShell = Path.of("pwsh");
    return c;
  }

  /**
   * Runs the cmdlets in a long-lived PowerShell process ({@code pwsh} with the ExchangeOnlineManagement module) instead
   * of over REST. Exchange Online connects with the certificate file given to {@link #certificate(Path, Secret)}, or
   * else with an access token from this connection's sign-in.
   */
  public ExchangeConnection powerShell(Path pwsh) {
    this.powerShell = Objects.requireNonNull(pwsh, "pwsh");
    return this;
  }

  /** Exchange Online in the global cloud, e.g. {@code exchangeOnline("contoso.onmicrosoft.com")}. */
  public static ExchangeConnection exchangeOnline(String tenantDomain) {
    return new ExchangeConnection(TenantTarget.exchangeOnline(tenantDomain));
  }

  /** Exchange Online in a national cloud (its login and Exchange hosts). */
  public static ExchangeConnection exchangeOnline(String tenantDomain, Cloud cloud) {
    return new ExchangeConnection(TenantTarget.exchangeOnline(tenantDomain, cloud));
  }

  /** Exchange Online for a target (which must be Exchange Online). */
  public static ExchangeConnection exchangeOnline(TenantTarget target) {
    if (!Objects.requireNonNull(target, "target").isExchangeOnline()) {
      throw new InvalidSetupException("The Exchange REST endpoint exists only in Exchange Online; " + target
          + " is on-premises: use ExchangeConnection.exchangeServer(domain, server), which runs PowerShell.");
    }
    return new ExchangeConnection(target);
  }

  // ------------------------------------------------------------ sign-in

  /** The application (client) id. Required for certificate, client-secret and device-code sign-in. */
  public ExchangeConnection appId(String appId) {
    this.appId = appId;
    return creds(b -> b.appId(appId));
  }

  /** App-only with a certificate and its private key. */
  public ExchangeConnection certificate(X509Certificate certificate, PrivateKey privateKey) {
    return creds(b -> b.certificate(certificate, privateKey));
  }

  /** App-only with a certificate from a PKCS#12 (.pfx/.p12) file. */
  public ExchangeConnection certificate(Path pkcs12, Secret password) {
    this.pfxFile = pkcs12;
    this.pfxPassword = password;
    return creds(b -> b.certificate(pkcs12, password));
  }

  /** App-only with a client secret. */
  public ExchangeConnection clientSecret(Secret secret) {
    return creds(b -> b.clientSecret(secret));
  }

  /** Delegated: the admin signs in with a device code; {@code showMessage} receives the instructions to show. */
  public ExchangeConnection deviceCode(String userPrincipalName, Consumer<String> showMessage) {
    return creds(b -> b.deviceCode(userPrincipalName, showMessage));
  }

  /** Delegated: tokens per scope from the vendor's own sign-in page, for the admin {@code userPrincipalName}. */
  public ExchangeConnection tokenSupplier(String userPrincipalName, Function<String, String> tokenForScope) {
    return creds(b -> b.tokenSupplier(userPrincipalName, tokenForScope));
  }

  /** Delegated: Exchange tokens from the vendor's own sign-in page, for the admin {@code userPrincipalName}. */
  public ExchangeConnection tokenSupplier(String userPrincipalName, Supplier<String> token) {
    return creds(b -> b.tokenSupplier(userPrincipalName, token));
  }

  /** Uses existing credentials (e.g. shared with the Graph backend) instead of the sign-in methods above. */
  public ExchangeConnection credentials(ExchangeCredentials shared) {
    if (credentialsBuilder.kind() != null) {
      throw new InvalidSetupException("Pass either shared credentials or a way to sign in, not both.");
    }
    this.credentials = Objects.requireNonNull(shared, "credentials");
    this.sharedCredentials = true;
    return this;
  }

  /** Overrides the sign-in host (default: the cloud's, e.g. {@code login.microsoftonline.us}). */
  public ExchangeConnection authorityHost(String host) {
    return creds(b -> b.authorityHost(host));
  }

  /**
   * The HTTP client MSAL signs in with (default: the injected {@link #httpClient(OkHttpClient)} if any, else MSAL's
   * own). Test hook: an {@code OkHttpMsalClient} with a URL rewrite routes sign-in to a local simulator.
   */
  public ExchangeConnection msalHttpClient(IHttpClient client) {
    msalHttpClientSet = client != null;
    return creds(b -> b.msalHttpClient(client));
  }

  /**
   * Sends MSAL's sign-in requests to {@code baseUrl} (e.g. a simulator's {@code http://localhost:PORT}) while MSAL
   * keeps the real https authority; for tests and local simulators only.
   */
  public ExchangeConnection signInVia(String baseUrl) {
    return msalHttpClient(new dev.impersonation.exchange.internal.OkHttpMsalClient(new OkHttpClient(),
        dev.impersonation.exchange.internal.OkHttpMsalClient.redirectTo(baseUrl)));
  }

  /** Whether MSAL retries a 5xx once by itself (default true). */
  public ExchangeConnection msalInternalRetries(boolean retries) {
    return creds(b -> b.msalInternalRetries(retries));
  }

  private ExchangeConnection creds(Consumer<ExchangeCredentials.Builder> change) {
    if (credentialsBuilder == null) {
      throw new InvalidSetupException("Exchange Server connects with the Kerberos identity of the process running PowerShell; "
          + "it takes no app credentials.");
    }
    if (sharedCredentials) {
      throw new InvalidSetupException("Shared credentials were passed with .credentials(...); configure sign-in on them instead.");
    }
    change.accept(credentialsBuilder);
    credentials = null;
    return this;
  }

  // ------------------------------------------------------------ endpoint

  /**
   * Overrides the Exchange host (default: {@link Cloud#exchangeHost()} of the target's cloud). The token scope is
   * {@code https://<host>/.default}.
   */
  public ExchangeConnection exchangeHost(String host) {
    if (host == null || !host.strip().matches("(?i)[a-z0-9.-]+(:[0-9]+)?")) {
      throw new InvalidSetupException("exchangeHost(...) needs a host name such as 'outlook.office365.us', but got '" + host + "'.");
    }
    this.exchangeHost = host.strip().toLowerCase(java.util.Locale.ROOT);
    return this;
  }

  /**
   * Sends requests to {@code baseUrl} (e.g. {@code http://localhost:8080} of a simulator) instead of
   * {@code https://<exchange host>}; the token scope still follows the Exchange host.
   */
  public ExchangeConnection baseUrl(String baseUrl) {
    if (HttpUrl.parse(Objects.requireNonNull(baseUrl, "baseUrl")) == null) {
      throw new InvalidSetupException("baseUrl(...) needs an http(s) URL such as 'http://localhost:8080', but got '" + baseUrl + "'.");
    }
    this.baseUrl = baseUrl;
    return this;
  }

  /**
   * The tenant segment of the URL and of the app-only anchor mailbox: the tenant's GUID (what public clients of the
   * endpoint send in the path) or a domain. By default the connection starts with the target's domain and switches the
   * path to the GUID from the {@code tid} claim of the first access token, so the endpoint sees the GUID without an
   * extra request; the anchor mailbox keeps the domain, as public clients anchor it (whether every vanity domain works
   * in the path is unproven: {@code docs/exchange-admin-rest.md}).
   */
  public ExchangeConnection tenantId(String tenantId) {
    if (tenantId == null || !tenantId.strip().matches("[A-Za-z0-9.-]+")) {
      throw new InvalidSetupException("tenantId(...) needs a tenant domain or id, but got '" + tenantId + "'.");
    }
    this.tenantId = tenantId.strip();
    return this;
  }

  /**
   * How long a REST call may wait for an answer before it fails as a (transient, retried) timeout; default
   * 2 minutes. Applies to the default HTTP client; an injected client keeps its own.
   */
  public ExchangeConnection readTimeout(Duration timeout) {
    this.readTimeout = positive(timeout, "readTimeout");
    return this;
  }

  /**
   * A longer (or shorter) read timeout for one cmdlet that is slow in this tenant, e.g.
   * {@code readTimeout("Get-Recipient", Duration.ofMinutes(10))}; applies with any HTTP client.
   */
  public ExchangeConnection readTimeout(String cmdlet, Duration timeout) {
    if (cmdlet == null || !cmdlet.strip().matches("[A-Za-z]+-[A-Za-z]+")) {
      throw new InvalidSetupException("readTimeout(cmdlet, ...) needs a cmdlet name such as 'Get-Recipient', not '" + cmdlet + "'.");
    }
    cmdletReadTimeouts.put(cmdlet.strip().toLowerCase(java.util.Locale.ROOT), positive(timeout, "readTimeout"));
    return this;
  }

  private static Duration positive(Duration d, String what) {
    if (d == null || d.isNegative() || d.isZero()) {
      throw new InvalidSetupException(what + "(...) needs a positive duration, not " + d + ".");
    }
    return d;
  }

  /** The OkHttp client to use (proxy, TLS, timeouts); it is not closed with the transport. */
  public ExchangeConnection httpClient(OkHttpClient client) {
    this.httpClient = Objects.requireNonNull(client, "client");
    return this;
  }

  /** The clock and sleeper of the {@link #connection()} (default: system clock, {@link Sleeper#system()}). */
  public ExchangeConnection clock(Clock clock, Sleeper sleeper) {
    this.clock = Objects.requireNonNull(clock, "clock");
    this.sleeper = Objects.requireNonNull(sleeper, "sleeper");
    if (!sharedCredentials) {
      credentialsBuilder.clock(clock);
      credentials = null;
    }
    return this;
  }

  // ------------------------------------------------------------ results

  /** The Exchange host requests and tokens are for, e.g. {@code outlook.office365.com}. */
  public String exchangeHost() {
    return exchangeHost != null ? exchangeHost : target.cloud().orElse(Cloud.GLOBAL).exchangeHost();
  }

  /** The token scope, {@code https://<exchange host>/.default}. */
  public String scope() {
    return "https://" + exchangeHost() + "/.default";
  }

  /** The InvokeCommand URL. */
  public String endpoint() {
    HttpUrl base = HttpUrl.get(baseUrl != null ? baseUrl : "https://" + exchangeHost());
    return base.newBuilder().addPathSegment("adminapi").addPathSegment("beta").addPathSegment(tenant())
        .addPathSegment("InvokeCommand").build().toString();
  }

  private String tenant() {
    return tenantId != null ? tenantId : target.domain();
  }

  /** The credentials (built once and reused by every transport this connection builds). */
  public synchronized ExchangeCredentials credentials() {
    if (credentials == null) {
      if (httpClient != null && !msalHttpClientSet) {
        credentialsBuilder.msalHttpClient(new OkHttpMsalClient(httpClient));
      }
      credentials = credentialsBuilder.build();
    }
    return credentials;
  }

  /** The {@code X-AnchorMailbox} value: the app-only system mailbox, or {@code UPN:<upn>} for a signed-in admin. */
  public String anchorMailbox() {
    ExchangeCredentials c = credentials();
    if (c.isAppOnly()) {
      return ExchangeRestTransport.APP_ANCHOR_PREFIX + tenant();
    }
    return "UPN:" + c.userPrincipalName().orElseThrow(() -> new InvalidSetupException(
        "Delegated sign-in needs the admin's user principal name for the X-AnchorMailbox header."));
  }

  /** A new REST transport (Exchange Online only). */
  public ExchangeRestTransport transport() {
    if (!target.isExchangeOnline()) {
      throw new InvalidSetupException("Exchange Server has no REST endpoint: its cmdlets run in PowerShell.");
    }
    ExchangeCredentials c = credentials();
    String scope = scope();
    boolean owns = httpClient == null;
    OkHttpClient http = owns ? defaultHttpClient(readTimeout) : httpClient;
    return new ExchangeRestTransport(http, endpoint(), () -> c.tokenFor(scope), anchorMailbox(), clock, owns, tenantId == null,
        cmdletReadTimeouts);
  }

  /**
   * An EWS access probe ({@link EwsAccessProbe}) on {@code https://<exchange host>/EWS/Exchange.asmx} (or the
   * {@link #baseUrl(String)}), signing in as this connection does, with the same HTTP client. To prove an app's EWS
   * access the connection must sign in as that app (app-only).
   */
  public EwsAccessProbe ewsProbe() {
    ExchangeCredentials c = credentials();
    String scope = scope();
    HttpUrl base = HttpUrl.get(baseUrl != null ? baseUrl : "https://" + exchangeHost());
    String url = base.newBuilder().addPathSegment("EWS").addPathSegment("Exchange.asmx").build().toString();
    return EwsAccessProbe.of(url, () -> c.tokenFor(scope), httpClient != null ? httpClient : defaultHttpClient());
  }

  /**
   * For Exchange Server on-premises: an EWS probe on {@code https://<server>/EWS/Exchange.asmx} (or the
   * {@link #baseUrl(String)}) that signs in as the vendor's service account with Basic authentication
   * ({@link EwsAccessProbe#basic}), so {@code verify} proves that the account really impersonates or opens each mailbox.
   *
   * @param serviceAccount the service account, {@code user@domain} or DOMAIN&#92;user
   * @param password its password (never logged or shown)
   * @return the probe
   */
  public EwsAccessProbe ewsProbe(String serviceAccount, dev.impersonation.Secret password) {
    if (target.isExchangeOnline()) {
      throw new InvalidSetupException("Exchange Online's EWS takes OAuth tokens only (Basic authentication is off there): "
          + "use ewsProbe() with the app's own sign-in.");
    }
    String server = target.server().orElseThrow(() -> new InvalidSetupException(
        "Name the Exchange server: ExchangeConnection.exchangeServer(domain, serverFqdn)."));
    HttpUrl base = HttpUrl.get(baseUrl != null ? baseUrl : "https://" + server);
    String url = base.newBuilder().addPathSegment("EWS").addPathSegment("Exchange.asmx").build().toString();
    return EwsAccessProbe.basic(url, serviceAccount, password, httpClient != null ? httpClient : defaultHttpClient());
  }

  /**
   * The Exchange backend: {@link CmdletExchangeBackend} over a new {@link ExchangeRestTransport}, or over a
   * {@link PowerShellProcessTransport} when {@link #powerShell(Path)} was chosen (always for Exchange Server).
   */
  public ExchangeBackend build() {
    return new CmdletExchangeBackend(target, powerShell != null ? powerShellTransport() : transport());
  }

  /** A new PowerShell process transport with the connect step this connection implies. */
  public PowerShellProcessTransport powerShellTransport() {
    PowerShellConnectStep step;
    if (!target.isExchangeOnline()) {
      step = PowerShellConnectStep.exchangeServer(target.server().orElseThrow(() -> new InvalidSetupException(
          "Name the Exchange server: ExchangeConnection.exchangeServer(domain, serverFqdn).")));
    } else if (pfxFile != null) {
      step = PowerShellConnectStep.exchangeOnlineCertificate(target, appId, pfxFile, pfxPassword);
    } else {
      ExchangeCredentials c = credentials();
      String scope = scope();
      step = PowerShellConnectStep.exchangeOnlineAccessToken(target, appId, () -> Secret.of(c.tokenFor(scope)));
    }
    return PowerShellProcessTransport.builder().executable(powerShell != null ? powerShell : Path.of("pwsh"))
        .connectStep(step).build();
  }

  /** A core {@link TenantConnection} whose Exchange backend is {@link #build()}, on this connection's clock. */
  public TenantConnection connection() {
    return TenantConnection.builder(target).exchange(build()).clock(clock, sleeper).build();
  }

  /** Same as {@link #connection()}. */
  public TenantConnection toTenantConnection() {
    return connection();
  }

  /** The HTTP client used when none is injected: connect 10 s, read 2 min, write 1 min, no silent retries. */
  static OkHttpClient defaultHttpClient() {
    return defaultHttpClient(DEFAULT_READ_TIMEOUT);
  }

  static OkHttpClient defaultHttpClient(Duration readTimeout) {
    return new OkHttpClient.Builder()
        .connectTimeout(Duration.ofSeconds(10))
        .readTimeout(readTimeout)
        .writeTimeout(Duration.ofMinutes(1))
        .retryOnConnectionFailure(false)
        .build();
  }

  @Override
  public String toString() {
    if (credentialsBuilder == null) {
      return "ExchangeConnection[" + target + ", PowerShell " + powerShell + ", Kerberos remote session to "
          + target.server().orElse("?") + "]";
    }
    String auth = credentials != null ? credentials.kind().toString()
        : credentialsBuilder.kind() == null ? "no sign-in chosen" : credentialsBuilder.kind().toString();
    return "ExchangeConnection[" + target + ", " + (powerShell != null ? "PowerShell " + powerShell : endpoint()) + ", " + auth
        + credentialsBuilder.userPrincipalName().map(u -> " as " + u).orElse("") + "]";
  }
}
