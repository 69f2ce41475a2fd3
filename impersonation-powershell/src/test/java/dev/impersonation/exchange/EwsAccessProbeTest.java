package dev.impersonation.exchange;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.containing;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.github.tomakehurst.wiremock.WireMockServer;
import dev.impersonation.Principal;
import dev.impersonation.TenantException;
import dev.impersonation.ThrottledException;
import dev.impersonation.spi.ProbeOutcome;
import java.time.Duration;
import okhttp3.OkHttpClient;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The EWS probe against a WireMock stand-in of {@code /EWS/Exchange.asmx} answering in EWS's documented shapes:
 * a {@code GetFolderResponseMessage} with {@code ResponseCode} (Microsoft's GetFolder operation reference), and HTTP 500
 * SOAP faults whose {@code faultcode} and {@code detail/ResponseCode} name the error (as recorded in
 * OfficeDev/ews-managed-api#223 for {@code ErrorImpersonateUserDenied}).
 */
class EwsAccessProbeTest {
  private static final String APP = "6f2c1a8e-0000-4000-8000-00000000a001";
  private static final String ANN = "ann@contoso.com";
  private WireMockServer ews;
  private EwsAccessProbe probe;

  @BeforeEach
  void start() {
    ews = new WireMockServer(options().dynamicPort());
    ews.start();
    probe = EwsAccessProbe.of("http://localhost:" + ews.port() + "/EWS/Exchange.asmx", () -> "token-app", new OkHttpClient());
  }

  @AfterEach
  void stop() {
    ews.stop();
  }

  private void answer(int status, String body) {
    ews.stubFor(post(urlEqualTo("/EWS/Exchange.asmx")).willReturn(aResponse().withStatus(status)
        .withHeader("Content-Type", "text/xml; charset=utf-8").withBody(body)));
  }

  static String responseMessage(String responseClass, String code, String text) {
    return "<?xml version=\"1.0\" encoding=\"utf-8\"?>"
        + "<s:Envelope xmlns:s=\"http://schemas.xmlsoap.org/soap/envelope/\"><s:Header>"
        + "<h:ServerVersionInfo MajorVersion=\"15\" MinorVersion=\"20\" MajorBuildNumber=\"8769\" MinorBuildNumber=\"21\" "
        + "Version=\"V2018_01_08\" xmlns:h=\"http://schemas.microsoft.com/exchange/services/2006/types\"/></s:Header>"
        + "<s:Body><m:GetFolderResponse xmlns:m=\"http://schemas.microsoft.com/exchange/services/2006/messages\" "
        + "xmlns:t=\"http://schemas.microsoft.com/exchange/services/2006/types\"><m:ResponseMessages>"
        + "<m:GetFolderResponseMessage ResponseClass=\"" + responseClass + "\">"
        + (text == null ? "" : "<m:MessageText>" + text + "</m:MessageText>")
        + "<m:ResponseCode>" + code + "</m:ResponseCode>"
        + (code.equals("NoError") ? "<m:Folders><t:Folder><t:FolderId Id=\"AAMkAD\" ChangeKey=\"AQAAAB\"/></t:Folder></m:Folders>"
            : "<m:DescriptiveLinkKey>0</m:DescriptiveLinkKey>")
        + "</m:GetFolderResponseMessage></m:ResponseMessages></m:GetFolderResponse></s:Body></s:Envelope>";
  }

  static String fault(String code, String text) {
    return "<?xml version=\"1.0\" encoding=\"utf-8\"?>"
        + "<s:Envelope xmlns:s=\"http://schemas.xmlsoap.org/soap/envelope/\"><s:Body><s:Fault>"
        + "<faultcode xmlns:a=\"http://schemas.microsoft.com/exchange/services/2006/types\">a:" + code + "</faultcode>"
        + "<faultstring xml:lang=\"en-US\">" + text + "</faultstring><detail>"
        + "<e:ResponseCode xmlns:e=\"http://schemas.microsoft.com/exchange/services/2006/errors\">" + code + "</e:ResponseCode>"
        + "<e:Message xmlns:e=\"http://schemas.microsoft.com/exchange/services/2006/errors\">" + text + "</e:Message>"
        + "</detail></s:Fault></s:Body></s:Envelope>";
  }

  @Test
  void noErrorIsGrantedAndTheRequestImpersonatesWithTheAnchorHeader() {
    answer(200, responseMessage("Success", "NoError", null));
    ProbeOutcome o = probe.probe(Principal.application(APP), ANN, "full_access_as_app");
    assertEquals(ProbeOutcome.Result.GRANTED, o.result(), o.evidence());
    assertTrue(o.evidence().contains("EWS GetFolder(msgfolderroot) impersonating ann@contoso.com: NoError"), o.evidence());
    ews.verify(postRequestedFor(urlEqualTo("/EWS/Exchange.asmx"))
        .withHeader("Authorization", equalTo("Bearer token-app"))
        .withHeader("X-AnchorMailbox", equalTo(ANN))
        .withHeader("Content-Type", containing("text/xml"))
        .withRequestBody(containing("<t:ExchangeImpersonation><t:ConnectingSID><t:PrimarySmtpAddress>ann@contoso.com"
            + "</t:PrimarySmtpAddress></t:ConnectingSID></t:ExchangeImpersonation>"))
        .withRequestBody(containing("<m:GetFolder>"))
        .withRequestBody(containing("<t:DistinguishedFolderId Id=\"msgfolderroot\"/>")));
  }

  @Test
  void impersonateUserDeniedAsAResponseMessageOrAsAnHttp500FaultIsDenied() {
    String text = "The account does not have permission to impersonate the requested user.";
    answer(200, responseMessage("Error", "ErrorImpersonateUserDenied", text));
    ProbeOutcome inMessage = probe.probe(Principal.application(APP), ANN, "EWS.AccessAsApp");
    assertEquals(ProbeOutcome.Result.DENIED, inMessage.result());
    assertTrue(inMessage.evidence().contains("ErrorImpersonateUserDenied " + text), inMessage.evidence());

    ews.resetAll();
    answer(500, fault("ErrorImpersonateUserDenied", text));
    ProbeOutcome asFault = probe.probe(Principal.application(APP), ANN, "full_access_as_app");
    assertEquals(ProbeOutcome.Result.DENIED, asFault.result());
    assertTrue(asFault.evidence().contains("HTTP 500 SOAP fault ErrorImpersonateUserDenied"), asFault.evidence());
  }

  @Test
  void nonExistentMailboxIsNotReady() {
    answer(500, fault("ErrorNonExistentMailbox", "The SMTP address has no mailbox associated with it."));
    assertEquals(ProbeOutcome.Result.MAILBOX_NOT_READY, probe.probe(Principal.application(APP), ANN, "full_access_as_app").result());
    ews.resetAll();
    answer(200, responseMessage("Error", "ErrorNonExistentMailbox", "The SMTP address has no mailbox associated with it."));
    assertEquals(ProbeOutcome.Result.MAILBOX_NOT_READY, probe.probe(Principal.application(APP), ANN, "full_access_as_app").result());
  }

  @Test
  void a401IsAFailedProbeNeverADenial() {
    ews.stubFor(post(urlEqualTo("/EWS/Exchange.asmx")).willReturn(aResponse().withStatus(401)
        .withHeader("x-ms-diagnostics", "2000008;reason=\"The token does not contain the permission required to access the resource.\";"
            + "error_category=\"invalid_grant\"")));
    TenantException e = assertThrows(TenantException.class, () -> probe.probe(Principal.application(APP), ANN, "full_access_as_app"));
    assertTrue(e.getMessage().contains("401") && e.getMessage().contains("2000008"), e.getMessage());
    assertFalse(e.getMessage().contains("token-app"), "no token in messages");
  }

  @Test
  void otherFaultsThrowAndServerBusyIsThrottled() {
    answer(500, fault("ErrorInternalServerError", "An internal server error occurred. The operation failed."));
    TenantException e = assertThrows(TenantException.class, () -> probe.probe(Principal.application(APP), ANN, "full_access_as_app"));
    assertTrue(e.getMessage().contains("ErrorInternalServerError"), e.getMessage());

    ews.resetAll();
    ews.stubFor(post(urlEqualTo("/EWS/Exchange.asmx")).willReturn(aResponse().withStatus(500).withHeader("Retry-After", "1.5")
        .withHeader("Content-Type", "text/xml").withBody(fault("ErrorServerBusy", "The server cannot service this request right now."))));
    ThrottledException busy = assertThrows(ThrottledException.class,
        () -> probe.probe(Principal.application(APP), ANN, "full_access_as_app"));
    assertEquals(java.util.Optional.of(Duration.ofMillis(1500)), busy.retryAfter());

    ews.resetAll();
    answer(502, "<html>Bad gateway</html>");
    assertThrows(TenantException.class, () -> probe.probe(Principal.application(APP), ANN, "full_access_as_app"));
  }

  @Test
  void fullAccessOpensTheOtherMailboxWithoutImpersonationAndGraphPermissionsAreRefused() {
    answer(200, responseMessage("Success", "NoError", null));
    ProbeOutcome o = probe.probe(Principal.serviceAccount("svc@contoso.com"), ANN, "FullAccess");
    assertEquals(ProbeOutcome.Result.GRANTED, o.result());
    ews.verify(postRequestedFor(urlEqualTo("/EWS/Exchange.asmx"))
        .withRequestBody(containing("<t:Mailbox><t:EmailAddress>ann@contoso.com</t:EmailAddress></t:Mailbox>")));
    assertFalse(ews.getAllServeEvents().get(0).getRequest().getBodyAsString().contains("ExchangeImpersonation"));
    assertThrows(TenantException.class, () -> probe.probe(Principal.application(APP), ANN, "Mail.Read"));
  }

  @Test
  void addressesAreXmlEscaped() {
    String body = EwsAccessProbe.envelope("o'brien&co@contoso.com", true);
    assertTrue(body.contains("o&apos;brien&amp;co@contoso.com"), body);
  }

  @Test
  void exchangeServerProbeSignsInWithBasicAsTheServiceAccountAndNeverShowsThePassword() {
    String password = "Pw-Very-Secret-4711:x";
    EwsAccessProbe onPrem = EwsAccessProbe.basic("http://localhost:" + ews.port() + "/EWS/Exchange.asmx",
        "svc-sync@contoso.com", dev.impersonation.Secret.of(password), new OkHttpClient());
    answer(200, responseMessage("Success", "NoError", null));
    Principal svc = Principal.serviceAccount("svc-sync@contoso.com");
    assertEquals(ProbeOutcome.Result.GRANTED, onPrem.probe(svc, ANN).result());
    String expected = "Basic " + java.util.Base64.getEncoder().encodeToString(("svc-sync@contoso.com:" + password)
        .getBytes(java.nio.charset.StandardCharsets.UTF_8));
    ews.verify(postRequestedFor(urlEqualTo("/EWS/Exchange.asmx")).withHeader("Authorization", equalTo(expected))
        .withRequestBody(containing("<t:PrimarySmtpAddress>" + ANN + "</t:PrimarySmtpAddress>")));

    ews.resetAll();
    ews.stubFor(post(urlEqualTo("/EWS/Exchange.asmx")).willReturn(aResponse().withStatus(401)));
    TenantException refused = assertThrows(TenantException.class, () -> onPrem.probe(svc, ANN));
    assertTrue(refused.getMessage().contains("Basic authentication is enabled on the EWS virtual directory"), refused.getMessage());
    assertFalse(refused.getMessage().contains(password), refused.getMessage());
    assertFalse(onPrem.toString().contains(password));

    assertThrows(dev.impersonation.InvalidSetupException.class, () -> EwsAccessProbe.basic("http://mail.contoso.com/EWS/Exchange.asmx",
        "svc", dev.impersonation.Secret.of("p"), new OkHttpClient()), "no Basic credentials over plain HTTP");
    assertThrows(dev.impersonation.InvalidSetupException.class, () -> EwsAccessProbe.basic("https://mail.contoso.com/EWS/Exchange.asmx",
        "a:b", dev.impersonation.Secret.of("p"), new OkHttpClient()));
  }

  @Test
  void anExchangeServerConnectionGivesTheBasicProbeOnItsServer() {
    EwsAccessProbe onPrem = ExchangeConnection.exchangeServer("contoso.com", "mail.contoso.com").build()
        .ewsProbe("CONTOSO\\svc-sync", dev.impersonation.Secret.of("pw"));
    assertEquals("EwsAccessProbe[https://mail.contoso.com/EWS/Exchange.asmx]", onPrem.toString());
    dev.impersonation.InvalidSetupException online = assertThrows(dev.impersonation.InvalidSetupException.class,
        () -> ExchangeConnection.builder(dev.impersonation.SignIn.builder(dev.impersonation.TenantTarget.exchangeOnline(
            "contoso.onmicrosoft.com")).tokenSupplier("admin@contoso.com", () -> "t").build()).build()
            .ewsProbe("svc@contoso.com", dev.impersonation.Secret.of("pw")));
    assertTrue(online.getMessage().contains("OAuth tokens only"), online.getMessage());
  }
}
