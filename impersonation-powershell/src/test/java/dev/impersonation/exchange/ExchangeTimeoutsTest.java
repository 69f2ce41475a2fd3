package dev.impersonation.exchange;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.impersonation.InvalidSetupException;
import dev.impersonation.powershell.Cmdlet;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import okhttp3.OkHttpClient;
import okhttp3.mockwebserver.MockResponse;
import okhttp3.mockwebserver.MockWebServer;
import org.junit.jupiter.api.Test;

/** REST calls fail fast: a 2-minute default read timeout, and a per-cmdlet override for cmdlets slow in a tenant. */
class ExchangeTimeoutsTest {

  @Test
  void theDefaultClientWaitsTwoMinutesNotFifteen() {
    OkHttpClient client = ExchangeConnection.defaultHttpClient();
    assertEquals(Duration.ofMinutes(2).toMillis(), client.readTimeoutMillis());
    assertEquals(Duration.ofSeconds(10).toMillis(), client.connectTimeoutMillis());
    assertEquals(Duration.ofMinutes(1).toMillis(), client.writeTimeoutMillis());
    assertEquals(Duration.ofSeconds(30).toMillis(), ExchangeConnection.defaultHttpClient(Duration.ofSeconds(30)).readTimeoutMillis());
  }

  @Test
  void aSlowCmdletGetsItsOwnReadTimeoutOnEveryCall() throws Exception {
    List<Long> seen = new ArrayList<>();
    OkHttpClient http = new OkHttpClient.Builder().readTimeout(Duration.ofSeconds(20)).addInterceptor(chain -> {
      seen.add((long) chain.readTimeoutMillis());
      return chain.proceed(chain.request());
    }).build();
    try (MockWebServer server = new MockWebServer()) {
      for (int i = 0; i < 2; i++) {
        server.enqueue(new MockResponse().setResponseCode(200).setHeader("Content-Type", "application/json").setBody("{\"value\":[]}"));
      }
      server.start();
      ExchangeRestTransport transport = new ExchangeRestTransport(http,
          server.url("/adminapi/beta/contoso.onmicrosoft.com/InvokeCommand").toString(), () -> "token",
          ExchangeRestTransport.APP_ANCHOR_PREFIX + "contoso.onmicrosoft.com", Clock.systemUTC(), false, false,
          Map.of("get-recipient", Duration.ofMinutes(10)));
      transport.invoke(Cmdlet.of("Get-Recipient"));
      transport.invoke(Cmdlet.of("Get-Mailbox"));
    }
    assertEquals(List.of(Duration.ofMinutes(10).toMillis(), Duration.ofSeconds(20).toMillis()), seen);
  }

  @Test
  void timeoutsAreValidated() {
    ExchangeConnection.Builder c = ExchangeConnection.exchangeOnline("contoso.onmicrosoft.com");
    assertThrows(InvalidSetupException.class, () -> c.readTimeout(Duration.ZERO));
    assertThrows(InvalidSetupException.class, () -> c.readTimeout("Get Recipient", Duration.ofMinutes(1)));
    assertThrows(InvalidSetupException.class, () -> c.readTimeout("Get-Recipient", Duration.ofSeconds(-1)));
    c.readTimeout("Get-Recipient", Duration.ofMinutes(10)).readTimeout(Duration.ofSeconds(45));
  }
}
