package dev.impersonation.testkit.exchange;

import static dev.impersonation.testkit.exchange.AdminApiReply.adminApiErrors;
import static dev.impersonation.testkit.exchange.AdminApiReply.error;
import static dev.impersonation.testkit.exchange.AdminApiReply.failure;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.github.tomakehurst.wiremock.extension.ResponseDefinitionTransformerV2;
import com.github.tomakehurst.wiremock.http.QueryParameter;
import com.github.tomakehurst.wiremock.http.ResponseDefinition;
import com.github.tomakehurst.wiremock.stubbing.ServeEvent;
import dev.impersonation.testkit.FakeTenant;
import java.nio.charset.StandardCharsets;
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
 * (docs/exchange-admin-rest.md, docs/error-texts.md); the answers and their error shapes are {@link AdminApiReply}.
 */
final class InvokeCommandHandler implements ResponseDefinitionTransformerV2 {
  static final String NAME = "exchange-admin-invoke-command";
  static final int DEFAULT_PAGE_SIZE = 1000;
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Pattern PATH = Pattern.compile("^/adminapi/beta/([^/?]+)/InvokeCommand(?:\\?.*)?$");
  private static final Pattern MAX_PAGE = Pattern.compile("odata\\.maxpagesize\\s*=\\s*(\\d+)", Pattern.CASE_INSENSITIVE);

  private final FakeTenant tenant;
  private final String tenantId;
  private final String requiredToken;
  private final Map<String, java.util.ArrayDeque<RestFault>> injected = new java.util.HashMap<>();
  private volatile int pageSize;
  private volatile RequestBudget budget = RequestBudget.unlimited();
  private final AtomicLong results = new AtomicLong();
  /** Paged results still being read: result id to (cmdlet, rows). */
  private final Map<String, Paged> pending = new ConcurrentHashMap<>();
  private final Map<String, Integer> counts = new LinkedHashMap<>();
  private final List<ExchangeAdminSimulator.Request> journal = new ArrayList<>();

  private record Paged(String cmdlet, List<Map<String, Object>> rows) {}

  InvokeCommandHandler(FakeTenant tenant, String tenantId, String requiredToken, int pageSize) {
    this.tenant = tenant;
    this.tenantId = tenantId;
    this.requiredToken = requiredToken;
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

  void budget(RequestBudget budget) {
    this.budget = budget;
  }

  RequestBudget budget() {
    return budget;
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

  synchronized void inject(String cmdlet, RestFault fault, int times) {
    java.util.ArrayDeque<RestFault> queue = injected.computeIfAbsent(cmdlet.toLowerCase(Locale.ROOT), k -> new java.util.ArrayDeque<>());
    for (int i = 0; i < times; i++) {
      queue.add(fault);
    }
  }

  private synchronized RestFault nextFault(String cmdlet) {
    java.util.ArrayDeque<RestFault> queue = injected.get(cmdlet.toLowerCase(Locale.ROOT));
    if (queue == null || queue.isEmpty()) {
      queue = injected.get("*");
    }
    return queue == null ? null : queue.poll();
  }

  static AdminApiReply injectedReply(RestFault fault, String cmdlet, Map<String, Object> parameters) {
    Object identity = parameters.getOrDefault("Identity", parameters.getOrDefault("Name", cmdlet));
    return switch (fault) {
      case ACCESS_DENIED_NUL_GZIP -> AdminApiReply.accessDenied("injected: " + cmdlet + " denied");
      case ADMINAPI_ERRORS_200 -> adminApiErrors("System.InvalidOperationException",
          "The cmdlet " + cmdlet + " could not complete the operation (injected @adminapi.errors).");
      case THROTTLED_FRACTIONAL_RETRY_AFTER -> {
        AdminApiReply r = error(429, "TooManyRequests", "ServerBusyException", "The server is busy; retry later.");
        r.headers.put("Retry-After", "1.5");
        yield r;
      }
      case CONCURRENT_REQUESTS_LIMIT -> error(400, "BadRequest", "System.Management.Automation.RemoteException",
          "Fail to create a runspace because you have exceeded the maximum number of concurrent requests per tenant. "
              + "Please wait for 60 seconds.");
      case THROTTLED_WITHOUT_RETRY_AFTER -> error(429, "TooManyRequests", "ServerBusyException", "The server is busy; retry later.");
      case SERVICE_UNAVAILABLE -> error(503, "ServiceUnavailable", "ServiceUnavailableException",
          "The service is temporarily unavailable; retry later.");
      case CONNECTION_RESET, BODY_CUT_OFF -> {
        AdminApiReply r = error(200, "", "IOException", "injected: " + fault);
        r.connectionFault = fault == RestFault.CONNECTION_RESET ? com.github.tomakehurst.wiremock.http.Fault.CONNECTION_RESET_BY_PEER
            : com.github.tomakehurst.wiremock.http.Fault.MALFORMED_RESPONSE_CHUNK;
        yield r;
      }
      case LATE_ANSWER_AFTER_RUNNING -> throw new IllegalStateException("answered by running the cmdlet");
      case NOT_FOUND -> error(404, "NotFound", "ManagementObjectNotFoundException", "The operation couldn't be performed "
          + "because object '" + identity + "' couldn't be found on 'NAMPR01A001DC01.PROD.OUTLOOK.COM'.");
    };
  }

  synchronized void reset() {
    budget.reset();
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
    AdminApiReply reply;
    RequestBudget admitted = null;
    try {
      reply = authorize(request);
      if (reply == null) {
        reply = budget.admit().orElse(null);
        admitted = reply == null ? budget : null;
      }
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
            RestFault fault = nextFault(cmdlet);
            if (fault == RestFault.LATE_ANSWER_AFTER_RUNNING) {
              List<Map<String, Object>> rows = tenant.invokeExchangeCmdlet(cmdlet, parameters);
              reply = page(request, cmdlet, rows, 0, pageSize(request), null);
              reply.delayMillis = RestFault.LATE_ANSWER_MILLIS;
            } else if (fault != null) {
              reply = injectedReply(fault, cmdlet, parameters);
            } else {
              List<Map<String, Object>> rows = tenant.invokeExchangeCmdlet(cmdlet, parameters);
              reply = page(request, cmdlet, rows, 0, pageSize(request), null);
            }
          }
        }
      }
    } catch (RuntimeException | AssertionError e) {
      reply = failure(e);
    } finally {
      if (admitted != null) {
        admitted.done();
      }
    }
    record(cmdlet, parameters, anchor, page, reply.status, reply.error);
    return reply.toResponse();
  }

  private AdminApiReply authorize(com.github.tomakehurst.wiremock.http.Request request) {
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
      AdminApiReply r = error(401, "Unauthorized", "UnauthorizedAccessException", token.isEmpty()
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

  private AdminApiReply page(com.github.tomakehurst.wiremock.http.Request request, String cmdlet, List<Map<String, Object>> rows, int offset,
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
    return new AdminApiReply(200, body, Optional.empty());
  }

  private AdminApiReply nextPage(com.github.tomakehurst.wiremock.http.Request request, Token token, String cmdlet) {
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
}
