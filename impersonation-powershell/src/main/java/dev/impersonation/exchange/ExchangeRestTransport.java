package dev.impersonation.exchange;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import dev.impersonation.TenantException;
import dev.impersonation.TransientTenantException;
import dev.impersonation.exchange.internal.InvokeCommandJson;
import dev.impersonation.exchange.internal.RestErrors;
import dev.impersonation.exchange.internal.TenantIds;
import dev.impersonation.powershell.Cmdlet;
import dev.impersonation.powershell.ParameterValue;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.UUID;
import java.util.function.Supplier;
import okhttp3.HttpUrl;
import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;
import okhttp3.ResponseBody;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs cmdlets through the Exchange admin REST endpoint, {@code POST https://<exo-host>/adminapi/beta/<tenant>/InvokeCommand}
 * (docs/exchange-admin-rest.md), the endpoint the ExchangeOnlineManagement v3 module uses. No PowerShell is needed.
 *
 * <p>Each call sends {@code Authorization: Bearer <token>}, {@code X-AnchorMailbox}, {@code Prefer:
 * odata.maxpagesize=1000}, {@code X-CmdletName} and a fresh {@code client-request-id}; rows come from {@code value},
 * and {@code @odata.nextLink} pages are followed by POSTing the same body to the link. Errors become the typed
 * exceptions of {@link ExchangeErrors} ({@code 429} with its {@code Retry-After}, 5xx gateway errors and I/O failures
 * as transient, {@code 401}/{@code 403} as access denied). The transport never retries or sleeps: the core executor
 * does, on the connection's clock.
 *
 * <p>Build one with {@link ExchangeConnection} rather than directly. Thread-safe. Neither tokens nor request bodies are
 * logged; {@code @adminapi.warnings} are logged at DEBUG.
 */
public final class ExchangeRestTransport implements CmdletTransport {
  private static final Logger LOG = LoggerFactory.getLogger(ExchangeRestTransport.class);
  private static final MediaType JSON = MediaType.get("application/json; charset=utf-8");
  private static final int MAX_PAGES = 100_000;

  /** The app-only anchor mailbox, before {@code @<tenant>} (docs/exchange-admin-rest.md). */
  public static final String APP_ANCHOR_PREFIX = "APP:SystemMailbox{bb558c35-97f1-4cb9-8ff7-d53741dc928c}@";

  private final OkHttpClient http;
  private final HttpUrl endpoint;
  private final Supplier<String> bearerToken;
  private final String anchorMailbox;
  private final Clock clock;
  private final boolean ownsClient;
  private final boolean resolveTenantFromToken;
  private final String configuredTenant;
  private volatile String tenantSegment;
  /** Read timeouts for cmdlets known to be slow, by lower-case cmdlet name; others use the client's. */
  private final java.util.Map<String, java.time.Duration> slowCmdlets;

  /**
   * A transport. Prefer {@link ExchangeConnection}, which derives every argument from the tenant target.
   *
   * @param http the HTTP client (timeouts, proxy)
   * @param endpoint the full InvokeCommand URL, e.g. {@code https://outlook.office365.com/adminapi/beta/contoso.onmicrosoft.com/InvokeCommand}
   * @param bearerToken gives a current access token for the Exchange scope (called once per request; cache inside)
   * @param anchorMailbox the {@code X-AnchorMailbox} value, {@code APP:SystemMailbox{…}@<tenant>} or {@code UPN:<upn>}
   * @param clock measures an HTTP-date {@code Retry-After} when the answer has no {@code Date} header
   */
  public ExchangeRestTransport(OkHttpClient http, String endpoint, Supplier<String> bearerToken, String anchorMailbox, Clock clock) {
    this(http, endpoint, bearerToken, anchorMailbox, clock, false, false, java.util.Map.of());
  }

  ExchangeRestTransport(OkHttpClient http, String endpoint, Supplier<String> bearerToken, String anchorMailbox, Clock clock,
      boolean ownsClient, boolean resolveTenantFromToken, java.util.Map<String, java.time.Duration> slowCmdlets) {
    this.http = Objects.requireNonNull(http, "http");
    this.slowCmdlets = java.util.Map.copyOf(slowCmdlets);
    this.endpoint = HttpUrl.get(Objects.requireNonNull(endpoint, "endpoint"));
    this.bearerToken = Objects.requireNonNull(bearerToken, "bearerToken");
    this.anchorMailbox = Objects.requireNonNull(anchorMailbox, "anchorMailbox");
    this.clock = Objects.requireNonNull(clock, "clock");
    this.ownsClient = ownsClient;
    List<String> segments = this.endpoint.pathSegments();
    this.configuredTenant = segments.size() >= 2 ? segments.get(segments.size() - 2) : "";
    this.resolveTenantFromToken = resolveTenantFromToken && !TenantIds.isGuid(configuredTenant);
  }

  @Override
  public String name() {
    return "exchange-rest";
  }

  /** The InvokeCommand URL this transport posts to. */
  public String endpoint() {
    return endpoint.toString();
  }


  @Override
  public List<Map<String, Object>> invoke(Cmdlet cmdlet) {
    String body = InvokeCommandJson.body(cmdlet);
    String identity = identity(cmdlet);
    List<Map<String, Object>> rows = new ArrayList<>();
    Set<String> seen = new HashSet<>();
    HttpUrl url = endpoint;
    for (int page = 0; url != null; page++) {
      if (page >= MAX_PAGES || !seen.add(url.toString())) {
        throw new TenantException(cmdlet.name() + ": the service repeated a page link (@odata.nextLink); stopped after "
            + page + " pages.");
      }
      JsonNode answer = post(cmdlet.name(), identity, url, body);
      for (JsonNode row : answer.path("value")) {
        rows.add(InvokeCommandJson.MAPPER.convertValue(row, new TypeReference<Map<String, Object>>() {}));
      }
      JsonNode warnings = answer.path("@adminapi.warnings");
      if (warnings.isArray() && !warnings.isEmpty() && LOG.isDebugEnabled()) {
        for (JsonNode w : warnings) {
          LOG.debug("{} warning: {}", cmdlet.name(), w.isTextual() ? w.asText() : w.toString());
        }
      }
      String next = answer.path("@odata.nextLink").asText("");
      url = next.isEmpty() ? null : nextLink(cmdlet.name(), url, next);
    }
    return rows;
  }

  /** The next page; only on the endpoint's own origin, so the bearer token never goes to another host. */
  private HttpUrl nextLink(String cmdlet, HttpUrl current, String next) {
    HttpUrl resolved = current.resolve(next);
    if (resolved == null) {
      throw new TenantException(cmdlet + ": the service sent an unusable @odata.nextLink.");
    }
    if (!resolved.scheme().equals(endpoint.scheme()) || !resolved.host().equalsIgnoreCase(endpoint.host())
        || resolved.port() != endpoint.port()) {
      throw new TenantException(cmdlet + ": the service's @odata.nextLink points to another host (" + resolved.host()
          + "); the access token is only sent to " + endpoint.host() + ".");
    }
    return resolved;
  }

  private JsonNode post(String cmdlet, String identity, HttpUrl url, String body) {
    String requestId = UUID.randomUUID().toString();
    String token = bearerToken.get();
    url = tenantResolved(url, token);
    Request request = new Request.Builder().url(url)
        .header("Authorization", "Bearer " + token)
        .header("X-AnchorMailbox", anchorMailbox())
        .header("Prefer", "odata.maxpagesize=1000")
        .header("X-CmdletName", cmdlet)
        .header("client-request-id", requestId)
        .header("Accept", "application/json")
        // Asking for gzip ourselves turns OkHttp's transparent decompression off: the endpoint labels some bodies gzip
        // that are not (a 403 of NUL bytes), and those must not surface as an I/O failure that gets retried.
        .header("Accept-Encoding", "gzip")
        .post(RequestBody.create(body, JSON))
        .build();
    LOG.debug("POST {} {} (client-request-id {})", url.encodedPath(), cmdlet, requestId);
    java.time.Duration slow = slowCmdlets.get(cmdlet.toLowerCase(java.util.Locale.ROOT));
    OkHttpClient client = slow == null ? http : http.newBuilder().readTimeout(slow).build();
    try (Response response = client.newCall(request).execute()) {
      byte[] raw = response.body() == null ? new byte[0] : response.body().bytes();
      String text = decode(raw, response.header("Content-Encoding"));
      LOG.debug("{} answered HTTP {} (client-request-id {})", cmdlet, response.code(), requestId);
      if (!response.isSuccessful()) {
        throw RestErrors.classify(cmdlet, identity, response.code(), response.header("Retry-After"), response.header("Date"),
            text, requestId, clock);
      }
      if (text == null) {
        throw new TenantException(cmdlet + " answered HTTP " + response.code() + " with a body labelled "
            + response.header("Content-Encoding") + " that could not be decoded (client-request-id " + requestId
            + "); the cmdlet's outcome is unknown.");
      }
      if (text.isBlank()) {
        return InvokeCommandJson.MAPPER.createObjectNode();
      }
      JsonNode answer;
      try {
        answer = InvokeCommandJson.MAPPER.readTree(text);
      } catch (IOException e) {
        throw new TenantException(cmdlet + " answered HTTP " + response.code() + " with a body that is not JSON "
            + "(client-request-id " + requestId + ").");
      }
      java.util.Optional<TenantException> failed = RestErrors.adminApiErrors(cmdlet, identity, answer, requestId);
      if (failed.isPresent()) {
        throw failed.get();
      }
      return answer;
    } catch (InterruptedIOException e) {
      throw new TransientTenantException(cmdlet + " timed out after " + (client.readTimeoutMillis() / 1000) + " s without an answer (client-request-id " + requestId + "): "
          + e.getMessage() + ". Retry later; for a cmdlet that is slow in this tenant, raise its timeout with "
          + "ExchangeConnection.readTimeout(\"" + cmdlet + "\", Duration.ofMinutes(10)).", e);
    } catch (IOException e) {
      throw new TransientTenantException(cmdlet + " failed to reach " + url.host() + " (client-request-id " + requestId
          + "): " + e.getClass().getSimpleName() + (e.getMessage() == null ? "" : " " + e.getMessage()) + "; retry later.", e);
    }
  }

  /** The body as text: gunzipped when labelled gzip; null when the label lies and the bytes are not gzip. */
  static String decode(byte[] raw, String contentEncoding) {
    if (raw.length == 0) {
      return "";
    }
    if (contentEncoding != null && contentEncoding.strip().equalsIgnoreCase("gzip")) {
      try (java.util.zip.GZIPInputStream in = new java.util.zip.GZIPInputStream(new java.io.ByteArrayInputStream(raw))) {
        return new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
      } catch (IOException notGzip) {
        return null;
      }
    }
    return new String(raw, java.nio.charset.StandardCharsets.UTF_8);
  }

  /**
   * The URL with the tenant GUID in its path once known. Public clients put the tenant's GUID there; when this transport
   * was given a domain, the GUID is read from the {@code tid} claim of the first access token (no extra request). A
   * token that is not a JWT (a test stand-in) leaves the domain in place.
   */
  private HttpUrl tenantResolved(HttpUrl url, String token) {
    if (!resolveTenantFromToken) {
      return url;
    }
    String current = tenantSegment;
    if (current == null) {
      synchronized (this) {
        if (tenantSegment == null) {
          tenantSegment = TenantIds.tidClaim(token).orElse("");
          if (!tenantSegment.isEmpty()) {
            LOG.debug("Exchange admin endpoint: tenant {} resolved from the token's tid claim", tenantSegment);
          }
        }
        current = tenantSegment;
      }
    }
    if (current.isEmpty() || url.pathSize() < 4 || !url.pathSegments().get(url.pathSize() - 2).equalsIgnoreCase(configuredTenant)) {
      return url;
    }
    return url.newBuilder().setPathSegment(url.pathSize() - 2, current).build();
  }

  /**
   * The {@code X-AnchorMailbox} header value. It keeps the tenant as configured (the {@code .onmicrosoft.com} domain by
   * default) even when the path switches to the GUID: public clients anchor on the system mailbox at the initial
   * domain (docs/exchange-admin-rest.md, S1 and S3).
   */
  public String anchorMailbox() {
    return anchorMailbox;
  }

  /** The cmdlet's {@code -Identity} (else {@code -Name}) text, for not-found and already-exists errors. */
  static String identity(Cmdlet cmdlet) {
    return cmdlet.get("Identity").or(() -> cmdlet.get("Name"))
        .filter(ParameterValue.Text.class::isInstance).map(v -> ((ParameterValue.Text) v).value()).orElse("");
  }

  @Override
  public void close() {
    if (ownsClient) {
      http.dispatcher().executorService().shutdown();
      http.connectionPool().evictAll();
    }
  }

  @Override
  public String toString() {
    return "ExchangeRestTransport[" + endpoint + ", anchor " + anchorMailbox + "]";
  }
}
