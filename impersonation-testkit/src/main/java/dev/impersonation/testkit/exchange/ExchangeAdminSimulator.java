package dev.impersonation.testkit.exchange;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.client.WireMock;
import com.github.tomakehurst.wiremock.common.ConsoleNotifier;
import com.github.tomakehurst.wiremock.core.WireMockConfiguration;
import dev.impersonation.testkit.FakeTenant;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * An HTTP simulator of the Exchange Online admin REST endpoint ({@code POST /adminapi/beta/{tenantId}/InvokeCommand},
 * {@code docs/exchange-admin-rest.md}) served by WireMock on localhost, backed by a {@link FakeTenant}'s store: a test may mix the in-memory
 * backends and HTTP access to one tenant, and {@link FakeTenant#snapshot()}, its journal and its faults see both.
 *
 * <p>Cmdlets are interpreted by {@link FakeTenant#invokeExchangeCmdlet}; see {@link FakeTenant#exchangeCmdletNames()}
 * for the list. The wire shapes:
 * <ul>
 *   <li>request body {@code {"CmdletInput":{"CmdletName":"Get-Recipient","Parameters":{"Identity":"ann@contoso.com"}}}};
 *       values are strings, booleans ({@code true} for switches), arrays of strings, and hashtables as
 *       {@code {"@odata.type":"#Exchange.GenericHashTable","Add":["a"]}};</li>
 *   <li>sign-in: {@code POST /{tenant}/oauth2/v2.0/token} answers a bearer token (client credentials, certificate
 *       assertion or anything else), so MSAL can be routed here for offline tests;</li>
 *   <li>headers: {@code Authorization: Bearer <token>} (any non-empty token, or exactly {@link Builder#requireToken});
 *       {@code X-AnchorMailbox} (recorded); {@code Prefer: odata.maxpagesize=N};</li>
 *   <li>200 {@code {"@odata.context":"...","value":[rows]}}; with more rows than the page size (the smaller of
 *       {@code Prefer}'s and {@link #pageSize(int)}), an absolute {@code @odata.nextLink} with an opaque
 *       {@code $skiptoken}, distinct per page, to which the client POSTs the same body;</li>
 *   <li>errors in the live endpoint's shapes: {@code {"error":{"code":"NotFound"|"BadRequest","message":"Error executing
 *       cmdlet"|"Invalid Operation","details":[{"code":"Ex…","target":"","message":"Ex…|Namespace.Type|text"}],
 *       "innererror":{"message","type","internalexception":{"message","type"}}}}}: 404 for
 *       {@code ManagementObjectNotFoundException}, 400 otherwise; an unknown cmdlet or an
 *       {@link dev.impersonation.AccessDeniedException} as 403 with a body of NUL bytes labelled
 *       {@code Content-Encoding: gzip}; throttling ({@link dev.impersonation.ThrottledException} from
 *       {@link dev.impersonation.testkit.Faults}) as 429 with {@code Retry-After} in (possibly fractional) seconds;
 *       transient faults as 503; a missing bearer as 401. {@link #inject} produces these and a 200 carrying
 *       {@code @adminapi.errors} on demand ({@link RestFault}).</li>
 * </ul>
 *
 * <pre>{@code
 * FakeTenant tenant = FakeTenant.exchangeOnline("contoso.onmicrosoft.com").userMailbox("ann@contoso.com").build();
 * try (ExchangeAdminSimulator exo = ExchangeAdminSimulator.start(tenant)) {
 *   String url = exo.invokeCommandUrl();   // http://localhost:PORT/adminapi/beta/<tenantId>/InvokeCommand
 *   ...
 *   assertEquals(2, exo.requestCount("Get-Recipient"));
 * }
 * }</pre>
 *
 * <p>This class needs {@code org.wiremock:wiremock-standalone} on the test class path (an optional dependency of the
 * testkit); nothing else in the testkit does. Request bodies and tokens are never logged: {@link #requests()} keeps
 * the journal, with the token left out. WireMock's own request journal is disabled.
 */
public final class ExchangeAdminSimulator implements AutoCloseable {
  private final FakeTenant tenant;
  private final String tenantId;
  private final WireMockServer server;
  private final InvokeCommandHandler handler;

  private ExchangeAdminSimulator(Builder b) {
    this.tenant = b.tenant;
    this.tenantId = b.tenantId != null ? b.tenantId : b.tenant.target().domain();
    this.handler = new InvokeCommandHandler(tenant, tenantId, b.requiredToken, b.pageSize);
    handler.budget(new RequestBudget(b.latency, b.latencySleeper, b.maxConcurrentRequests, b.requestsPerWindow, b.window,
        b.budgetClock != null ? b.budgetClock : tenant.clock()));
    // gzip off: the simulator sends its bodies as they are, including the NUL bytes the live endpoint labels gzip.
    this.server = new WireMockServer(WireMockConfiguration.options().bindAddress("127.0.0.1").port(b.port)
        .gzipDisabled(true).containerThreads(64).disableRequestJournal().notifier(new ConsoleNotifier(false)).extensions(handler));
    server.stubFor(WireMock.any(WireMock.urlPathMatching("/adminapi/beta/[^/]+/InvokeCommand"))
        .willReturn(WireMock.aResponse().withTransformers(InvokeCommandHandler.NAME)));
    // Entra ID's token endpoint, so MSAL (routed here by the client) signs in offline.
    String token = b.requiredToken != null ? b.requiredToken : SIGN_IN_TOKEN;
    server.stubFor(WireMock.post(WireMock.urlPathMatching("/[^/]+/oauth2/v2.0/token"))
        .willReturn(WireMock.okJson("{\"token_type\":\"Bearer\",\"expires_in\":3599,\"ext_expires_in\":3599,"
            + "\"access_token\":\"" + token + "\"}")
            // Entra echoes the caller's client-request-id; MSAL4J logs a warning on every answer that does not.
            .withHeader("client-request-id", "{{request.headers.client-request-id}}")
            .withTransformers("response-template")));
  }

  /** The access token the simulator's sign-in endpoint issues unless {@link Builder#requireToken} names another. */
  public static final String SIGN_IN_TOKEN = "simulated-exchange-token";

  /** Starts a simulator for {@code tenant} on a free localhost port with the defaults. */
  public static ExchangeAdminSimulator start(FakeTenant tenant) {
    return builder(tenant).start();
  }

  /** Configures a simulator for {@code tenant}. */
  public static Builder builder(FakeTenant tenant) {
    return new Builder(tenant);
  }

  /** Options of a simulator. */
  public static final class Builder {
    private final FakeTenant tenant;
    private String tenantId;
    private String requiredToken;
    private int pageSize = InvokeCommandHandler.DEFAULT_PAGE_SIZE;
    private int port;
    private java.time.Duration latency = java.time.Duration.ZERO;
    private dev.impersonation.spi.Sleeper latencySleeper = dev.impersonation.spi.Sleeper.system();
    private int maxConcurrentRequests = Integer.MAX_VALUE;
    private int requestsPerWindow = Integer.MAX_VALUE;
    private java.time.Duration window = java.time.Duration.ofSeconds(1);
    private java.time.Clock budgetClock;

    private Builder(FakeTenant tenant) {
      this.tenant = Objects.requireNonNull(tenant, "tenant");
    }

    /** The tenant id in the URL path (default the tenant's domain); the domain is accepted too. */
    public Builder tenantId(String id) {
      this.tenantId = Objects.requireNonNull(id, "id");
      return this;
    }

    /** Accept only {@code Authorization: Bearer <token>} with exactly this token (default: any non-empty token). */
    public Builder requireToken(String token) {
      this.requiredToken = token;
      return this;
    }

    /** The server's maximum page size (default 1000); the client's {@code Prefer: odata.maxpagesize} may lower it. */
    public Builder pageSize(int rows) {
      this.pageSize = InvokeCommandHandler.checkPageSize(rows);
      return this;
    }

    /**
     * A round trip added to every request, waited by {@code sleeper} while the request counts as in flight (default none).
     * For benchmarks that need time dominated by round trips as in production; a test that needs requests to overlap can
     * pass a sleeper that waits on a latch instead of the clock.
     */
    public Builder latency(java.time.Duration perRequest, dev.impersonation.spi.Sleeper sleeper) {
      if (perRequest == null || perRequest.isNegative()) {
        throw new IllegalArgumentException("latency must be zero or positive, not " + perRequest);
      }
      this.latency = perRequest;
      this.latencySleeper = Objects.requireNonNull(sleeper, "sleeper");
      return this;
    }

    /**
     * At most this many requests of the tenant in flight at once; one more is answered with the live "maximum number of
     * concurrent requests per tenant" text ({@link RestFault#CONCURRENT_REQUESTS_LIMIT}) without running. Default: no limit.
     * The service publishes no number for the REST endpoint [U].
     */
    public Builder maxConcurrentRequests(int requests) {
      if (requests < 1) {
        throw new IllegalArgumentException("maxConcurrentRequests must be at least 1, not " + requests);
      }
      this.maxConcurrentRequests = requests;
      return this;
    }

    /**
     * At most {@code requests} per fixed {@code window} of {@code clock} (the tenant's clock when null): more are answered
     * 429 with a fractional {@code Retry-After} (seconds until the window ends) without running. Default: no limit. The
     * service publishes no number for the REST endpoint [U].
     */
    public Builder rateLimit(int requests, java.time.Duration window, java.time.Clock clock) {
      if (requests < 1 || window == null || window.isZero() || window.isNegative()) {
        throw new IllegalArgumentException("rateLimit needs at least 1 request per positive window, not " + requests + " per " + window);
      }
      this.requestsPerWindow = requests;
      this.window = window;
      this.budgetClock = clock;
      return this;
    }

    /** A fixed port (default: a free one). */
    public Builder port(int port) {
      this.port = port;
      return this;
    }

    /** Starts the simulator. */
    public ExchangeAdminSimulator start() {
      ExchangeAdminSimulator sim = new ExchangeAdminSimulator(this);
      sim.server.start();
      return sim;
    }
  }

  /**
   * One request the simulator answered.
   *
   * @param cmdlet the CmdletName ("" when the body could not be read)
   * @param parameters the parameters as sent (JSON values as Java String, Boolean, List, Map)
   * @param anchorMailbox the {@code X-AnchorMailbox} header, if any
   * @param page the page number of a paged result (1 for the first request, 2+ for nextLink requests)
   * @param status the HTTP status answered
   * @param error the error's exception type and text, for non-200 answers
   */
  public record Request(String cmdlet, Map<String, Object> parameters, Optional<String> anchorMailbox, int page, int status,
      Optional<String> error) {
    public Request {
      parameters = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(parameters));
    }
  }

  /**
   * Requests the budget refused so far: {@code [concurrency, rate]} (see {@link Builder#maxConcurrentRequests} and
   * {@link Builder#rateLimit}); they are also in {@link #requests()} with their status.
   */
  public int[] budgetRefusals() {
    return handler.budget().refusals();
  }

  /** The tenant this simulator serves. */
  public FakeTenant tenant() {
    return tenant;
  }

  /** The tenant id in the URL path. */
  public String tenantId() {
    return tenantId;
  }

  /** The port. */
  public int port() {
    return server.port();
  }

  /** The base URL to configure as the Exchange host, e.g. {@code http://localhost:53121}. */
  public String baseUrl() {
    return "http://localhost:" + server.port();
  }

  /** The full InvokeCommand URL: {@code baseUrl()/adminapi/beta/{tenantId}/InvokeCommand}. */
  public String invokeCommandUrl() {
    return baseUrl() + "/adminapi/beta/" + tenantId + "/InvokeCommand";
  }

  /** Changes the server's maximum page size (e.g. 2, to test paging); a client's smaller {@code Prefer} still wins. */
  public ExchangeAdminSimulator pageSize(int rows) {
    handler.pageSize(InvokeCommandHandler.checkPageSize(rows));
    return this;
  }

  /** The server's maximum page size. */
  public int pageSize() {
    return handler.pageSize();
  }

  /** HTTP requests received for {@code cmdlet} (case-insensitive), every page and every error counted. */
  public int requestCount(String cmdlet) {
    return handler.requestCount(cmdlet);
  }

  /** HTTP requests received in all. */
  public int requestCount() {
    return handler.requestCount();
  }

  /** Requests per cmdlet, in the order cmdlets were first seen. */
  public Map<String, Integer> requestCounts() {
    return handler.requestCounts();
  }

  /**
   * Makes the next {@code times} calls of {@code cmdlet} ({@code "*"} for any cmdlet) answer {@code fault} instead of
   * running against the tenant, e.g. {@code inject("New-ManagementScope", RestFault.ACCESS_DENIED_NUL_GZIP, 1)}.
   */
  public ExchangeAdminSimulator inject(String cmdlet, RestFault fault, int times) {
    if (cmdlet == null || cmdlet.isBlank() || !(cmdlet.equals("*") || cmdlet.matches("[A-Za-z]+-[A-Za-z0-9]+"))) {
      throw new IllegalArgumentException("inject(...) needs a cmdlet name such as 'New-ManagementScope' or '*', got '"
          + cmdlet + "'");
    }
    if (times < 1) {
      throw new IllegalArgumentException("times must be at least 1, got " + times);
    }
    handler.inject(cmdlet, java.util.Objects.requireNonNull(fault, "fault"), times);
    return this;
  }

  /** The requests so far, in order (no tokens). */
  public List<Request> requests() {
    return handler.requests();
  }

  /** Forgets the request counts and the request journal (e.g. after seeding through HTTP). */
  public ExchangeAdminSimulator resetRequests() {
    handler.reset();
    return this;
  }

  /** Stops the server. */
  public void stop() {
    server.stop();
  }

  /** Same as {@link #stop()}. */
  @Override
  public void close() {
    stop();
  }

  @Override
  public String toString() {
    return "ExchangeAdminSimulator " + invokeCommandUrl() + " (" + handler.requestCount() + " requests)";
  }
}
