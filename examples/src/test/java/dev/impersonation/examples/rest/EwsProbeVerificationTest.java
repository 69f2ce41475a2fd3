package dev.impersonation.examples.rest;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.containing;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.github.tomakehurst.wiremock.WireMockServer;
import dev.impersonation.Access;
import dev.impersonation.ImpersonationSetup;
import dev.impersonation.Principal;
import dev.impersonation.Scope;
import dev.impersonation.TenantConnection;
import dev.impersonation.TenantTarget;
import dev.impersonation.exchange.EwsAccessProbe;
import dev.impersonation.spi.AccessProbe;
import dev.impersonation.spi.AppPermissions;
import dev.impersonation.testkit.FakeTenant;
import dev.impersonation.verify.MailboxAccess.AccessState;
import dev.impersonation.verify.VerificationReport;
import java.time.Duration;
import okhttp3.OkHttpClient;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * verify() with the real EWS probe against a WireMock stand-in of EWS: an {@code Application EWS.AccessAsApp} setup on
 * the fake tenant's Exchange, whose effective access only EWS can prove. A denial inside the propagation window is
 * PENDING_PROPAGATION, after it DENIED; a failed probe (401) is UNKNOWN, never DENIED.
 */
class EwsProbeVerificationTest {
  private static final String DOMAIN = "contoso.onmicrosoft.com";
  private static final String APP = "7a8b9c0d-1e2f-4a3b-8c4d-5e6f7a8b9c0d";
  private static final String SP = "8b9c0d1e-2f3a-4b4c-9d5e-6f7a8b9c0d1e";
  private static final String ANN = "ann@contoso.com";
  private static final String CEO = "ceo@contoso.com";
  private WireMockServer ews;

  @BeforeEach
  void start() {
    ews = new WireMockServer(options().dynamicPort());
    ews.start();
  }

  @AfterEach
  void stop() {
    ews.stop();
  }

  private static String fault(String code, String text) {
    return "<?xml version=\"1.0\" encoding=\"utf-8\"?><s:Envelope xmlns:s=\"http://schemas.xmlsoap.org/soap/envelope/\"><s:Body>"
        + "<s:Fault><faultcode xmlns:a=\"http://schemas.microsoft.com/exchange/services/2006/types\">a:" + code + "</faultcode>"
        + "<faultstring xml:lang=\"en-US\">" + text + "</faultstring><detail><e:ResponseCode "
        + "xmlns:e=\"http://schemas.microsoft.com/exchange/services/2006/errors\">" + code + "</e:ResponseCode></detail>"
        + "</s:Fault></s:Body></s:Envelope>";
  }

  private static String noError() {
    return "<?xml version=\"1.0\" encoding=\"utf-8\"?><s:Envelope xmlns:s=\"http://schemas.xmlsoap.org/soap/envelope/\"><s:Body>"
        + "<m:GetFolderResponse xmlns:m=\"http://schemas.microsoft.com/exchange/services/2006/messages\" "
        + "xmlns:t=\"http://schemas.microsoft.com/exchange/services/2006/types\"><m:ResponseMessages>"
        + "<m:GetFolderResponseMessage ResponseClass=\"Success\"><m:ResponseCode>NoError</m:ResponseCode><m:Folders>"
        + "<t:Folder><t:FolderId Id=\"AAMkAD\" ChangeKey=\"AQAAAB\"/></t:Folder></m:Folders></m:GetFolderResponseMessage>"
        + "</m:ResponseMessages></m:GetFolderResponse></s:Body></s:Envelope>";
  }

  private void answer(String mailbox, int status, String body) {
    ews.stubFor(post(urlEqualTo("/EWS/Exchange.asmx")).withHeader("X-AnchorMailbox", containing(mailbox))
        .willReturn(aResponse().withStatus(status).withHeader("Content-Type", "text/xml; charset=utf-8").withBody(body)));
  }

  private TenantConnection connection(FakeTenant tenant) {
    AccessProbe probe = EwsAccessProbe.of("http://localhost:" + ews.port() + "/EWS/Exchange.asmx", () -> "app-token",
        new OkHttpClient());
    TenantConnection memory = tenant.connection();
    return TenantConnection.builder(tenant.target()).exchange(memory.exchange().orElseThrow())
        .directory(memory.directory().orElseThrow()).accessProbe(probe).clock(tenant.clock(), tenant.clock()).build();
  }

  private static ImpersonationSetup setup() {
    return ImpersonationSetup.builder().name("EwsSync").target(TenantTarget.exchangeOnline(DOMAIN))
        .principal(Principal.application(APP)).scope(Scope.mailEnabledSecurityGroup("EWS Sync Users").members(ANN))
        .access(Access.rbacForApplications("Application EWS.AccessAsApp")).outsider(CEO).build();
  }

  @Test
  void deniedInsideTheWindowIsPendingThenGrantedAndTheOutsiderDenied() {
    FakeTenant tenant = FakeTenant.exchangeOnline(DOMAIN).userMailbox(ANN).userMailbox(CEO).application(APP, SP, "EWS Sync").build();
    TenantConnection connection = connection(tenant);
    ImpersonationSetup setup = setup();
    assertTrue(setup.apply(connection).succeeded());
    String denied = fault("ErrorImpersonateUserDenied", "The account does not have permission to impersonate the requested user.");
    answer(ANN, 500, denied);
    answer(CEO, 500, denied);
    VerificationReport now = setup.verify(connection);
    assertEquals(AccessState.PENDING_PROPAGATION, now.mailbox(ANN).orElseThrow().state(), now.toString());
    String evidence = now.mailbox(ANN).orElseThrow().permission(AppPermissions.FULL_ACCESS_AS_APP).orElseThrow().evidence();
    assertTrue(evidence.contains("ews-probe EWS GetFolder(msgfolderroot) impersonating ann@contoso.com: HTTP 500 SOAP fault "
        + "ErrorImpersonateUserDenied"), evidence);
    assertTrue(evidence.contains("Application EWS.AccessAsApp grants full_access_as_app"), evidence);
    assertEquals(AccessState.DENIED, now.mailbox(CEO).orElseThrow().state());

    ews.resetAll();
    answer(ANN, 200, noError());
    answer(CEO, 500, denied);
    tenant.clock().advance(Duration.ofHours(1));
    VerificationReport later = setup.verify(connection);
    assertTrue(later.isSatisfied(), later.toString());

    ews.resetAll();
    answer(ANN, 500, denied);
    answer(CEO, 500, denied);
    tenant.clock().advance(Duration.ofHours(2));
    VerificationReport late = setup.verify(connection);
    assertEquals(AccessState.DENIED, late.mailbox(ANN).orElseThrow().state(), "past the 2 h window a denial is real: " + late);
  }

  @Test
  void a401IsUnknownNeverDenied() {
    FakeTenant tenant = FakeTenant.exchangeOnline(DOMAIN).userMailbox(ANN).userMailbox(CEO).application(APP, SP, "EWS Sync").build();
    TenantConnection connection = connection(tenant);
    ImpersonationSetup setup = setup();
    assertTrue(setup.apply(connection).succeeded());
    ews.stubFor(post(urlEqualTo("/EWS/Exchange.asmx")).willReturn(aResponse().withStatus(401)));
    VerificationReport r = setup.verify(connection);
    assertEquals(AccessState.UNKNOWN, r.mailbox(ANN).orElseThrow().state(), r.toString());
    assertEquals(AccessState.UNKNOWN, r.mailbox(CEO).orElseThrow().state(), r.toString());
    assertTrue(r.mailbox(CEO).orElseThrow().evidence().contains("401"), r.toString());
  }
}
