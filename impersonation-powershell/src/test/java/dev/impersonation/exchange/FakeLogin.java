package dev.impersonation.exchange;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import okhttp3.mockwebserver.Dispatcher;
import okhttp3.mockwebserver.MockResponse;
import okhttp3.mockwebserver.MockWebServer;
import okhttp3.mockwebserver.RecordedRequest;

/**
 * A MockWebServer playing Entra ID's token and device-code endpoints and Exchange's InvokeCommand, with MSAL routed to it
 * through {@code SignIn.Builder#signInVia} while MSAL keeps its real {@code https://login…} authority (offline MSAL testing).
 */
final class FakeLogin extends Dispatcher {
  static final String APP_TOKEN = "app-token-0123456789";
  static final String USER_TOKEN = "user-token-9876543210";

  final MockWebServer server = new MockWebServer();
  final List<RecordedRequest> tokenRequests = new CopyOnWriteArrayList<>();
  final List<RecordedRequest> deviceCodeRequests = new CopyOnWriteArrayList<>();
  final List<RecordedRequest> exchangeRequests = new CopyOnWriteArrayList<>();
  /** Requests to any other path (e.g. an instance-discovery call MSAL must not make). */
  final List<String> otherRequests = new CopyOnWriteArrayList<>();
  final AtomicInteger pendingAnswers = new AtomicInteger();
  volatile MockResponse tokenOverride;
  volatile String exchangeAnswer = "{\"value\":[{\"Name\":\"Org\",\"IsDehydrated\":false}]}";
  volatile int exchangeStatus = 200;

  FakeLogin() throws Exception {
    server.setDispatcher(this);
    server.start();
  }

  String baseUrl() {
    return server.url("/").toString();
  }

  void close() throws Exception {
    server.shutdown();
  }

  @Override
  public MockResponse dispatch(RecordedRequest request) {
    MockResponse answer = answer(request);
    String id = request.getHeader("client-request-id");
    // Entra echoes the caller's client-request-id (MSAL4J logs a warning on every answer that does not).
    return id == null || !request.getPath().contains("/oauth2/") ? answer : answer.clone().setHeader("client-request-id", id);
  }

  private MockResponse answer(RecordedRequest request) {
    String path = request.getPath();
    if (path.endsWith("/oauth2/v2.0/devicecode")) {
      deviceCodeRequests.add(request);
      return json(200, "{\"user_code\":\"ABCD-EFGH\",\"device_code\":\"device-code-1\",\"verification_uri\":"
          + "\"https://microsoft.com/devicelogin\",\"expires_in\":900,\"interval\":0,\"message\":\"To sign in, use a web "
          + "browser to open the page https://microsoft.com/devicelogin and enter the code ABCD-EFGH to authenticate.\"}");
    }
    if (path.endsWith("/oauth2/v2.0/token")) {
      tokenRequests.add(request);
      String body = request.getBody().clone().readUtf8();
      if (tokenOverride != null) {
        return tokenOverride;
      }
      if (body.contains("device_code")) {
        if (pendingAnswers.getAndDecrement() > 0) {
          return json(400, "{\"error\":\"authorization_pending\",\"error_description\":\"AADSTS70016: OAuth 2.0 device flow "
              + "error. Authorization is pending. Continue polling.\"}");
        }
        return json(200, "{\"token_type\":\"Bearer\",\"scope\":\"https://outlook.office365.com/.default openid profile "
            + "offline_access\",\"expires_in\":3599,\"ext_expires_in\":3599,\"access_token\":\"" + USER_TOKEN + "\","
            + "\"refresh_token\":\"refresh-token-1\",\"id_token\":\"" + idToken() + "\",\"client_info\":\"" + clientInfo() + "\"}");
      }
      return json(200, "{\"token_type\":\"Bearer\",\"expires_in\":3599,\"ext_expires_in\":3599,\"access_token\":\"" + APP_TOKEN + "\"}");
    }
    if (path.contains("/adminapi/beta/")) {
      exchangeRequests.add(request);
      return json(exchangeStatus, exchangeAnswer);
    }
    otherRequests.add(path);
    return new MockResponse().setResponseCode(404).setBody("{\"error\":\"unexpected " + path + "\"}");
  }

  static MockResponse json(int status, String body) {
    return new MockResponse().setResponseCode(status).setHeader("Content-Type", "application/json").setBody(body);
  }

  static String b64(String s) {
    return Base64.getUrlEncoder().withoutPadding().encodeToString(s.getBytes(StandardCharsets.UTF_8));
  }

  static String clientInfo() {
    return b64("{\"uid\":\"user-oid\",\"utid\":\"tenant-id\"}");
  }

  static String idToken() {
    long now = Instant.now().getEpochSecond();
    return b64("{\"alg\":\"none\",\"typ\":\"JWT\"}") + "." + b64("{\"aud\":\"11111111-2222-3333-4444-555555555555\","
        + "\"iss\":\"https://login.microsoftonline.com/tenant-id/v2.0\",\"iat\":" + now + ",\"nbf\":" + now + ",\"exp\":"
        + (now + 3600) + ",\"name\":\"Admin\",\"oid\":\"user-oid\",\"preferred_username\":\"admin@contoso.com\","
        + "\"sub\":\"subject\",\"tid\":\"tenant-id\",\"ver\":\"2.0\"}") + ".";
  }
}
