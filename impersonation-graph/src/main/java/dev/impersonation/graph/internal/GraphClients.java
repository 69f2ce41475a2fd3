package dev.impersonation.graph.internal;

import com.microsoft.graph.core.requests.GraphClientFactory;
import com.microsoft.graph.serviceclient.GraphServiceClient;
import com.microsoft.kiota.RequestOption;
import com.microsoft.kiota.authentication.AccessTokenProvider;
import com.microsoft.kiota.authentication.AllowedHostsValidator;
import com.microsoft.kiota.authentication.BaseBearerTokenAuthenticationProvider;
import com.microsoft.kiota.http.middleware.options.RetryHandlerOption;
import java.net.URI;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import okhttp3.OkHttpClient;

/**
 * Builds the Graph SDK client as the SDK needs (docs/graph.md#sdk): OkHttp from {@link GraphClientFactory} (so the SDK's
 * middleware stays), its retry handler off ({@code new RetryHandlerOption(null, 0, 0)}: the core executor retries on the
 * connection's clock), and an {@link AllowedHostsValidator} that is never empty (an empty one allows every host).
 */
public final class GraphClients {
  private GraphClients() {}

  /** The SDK retry option that disables its retries. */
  public static RetryHandlerOption retryOff() {
    return new RetryHandlerOption(null, 0, 0);
  }

  /** The OkHttp client: Graph middleware, retries off. */
  public static OkHttpClient okHttp() {
    return GraphClientFactory.create(new RequestOption[] {retryOff()})
        .connectTimeout(Duration.ofSeconds(10))
        .readTimeout(Duration.ofSeconds(100))
        .build();
  }

  /**
   * A Graph client that sends requests to {@code baseUrl} (e.g. {@code https://graph.microsoft.us/v1.0}) with bearer
   * tokens from {@code tokens}, only to {@code allowedHosts} (never empty).
   */
  public static GraphServiceClient client(Function<URI, String> tokens, Set<String> allowedHosts, String baseUrl,
      OkHttpClient http) {
    if (allowedHosts.isEmpty()) {
      throw new IllegalArgumentException("allowedHosts must not be empty: an empty AllowedHostsValidator allows every host");
    }
    AllowedHostsValidator validator = new AllowedHostsValidator(allowedHosts.toArray(String[]::new));
    AccessTokenProvider provider = new AccessTokenProvider() {
      @Override
      public String getAuthorizationToken(URI uri, Map<String, Object> additionalContext) {
        if (!validator.isUrlHostValid(uri)) {
          return "";
        }
        boolean local = "localhost".equalsIgnoreCase(uri.getHost()) || "127.0.0.1".equals(uri.getHost());
        if (!"https".equalsIgnoreCase(uri.getScheme()) && !local) {
          throw new IllegalArgumentException("Refusing to send a token over plain HTTP to " + uri.getHost());
        }
        return tokens.apply(uri);
      }

      @Override
      public AllowedHostsValidator getAllowedHostsValidator() {
        return validator;
      }

      @Override
      public String toString() {
        return "GraphTokenProvider[hosts " + allowedHosts + "]";
      }
    };
    GraphServiceClient client = new GraphServiceClient(new BaseBearerTokenAuthenticationProvider(provider), http);
    client.getRequestAdapter().setBaseUrl(baseUrl);
    return client;
  }
}
