package dev.impersonation.graph;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.impersonation.SignIn;
import java.io.IOException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.function.Function;
import okhttp3.mockwebserver.Dispatcher;
import okhttp3.mockwebserver.MockResponse;
import okhttp3.mockwebserver.MockWebServer;
import okhttp3.mockwebserver.RecordedRequest;

/**
 * A scripted Graph on MockWebServer (localhost). The handler sees each request with its path URL-decoded (the SDK
 * sends {@code %40} for {@code @}; both forms match), and inner {@code $batch} requests one by one.
 */
final class FakeGraph implements AutoCloseable {
  static final ObjectMapper JSON = new ObjectMapper();
  static final String TOKEN = "eyJ0eXAiOiJKV1QiLCJhbGciOiJub25lIn0.fake-graph-token";
  static final String APP_TOKEN = "eyJ0eXAiOiJKV1QiLCJhbGciOiJub25lIn0.fake-app-token";

  /** One request as the handler sees it. */
  record Call(String method, String path, String query, JsonNode body, boolean inBatch) {
    String pathAndQuery() {
      return query == null ? path : path + "?" + query;
    }
  }

  /** An answer. */
  record Answer(int status, String body, String retryAfter) {
    static Answer ok(String body) {
      return new Answer(200, body, null);
    }

    static Answer noContent() {
      return new Answer(204, null, null);
    }

    static Answer error(int status, String code, String message) {
      return new Answer(status, "{\"error\":{\"code\":\"" + code + "\",\"message\":\"" + message.replace("\"", "\\\"") + "\"}}", null);
    }

    static Answer throttled(String retryAfter) {
      return new Answer(429, "{\"error\":{\"code\":\"TooManyRequests\",\"message\":\"Too many requests.\"}}", retryAfter);
    }
  }

  final MockWebServer server = new MockWebServer();
  final List<RecordedRequest> httpRequests = Collections.synchronizedList(new ArrayList<>());
  final List<Call> calls = Collections.synchronizedList(new ArrayList<>());
  final List<RecordedRequest> tokenRequests = Collections.synchronizedList(new ArrayList<>());
  final List<String> batchBodies = Collections.synchronizedList(new ArrayList<>());
  final List<String> scopes = Collections.synchronizedList(new ArrayList<>());
  volatile Function<Call, Answer> handler = c -> Answer.error(404, "Request_ResourceNotFound", "Resource not found.");
  /** The backend's object-id look-ups ({@code GET /users/{upn}?$select=id,...}), answered by the fake itself. */
  final List<String> idLookups = Collections.synchronizedList(new ArrayList<>());

  /**
   * The object id the fake gives a user name: a stable name-based UUID. Names starting with {@code nobody} or
   * {@code missing} are no user (404).
   */
  static String idOf(String upn) {
    return java.util.UUID.nameUUIDFromBytes(upn.toLowerCase(java.util.Locale.ROOT).getBytes(StandardCharsets.UTF_8)).toString();
  }

  /** The documented reference to a user by name: {@code .../directoryObjects/<idOf(upn)>}. */
  String ref(String upn) {
    return baseUrl() + "/directoryObjects/" + idOf(upn);
  }

  private static final java.util.regex.Pattern USER_BY_NAME = java.util.regex.Pattern.compile("^/v1\\.0/users/([^/]+)$");

  /**
   * What a plan does before the adds: reads the users in bulk ({@link GraphDirectoryBackend#findUsers}, answered here
   * with {@link #idOf}), so the backend knows their ids. The recorded requests are cleared afterwards.
   */
  void planRead(GraphDirectoryBackend backend, List<String> upns) {
    Function<Call, Answer> scripted = handler;
    handler = c -> c.method().equals("GET") && USER_BY_NAME.matcher(c.path()).matches()
        ? Answer.ok(userJson(c.path().substring(c.path().lastIndexOf('/') + 1)))
        : usersIn(c) != null ? usersIn(c) : scripted.apply(c);
    try {
      backend.findUsers(upns);
    } finally {
      handler = scripted;
      httpRequests.clear();
      calls.clear();
      batchBodies.clear();
      idLookups.clear();
    }
  }

  /** {@code GET /users?$filter=userPrincipalName in ('a', ...)}: every name asked is a user; null for other calls. */
  static Answer usersIn(Call c) {
    if (!"GET".equals(c.method()) || !c.path().equals("/v1.0/users") || c.query() == null) {
      return null;
    }
    String query = java.net.URLDecoder.decode(c.query().replace("+", "%2B"), java.nio.charset.StandardCharsets.UTF_8);
    java.util.regex.Matcher in = java.util.regex.Pattern.compile("userPrincipalName in \\((.*?)\\)(&|$)").matcher(query);
    if (!in.find()) {
      return null;
    }
    java.util.List<String> rows = new java.util.ArrayList<>();
    java.util.regex.Matcher v = java.util.regex.Pattern.compile("'((?:[^']|'')*)'").matcher(in.group(1));
    while (v.find()) {
      rows.add(userJson(v.group(1).replace("''", "'")));
    }
    return Answer.ok("{\"value\":[" + String.join(",", rows) + "]}");
  }

  static String userJson(String upn) {
    return "{\"id\":\"" + idOf(upn) + "\",\"userPrincipalName\":\"" + upn + "\",\"mail\":\"" + upn + "\",\"displayName\":\""
        + upn + "\",\"usageLocation\":\"US\",\"assignedLicenses\":[]}";
  }

  /** Answers the backend's id look-ups, which every test would otherwise have to script. */
  private Answer idLookup(Call c) {
    java.util.regex.Matcher m = USER_BY_NAME.matcher(c.path());
    if (!"GET".equals(c.method()) || !m.matches() || c.query() == null || !c.query().contains("$select=id,userPrincipalName,mail")) {
      return null;
    }
    String name = m.group(1);
    idLookups.add(name);
    String local = name.toLowerCase(java.util.Locale.ROOT);
    if (local.startsWith("nobody") || local.startsWith("missing")) {
      return Answer.error(404, "Request_ResourceNotFound", "Resource '" + name + "' does not exist or one of its queried "
          + "reference-property objects are not present.");
    }
    return Answer.ok(userJson(name));
  }

  FakeGraph() throws IOException {
    server.setDispatcher(new Dispatcher() {
      @Override
      public MockResponse dispatch(RecordedRequest r) {
        try {
          return answer(r);
        } catch (Exception e) {
          return new MockResponse().setResponseCode(599).setBody(e.toString());
        }
      }
    });
    server.start();
  }

  String baseUrl() {
    return "http://localhost:" + server.getPort() + "/v1.0";
  }

  GraphConnection.Builder connection() {
    return GraphConnection.exchangeOnline("contoso.onmicrosoft.com").signIn(delegated()).baseUrl(baseUrl());
  }

  SignIn delegated() {
    return delegated(dev.impersonation.Cloud.GLOBAL);
  }

  SignIn delegated(dev.impersonation.Cloud cloud) {
    return SignIn.builder("contoso.onmicrosoft.com", cloud)
        .tokenSupplier("admin@contoso.com", scope -> {
          scopes.add(scope);
          return TOKEN;
        }).build();
  }

  /** Non-token HTTP requests. */
  int requestCount() {
    return httpRequests.size();
  }

  private MockResponse answer(RecordedRequest r) throws IOException {
    String rawPath = r.getRequestUrl().encodedPath();
    if (rawPath.endsWith("/oauth2/v2.0/token")) {
      tokenRequests.add(r);
      MockResponse token = json(200, "{\"token_type\":\"Bearer\",\"expires_in\":3599,\"ext_expires_in\":3599,\"access_token\":\"" + APP_TOKEN + "\"}", null);
      String id = r.getHeader("client-request-id");
      return id == null ? token : token.setHeader("client-request-id", id);
    }
    httpRequests.add(r);
    String path = decode(rawPath);
    String query = r.getRequestUrl().encodedQuery() == null ? null : decode(r.getRequestUrl().encodedQuery());
    String text = r.getBody().readUtf8();
    JsonNode body = text.isEmpty() ? null : JSON.readTree(text);
    if (path.equals("/v1.0/$batch")) {
      batchBodies.add(text);
      ObjectNode out = JSON.createObjectNode();
      ArrayNode responses = out.putArray("responses");
      for (JsonNode inner : body.path("requests")) {
        String url = inner.path("url").asText();
        int q = url.indexOf('?');
        String innerPath = "/v1.0" + decode(q < 0 ? url : url.substring(0, q));
        Call c = new Call(inner.path("method").asText(), innerPath, q < 0 ? null : decode(url.substring(q + 1)),
            inner.get("body"), true);
        Answer a = idLookup(c);
        if (a == null) {
          calls.add(c);
          a = handler.apply(c);
        }
        ObjectNode resp = responses.addObject();
        resp.put("id", inner.path("id").asText());
        resp.put("status", a.status());
        ObjectNode headers = resp.putObject("headers");
        headers.put("Content-Type", "application/json");
        if (a.retryAfter() != null) {
          headers.put("Retry-After", a.retryAfter());
        }
        if (a.body() != null) {
          resp.set("body", JSON.readTree(a.body()));
        }
      }
      return json(200, JSON.writeValueAsString(out), null);
    }
    Call c = new Call(r.getMethod(), path, query, body, false);
    Answer a = idLookup(c);
    if (a == null) {
      calls.add(c);
      a = handler.apply(c);
    }
    return json(a.status(), a.body(), a.retryAfter());
  }

  static String decode(String s) {
    return URLDecoder.decode(s.replace("+", "%2B"), StandardCharsets.UTF_8);
  }

  private static MockResponse json(int status, String body, String retryAfter) {
    MockResponse m = new MockResponse().setResponseCode(status).setHeadersDelay(0, java.util.concurrent.TimeUnit.MILLISECONDS);
    if (body != null) {
      m.setHeader("Content-Type", "application/json").setBody(body);
    }
    if (retryAfter != null) {
      m.setHeader("Retry-After", retryAfter);
    }
    return m;
  }

  /** A sleeper that records and does not wait. */
  static final class RecordingSleeper implements dev.impersonation.spi.Sleeper {
    final List<Duration> waits = Collections.synchronizedList(new ArrayList<>());

    @Override
    public void sleep(Duration d) {
      waits.add(d);
    }
  }

  @Override
  public void close() throws IOException {
    server.shutdown();
  }
}
