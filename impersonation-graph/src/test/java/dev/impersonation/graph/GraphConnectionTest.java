package dev.impersonation.graph;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.microsoft.kiota.http.middleware.options.RetryHandlerOption;
import dev.impersonation.Cloud;
import dev.impersonation.InvalidSetupException;
import dev.impersonation.SignIn;
import dev.impersonation.TenantTarget;
import dev.impersonation.graph.FakeGraph.Answer;
import dev.impersonation.graph.internal.GraphClients;
import java.util.Set;
import org.junit.jupiter.api.Test;

class GraphConnectionTest {
  static SignIn signIn(String tenant, Cloud cloud) {
    return SignIn.builder(tenant, cloud).tokenSupplier("admin@contoso.com", scope -> "t").build();
  }

  static GraphConnection.Builder graph(String tenant, Cloud cloud) {
    return GraphConnection.exchangeOnline(tenant, cloud).signIn(signIn(tenant, cloud));
  }

  @Test
  void nationalCloudsSelectTheirGraphHostAndScope() {
    assertEquals("https://graph.microsoft.com/v1.0", graph("contoso.onmicrosoft.com", Cloud.GLOBAL).build().baseUrl());
    GraphConnection high = graph("contoso.onmicrosoft.us", Cloud.GCC_HIGH).build();
    assertEquals("graph.microsoft.us", high.graphHost());
    assertEquals("https://graph.microsoft.us/.default", high.scope());
    assertEquals("https://graph.microsoft.us/v1.0", high.baseUrl());
    assertEquals(Set.of("graph.microsoft.us"), high.allowedHosts());
    assertEquals("https://dod-graph.microsoft.us/.default", graph("contoso.onmicrosoft.us", Cloud.DOD).build().scope());
    assertEquals("https://microsoftgraph.chinacloudapi.cn/.default",
        graph("contoso.partner.onmschina.cn", Cloud.CHINA).build().scope());
    GraphConnection overridden = graph("contoso.onmicrosoft.us", Cloud.DOD).graphHost("https://graph.example.us/").build();
    assertEquals("https://graph.example.us/.default", overridden.scope());
  }

  @Test
  void aSimulatorBaseUrlJoinsTheAllowedHostsAndKeepsTheCloudScope() throws Exception {
    try (FakeGraph graph = new FakeGraph()) {
      GraphConnection c = GraphConnection.exchangeOnline("contoso.onmicrosoft.us", Cloud.GCC_HIGH)
          .signIn(graph.delegated(Cloud.GCC_HIGH)).baseUrl(graph.baseUrl()).build();
      assertEquals(Set.of("graph.microsoft.us", "localhost"), c.allowedHosts());
      graph.handler = call -> Answer.ok("{\"value\":[]}");
      c.directory().findGroup("x");
      assertEquals(java.util.List.of("https://graph.microsoft.us/.default"), graph.scopes);
    }
  }

  @Test
  void aConnectionIsImmutableAndDerivesAVariantThatKeepsItsSignIn() {
    SignIn shared = signIn("contoso.onmicrosoft.com", Cloud.GLOBAL);
    GraphConnection c = GraphConnection.builder(shared).build();
    assertSame(shared, c.signIn());
    GraphConnection local = c.newBuilder().baseUrl("http://localhost:1234/v1.0").build();
    assertSame(shared, local.signIn(), "one sign-in, so one token cache");
    assertEquals("https://graph.microsoft.com/v1.0", c.baseUrl(), "the original is unchanged");
    assertEquals("http://localhost:1234/v1.0", local.baseUrl());
  }

  @Test
  void aSignInForAnotherCloudOrNoSignInIsRefusedBeforeAnyRequest() {
    InvalidSetupException wrongCloud = assertThrows(InvalidSetupException.class,
        () -> GraphConnection.exchangeOnline("contoso.onmicrosoft.us", Cloud.GCC_HIGH).signIn(signIn("contoso.onmicrosoft.us", Cloud.GLOBAL)));
    assertTrue(wrongCloud.getMessage().contains("GCC_HIGH"), wrongCloud.getMessage());
    InvalidSetupException none = assertThrows(InvalidSetupException.class,
        () -> GraphConnection.exchangeOnline("contoso.onmicrosoft.com").build());
    assertTrue(none.getMessage().contains("signIn("), none.getMessage());
    InvalidSetupException byId = assertThrows(InvalidSetupException.class,
        () -> GraphConnection.builder(signIn("72f988bf-86f1-41af-91ab-2d7cd011db47", Cloud.GLOBAL)));
    assertTrue(byId.getMessage().contains("domain"), byId.getMessage());
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
