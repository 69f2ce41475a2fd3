package dev.impersonation.examples.onboarding;

import com.microsoft.aad.msal4j.HttpRequest;
import com.microsoft.aad.msal4j.HttpResponse;
import com.microsoft.aad.msal4j.IHttpClient;
import com.microsoft.aad.msal4j.IHttpResponse;
import java.net.URI;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Where sign-in really goes. MSAL only accepts an {@code https} authority, so the app keeps
 * {@code https://login.microsoftonline.com/...} and, in tests and the demo, this route sends both MSAL's requests and the
 * browser's redirect to a local sign-in endpoint instead (scheme, host and port replaced; path and query kept).
 */
final class SignInRoute implements IHttpClient {
  private static final Set<String> RESTRICTED = Set.of("host", "content-length", "connection", "expect", "upgrade");
  private final Optional<URI> via;
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

  /** Straight to Microsoft. */
  static SignInRoute direct() {
    return new SignInRoute(Optional.empty());
  }

  /** Every sign-in URL to {@code baseUrl} (e.g. a SignInSimulator's). */
  static SignInRoute via(String baseUrl) {
    return new SignInRoute(Optional.of(URI.create(baseUrl)));
  }

  private SignInRoute(Optional<URI> via) {
    this.via = via;
  }

  /** The URL as it is really reached. */
  URI route(URI url) {
    if (via.isEmpty()) {
      return url;
    }
    URI base = via.get();
    return URI.create(base.getScheme() + "://" + base.getRawAuthority() + url.getRawPath()
        + (url.getRawQuery() == null ? "" : "?" + url.getRawQuery()));
  }

  @Override
  public IHttpResponse send(HttpRequest request) throws Exception {
    java.net.http.HttpRequest.Builder b = java.net.http.HttpRequest.newBuilder(route(request.url().toURI()))
        .timeout(Duration.ofSeconds(30));
    if (request.headers() != null) {
      for (Map.Entry<String, String> h : request.headers().entrySet()) {
        if (h.getKey() != null && h.getValue() != null && !RESTRICTED.contains(h.getKey().toLowerCase(Locale.ROOT))) {
          b.header(h.getKey(), h.getValue());
        }
      }
    }
    String method = request.httpMethod().methodName;
    if (method.equals("GET")) {
      b.GET();
    } else {
      if (request.headerValue("Content-Type") == null) {
        b.header("Content-Type", "application/x-www-form-urlencoded; charset=utf-8");
      }
      b.method(method, java.net.http.HttpRequest.BodyPublishers.ofString(request.body() == null ? "" : request.body()));
    }
    java.net.http.HttpResponse<String> r = http.send(b.build(), java.net.http.HttpResponse.BodyHandlers.ofString());
    HttpResponse out = new HttpResponse().statusCode(r.statusCode()).body(r.body());
    out.addHeaders(r.headers().map());
    return out;
  }
}
