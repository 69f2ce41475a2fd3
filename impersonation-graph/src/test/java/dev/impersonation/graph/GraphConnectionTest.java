package dev.impersonation.graph;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.microsoft.kiota.http.middleware.options.RetryHandlerOption;
import dev.impersonation.Cloud;
import dev.impersonation.InvalidSetupException;
import dev.impersonation.TenantTarget;
import dev.impersonation.exchange.ExchangeCredentials;
import dev.impersonation.graph.FakeGraph.Answer;
import dev.impersonation.graph.internal.GraphClients;
import java.util.Set;
import org.junit.jupiter.api.Test;

class GraphConnectionTest {
  @Test
  void nationalCloudsSelectTheirGraphHostAndScope() {
    assertEquals("https://graph.microsoft.com/v1.0", GraphConnection.exchangeOnline("contoso.onmicrosoft.com").baseUrl());
    GraphConnection high = GraphConnection.exchangeOnline("contoso.onmicrosoft.us", Cloud.GCC_HIGH);
    assertEquals("graph.microsoft.us", high.graphHost());
    assertEquals("https://graph.microsoft.us/.default", high.scope());
    assertEquals("https://graph.microsoft.us/v1.0", high.baseUrl());
    assertEquals(Set.of("graph.microsoft.us"), high.allowedHosts());
    assertEquals("https://dod-graph.microsoft.us/.default", GraphConnection.exchangeOnline("contoso.onmicrosoft.us", Cloud.DOD).scope());
    assertEquals("https://microsoftgraph.chinacloudapi.cn/.default",
        GraphConnection.exchangeOnline("contoso.partner.onmschina.cn", Cloud.CHINA).scope());
    GraphConnection overridden = GraphConnection.exchangeOnline("contoso.onmicrosoft.us", Cloud.DOD).graphHost("https://graph.example.us/");
    assertEquals("https://graph.example.us/.default", overridden.scope());
  }

  @Test
  void aSimulatorBaseUrlJoinsTheAllowedHostsAndKeepsTheCloudScope() throws Exception {
    try (FakeGraph graph = new FakeGraph()) {
      GraphConnection c = GraphConnection.exchangeOnline("contoso.onmicrosoft.us", Cloud.GCC_HIGH).credentials(graph.delegated())
          .baseUrl(graph.baseUrl());
      assertEquals(Set.of("graph.microsoft.us", "localhost"), c.allowedHosts());
      graph.handler = call -> Answer.ok("{\"value\":[]}");
      c.build().findGroup("x");
      assertEquals(java.util.List.of("https://graph.microsoft.us/.default"), graph.scopes);
    }
  }

  @Test
  void sharedCredentialsAreTheSameObject() {
    ExchangeCredentials creds = ExchangeCredentials.builder(TenantTarget.exchangeOnline("contoso.onmicrosoft.com"))
        .tokenSupplier("admin@contoso.com", scope -> "t").build();
    GraphConnection c = GraphConnection.exchangeOnline("contoso.onmicrosoft.com").credentials(creds);
    assertSame(creds, c.credentials());
    assertThrows(InvalidSetupException.class, () -> c.appId("00000000-0000-0000-0000-000000000001"));
    assertThrows(InvalidSetupException.class, () -> GraphConnection.exchangeOnline("contoso.onmicrosoft.com")
        .appId("00000000-0000-0000-0000-000000000001").credentials(creds));
  }

  @Test
  void rejectsPlainHttpOutsideLocalhostAndExchangeServer() {
    assertThrows(InvalidSetupException.class, () -> GraphConnection.exchangeOnline("contoso.onmicrosoft.com").baseUrl("http://graph.example.com/v1.0"));
    assertThrows(InvalidSetupException.class, () -> GraphConnection.exchangeOnline(TenantTarget.exchangeServer("contoso.com")));
  }

  @Test
  void theRetryOptionAllowsNoRetries() {
    RetryHandlerOption off = GraphClients.retryOff();
    assertEquals(0, off.maxRetries());
    assertEquals(0, off.delay());
    assertTrue(off.shouldRetry() != null);
  }
}
