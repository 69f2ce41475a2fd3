package dev.impersonation.graph;

import com.microsoft.graph.serviceclient.GraphServiceClient;
import dev.impersonation.Cloud;
import dev.impersonation.InvalidSetupException;
import dev.impersonation.SignIn;
import dev.impersonation.TenantTarget;
import dev.impersonation.graph.internal.GraphClients;
import dev.impersonation.graph.internal.MsalTokens;
import dev.impersonation.spi.Sleeper;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;
import okhttp3.OkHttpClient;

/**
 * Microsoft Graph for one Exchange Online tenant. Immutable; made by a {@link Builder}, derived with {@link #newBuilder()}:
 *
 * <pre>{@code
 * SignIn signIn = SignIn.builder(TenantTarget.exchangeOnline("contoso.onmicrosoft.com"))
 *     .appId("00000000-0000-0000-0000-000000000001")
 *     .certificate(Path.of("app.pfx"), Secret.of(console.readPassword()))
 *     .build();
 * GraphConnection graph = GraphConnection.builder(signIn).build();
 * DirectoryBackend directory = graph.directory();
 * AccessProbe probe = graph.probe();
 * }</pre>
 *
 * <p>Sign-in is a {@link SignIn}: give the same one to the Exchange connection and both share one token cache (a
 * delegated admin signs in once). The Graph host comes from the cloud ({@link Cloud#graphHost()}, e.g.
 * {@code graph.microsoft.us} for GCC High; override with {@link Builder#graphHost(String)}) and the token scope is
 * {@code https://<graph host>/.default}. {@link Builder#baseUrl(String)} points the SDK at a simulator; the SDK only ever
 * sends tokens to the Graph host and that base URL's host (its {@code AllowedHostsValidator} is always populated). The
 * HTTP client is built by the SDK's {@code GraphClientFactory} with its retry handler off: the core executor retries on
 * the connection's clock. {@link #toString()} never shows a secret.
 */
public final class GraphConnection {
  private final TenantTarget target;
  private final SignIn signIn;
  private final String graphHost;
  private final String baseUrl;
  private final OkHttpClient httpClient;
  private final Clock clock;
  private final Sleeper sleeper;
  private GraphServiceClient client;

  private GraphConnection(Builder b) {
    this.target = b.target;
    this.signIn = b.signIn;
    this.graphHost = b.graphHost;
    this.baseUrl = b.baseUrl;
    this.httpClient = b.httpClient;
    this.clock = b.clock;
    this.sleeper = b.sleeper;
  }

  /** Exchange Online in the global cloud, e.g. {@code exchangeOnline("contoso.onmicrosoft.com")}; sign in with {@link Builder#signIn}. */
  public static Builder exchangeOnline(String tenantDomain) {
    return new Builder(TenantTarget.exchangeOnline(tenantDomain));
  }

  /** Exchange Online in a national cloud (its login and Graph hosts). */
  public static Builder exchangeOnline(String tenantDomain, Cloud cloud) {
    return new Builder(TenantTarget.exchangeOnline(tenantDomain, cloud));
  }

  /** The directory of an Exchange Online target; Exchange Server has no Microsoft Graph. */
  public static Builder exchangeOnline(TenantTarget target) {
    if (!Objects.requireNonNull(target, "target").isExchangeOnline()) {
      throw new InvalidSetupException("Microsoft Graph serves Exchange Online tenants only; " + target + " is on-premises: "
          + "create its users and groups in Active Directory / Exchange Server instead.");
    }
    return new Builder(target);
  }

  /** Graph for the tenant {@code signIn} signs in to (its tenant must be a domain), signing in with it. */
  public static Builder builder(SignIn signIn) {
    return new Builder(TenantTarget.of(signIn)).signIn(signIn);
  }

  /** A builder holding this connection's settings, to derive another (the same {@link SignIn}, so the same token cache). */
  public Builder newBuilder() {
    Builder b = new Builder(target);
    b.signIn = signIn;
    b.graphHost = graphHost;
    b.baseUrl = baseUrl;
    b.httpClient = httpClient;
    b.clock = clock;
    b.sleeper = sleeper;
    return b;
  }

  /** The target. */
  public TenantTarget target() {
    return target;
  }

  /** How it signs in. */
  public SignIn signIn() {
    return signIn;
  }

  /** The Graph host, e.g. {@code graph.microsoft.com}. */
  public String graphHost() {
    return graphHost != null ? graphHost : target.cloud().orElse(Cloud.GLOBAL).graphHost();
  }

  /** The token scope, {@code https://<graph host>/.default}. */
  public String scope() {
    return "https://" + graphHost() + "/.default";
  }

  /** Where requests go: the base URL override, else {@code https://<graph host>/v1.0}. */
  public String baseUrl() {
    return baseUrl != null ? baseUrl : "https://" + graphHost() + "/v1.0";
  }

  /** The hosts the SDK may send tokens to: the Graph host and the base URL's host. Never empty. */
  public Set<String> allowedHosts() {
    Set<String> hosts = new LinkedHashSet<>();
    hosts.add(graphHost().toLowerCase(Locale.ROOT));
    hosts.add(URI.create(baseUrl()).getHost().toLowerCase(Locale.ROOT));
    return Set.copyOf(hosts);
  }

  private synchronized GraphServiceClient client() {
    if (client == null) {
      OkHttpClient signInHttp = new OkHttpClient.Builder().connectTimeout(Duration.ofSeconds(10))
          .readTimeout(Duration.ofSeconds(60)).retryOnConnectionFailure(false).build();
      MsalTokens tokens = new MsalTokens(signIn, signInHttp, clock);
      String scope = scope();
      client = GraphClients.client(uri -> tokens.tokenFor(scope), allowedHosts(), baseUrl(),
          httpClient != null ? httpClient : GraphClients.okHttp());
    }
    return client;
  }

  /** The directory backend. */
  public GraphDirectoryBackend directory() {
    return new GraphDirectoryBackend(client(), baseUrl(), clock, sleeper);
  }

  /** The access probe (an app-only sign-in of the application it probes). */
  public GraphAccessProbe probe() {
    return new GraphAccessProbe(client(), signIn, clock);
  }

  @Override
  public String toString() {
    return "GraphConnection[" + target + ", " + baseUrl() + ", " + signIn + "]";
  }

  /** Configures a {@link GraphConnection}; {@link #build()} checks it and makes the immutable connection. */
  public static final class Builder {
    private final TenantTarget target;
    private SignIn signIn;
    private String graphHost;
    private String baseUrl;
    private OkHttpClient httpClient;
    private Clock clock = Clock.systemUTC();
    private Sleeper sleeper = Sleeper.system();

    private Builder(TenantTarget target) {
      this.target = target;
    }

    /** How to sign in; its cloud must be the target's. Pass the same one to the Exchange connection to share one token cache. */
    public Builder signIn(SignIn signIn) {
      target.checkSignIn(signIn);
      this.signIn = signIn;
      return this;
    }

    /** Overrides the Graph host (default: {@link Cloud#graphHost()} of the target's cloud); the token scope follows it. */
    public Builder graphHost(String host) {
      String h = host == null ? null : host.strip().replaceFirst("(?i)^https://", "").replaceAll("/+$", "");
      if (h != null && (h.isEmpty() || h.contains("/"))) {
        throw new InvalidSetupException("graphHost(...) takes a host name such as 'graph.microsoft.us', but got '" + host + "'.");
      }
      this.graphHost = h;
      return this;
    }

    /**
     * Sends Graph requests to {@code baseUrl} instead of {@code https://<graph host>/v1.0}, e.g. a simulator's
     * {@code http://localhost:PORT/v1.0}. Plain HTTP is allowed for {@code localhost} only. Its host joins the allowed hosts.
     */
    public Builder baseUrl(String baseUrl) {
      URI uri;
      try {
        uri = URI.create(Objects.requireNonNull(baseUrl, "baseUrl").replaceAll("/+$", ""));
      } catch (IllegalArgumentException e) {
        uri = URI.create("invalid:/");
      }
      boolean local = "localhost".equalsIgnoreCase(uri.getHost()) || "127.0.0.1".equals(uri.getHost());
      if (uri.getHost() == null || !("https".equalsIgnoreCase(uri.getScheme()) || local && "http".equalsIgnoreCase(uri.getScheme()))) {
        throw new InvalidSetupException("baseUrl(...) needs an https URL (or http on localhost), e.g. "
            + "'http://localhost:8080/v1.0', but got '" + baseUrl + "'.");
      }
      this.baseUrl = uri.toString();
      return this;
    }

    /**
     * The OkHttp client Graph requests go through (default: the SDK's {@code GraphClientFactory} client with its retries
     * off). Build it with {@code GraphClientFactory} and {@code new RetryHandlerOption(null, 0, 0)}, or the SDK
     * middleware is lost and its retries come back.
     */
    public Builder httpClient(OkHttpClient client) {
      this.httpClient = Objects.requireNonNull(client, "client");
      return this;
    }

    /** The clock Retry-After dates are measured from and the sleeper inner {@code $batch} throttling waits on. */
    public Builder clock(Clock clock, Sleeper sleeper) {
      this.clock = Objects.requireNonNull(clock, "clock");
      this.sleeper = Objects.requireNonNull(sleeper, "sleeper");
      return this;
    }

    /** Checks the settings and makes the connection. */
    public GraphConnection build() {
      if (signIn == null) {
        throw new InvalidSetupException("Say how to sign in to " + target.domain() + ": .signIn(SignIn.builder(target)"
            + ".appId(\"<appId>\").certificate(pfx, password).build()), or a client secret, device code or token supplier.");
      }
      return new GraphConnection(this);
    }

    @Override
    public String toString() {
      return "GraphConnection.Builder[" + target + ", " + (signIn == null ? "no sign-in" : signIn.kind()) + "]";
    }
  }
}
