package dev.impersonation.graph;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.impersonation.ObjectNotFoundException;
import dev.impersonation.Principal;
import dev.impersonation.Secret;
import dev.impersonation.SignIn;
import dev.impersonation.TenantException;
import dev.impersonation.TenantTarget;
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
    SignIn signIn = SignIn.builder(TenantTarget.exchangeOnline("contoso.onmicrosoft.com")).appId(APP).clientSecret(Secret.of(SECRET))
        .signInVia("http://localhost:" + graph.server.getPort()).libraryRetries(false).build();
    connection = GraphConnection.builder(signIn).baseUrl(graph.baseUrl()).build();
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
  void eachPermissionProbesTheRequestThatNeedsIt() {
    java.util.List<String> seen = new java.util.ArrayList<>();
    graph.handler = c -> {
      seen.add(c.path() + (c.query() == null ? "" : "?" + c.query()));
      return c.path().endsWith("/messages") || c.path().endsWith("/contacts") ? Answer.ok("{\"value\":[{\"id\":\"x\"}]}")
          : c.path().endsWith("/mailboxSettings") ? Answer.ok("{\"userPurpose\":\"user\"}")
          : Answer.error(403, "ErrorAccessDenied", "Access is denied. Check credentials and try again.");
    };
    Principal app = Principal.application(APP);
    ProbeOutcome mail = probe.probe(app, "m@contoso.com", "Mail.Read");
    assertEquals(ProbeOutcome.Result.GRANTED, mail.result());
    assertTrue(mail.evidence().startsWith("GET /users/m@contoso.com/messages?$top=1"), mail.evidence());
    assertEquals(ProbeOutcome.Result.DENIED, probe.probe(app, "m@contoso.com", "Calendars.ReadWrite").result());
    assertEquals(ProbeOutcome.Result.GRANTED, probe.probe(app, "m@contoso.com", "Contacts.Read").result());
    assertEquals(ProbeOutcome.Result.GRANTED, probe.probe(app, "m@contoso.com", "MailboxSettings.Read").result());
    assertEquals("/v1.0/users/m@contoso.com/messages", seen.get(0).replaceAll("\\?.*", ""));
    assertTrue(seen.get(0).contains("top=1"), seen.get(0));
    assertEquals("/v1.0/users/m@contoso.com/calendar", seen.get(1).replaceAll("\\?.*", ""));
    assertEquals("/v1.0/users/m@contoso.com/contacts", seen.get(2).replaceAll("\\?.*", ""));
    assertEquals("/v1.0/users/m@contoso.com/mailboxSettings", seen.get(3).replaceAll("\\?.*", ""));
    assertThrows(TenantException.class, () -> probe.probe(app, "m@contoso.com", "full_access_as_app"), "EWS needs the EWS probe");
    assertThrows(TenantException.class, () -> probe.probe(app, "m@contoso.com", "Mail.Send"), "no harmless request proves Mail.Send");
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
    GraphAccessProbe delegated = graph.connection().build().probe();
    assertThrows(TenantException.class, () -> delegated.probe(Principal.application(APP), "m@contoso.com"));
    assertEquals(0, graph.requestCount());
  }

  @Test
  void secretsStayOutOfToStringAndErrors() {
    graph.handler = c -> Answer.error(500, "InternalServerError", "oops");
    TenantException e = assertThrows(TenantException.class, () -> probe.probe(Principal.application(APP), "m@contoso.com"));
    for (String text : new String[] {e.getMessage(), probe.toString(), connection.toString(), connection.signIn().toString()}) {
      assertFalse(text.contains(SECRET), text);
      assertFalse(text.contains(FakeGraph.APP_TOKEN), text);
    }
  }
}
