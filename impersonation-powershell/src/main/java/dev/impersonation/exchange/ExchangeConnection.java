package dev.impersonation.exchange;

import dev.impersonation.Cloud;
import dev.impersonation.InvalidSetupException;
import dev.impersonation.Secret;
import dev.impersonation.SignIn;
import dev.impersonation.TenantConnection;
import dev.impersonation.TenantTarget;
import dev.impersonation.exchange.internal.HttpDefaults;
import dev.impersonation.exchange.internal.MsalTokens;
import dev.impersonation.spi.ExchangeBackend;
import dev.impersonation.spi.Sleeper;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import okhttp3.HttpUrl;
import okhttp3.OkHttpClient;

/**
 * One Exchange organization's admin endpoint: Exchange Online over the admin REST endpoint (no PowerShell needed), or
 * a PowerShell process (always for Exchange Server). Immutable; made by a {@link Builder}, derived with
 * {@link #newBuilder()}:
 *
 * <pre>{@code
 * SignIn signIn = SignIn.builder(TenantTarget.exchangeOnline("contoso.onmicrosoft.com"))
 *     .appId("00000000-0000-0000-0000-000000000001")
 *     .certificate(Path.of("app.pfx"), Secret.of(console.readPassword()))
 *     .build();
 * TenantConnection tenant = ExchangeConnection.builder(signIn).build().connection();
 * }</pre>
 *
 * <p>{@link #backend()} gives the {@link ExchangeBackend} ({@link CmdletExchangeBackend} over an
 * {@link ExchangeRestTransport}); {@link #connection()} wraps it in a core {@link TenantConnection} on the connection's
 * clock. The Exchange host comes from the target's cloud ({@link Cloud#exchangeHost()}); as the DoD and China hosts are
 * uncertain (docs/exchange-admin-rest.md) it can be overridden with {@link Builder#exchangeHost(String)}, and the token
 * scope {@code https://<host>/.default} follows it. Sign-in is a {@link SignIn}: give the same one to the Graph
 * connection and both share one token cache.
 *
 * <p>The default HTTP client connects within 10 s and waits up to 2 minutes for an answer (per-cmdlet overrides with
 * {@link Builder#readTimeout(String, Duration)}), and never retries by itself: the core executor retries on the
 * connection's clock. {@link #toString()} shows the target and the kind of sign-in, never a secret.
 */
public final class ExchangeConnection {
  /** How long a REST call may stay silent by default before it is a (retried) timeout. */
  public static final Duration DEFAULT_READ_TIMEOUT = Duration.ofMinutes(2);

  private final TenantTarget target;
  private final SignIn signIn;
  private final String exchangeHost;
  private final String baseUrl;
  private final String tenantId;
  private final OkHttpClient httpClient;
  private final Duration readTimeout;
  private final Map<String, Duration> cmdletReadTimeouts;
  private final Clock clock;
  private final Sleeper sleeper;
  private final Path powerShell;
  private final int maxConcurrentRequests;
  private MsalTokens tokens;

  private ExchangeConnection(Builder b) {
    this.target = b.target;
    this.signIn = b.signIn;
    this.exchangeHost = b.exchangeHost;
    this.baseUrl = b.baseUrl;
    this.tenantId = b.tenantId;
    this.httpClient = b.httpClient;
    this.readTimeout = b.readTimeout;
    this.cmdletReadTimeouts = Map.copyOf(b.cmdletReadTimeouts);
    this.clock = b.clock;
    this.sleeper = b.sleeper;
    this.powerShell = b.powerShell;
    this.maxConcurrentRequests = b.maxConcurrentRequests;
  }

  /**
   * Requests in flight to one tenant by default over REST: 3, the number of concurrent connections Exchange Online
   * PowerShell documents per admin; the REST endpoint's own limit is not published [U] (docs/exchange-admin-rest.md#concurrency).
   */
  public static final int DEFAULT_MAX_CONCURRENT_REQUESTS = 3;
  /** The most {@link Builder#maxConcurrentRequests} accepts. */
  public static final int MAX_CONCURRENT_REQUESTS = 16;

  /** Exchange Online in the global cloud, e.g. {@code exchangeOnline("contoso.onmicrosoft.com")}; sign in with {@link Builder#signIn}. */
  public static Builder exchangeOnline(String tenantDomain) {
    return new Builder(TenantTarget.exchangeOnline(tenantDomain));
  }

  /** Exchange Online in a national cloud (its login and Exchange hosts). */
  public static Builder exchangeOnline(String tenantDomain, Cloud cloud) {
    return new Builder(TenantTarget.exchangeOnline(tenantDomain, cloud));
  }

  /** Exchange Online for a target (which must be Exchange Online). */
  public static Builder exchangeOnline(TenantTarget target) {
    if (!Objects.requireNonNull(target, "target").isExchangeOnline()) {
      throw new InvalidSetupException("The Exchange REST endpoint exists only in Exchange Online; " + target
          + " is on-premises: use ExchangeConnection.exchangeServer(domain, server), which runs PowerShell.");
    }
    return new Builder(target);
  }

  /** Exchange Online for the tenant {@code signIn} signs in to (its tenant must be a domain), signing in with it. */
  public static Builder builder(SignIn signIn) {
    return new Builder(TenantTarget.of(signIn)).signIn(signIn);
  }

  /**
   * On-premises Exchange Server, through a PowerShell process with a Kerberos remote session to {@code serverFqdn}
   * (the REST endpoint exists only in Exchange Online). Uses {@code pwsh} from the PATH unless
   * {@link Builder#powerShell(Path)} names another.
   */
  public static Builder exchangeServer(String organizationDomain, String serverFqdn) {
    Builder b = new Builder(TenantTarget.exchangeServer(organizationDomain, serverFqdn));
    b.powerShell = Path.of("pwsh");
    return b;
  }

  /** A builder holding this connection's settings, to derive another (the same {@link SignIn}, so the same token cache). */
  public Builder newBuilder() {
    Builder b = new Builder(target);
    b.signIn = signIn;
    b.exchangeHost = exchangeHost;
    b.baseUrl = baseUrl;
    b.tenantId = tenantId;
    b.httpClient = httpClient;
    b.readTimeout = readTimeout;
    b.cmdletReadTimeouts.putAll(cmdletReadTimeouts);
    b.clock = clock;
    b.sleeper = sleeper;
    b.powerShell = powerShell;
    b.maxConcurrentRequests = maxConcurrentRequests;
    return b;
  }

  // ------------------------------------------------------------ what it is

  /** The target. */
  public TenantTarget target() {
    return target;
  }

  /** How it signs in; empty for Exchange Server (the Kerberos identity of the PowerShell process). */
  public Optional<SignIn> signIn() {
    return Optional.ofNullable(signIn);
  }

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

  /** The {@code X-AnchorMailbox} value: the app-only system mailbox, or {@code UPN:<upn>} for a signed-in admin. */
  public String anchorMailbox() {
    SignIn s = requireSignIn();
    if (s.isAppOnly()) {
      return ExchangeRestTransport.APP_ANCHOR_PREFIX + tenant();
    }
    return "UPN:" + s.userPrincipalName().orElseThrow(() -> new InvalidSetupException(
        "Delegated sign-in needs the admin's user principal name for the X-AnchorMailbox header."));
  }

  /**
   * A current access token for this connection's Exchange scope, from the sign-in's shared token cache when it holds one.
   * Never logged; for callers that hand the token to another client.
   */
  public String accessToken() {
    return tokens().tokenFor(scope());
  }

  private synchronized MsalTokens tokens() {
    if (tokens == null) {
      tokens = new MsalTokens(requireSignIn(), httpClient != null ? httpClient : HttpDefaults.signIn(), clock);
    }
    return tokens;
  }

  private SignIn requireSignIn() {
    if (signIn == null) {
      throw new InvalidSetupException("Exchange Server connects with the Kerberos identity of the process running PowerShell; "
          + "it has no sign-in.");
    }
    return signIn;
  }

  // ------------------------------------------------------------ what it makes

  /** A new REST transport (Exchange Online only). */
  public ExchangeRestTransport transport() {
    if (!target.isExchangeOnline()) {
      throw new InvalidSetupException("Exchange Server has no REST endpoint: its cmdlets run in PowerShell.");
    }
    MsalTokens t = tokens();
    String scope = scope();
    boolean owns = httpClient == null;
    OkHttpClient http = owns ? defaultHttpClient(readTimeout) : httpClient;
    return new ExchangeRestTransport(http, endpoint(), () -> t.tokenFor(scope), anchorMailbox(), clock, owns, tenantId == null,
        cmdletReadTimeouts);
  }

  /**
   * An EWS access probe ({@link EwsAccessProbe}) on {@code https://<exchange host>/EWS/Exchange.asmx} (or the base URL),
   * signing in as this connection does, with the same HTTP client. To prove an app's EWS access the connection must sign
   * in as that app (app-only).
   */
  public EwsAccessProbe ewsProbe() {
    MsalTokens t = tokens();
    String scope = scope();
    HttpUrl base = HttpUrl.get(baseUrl != null ? baseUrl : "https://" + exchangeHost());
    String url = base.newBuilder().addPathSegment("EWS").addPathSegment("Exchange.asmx").build().toString();
    return EwsAccessProbe.of(url, () -> t.tokenFor(scope), httpClient != null ? httpClient : defaultHttpClient());
  }

  /**
   * For Exchange Server on-premises: an EWS probe on {@code https://<server>/EWS/Exchange.asmx} (or the base URL) that
   * signs in as the vendor's service account with Basic authentication ({@link EwsAccessProbe#basic}), so {@code verify}
   * proves that the account really impersonates or opens each mailbox.
   *
   * @param serviceAccount the service account, {@code user@domain} or DOMAIN&#92;user
   * @param password its password (never logged or shown)
   * @return the probe
   */
  public EwsAccessProbe ewsProbe(String serviceAccount, Secret password) {
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
   * The Exchange backend: {@link CmdletExchangeBackend} over a new {@link ExchangeRestTransport} with up to
   * {@link Builder#maxConcurrentRequests} independent cmdlets in flight, or over a {@link PowerShellProcessTransport}
   * (one at a time) when a PowerShell executable was chosen (always for Exchange Server).
   */
  public ExchangeBackend backend() {
    return powerShell != null ? new CmdletExchangeBackend(target, powerShellTransport())
        : new CmdletExchangeBackend(target, transport(), maxConcurrentRequests);
  }

  /** A new PowerShell process transport with the connect step this connection implies. */
  public PowerShellProcessTransport powerShellTransport() {
    PowerShellConnectStep step;
    if (!target.isExchangeOnline()) {
      step = PowerShellConnectStep.exchangeServer(target.server().orElseThrow(() -> new InvalidSetupException(
          "Name the Exchange server: ExchangeConnection.exchangeServer(domain, serverFqdn).")));
    } else {
      step = ConnectSteps.forSignIn(target, requireSignIn(), () -> Secret.of(accessToken()));
    }
    return PowerShellProcessTransport.builder().executable(powerShell != null ? powerShell : Path.of("pwsh"))
        .connectStep(step).build();
  }

  /** A core {@link TenantConnection} whose Exchange backend is {@link #backend()}, on this connection's clock. */
  public TenantConnection connection() {
    return TenantConnection.builder(target).exchange(backend()).clock(clock, sleeper).build();
  }

  /** The HTTP client used when none is injected: connect 10 s, read 2 min, write 1 min, no silent retries. */
  static OkHttpClient defaultHttpClient() {
    return HttpDefaults.exchange(DEFAULT_READ_TIMEOUT);
  }

  static OkHttpClient defaultHttpClient(Duration readTimeout) {
    return HttpDefaults.exchange(readTimeout);
  }

  @Override
  public String toString() {
    if (signIn == null) {
      return "ExchangeConnection[" + target + ", PowerShell " + powerShell + ", Kerberos remote session to "
          + target.server().orElse("?") + "]";
    }
    return "ExchangeConnection[" + target + ", " + (powerShell != null ? "PowerShell " + powerShell : endpoint()) + ", "
        + signIn.kind() + signIn.userPrincipalName().map(u -> " as " + u).orElse("") + "]";
  }

  /** Configures an {@link ExchangeConnection}; {@link #build()} checks it and makes the immutable connection. */
  public static final class Builder {
    private final TenantTarget target;
    private SignIn signIn;
    private String exchangeHost;
    private String baseUrl;
    private String tenantId;
    private OkHttpClient httpClient;
    private Duration readTimeout = DEFAULT_READ_TIMEOUT;
    private final Map<String, Duration> cmdletReadTimeouts = new LinkedHashMap<>();
    private Clock clock = Clock.systemUTC();
    private int maxConcurrentRequests = DEFAULT_MAX_CONCURRENT_REQUESTS;
    private Sleeper sleeper = Sleeper.system();
    private Path powerShell;

    private Builder(TenantTarget target) {
      this.target = target;
    }

    /**
     * How to sign in (Exchange Online). The sign-in's cloud must be the target's; pass the same {@link SignIn} to the
     * Graph connection so both share one token cache.
     */
    public Builder signIn(SignIn signIn) {
      target.checkSignIn(signIn);
      this.signIn = signIn;
      return this;
    }

    /**
     * Runs the cmdlets in a long-lived PowerShell process ({@code pwsh} with the ExchangeOnlineManagement module) instead
     * of over REST. Exchange Online connects with the sign-in's PKCS#12 file when it has one, else with an access token.
     */
    public Builder powerShell(Path pwsh) {
      this.powerShell = Objects.requireNonNull(pwsh, "pwsh");
      return this;
    }

    /**
     * Overrides the Exchange host (default: {@link Cloud#exchangeHost()} of the target's cloud). The token scope is
     * {@code https://<host>/.default}.
     */
    public Builder exchangeHost(String host) {
      if (host == null || !host.strip().matches("(?i)[a-z0-9.-]+(:[0-9]+)?")) {
        throw new InvalidSetupException("exchangeHost(...) needs a host name such as 'outlook.office365.us', but got '" + host + "'.");
      }
      this.exchangeHost = host.strip().toLowerCase(Locale.ROOT);
      return this;
    }

    /**
     * Sends requests to {@code baseUrl} (e.g. {@code http://localhost:8080} of a simulator) instead of
     * {@code https://<exchange host>}; the token scope still follows the Exchange host.
     */
    public Builder baseUrl(String baseUrl) {
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
     * extra request; the anchor mailbox keeps the domain, as public clients anchor it (docs/exchange-admin-rest.md).
     */
    public Builder tenantId(String tenantId) {
      if (tenantId == null || !tenantId.strip().matches("[A-Za-z0-9.-]+")) {
        throw new InvalidSetupException("tenantId(...) needs a tenant domain or id, but got '" + tenantId + "'.");
      }
      this.tenantId = tenantId.strip();
      return this;
    }

    /**
     * How long a REST call may wait for an answer before it fails as a (transient, retried) timeout; default 2 minutes.
     * Applies to the default HTTP client; an injected client keeps its own.
     */
    public Builder readTimeout(Duration timeout) {
      this.readTimeout = positive(timeout, "readTimeout");
      return this;
    }

    /**
     * A longer (or shorter) read timeout for one cmdlet that is slow in this tenant, e.g.
     * {@code readTimeout("Get-Recipient", Duration.ofMinutes(10))}; applies with any HTTP client.
     */
    public Builder readTimeout(String cmdlet, Duration timeout) {
      if (cmdlet == null || !cmdlet.strip().matches("[A-Za-z]+-[A-Za-z]+")) {
        throw new InvalidSetupException("readTimeout(cmdlet, ...) needs a cmdlet name such as 'Get-Recipient', not '" + cmdlet + "'.");
      }
      cmdletReadTimeouts.put(cmdlet.strip().toLowerCase(Locale.ROOT), positive(timeout, "readTimeout"));
      return this;
    }

    private static Duration positive(Duration d, String what) {
      if (d == null || d.isNegative() || d.isZero()) {
        throw new InvalidSetupException(what + "(...) needs a positive duration, not " + d + ".");
      }
      return d;
    }

    /**
     * How many independent cmdlets (members added to or removed from a group, FullAccess grants) the REST backend sends
     * at once, from 1 to {@value ExchangeConnection#MAX_CONCURRENT_REQUESTS}; default
     * {@value ExchangeConnection#DEFAULT_MAX_CONCURRENT_REQUESTS}. The backend halves it while the service throttles and
     * grows it back after. Reads and dependent writes always go one at a time; a PowerShell process always takes 1.
     */
    public Builder maxConcurrentRequests(int requests) {
      if (requests < 1 || requests > MAX_CONCURRENT_REQUESTS) {
        throw new InvalidSetupException("maxConcurrentRequests(" + requests + ") must be from 1 to " + MAX_CONCURRENT_REQUESTS
            + ": Exchange Online answers more than a few concurrent requests per tenant with \"maximum number of concurrent "
            + "requests\" (the default, " + DEFAULT_MAX_CONCURRENT_REQUESTS + ", is the documented PowerShell connection limit).");
      }
      this.maxConcurrentRequests = requests;
      return this;
    }

    /** The OkHttp client to use for Exchange and for sign-in (proxy, TLS, timeouts); it is not closed with the transport. */
    public Builder httpClient(OkHttpClient client) {
      this.httpClient = Objects.requireNonNull(client, "client");
      return this;
    }

    /** The clock and sleeper of the {@link ExchangeConnection#connection()} (default: system clock, {@link Sleeper#system()}). */
    public Builder clock(Clock clock, Sleeper sleeper) {
      this.clock = Objects.requireNonNull(clock, "clock");
      this.sleeper = Objects.requireNonNull(sleeper, "sleeper");
      return this;
    }

    /** Checks the settings and makes the connection. */
    public ExchangeConnection build() {
      if (target.isExchangeOnline() && signIn == null) {
        throw new InvalidSetupException("Say how to sign in to " + target.domain() + ": .signIn(SignIn.builder(target)"
            + ".appId(\"<appId>\").certificate(pfx, password).build()), or a client secret, device code or token supplier.");
      }
      return new ExchangeConnection(this);
    }

    @Override
    public String toString() {
      return "ExchangeConnection.Builder[" + target + ", " + (signIn == null ? "no sign-in" : signIn.kind()) + "]";
    }
  }
}
