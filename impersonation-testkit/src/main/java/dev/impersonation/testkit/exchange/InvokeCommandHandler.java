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
 * (docs/exchange-admin-rest.md, docs/error-texts.md).
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
  private final Map<String, java.util.ArrayDeque<RestFault>> injected = new java.util.HashMap<>();
  private volatile int pageSize;
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

  private static Reply injectedReply(RestFault fault, String cmdlet, Map<String, Object> parameters) {
    Object identity = parameters.getOrDefault("Identity", parameters.getOrDefault("Name", cmdlet));
    return switch (fault) {
      case ACCESS_DENIED_NUL_GZIP -> Reply.accessDenied("injected: " + cmdlet + " denied");
      case ADMINAPI_ERRORS_200 -> adminApiErrors("System.InvalidOperationException",
          "The cmdlet " + cmdlet + " could not complete the operation (injected @adminapi.errors).");
      case THROTTLED_FRACTIONAL_RETRY_AFTER -> {
        Reply r = error(429, "TooManyRequests", "ServerBusyException", "The server is busy; retry later.");
        r.headers.put("Retry-After", "1.5");
        yield r;
      }
      case CONCURRENT_REQUESTS_LIMIT -> error(400, "BadRequest", "System.Management.Automation.RemoteException",
          "Fail to create a runspace because you have exceeded the maximum number of concurrent requests per tenant. "
              + "Please wait for 60 seconds.");
      case NOT_FOUND -> error(404, "NotFound", "ManagementObjectNotFoundException", "The operation couldn't be performed "
          + "because object '" + identity + "' couldn't be found on 'NAMPR01A001DC01.PROD.OUTLOOK.COM'.");
    };
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
            RestFault fault = nextFault(cmdlet);
            if (fault != null) {
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

  // ------------------------------------------------------------ errors (docs/exchange-admin-rest.md, docs/error-texts.md)

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
      Reply r = error(429, "TooManyRequests", typed.matches() ? type : "ServerBusyException", message);
      r.headers.put("Retry-After", retryAfter(t.retryAfter().orElse(Duration.ofSeconds(1))));
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
    if (e instanceof AccessDeniedException || type.equals("CommandNotFoundException")) {
      // The live endpoint answers an unknown cmdlet, or one the caller's roles lack, so: 403, a body of NUL bytes that
      // claims to be gzip.
      return Reply.accessDenied(type + ": " + message);
    }
    if (type.endsWith("ManagementObjectNotFoundException")) {
      return error(404, "NotFound", type, message);
    }
    return error(400, "BadRequest", type, message);
  }

  /** A Retry-After value in seconds, fractional when the wait is not whole ("1.5"), as the live endpoint sends. */
  static String retryAfter(Duration wait) {
    return java.math.BigDecimal.valueOf(Math.max(0, wait.toMillis())).movePointLeft(3).stripTrailingZeros().toPlainString();
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

  /**
   * An error in the live endpoint's shape: {@code error.code} the HTTP reason ("NotFound", "BadRequest"),
   * {@code error.message} the generic text ("Error executing cmdlet", "Invalid Operation"), the exception type in
   * {@code error.details[].message} as {@code "Ex…|Namespace.Type|text"}, and the text under
   * {@code error.innererror.internalexception} (lower case, as live bodies spell it).
   */
  static Reply error(int status, String code, String type, String message) {
    String fullType = namespaced(type);
    String detailCode = errorCode(type);
    ObjectNode body = JSON.createObjectNode();
    ObjectNode error = body.putObject("error");
    error.put("code", code);
    error.put("message", status == 404 ? "Error executing cmdlet" : status == 400 ? "Invalid Operation" : message);
    ObjectNode detail = error.putArray("details").addObject();
    detail.put("code", detailCode);
    detail.put("target", "");
    detail.put("message", detailCode + "|" + fullType + "|" + message);
    ObjectNode inner = error.putObject("innererror");
    inner.put("message", message);
    inner.put("type", fullType);
    ObjectNode internal = inner.putObject("internalexception");
    internal.put("message", message);
    internal.put("type", fullType);
    return new Reply(status, body, Optional.of(type + ": " + message));
  }

  /** The .NET namespace Exchange's task exceptions carry in live answers. */
  static String namespaced(String type) {
    if (type.contains(".")) {
      return type;
    }
    if (type.startsWith("ManagementObject") || type.equals("MemberAlreadyExistsException")) {
      return "Microsoft.Exchange.Configuration.Tasks." + type;
    }
    return type;
  }

  /** A 200 answer whose {@code @adminapi.errors} says the cmdlet failed (the module's REST helpers read it so). */
  static Reply adminApiErrors(String type, String message) {
    ObjectNode body = JSON.createObjectNode();
    body.putArray("value");
    body.putArray("@adminapi.errors").add(errorCode(type) + "|" + namespaced(type) + "|" + message);
    return new Reply(200, body, Optional.of(type + ": " + message));
  }

  static final class Reply {
    final int status;
    final JsonNode body;
    final Optional<String> error;
    final Map<String, String> headers = new LinkedHashMap<>();
    byte[] rawBody;

    /** 403 with 32 NUL bytes labelled {@code Content-Encoding: gzip}, as the live endpoint answers a denied cmdlet. */
    static Reply accessDenied(String journalText) {
      Reply r = new Reply(403, JSON.createObjectNode(), Optional.of(journalText));
      r.rawBody = new byte[32];
      r.headers.put("Content-Encoding", "gzip");
      return r;
    }

    Reply(int status, JsonNode body, Optional<String> error) {
      this.status = status;
      this.body = body;
      this.error = error;
    }

    ResponseDefinition toResponse() {
      com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder b = com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder
          .responseDefinition().withStatus(status).withHeader("Content-Type", "application/json; odata.metadata=minimal; charset=utf-8");
      headers.forEach(b::withHeader);
      return rawBody != null ? b.withBody(rawBody).build() : b.withBody(body.toString()).build();
    }
  }
}
