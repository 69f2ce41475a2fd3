package dev.impersonation.graph;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.impersonation.ObjectNotFoundException;
import dev.impersonation.Principal;
import dev.impersonation.Secret;
import dev.impersonation.TenantException;
import dev.impersonation.TransientTenantException;
import dev.impersonation.graph.FakeGraph.Answer;
import dev.impersonation.spi.ProbeOutcome;
import okhttp3.mockwebserver.RecordedRequest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class GraphAccessProbeTest {
  static final String APP = "00000000-0000-0000-0000-000000000001";
  static final String SECRET = "client-secret-do-not-print";
  FakeGraph graph;
  GraphAccessProbe probe;
  GraphConnection connection;

  @BeforeEach
  void start() throws Exception {
    graph = new FakeGraph();
    connection = GraphConnection.exchangeOnline("contoso.onmicrosoft.com").appId(APP).clientSecret(Secret.of(SECRET))
        .signInVia("http://localhost:" + graph.server.getPort()).msalInternalRetries(false).baseUrl(graph.baseUrl());
    probe = connection.probe();
  }

  @AfterEach
  void stop() throws Exception {
    graph.close();
  }

  @Test
  void okIsGranted() {
    graph.handler = c -> c.path().equals("/v1.0/users/m@contoso.com/calendar") ? Answer.ok("{\"id\":\"cal\"}")
        : Answer.error(404, "Request_ResourceNotFound", "no");
    ProbeOutcome o = probe.probe(Principal.application(APP), "m@contoso.com");
    assertEquals(ProbeOutcome.Result.GRANTED, o.result());
    RecordedRequest r = graph.httpRequests.get(0);
    assertEquals("Bearer " + FakeGraph.APP_TOKEN, r.getHeader("Authorization"));
    assertTrue(graph.tokenRequests.get(0).getBody().readUtf8().contains("graph.microsoft.com%2F.default"));
  }

  @Test
  void accessDeniedIsDenied() {
    graph.handler = c -> Answer.error(403, "ErrorAccessDenied", "Access to OData is disabled.");
    ProbeOutcome o = probe.probe(Principal.application(APP), "m@contoso.com");
    assertEquals(ProbeOutcome.Result.DENIED, o.result());
    assertTrue(o.evidence().contains("403 ErrorAccessDenied Access to OData is disabled."), o.evidence());
  }

  @Test
  void noRestMailboxIsNotReady() {
    graph.handler = c -> Answer.error(404, "MailboxNotEnabledForRESTAPI", "REST API is not yet supported for this mailbox.");
    assertEquals(ProbeOutcome.Result.MAILBOX_NOT_READY, probe.probe(Principal.application(APP), "m@contoso.com").result());
  }

  @Test
  void otherAnswersThrowSoTheVerifierSaysUnknown() {
    graph.handler = c -> Answer.error(404, "Request_ResourceNotFound", "Resource 'm@contoso.com' does not exist.");
    assertThrows(ObjectNotFoundException.class, () -> probe.probe(Principal.application(APP), "m@contoso.com"));
    graph.handler = c -> Answer.error(503, "ServiceUnavailable", "busy");
    assertThrows(TransientTenantException.class, () -> probe.probe(Principal.application(APP), "m@contoso.com"));
    graph.handler = c -> Answer.error(403, "Authorization_RequestDenied", "Insufficient privileges.");
    assertThrows(TenantException.class, () -> probe.probe(Principal.application(APP), "m@contoso.com"));
  }

  @Test
  void serviceAccountsAndOtherAppsAreNotProbed() {
    TenantException ews = assertThrows(TenantException.class, () -> probe.probe(Principal.serviceAccount("svc@contoso.com"), "m@contoso.com"));
    assertTrue(ews.getMessage().contains("EWS probing is not available over Graph"), ews.getMessage());
    assertThrows(TenantException.class, () -> probe.probe(Principal.application("00000000-0000-0000-0000-000000000002"), "m@contoso.com"));
    GraphAccessProbe delegated = graph.connection().probe();
    assertThrows(TenantException.class, () -> delegated.probe(Principal.application(APP), "m@contoso.com"));
    assertEquals(0, graph.requestCount());
  }

  @Test
  void secretsStayOutOfToStringAndErrors() {
    graph.handler = c -> Answer.error(500, "InternalServerError", "oops");
    TenantException e = assertThrows(TenantException.class, () -> probe.probe(Principal.application(APP), "m@contoso.com"));
    for (String text : new String[] {e.getMessage(), probe.toString(), connection.toString(), connection.credentials().toString()}) {
      assertFalse(text.contains(SECRET), text);
      assertFalse(text.contains(FakeGraph.APP_TOKEN), text);
    }
  }
}
