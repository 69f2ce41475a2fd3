package dev.impersonation.graph;

import com.microsoft.aad.msal4j.IHttpClient;
import com.microsoft.graph.serviceclient.GraphServiceClient;
import dev.impersonation.Cloud;
import dev.impersonation.InvalidSetupException;
import dev.impersonation.Secret;
import dev.impersonation.TenantTarget;
import dev.impersonation.exchange.ExchangeCredentials;
import dev.impersonation.exchange.internal.OkHttpMsalClient;
import dev.impersonation.graph.internal.GraphClients;
import dev.impersonation.spi.Sleeper;
import java.net.URI;
import java.nio.file.Path;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.util.LinkedHashSet;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Supplier;
import okhttp3.OkHttpClient;

/**
 * The fluent entry point to Microsoft Graph for one Exchange Online tenant:
 *
 * <pre>{@code
 * GraphConnection graph = GraphConnection.exchangeOnline("contoso.onmicrosoft.com")
 *     .appId("00000000-0000-0000-0000-000000000001")
 *     .certificate(Path.of("app.pfx"), Secret.of(console.readPassword()));
 * DirectoryBackend directory = graph.build();
 * AccessProbe probe = graph.probe();
 * }</pre>
 *
 * <p>Sign-in takes the same options as {@code ExchangeConnection} and uses the same {@link ExchangeCredentials} type;
 * pass one credentials object to both with {@link #credentials(ExchangeCredentials)} so they share one MSAL token cache
 * (a delegated admin signs in once). The Graph host comes from the cloud ({@link Cloud#graphHost()}, e.g.
 * {@code graph.microsoft.us} for GCC High; override with {@link #graphHost(String)}) and the token scope is
 * {@code https://<graph host>/.default}. {@link #baseUrl(String)} points the SDK at a simulator; the SDK only ever sends
 * tokens to the Graph host and that base URL's host (its {@code AllowedHostsValidator} is always populated). The HTTP
 * client is built by the SDK's {@code GraphClientFactory} with its retry handler off: the core executor retries on the
 * connection's clock ({@link #clock(Clock, Sleeper)}). {@link #toString()} never shows a secret.
 */
public final class GraphConnection {
  private final TenantTarget target;
  private final ExchangeCredentials.Builder credentialsBuilder;
  private ExchangeCredentials credentials;
  private boolean sharedCredentials;
  private boolean signInConfigured;
  private String graphHost;
  private String baseUrl;
  private OkHttpClient httpClient;
  private Clock clock = Clock.systemUTC();
  private Sleeper sleeper = Sleeper.system();
  private GraphServiceClient client;

  private GraphConnection(TenantTarget target) {
    this.target = target;
    this.credentialsBuilder = ExchangeCredentials.builder(target);
  }

  /** Exchange Online in the global cloud, e.g. {@code exchangeOnline("contoso.onmicrosoft.com")}. */
  public static GraphConnection exchangeOnline(String tenantDomain) {
    return new GraphConnection(TenantTarget.exchangeOnline(tenantDomain));
  }

  /** Exchange Online in a national cloud (its login and Graph hosts). */
  public static GraphConnection exchangeOnline(String tenantDomain, Cloud cloud) {
    return new GraphConnection(TenantTarget.exchangeOnline(tenantDomain, cloud));
  }

  /** The directory of an Exchange Online target; Exchange Server has no Microsoft Graph. */
  public static GraphConnection exchangeOnline(TenantTarget target) {
    if (!Objects.requireNonNull(target, "target").isExchangeOnline()) {
      throw new InvalidSetupException("Microsoft Graph serves Exchange Online tenants only; " + target + " is on-premises: "
          + "create its users and groups in Active Directory / Exchange Server instead.");
    }
    return new GraphConnection(target);
  }

  // ------------------------------------------------------------ sign-in (as ExchangeConnection)

  /** The application (client) id. Required for certificate, client-secret and device-code sign-in. */
  public GraphConnection appId(String appId) {
    return creds(b -> b.appId(appId));
  }

  /** App-only with a certificate and its private key. */
  public GraphConnection certificate(X509Certificate certificate, PrivateKey privateKey) {
    return creds(b -> b.certificate(certificate, privateKey));
  }

  /** App-only with a certificate from a PKCS#12 (.pfx/.p12) file. */
  public GraphConnection certificate(Path pkcs12, Secret password) {
    return creds(b -> b.certificate(pkcs12, password));
  }

  /** App-only with a client secret. */
  public GraphConnection clientSecret(Secret secret) {
    return creds(b -> b.clientSecret(secret));
  }

  /** Delegated: the admin signs in with a device code; {@code showMessage} receives the instructions to show. */
  public GraphConnection deviceCode(String userPrincipalName, Consumer<String> showMessage) {
    return creds(b -> b.deviceCode(userPrincipalName, showMessage));
  }

  /** Delegated: tokens per scope from the vendor's own sign-in page, for the admin {@code userPrincipalName}. */
  public GraphConnection tokenSupplier(String userPrincipalName, Function<String, String> tokenForScope) {
    return creds(b -> b.tokenSupplier(userPrincipalName, tokenForScope));
  }

  /** Delegated: Graph tokens from the vendor's own sign-in page, for the admin {@code userPrincipalName}. */
  public GraphConnection tokenSupplier(String userPrincipalName, Supplier<String> token) {
    return creds(b -> b.tokenSupplier(userPrincipalName, token));
  }

  /** Uses existing credentials (e.g. those of the tenant's {@code ExchangeConnection}): one token cache for both. */
  public GraphConnection credentials(ExchangeCredentials shared) {
    if (!signInConfigured) {
      this.credentials = Objects.requireNonNull(shared, "credentials");
      this.sharedCredentials = true;
      this.client = null;
      return this;
    }
    throw new InvalidSetupException("Pass either shared credentials or a way to sign in, not both.");
  }

  /** Overrides the sign-in host (default: the cloud's, e.g. {@code login.microsoftonline.us}). */
  public GraphConnection authorityHost(String host) {
    return creds(b -> b.authorityHost(host));
  }

  /** The HTTP client MSAL signs in with (default: MSAL's own). */
  public GraphConnection msalHttpClient(IHttpClient client) {
    return creds(b -> b.msalHttpClient(client));
  }

  /** Sends MSAL's sign-in requests to {@code baseUrl} (a local simulator) while MSAL keeps the real authority; tests only. */
  public GraphConnection signInVia(String baseUrl) {
    return msalHttpClient(new OkHttpMsalClient(new OkHttpClient(), OkHttpMsalClient.redirectTo(baseUrl)));
  }

  /** Whether MSAL retries a 5xx once by itself (default true). */
  public GraphConnection msalInternalRetries(boolean retries) {
    return creds(b -> b.msalInternalRetries(retries));
  }

  private GraphConnection creds(Consumer<ExchangeCredentials.Builder> change) {
    if (sharedCredentials) {
      throw new InvalidSetupException("Shared credentials were passed with .credentials(...); configure sign-in on them instead.");
    }
    change.accept(credentialsBuilder);
    signInConfigured = true;
    credentials = null;
    client = null;
    return this;
  }

  // ------------------------------------------------------------ endpoint

  /** Overrides the Graph host (default: {@link Cloud#graphHost()} of the target's cloud); the token scope follows it. */
  public GraphConnection graphHost(String host) {
    String h = host == null ? null : host.strip().replaceFirst("(?i)^https://", "").replaceAll("/+$", "");
    if (h != null && (h.isEmpty() || h.contains("/"))) {
      throw new InvalidSetupException("graphHost(...) takes a host name such as 'graph.microsoft.us', but got '" + host + "'.");
    }
    this.graphHost = h;
    this.client = null;
    return this;
  }

  /**
   * Sends Graph requests to {@code baseUrl} instead of {@code https://<graph host>/v1.0}, e.g. a simulator's
   * {@code http://localhost:PORT/v1.0}. Plain HTTP is allowed for {@code localhost} only. Its host joins the allowed hosts.
   */
  public GraphConnection baseUrl(String baseUrl) {
    URI uri = URI.create(Objects.requireNonNull(baseUrl, "baseUrl").replaceAll("/+$", ""));
    boolean local = "localhost".equalsIgnoreCase(uri.getHost()) || "127.0.0.1".equals(uri.getHost());
    if (uri.getHost() == null || !("https".equalsIgnoreCase(uri.getScheme()) || local && "http".equalsIgnoreCase(uri.getScheme()))) {
      throw new InvalidSetupException("baseUrl(...) needs an https URL (or http on localhost), e.g. "
          + "'http://localhost:8080/v1.0', but got '" + baseUrl + "'.");
    }
    this.baseUrl = uri.toString();
    this.client = null;
    return this;
  }

  /**
   * The OkHttp client Graph requests go through (default: {@link GraphClients#okHttp()}). Build it with the SDK's
   * {@code GraphClientFactory} and {@code new RetryHandlerOption(null, 0, 0)}, or the SDK middleware is lost and its
   * retries come back.
   */
  public GraphConnection httpClient(OkHttpClient client) {
    this.httpClient = Objects.requireNonNull(client, "client");
    this.client = null;
    return this;
  }

  /** The clock Retry-After dates are measured from and the sleeper inner {@code $batch} throttling waits on. */
  public GraphConnection clock(Clock clock, Sleeper sleeper) {
    this.clock = Objects.requireNonNull(clock, "clock");
    this.sleeper = Objects.requireNonNull(sleeper, "sleeper");
    this.client = null;
    return this;
  }

  /** The target. */
  public TenantTarget target() {
    return target;
  }

  /** The Graph host, e.g. {@code graph.microsoft.com}. */
  public String graphHost() {
    return graphHost != null ? graphHost : target.cloud().orElse(Cloud.GLOBAL).graphHost();
  }

  /** The token scope, {@code https://<graph host>/.default}. */
  public String scope() {
    return "https://" + graphHost() + "/.default";
  }

  /** Where requests go: the {@link #baseUrl(String)} override, else {@code https://<graph host>/v1.0}. */
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

  /** The credentials (built on first use; shared ones as passed). */
  public synchronized ExchangeCredentials credentials() {
    if (credentials == null) {
      credentials = credentialsBuilder.build();
    }
    return credentials;
  }

  private synchronized GraphServiceClient client() {
    if (client == null) {
      ExchangeCredentials creds = credentials();
      String scope = scope();
      client = GraphClients.client(uri -> creds.tokenFor(scope), allowedHosts(), baseUrl(),
          httpClient != null ? httpClient : GraphClients.okHttp());
    }
    return client;
  }

  /** The directory backend. */
  public GraphDirectoryBackend build() {
    return new GraphDirectoryBackend(client(), baseUrl(), clock, sleeper);
  }

  /** The access probe (app-only credentials of the application it probes). */
  public GraphAccessProbe probe() {
    return new GraphAccessProbe(client(), credentials(), clock);
  }

  @Override
  public String toString() {
    return "GraphConnection[" + target + ", " + baseUrl() + ", " + (credentials != null ? credentials : credentialsBuilder) + "]";
  }
}
