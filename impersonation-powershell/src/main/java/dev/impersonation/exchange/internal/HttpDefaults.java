package dev.impersonation.exchange.internal;

import java.time.Duration;
import okhttp3.OkHttpClient;

/** The OkHttp clients the Exchange connection uses when none is injected: bounded waits, no silent retries. */
public final class HttpDefaults {
  private HttpDefaults() {}

  /** For InvokeCommand and EWS: connect 10 s, read {@code readTimeout}, write 1 min, no retry on connection failure. */
  public static OkHttpClient exchange(Duration readTimeout) {
    return new OkHttpClient.Builder()
        .connectTimeout(Duration.ofSeconds(10))
        .readTimeout(readTimeout)
        .writeTimeout(Duration.ofMinutes(1))
        .retryOnConnectionFailure(false)
        .build();
  }

  /** For the sign-in endpoint: connect 10 s, read 60 s, no retry on connection failure. */
  public static OkHttpClient signIn() {
    return new OkHttpClient.Builder().connectTimeout(Duration.ofSeconds(10)).readTimeout(Duration.ofSeconds(60))
        .retryOnConnectionFailure(false).build();
  }
}
