package dev.impersonation.testkit.graph;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;
import com.github.tomakehurst.wiremock.client.WireMock;
import com.github.tomakehurst.wiremock.common.ConsoleNotifier;
import com.github.tomakehurst.wiremock.core.WireMockConfiguration;
import com.github.tomakehurst.wiremock.extension.ResponseDefinitionTransformerV2;
import com.github.tomakehurst.wiremock.http.HttpHeader;
import com.github.tomakehurst.wiremock.http.ResponseDefinition;
import com.github.tomakehurst.wiremock.stubbing.ServeEvent;
import dev.impersonation.testkit.FakeGraphApi;
import dev.impersonation.testkit.FakeTenant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * An HTTP simulator of the Microsoft Graph v1.0 endpoints the product uses (docs/graph.md, docs/error-texts.md), served by WireMock on
 * localhost and backed by a {@link FakeTenant}'s store: the in-memory backends, the Exchange admin simulator and this
 * simulator all see one tenant (the testkit's design). The routes are interpreted by {@link FakeGraphApi} (see there for the
 * {@link dev.impersonation.testkit.Faults} operation names); this class adds HTTP, bearer tokens, {@code $batch},
 * request counts and a request journal.
 *
 * <p>Routes under {@code /v1.0}:
 * <ul>
 *   <li>{@code GET /users/{id|upn}} ({@code $select} honoured; {@code @} may be sent as {@code %40}),
 *       {@code POST /users} (no mailbox until licensed), {@code PATCH /users/{id}} ({@code usageLocation},
 *       {@code displayName}), {@code POST /users/{id}/assignLicense} (the mailbox appears after the tenant's
 *       provisioning delay on the fake clock), {@code POST /users/{id}/checkMemberGroups};</li>
 *   <li>{@code GET /groups?$filter=displayName eq '...'} (also {@code mailNickname}, {@code mail}; quotes doubled),
 *       {@code GET /groups}, {@code GET /groups/{id}}, {@code POST /groups} (Microsoft 365 and security groups only),
 *       {@code PATCH /groups/{id}} with {@code members@odata.bind} (at most 20, all or nothing),
 *       {@code GET /groups/{id}/members}, {@code /members/$ref}, {@code /owners} (paged by {@code $top}, default 100,
 *       at most 999, with absolute, distinct {@code @odata.nextLink}s), {@code POST /groups/{id}/members/$ref},
 *       {@code DELETE /groups/{id}/members/{memberId}/$ref}, {@code POST /groups/{id}/owners/$ref}; writes to
 *       distribution groups, mail-enabled security groups and room lists answer Graph's 400;</li>
 *   <li>{@code POST /$batch}: at most 20 requests, each answered by the same routes with its own status, headers and
 *       body, faults (throttling) applied per inner request; inner requests run one after another in the order given,
 *       so {@code dependsOn} is accepted and needs no handling; a nested {@code $batch} is refused;</li>
 *   <li>{@code GET /servicePrincipals?$filter=appId eq '...'} (the Microsoft Graph resource service principal
 *       {@value FakeGraphApi#GRAPH_APP_ID} with app roles for the permissions the fake knows),
 *       {@code GET /servicePrincipals/{id}}, {@code GET /servicePrincipals/{id}/appRoleAssignments} and, on the Microsoft Graph
 *       service principal, {@code GET /servicePrincipals/{id}/appRoleAssignedTo} (tenant-wide consent;
 *       {@code appRoleId} resolves against the Graph service principal's {@code appRoles});
 *       {@code POST /servicePrincipals/{id}/appRoleAssignments} (admin consent: 201, or 400 for an unknown app role or a
 *       duplicate) and {@code DELETE /servicePrincipals/{id}/appRoleAssignments/{assignmentId}} (204, or 404
 *       {@code Request_ResourceNotFound});</li>
 *   <li>{@code GET /directory/administrativeUnits/{id}} and {@code /members};
 *       {@code POST /directory/administrativeUnits/{id}/members/$ref} (204; 400 "One or more added object references
 *       already exist ..." for a member already there; 404 for an unknown unit or object) and
 *       {@code DELETE /directory/administrativeUnits/{id}/members/{memberId}/$ref} (204; 404 when not a member);</li>
 *   <li>probes {@code GET /users/{id}/calendar}, {@code /mailboxSettings}, {@code /mailFolders/inbox}: 200, 403
 *       {@code ErrorAccessDenied} or 404 {@code MailboxNotEnabledForRESTAPI}, decided by the tenant's effective access
 *       for the application the bearer token is mapped to ({@link Builder#appToken}); an unmapped token is an app the
 *       tenant does not know (403).</li>
 * </ul>
 * Errors come in Graph's shape {@code {"error":{"code","message","innerError":{"date","request-id","client-request-id"}}}};
 * throttling is 429 with {@code Retry-After}, transient faults 503, a missing bearer 401. A sign-in endpoint
 * {@code POST /{tenant}/oauth2/v2.0/token} issues {@link #SIGN_IN_TOKEN} so MSAL can be routed here.
 *
 * <pre>{@code
 * FakeTenant tenant = FakeTenant.exchangeOnline("contoso.onmicrosoft.com").userMailbox("ann@contoso.onmicrosoft.com").build();
 * try (GraphSimulator graph = GraphSimulator.builder(tenant).appToken("token-x", appId).start()) {
 *   String base = graph.graphUrl();            // http://localhost:PORT/v1.0
 *   ...
 *   assertEquals(3, graph.requestCount("POST /$batch"));
 * }
 * }</pre>
 *
 * <p>This class needs {@code org.wiremock:wiremock-standalone} on the test class path (an optional dependency of the
 * testkit). Bodies and tokens are never logged; {@link #requests()} keeps the journal without tokens, and WireMock's own
 * request journal is disabled.
 */
public final class GraphSimulator implements AutoCloseable {
  /** The access token the simulator's sign-in endpoint issues. */
  public static final String SIGN_IN_TOKEN = "simulated-graph-token";
  /** The most requests one {@code $batch} takes (docs/graph.md). */
  public static final int MAX_BATCH = 20;

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String NAME = "graph-simulator";

  private final FakeTenant tenant;
  private final WireMockServer server;
  private final Map<String, String> tokens;
  private final Map<String, Integer> counts = new LinkedHashMap<>();
  private final Map<String, Integer> innerCounts = new LinkedHashMap<>();
  private final List<Request> journal = new ArrayList<>();
  private final GraphBatch batch = new GraphBatch(this);
  private final java.time.Duration latency;
  private final dev.impersonation.spi.Sleeper latencySleeper;

  /**
   * One request the simulator answered (an HTTP request, or a request inside a {@code $batch}).
   *
   * @param method the HTTP method
   * @param route the route template, e.g. {@code "POST /groups/{id}/members/$ref"}
   * @param path the path after {@code /v1.0}, URL-decoded, without the query
   * @param appId the application the bearer token is mapped to, if any (never the token)
   * @param batchRequestId the {@code id} inside the {@code $batch}, empty for an HTTP request
   * @param status the status answered
   * @param errorCode the Graph error code of an error answer, empty for a success
   */
  public record Request(String method, String route, String path, Optional<String> appId, Optional<String> batchRequestId,
      int status, Optional<String> errorCode) {}

  private GraphSimulator(Builder b) {
    this.tenant = b.tenant;
    this.tokens = Map.copyOf(b.tokens);
    this.latency = b.latency;
    this.latencySleeper = b.latencySleeper;
    Handler handler = new Handler();
    this.server = new WireMockServer(WireMockConfiguration.options().bindAddress("127.0.0.1").port(b.port)
        .disableRequestJournal().notifier(new ConsoleNotifier(false)).extensions(handler));
    server.stubFor(WireMock.any(WireMock.urlMatching("/(v1\\.0|beta)(/.*)?")).willReturn(WireMock.aResponse().withTransformers(NAME)));
    server.stubFor(WireMock.post(WireMock.urlPathMatching("/[^/]+/oauth2/v2.0/token"))
        .willReturn(WireMock.okJson("{\"token_type\":\"Bearer\",\"expires_in\":3599,\"ext_expires_in\":3599,"
            + "\"access_token\":\"" + SIGN_IN_TOKEN + "\"}")
            // Entra echoes the caller's client-request-id; MSAL4J logs a warning on every answer that does not.
            .withHeader("client-request-id", "{{request.headers.client-request-id}}")
            .withTransformers("response-template")));
  }

  /** Starts a simulator for {@code tenant} on a free localhost port with the defaults. */
  public static GraphSimulator start(FakeTenant tenant) {
    return builder(tenant).start();
  }

  /** Configures a simulator for {@code tenant}. */
  public static Builder builder(FakeTenant tenant) {
    return new Builder(tenant);
  }

  /** Options of a simulator. */
  public static final class Builder {
    private final FakeTenant tenant;
    private final Map<String, String> tokens = new LinkedHashMap<>();
    private int port;
    private java.time.Duration latency = java.time.Duration.ZERO;
    private dev.impersonation.spi.Sleeper latencySleeper = dev.impersonation.spi.Sleeper.system();

    private Builder(FakeTenant tenant) {
      this.tenant = Objects.requireNonNull(tenant, "tenant");
    }

    /**
     * A round trip added to every HTTP request (a {@code $batch} counts once), waited by {@code sleeper} before the
     * answer (default none): for benchmarks whose time should be dominated by round trips as in production.
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
     * Requests with {@code Authorization: Bearer <token>} act as the application {@code appId} (for probes). Map
     * {@link #SIGN_IN_TOKEN} to give the sign-in endpoint's token an application.
     */
    public Builder appToken(String token, String appId) {
      tokens.put(Objects.requireNonNull(token, "token"), Objects.requireNonNull(appId, "appId").toLowerCase(Locale.ROOT));
      return this;
    }

    /** A fixed port (default: a free one). */
    public Builder port(int port) {
      this.port = port;
      return this;
    }

    /** Starts the simulator. */
    public GraphSimulator start() {
      GraphSimulator sim = new GraphSimulator(this);
      sim.server.start();
      return sim;
    }
  }

  /** The tenant this simulator serves. */
  public FakeTenant tenant() {
    return tenant;
  }

  /** The port. */
  public int port() {
    return server.port();
  }

  /** The base URL, e.g. {@code http://localhost:53121}. */
  public String baseUrl() {
    return "http://localhost:" + server.port();
  }

  /** The Graph service root to configure in a client: {@code baseUrl() + "/v1.0"}. */
  public String graphUrl() {
    return baseUrl() + "/v1.0";
  }

  /** HTTP requests received for a route (e.g. {@code "POST /$batch"}), every page and every error counted. */
  public synchronized int requestCount(String route) {
    return counts.entrySet().stream().filter(e -> e.getKey().equalsIgnoreCase(route)).mapToInt(Map.Entry::getValue).sum();
  }

  /** HTTP requests received in all (a {@code $batch} counts once). */
  public synchronized int requestCount() {
    return counts.values().stream().mapToInt(Integer::intValue).sum();
  }

  /** HTTP requests per route, in the order routes were first seen. */
  public synchronized Map<String, Integer> requestCounts() {
    return Collections.unmodifiableMap(new LinkedHashMap<>(counts));
  }

  /** Requests inside {@code $batch} calls per route, in the order routes were first seen. */
  public synchronized Map<String, Integer> batchedRequestCounts() {
    return Collections.unmodifiableMap(new LinkedHashMap<>(innerCounts));
  }

  /** Requests inside {@code $batch} calls for a route. */
  public synchronized int batchedRequestCount(String route) {
    return innerCounts.entrySet().stream().filter(e -> e.getKey().equalsIgnoreCase(route)).mapToInt(Map.Entry::getValue).sum();
  }

  /** The requests so far, in order (no tokens, no bodies); requests inside a {@code $batch} follow the batch itself. */
  public synchronized List<Request> requests() {
    return List.copyOf(journal);
  }

  /** Forgets the request counts and the journal. */
  public synchronized GraphSimulator resetRequests() {
    counts.clear();
    innerCounts.clear();
    journal.clear();
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
  public synchronized String toString() {
    return "GraphSimulator " + graphUrl() + " (" + requestCount() + " requests)";
  }

  synchronized void record(Request r, boolean inner) {
    (inner ? innerCounts : counts).merge(r.route(), 1, Integer::sum);
    journal.add(r);
  }

  static String decodedPath(String url) {
    String raw = url;
    int scheme = raw.indexOf("://");
    if (scheme >= 0) {
      int slash = raw.indexOf('/', scheme + 3);
      raw = slash < 0 ? "/" : raw.substring(slash);
    }
    int q = raw.indexOf('?');
    if (q >= 0) {
      raw = raw.substring(0, q);
    }
    if (raw.regionMatches(true, 0, "/v1.0", 0, 5)) {
      raw = raw.substring(5);
    }
    return java.net.URLDecoder.decode(raw.replace("+", "%2B"), java.nio.charset.StandardCharsets.UTF_8);
  }

  // ------------------------------------------------------------ the WireMock transformer

  private final class Handler implements ResponseDefinitionTransformerV2 {
    @Override
    public String getName() {
      return NAME;
    }

    @Override
    public boolean applyGlobally() {
      return false;
    }

    @Override
    public ResponseDefinition transform(ServeEvent serveEvent) {
      if (!latency.isZero()) {
        try {
          latencySleeper.sleep(latency);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }
      com.github.tomakehurst.wiremock.http.Request request = serveEvent.getRequest();
      String method = request.getMethod().getName();
      String url = request.getUrl();
      Map<String, String> headers = new LinkedHashMap<>();
      for (HttpHeader h : request.getHeaders().all()) {
        if (!h.key().equalsIgnoreCase("Authorization")) {
          headers.put(h.key(), h.firstValue());
        }
      }
      String auth = request.getHeader("Authorization");
      String token = auth == null || !auth.regionMatches(true, 0, "Bearer ", 0, 7) ? "" : auth.substring(7).trim();
      Optional<String> appId = Optional.ofNullable(tokens.get(token));
      String route = FakeGraphApi.route(method, url);
      String base = "http://localhost:" + request.getPort();
      FakeGraphApi.Reply reply;
      if (token.isEmpty()) {
        reply = unauthorized(route);
      } else if (route.equalsIgnoreCase("POST /$batch")) {
        return batch.answer(request.getBodyAsString(), headers, appId, base, route);
      } else {
        reply = tenant.graphApi().handle(method, url, headers, request.getBodyAsString(), appId.orElse(null), base);
      }
      record(new Request(method, route, decodedPath(url), appId, Optional.empty(), reply.status(),
          optional(reply.errorCode())), false);
      return response(reply.status(), reply.headers(), reply.body());
    }
  }

  static Optional<String> optional(String s) {
    return s == null || s.isEmpty() ? Optional.empty() : Optional.of(s);
  }

  private FakeGraphApi.Reply unauthorized(String route) {
    ObjectNode body = JSON.createObjectNode();
    ObjectNode error = body.putObject("error");
    error.put("code", "InvalidAuthenticationToken");
    error.put("message", "Access token is empty.");
    ObjectNode inner = error.putObject("innerError");
    inner.put("date", tenant.clock().instant().toString());
    inner.put("request-id", "00000000-0000-0000-0000-000000000000");
    inner.put("client-request-id", "00000000-0000-0000-0000-000000000000");
    return new FakeGraphApi.Reply(401, Map.of("WWW-Authenticate", "Bearer", "Content-Type", "application/json"), body, route);
  }

  static ResponseDefinition response(int status, Map<String, String> headers, JsonNode body) {
    ResponseDefinitionBuilder b = ResponseDefinitionBuilder.responseDefinition().withStatus(status);
    headers.forEach(b::withHeader);
    if (body != null) {
      b.withBody(body.toString());
    }
    return b.build();
  }
}
