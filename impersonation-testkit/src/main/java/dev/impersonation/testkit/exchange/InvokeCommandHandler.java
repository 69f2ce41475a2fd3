package dev.impersonation.testkit.exchange;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.github.tomakehurst.wiremock.extension.ResponseDefinitionTransformerV2;
import com.github.tomakehurst.wiremock.http.QueryParameter;
import com.github.tomakehurst.wiremock.http.ResponseDefinition;
import com.github.tomakehurst.wiremock.stubbing.ServeEvent;
import dev.impersonation.AccessDeniedException;
import dev.impersonation.ObjectAlreadyExistsException;
import dev.impersonation.ObjectNotFoundException;
import dev.impersonation.OrganizationNotCustomizedException;
import dev.impersonation.ThrottledException;
import dev.impersonation.TransientTenantException;
import dev.impersonation.testkit.FakeTenant;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The WireMock transformer behind {@link ExchangeAdminSimulator}: decodes an InvokeCommand request, runs the cmdlet
 * through {@link FakeTenant#invokeExchangeCmdlet}, and answers rows, pages or errors in the endpoint's shapes
 * (DOMAIN.md §6, §8).
 */
final class InvokeCommandHandler implements ResponseDefinitionTransformerV2 {
  static final String NAME = "exchange-admin-invoke-command";
  static final int DEFAULT_PAGE_SIZE = 1000;
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Pattern PATH = Pattern.compile("^/adminapi/beta/([^/?]+)/InvokeCommand(?:\\?.*)?$");
  private static final Pattern MAX_PAGE = Pattern.compile("odata\\.maxpagesize\\s*=\\s*(\\d+)", Pattern.CASE_INSENSITIVE);
  private static final Pattern TYPED = Pattern.compile("^([A-Za-z][A-Za-z0-9.-]*Exception):\\s*(.*)$", Pattern.DOTALL);

  private final FakeTenant tenant;
  private final String tenantId;
  private final String requiredToken;
  private final int notFoundStatus;
  private volatile int pageSize;
  private final AtomicLong results = new AtomicLong();
  /** Paged results still being read: result id to (cmdlet, rows). */
  private final Map<String, Paged> pending = new ConcurrentHashMap<>();
  private final Map<String, Integer> counts = new LinkedHashMap<>();
  private final List<ExchangeAdminSimulator.Request> journal = new ArrayList<>();

  private record Paged(String cmdlet, List<Map<String, Object>> rows) {}

  InvokeCommandHandler(FakeTenant tenant, String tenantId, String requiredToken, int notFoundStatus, int pageSize) {
    this.tenant = tenant;
    this.tenantId = tenantId;
    this.requiredToken = requiredToken;
    this.notFoundStatus = notFoundStatus;
    this.pageSize = pageSize;
  }

  static int checkPageSize(int rows) {
    if (rows < 1) {
      throw new IllegalArgumentException("a page holds at least 1 row, got " + rows);
    }
    return rows;
  }

  @Override
  public String getName() {
    return NAME;
  }

  @Override
  public boolean applyGlobally() {
    return false;
  }

  void pageSize(int rows) {
    this.pageSize = rows;
  }

  int pageSize() {
    return pageSize;
  }

  synchronized int requestCount(String cmdlet) {
    return counts.entrySet().stream().filter(e -> e.getKey().equalsIgnoreCase(cmdlet)).mapToInt(Map.Entry::getValue).sum();
  }

  synchronized int requestCount() {
    return counts.values().stream().mapToInt(Integer::intValue).sum();
  }

  synchronized Map<String, Integer> requestCounts() {
    return java.util.Collections.unmodifiableMap(new LinkedHashMap<>(counts));
  }

  synchronized List<ExchangeAdminSimulator.Request> requests() {
    return List.copyOf(journal);
  }

  synchronized void reset() {
    counts.clear();
    journal.clear();
  }

  private synchronized void record(String cmdlet, Map<String, Object> parameters, Optional<String> anchor, int page, int status,
      Optional<String> error) {
    counts.merge(cmdlet, 1, Integer::sum);
    journal.add(new ExchangeAdminSimulator.Request(cmdlet, parameters, anchor, page, status, error));
  }

  // ------------------------------------------------------------ request handling

  @Override
  public ResponseDefinition transform(ServeEvent serveEvent) {
    com.github.tomakehurst.wiremock.http.Request request = serveEvent.getRequest();
    Optional<String> anchor = Optional.ofNullable(request.getHeader("X-AnchorMailbox"));
    String cmdlet = "";
    Map<String, Object> parameters = Map.of();
    int page = 1;
    Reply reply;
    try {
      reply = authorize(request);
      if (reply == null) {
        JsonNode body = parse(request.getBodyAsString());
        JsonNode input = body == null ? null : body.get("CmdletInput");
        if (input == null || !input.hasNonNull("CmdletName") || !input.get("CmdletName").isTextual()) {
          reply = error(400, "BadRequest", "InvalidRequestException",
              "The request body must be {\"CmdletInput\":{\"CmdletName\":\"...\",\"Parameters\":{...}}}.");
        } else {
          cmdlet = input.get("CmdletName").asText();
          parameters = parameters(input.get("Parameters"));
          QueryParameter skip = request.queryParameter("$skiptoken");
          if (skip != null && skip.isPresent()) {
            Token token = Token.decode(skip.firstValue());
            page = token == null ? 0 : token.offset / Math.max(1, token.pageSize) + 1;
            reply = nextPage(request, token, cmdlet);
          } else {
            List<Map<String, Object>> rows = tenant.invokeExchangeCmdlet(cmdlet, parameters);
            reply = page(request, cmdlet, rows, 0, pageSize(request), null);
          }
        }
      }
    } catch (RuntimeException | AssertionError e) {
      reply = failure(e);
    }
    record(cmdlet, parameters, anchor, page, reply.status, reply.error);
    return reply.toResponse();
  }

  private Reply authorize(com.github.tomakehurst.wiremock.http.Request request) {
    Matcher path = PATH.matcher(request.getUrl());
    if (!request.getMethod().getName().equals("POST")) {
      return error(405, "MethodNotAllowed", "InvalidRequestException", "InvokeCommand takes POST only.");
    }
    if (!path.matches() || !(path.group(1).equalsIgnoreCase(tenantId) || path.group(1).equalsIgnoreCase(tenant.target().domain()))) {
      return error(404, "NotFound", "TenantNotFoundException", "The tenant '" + (path.matches() ? path.group(1) : "")
          + "' is not served here (simulator tenant: " + tenantId + ").");
    }
    String auth = request.getHeader("Authorization");
    String token = auth == null || !auth.regionMatches(true, 0, "Bearer ", 0, 7) ? "" : auth.substring(7).trim();
    if (token.isEmpty() || (requiredToken != null && !requiredToken.equals(token))) {
      Reply r = error(401, "Unauthorized", "UnauthorizedAccessException", token.isEmpty()
          ? "The request has no bearer token." : "The bearer token was not accepted.");
      r.headers.put("WWW-Authenticate", "Bearer");
      return r;
    }
    return null;
  }

  private static JsonNode parse(String body) {
    try {
      return body == null || body.isBlank() ? null : JSON.readTree(body);
    } catch (java.io.IOException e) {
      return null;
    }
  }

  /** JSON parameters to Java values the interpreter takes: String, Boolean, List of String, Map (numbers as strings). */
  private static Map<String, Object> parameters(JsonNode node) {
    Map<String, Object> out = new LinkedHashMap<>();
    if (node != null && node.isObject()) {
      node.fields().forEachRemaining(e -> out.put(e.getKey(), value(e.getValue())));
    }
    return out;
  }

  private static Object value(JsonNode v) {
    if (v == null || v.isNull()) {
      return null;
    }
    if (v.isBoolean()) {
      return v.booleanValue();
    }
    if (v.isArray()) {
      List<Object> list = new ArrayList<>();
      v.forEach(x -> list.add(value(x)));
      return list;
    }
    if (v.isObject()) {
      return parameters(v);
    }
    return v.asText();
  }

  private int pageSize(com.github.tomakehurst.wiremock.http.Request request) {
    String prefer = request.getHeader("Prefer");
    int size = pageSize;
    if (prefer != null) {
      Matcher m = MAX_PAGE.matcher(prefer);
      if (m.find()) {
        try {
          size = Math.min(size, Math.max(1, Integer.parseInt(m.group(1))));
        } catch (NumberFormatException ignored) {
          // an absurd Prefer value: the server's page size applies
        }
      }
    }
    return size;
  }

  private Reply page(com.github.tomakehurst.wiremock.http.Request request, String cmdlet, List<Map<String, Object>> rows, int offset,
      int size, String resultId) {
    ObjectNode body = JSON.createObjectNode();
    String base = "http://localhost:" + request.getPort() + "/adminapi/beta/" + tenantId;
    body.put("@odata.context", base + "/$metadata#Collection(Exchange.GenericHashTable)");
    int end = Math.min(rows.size(), offset + size);
    if (end < rows.size()) {
      String id = resultId != null ? resultId : Long.toString(results.incrementAndGet());
      pending.put(id, new Paged(cmdlet, rows));
      body.put("@odata.nextLink", base + "/InvokeCommand?$skiptoken=" + new Token(id, end, size).encode());
    } else if (resultId != null) {
      pending.remove(resultId);
    }
    ArrayNode value = body.putArray("value");
    rows.subList(offset, end).forEach(r -> value.add(JSON.valueToTree(r)));
    return new Reply(200, body, Optional.empty());
  }

  private Reply nextPage(com.github.tomakehurst.wiremock.http.Request request, Token token, String cmdlet) {
    Paged paged = token == null ? null : pending.get(token.resultId);
    if (paged == null || token.offset >= paged.rows.size()) {
      return error(400, "BadRequest", "InvalidRequestException", "The $skiptoken is not valid (unknown, expired or already read).");
    }
    if (!paged.cmdlet.equalsIgnoreCase(cmdlet)) {
      return error(400, "BadRequest", "InvalidRequestException", "The $skiptoken belongs to " + paged.cmdlet
          + ", not to " + cmdlet + ": POST the same body to @odata.nextLink.");
    }
    return page(request, cmdlet, paged.rows, token.offset, token.pageSize, token.resultId);
  }

  /** An opaque skip token: result id, offset and page size, base64url-encoded. */
  private record Token(String resultId, int offset, int pageSize) {
    String encode() {
      return Base64.getUrlEncoder().withoutPadding().encodeToString((resultId + ":" + offset + ":" + pageSize)
          .getBytes(StandardCharsets.UTF_8));
    }

    static Token decode(String text) {
      try {
        String[] parts = new String(Base64.getUrlDecoder().decode(text), StandardCharsets.UTF_8).split(":");
        return parts.length == 3 ? new Token(parts[0], Integer.parseInt(parts[1]), Integer.parseInt(parts[2])) : null;
      } catch (IllegalArgumentException e) {
        return null;
      }
    }
  }

  // ------------------------------------------------------------ errors (DOMAIN.md §6, §8)

  private Reply failure(Throwable e) {
    String text = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    Matcher typed = TYPED.matcher(text);
    String type;
    String message;
    if (typed.matches()) {
      type = typed.group(1);
      message = typed.group(2);
    } else {
      type = typeOf(e);
      message = text;
    }
    if (e instanceof ThrottledException t) {
      long seconds = t.retryAfter().map(Duration::toMillis).map(ms -> (ms + 999) / 1000).orElse(1L);
      Reply r = error(429, "TooManyRequests", typed.matches() ? type : "ServerBusyException", message);
      r.headers.put("Retry-After", String.valueOf(seconds));
      r.headers.put("Rate-Limit-Remaining", "0");
      return r;
    }
    if (e instanceof TransientTenantException) {
      return error(503, "ServiceUnavailable", typed.matches() ? type : "ServiceUnavailableException", message);
    }
    if (e instanceof AssertionError || !(e instanceof dev.impersonation.ImpersonationException)) {
      // Strict-mode violations, simulated crashes and simulator bugs: a 500 the test will notice.
      return error(500, "InternalServerError", e.getClass().getName(), text);
    }
    int status = type.equals("ManagementObjectNotFoundException") ? notFoundStatus : 400;
    return error(status, status == 404 ? "NotFound" : "BadRequest", type, message);
  }

  private static String typeOf(Throwable e) {
    if (e instanceof ObjectNotFoundException) {
      return "ManagementObjectNotFoundException";
    }
    if (e instanceof ObjectAlreadyExistsException) {
      return "ManagementObjectAlreadyExistsException";
    }
    if (e instanceof OrganizationNotCustomizedException) {
      return "Cmdlet-InvalidOperationInDehydratedContextException";
    }
    if (e instanceof AccessDeniedException) {
      return "UnauthorizedAccessException";
    }
    return "InvalidOperationException";
  }

  /** A stable, code-like error id per exception type, e.g. {@code Ex6F9304} (the real endpoint's codes look so). */
  static String errorCode(String type) {
    return "Ex" + String.format(Locale.ROOT, "%06X", type.hashCode() & 0xFFFFFF);
  }

  static Reply error(int status, String code, String type, String message) {
    String detailCode = errorCode(type);
    ObjectNode body = JSON.createObjectNode();
    ObjectNode error = body.putObject("error");
    error.put("code", code);
    error.put("message", "|" + type + "|" + message);
    ObjectNode detail = error.putArray("details").addObject();
    detail.put("code", detailCode);
    detail.put("target", "");
    detail.put("message", detailCode + "|" + type + "|" + message);
    ObjectNode inner = error.putObject("innererror");
    inner.put("message", message);
    inner.put("type", type);
    inner.putObject("internalException").put("message", message);
    return new Reply(status, body, Optional.of(type + ": " + message));
  }

  static final class Reply {
    final int status;
    final JsonNode body;
    final Optional<String> error;
    final Map<String, String> headers = new LinkedHashMap<>();

    Reply(int status, JsonNode body, Optional<String> error) {
      this.status = status;
      this.body = body;
      this.error = error;
    }

    ResponseDefinition toResponse() {
      com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder b = com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder
          .responseDefinition().withStatus(status).withHeader("Content-Type", "application/json; odata.metadata=minimal; charset=utf-8");
      headers.forEach(b::withHeader);
      return b.withBody(body.toString()).build();
    }
  }
}
