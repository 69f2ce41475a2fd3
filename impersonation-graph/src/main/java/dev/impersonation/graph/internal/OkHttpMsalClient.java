package dev.impersonation.graph.internal;

import com.microsoft.aad.msal4j.HttpRequest;
import com.microsoft.aad.msal4j.HttpResponse;
import com.microsoft.aad.msal4j.IHttpClient;
import com.microsoft.aad.msal4j.IHttpResponse;
import java.util.Map;
import java.util.Objects;
import java.util.function.UnaryOperator;
import okhttp3.HttpUrl;
import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;
import okhttp3.ResponseBody;

/**
 * MSAL4J's HTTP calls over an {@link OkHttpClient}, so sign-in shares the connection's proxy and TLS settings. An
 * optional URL rewrite sends MSAL's {@code https://login…} requests elsewhere: that is how tests route MSAL to a local
 * simulator while MSAL keeps a real {@code https} authority (offline MSAL testing).
 */
public final class OkHttpMsalClient implements IHttpClient {
  private final OkHttpClient http;
  private final UnaryOperator<HttpUrl> rewrite;

  /** MSAL over {@code http}, unchanged URLs. */
  public OkHttpMsalClient(OkHttpClient http) {
    this(http, UnaryOperator.identity());
  }

  /**
   * MSAL over {@code http}, every URL passed through {@code rewrite} first (test hook: e.g. to
   * {@code http://localhost:PORT}).
   */
  public OkHttpMsalClient(OkHttpClient http, UnaryOperator<HttpUrl> rewrite) {
    this.http = Objects.requireNonNull(http, "http");
    this.rewrite = Objects.requireNonNull(rewrite, "rewrite");
  }

  /** A rewrite that keeps path and query but sends every request to {@code base} (scheme, host and port). */
  public static UnaryOperator<HttpUrl> redirectTo(String base) {
    HttpUrl target = HttpUrl.get(base);
    return url -> url.newBuilder().scheme(target.scheme()).host(target.host()).port(target.port()).build();
  }

  @Override
  public IHttpResponse send(HttpRequest request) throws Exception {
    HttpUrl url = rewrite.apply(HttpUrl.get(request.url()));
    Request.Builder builder = new Request.Builder().url(url);
    if (request.headers() != null) {
      for (Map.Entry<String, String> h : request.headers().entrySet()) {
        if (h.getKey() != null && h.getValue() != null) {
          builder.header(h.getKey(), h.getValue());
        }
      }
    }
    String method = request.httpMethod().methodName;
    if ("GET".equals(method) || "HEAD".equals(method)) {
      builder.method(method, null);
    } else {
      String contentType = request.headerValue("Content-Type");
      MediaType type = MediaType.parse(contentType == null ? "application/x-www-form-urlencoded; charset=utf-8" : contentType);
      builder.method(method, RequestBody.create(request.body() == null ? "" : request.body(), type));
    }
    try (Response response = http.newCall(builder.build()).execute()) {
      ResponseBody body = response.body();
      HttpResponse out = new HttpResponse().statusCode(response.code()).body(body == null ? "" : body.string());
      out.addHeaders(response.headers().toMultimap());
      return out;
    }
  }
}
