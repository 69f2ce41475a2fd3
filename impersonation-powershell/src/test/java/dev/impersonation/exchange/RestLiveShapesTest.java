package dev.impersonation.exchange;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.impersonation.AccessDeniedException;
import dev.impersonation.ObjectAlreadyExistsException;
import dev.impersonation.ObjectNotFoundException;
import dev.impersonation.TenantException;
import dev.impersonation.ThrottledException;
import dev.impersonation.TransientTenantException;
import dev.impersonation.powershell.Cmdlet;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import okhttp3.OkHttpClient;
import okhttp3.mockwebserver.MockResponse;
import okhttp3.mockwebserver.MockWebServer;
import okhttp3.mockwebserver.RecordedRequest;
import okio.Buffer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The error shapes public clients of {@code /adminapi/beta/{tenant}/InvokeCommand} have recorded against live tenants
 * (docs/exchange-admin-rest.md), each classified by the transport as the library's typed exception.
 */
class RestLiveShapesTest {
  static final String TENANT = "contoso.onmicrosoft.com";
  static final Clock CLOCK = Clock.fixed(Instant.parse("2026-12-02T10:00:00Z"), ZoneOffset.UTC);
  MockWebServer server;
  final OkHttpClient http = new OkHttpClient();

  @BeforeEach
  void start() throws Exception {
    server = new MockWebServer();
    server.start();
  }

  @AfterEach
  void stop() throws Exception {
    server.shutdown();
  }

  ExchangeRestTransport transport(String token, boolean resolveTenant) {
    return new ExchangeRestTransport(http, server.url("/adminapi/beta/" + TENANT + "/InvokeCommand").toString(), () -> token,
        ExchangeRestTransport.APP_ANCHOR_PREFIX + TENANT, CLOCK, false, resolveTenant, java.util.Map.of());
  }

  ExchangeRestTransport transport() {
    return transport("opaque-token", false);
  }

  static MockResponse json(int status, String body) {
    return new MockResponse().setResponseCode(status).setHeader("Content-Type", "application/json").setBody(body);
  }

  static Cmdlet named(String cmdlet, String identity) {
    return Cmdlet.of(cmdlet).text("Identity", identity);
  }

  @Test
  void forbiddenWithNulBytesLabelledGzipIsAccessDeniedNamingTheCmdletAndRoleNeverTransient() {
    server.enqueue(new MockResponse().setResponseCode(403).setHeader("Content-Encoding", "gzip")
        .setBody(new Buffer().write(new byte[64])));
    TenantException e = assertThrows(TenantException.class, () -> transport().invoke(Cmdlet.of("New-ManagementScope")));
    assertInstanceOf(AccessDeniedException.class, e, e.getMessage());
    assertFalse(e instanceof TransientTenantException);
    assertTrue(e.getMessage().contains("New-ManagementScope"), e.getMessage());
    assertTrue(e.getMessage().contains("'Role Management' management role"), e.getMessage());
    assertTrue(e.getMessage().contains("Organization Management"), e.getMessage());
    assertFalse(e.getMessage().contains("\0"));
    assertEquals(1, server.getRequestCount());
  }

  @Test
  void aRecipientCmdletDeniedNamesTheRecipientRoles() {
    server.enqueue(new MockResponse().setResponseCode(403).setHeader("Content-Encoding", "gzip")
        .setBody(new Buffer().write(new byte[16])));
    AccessDeniedException e = assertThrows(AccessDeniedException.class,
        () -> transport().invoke(Cmdlet.of("Add-DistributionGroupMember")));
    assertTrue(e.getMessage().contains("'Distribution Groups' management role"), e.getMessage());
    assertTrue(e.getMessage().contains("Recipient Management"), e.getMessage());
  }

  @Test
  void notFoundIsClassifiedByTheTypeInDetailsAndShowsTheInnerText() {
    server.enqueue(json(404, "{\"error\":{\"code\":\"NotFound\",\"message\":\"Error executing cmdlet\",\"details\":[{\"code\":"
        + "\"Ex6F9304\",\"target\":\"\",\"message\":\"Ex6F9304|Microsoft.Exchange.Configuration.Tasks.ManagementObjectNotFoundException|"
        + "Der Vorgang konnte nicht ausgeführt werden, weil das Objekt 'RISG' nicht gefunden wurde.\"}],\"innererror\":{"
        + "\"message\":\"Der Vorgang konnte nicht ausgeführt werden, weil das Objekt 'RISG' nicht gefunden wurde.\","
        + "\"type\":\"Microsoft.Exchange.Configuration.Tasks.ManagementObjectNotFoundException\",\"internalexception\":{"
        + "\"message\":\"Der Vorgang konnte nicht ausgeführt werden, weil das Objekt 'RISG' nicht gefunden wurde.\"}}}}"));
    ObjectNotFoundException e = assertThrows(ObjectNotFoundException.class,
        () -> transport().invoke(named("Get-DistributionGroup", "RISG")));
    assertEquals("RISG", e.identity());
    assertTrue(e.getMessage().contains("nicht gefunden"), e.getMessage());
    assertFalse(e.getMessage().contains("Error executing cmdlet"), "the inner text is shown, not the generic one");
  }

  @Test
  void aNotFoundWithoutAnExceptionTypeIsNotTakenForAbsent() {
    server.enqueue(json(404, "{\"error\":{\"code\":\"NotFound\",\"message\":\"Error executing cmdlet\"}}"));
    TenantException e = assertThrows(TenantException.class, () -> transport().invoke(named("Get-DistributionGroup", "RISG")));
    assertFalse(e instanceof ObjectNotFoundException, "a 404 without a type could be a wrong path: " + e);
    assertTrue(e.getMessage().contains("tenant in the endpoint path"), e.getMessage());
  }

  @Test
  void badRequestReadsTheLowerCaseInternalExceptionAndTheTypeFromDetails() {
    server.enqueue(json(400, "{\"error\":{\"code\":\"BadRequest\",\"message\":\"Invalid Operation\",\"details\":[{\"code\":"
        + "\"ExB1A2C3\",\"target\":\"\",\"message\":\"ExB1A2C3|Microsoft.Exchange.Configuration.Tasks.MemberAlreadyExistsException|"
        + "The recipient ann@contoso.com is already a member of the group RISG.\"}],\"innererror\":{\"internalexception\":{"
        + "\"message\":\"The recipient ann@contoso.com is already a member of the group RISG.\"}}}}"));
    ObjectAlreadyExistsException e = assertThrows(ObjectAlreadyExistsException.class,
        () -> transport().invoke(named("Add-DistributionGroupMember", "RISG")));
    assertTrue(e.getMessage().contains("already a member of the group RISG"), e.getMessage());

    server.enqueue(json(400, "{\"error\":{\"code\":\"BadRequest\",\"message\":\"Invalid Operation\",\"InnerError\":{"
        + "\"InternalException\":{\"Message\":\"The value 'x' of the RecipientRestrictionFilter is not valid.\"}}}}"));
    TenantException invalid = assertThrows(TenantException.class, () -> transport().invoke(Cmdlet.of("New-ManagementScope")));
    assertTrue(invalid.getMessage().contains("RecipientRestrictionFilter is not valid"), invalid.getMessage());
  }

  @Test
  void anOkAnswerCarryingAdminApiErrorsIsAFailureWithItsText() {
    server.enqueue(json(200, "{\"value\":[],\"@adminapi.errors\":[\"Ex0A1B2C|System.InvalidOperationException|"
        + "The management role assignment could not be created.\"]}"));
    TenantException e = assertThrows(TenantException.class, () -> transport().invoke(Cmdlet.of("New-ManagementRoleAssignment")));
    assertTrue(e.getMessage().contains("could not be created"), e.getMessage());
    assertTrue(e.getMessage().contains("@adminapi.errors"), e.getMessage());

    server.enqueue(json(200, "{\"value\":[{\"Name\":\"x\"}],\"@adminapi.errors\":[{\"error\":{\"code\":\"NotFound\",\"details\":[{"
        + "\"message\":\"Ex1|Microsoft.Exchange.Configuration.Tasks.ManagementObjectNotFoundException|couldn't be found\"}]}}]}"));
    assertThrows(ObjectNotFoundException.class, () -> transport().invoke(named("Get-Mailbox", "ann@contoso.com")));

    server.enqueue(json(200, "{\"value\":[{\"Name\":\"x\"}],\"@adminapi.errors\":[]}"));
    assertEquals(List.of(Map.of("Name", "x")), transport().invoke(Cmdlet.of("Get-Mailbox")));
  }

  @Test
  void fractionalRetryAfterAndTheConcurrencyTextAreThrottling() {
    server.enqueue(json(429, "{\"error\":{\"code\":\"TooManyRequests\",\"message\":\"Too many requests\"}}")
        .setHeader("Retry-After", "1.5"));
    ThrottledException t = assertThrows(ThrottledException.class, () -> transport().invoke(Cmdlet.of("Get-Mailbox")));
    assertEquals(Duration.ofMillis(1500), t.retryAfter().orElseThrow());

    server.enqueue(json(400, "{\"error\":{\"code\":\"BadRequest\",\"message\":\"Invalid Operation\",\"innererror\":{"
        + "\"internalexception\":{\"message\":\"Fail to create a runspace because you have exceeded the maximum number of "
        + "concurrent requests per tenant. Please wait for 60 seconds.\"}}}}"));
    ThrottledException concurrent = assertThrows(ThrottledException.class, () -> transport().invoke(Cmdlet.of("Get-Mailbox")));
    assertTrue(concurrent.getMessage().contains("maximum number of concurrent requests"), concurrent.getMessage());
  }

  @Test
  void aGzipBodyIsStillDecoded() throws Exception {
    java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
    try (java.util.zip.GZIPOutputStream gz = new java.util.zip.GZIPOutputStream(bytes)) {
      gz.write("{\"value\":[{\"IsDehydrated\":false}]}".getBytes(StandardCharsets.UTF_8));
    }
    server.enqueue(new MockResponse().setResponseCode(200).setHeader("Content-Encoding", "gzip")
        .setHeader("Content-Type", "application/json").setBody(new Buffer().write(bytes.toByteArray())));
    assertEquals(List.of(Map.of("IsDehydrated", false)), transport().invoke(Cmdlet.of("Get-OrganizationConfig")));
    assertEquals("gzip", server.takeRequest().getHeader("Accept-Encoding"));
  }

  @Test
  void anOkBodyLabelledGzipThatIsNotIsAnUnknownOutcomeNotATransientRetry() {
    server.enqueue(new MockResponse().setResponseCode(200).setHeader("Content-Encoding", "gzip")
        .setBody(new Buffer().write(new byte[8])));
    TenantException e = assertThrows(TenantException.class, () -> transport().invoke(Cmdlet.of("New-ManagementScope")));
    assertFalse(e instanceof TransientTenantException, e.toString());
    assertTrue(e.getMessage().contains("outcome is unknown"), e.getMessage());
  }

  @Test
  void theTenantGuidFromTheTokenReplacesTheDomainInThePathWhileTheAnchorKeepsTheDomain() throws Exception {
    String tid = "0f0e0d0c-1111-2222-3333-444455556666";
    String payload = Base64.getUrlEncoder().withoutPadding()
        .encodeToString(("{\"aud\":\"https://outlook.office365.com\",\"tid\":\"" + tid + "\"}").getBytes(StandardCharsets.UTF_8));
    String jwt = "eyJ0eXAiOiJKV1QiLCJhbGciOiJSUzI1NiJ9." + payload + ".c2lnbmF0dXJl";
    server.enqueue(json(200, "{\"value\":[]}"));
    server.enqueue(json(200, "{\"value\":[]}"));
    ExchangeRestTransport t = transport(jwt, true);
    t.invoke(Cmdlet.of("Get-OrganizationConfig"));
    t.invoke(Cmdlet.of("Get-Mailbox"));
    for (int i = 0; i < 2; i++) {
      RecordedRequest r = server.takeRequest();
      assertEquals("/adminapi/beta/" + tid + "/InvokeCommand", r.getRequestUrl().encodedPath());
      assertEquals(ExchangeRestTransport.APP_ANCHOR_PREFIX + TENANT, r.getHeader("X-AnchorMailbox"));
    }
  }

  @Test
  void anOpaqueTokenKeepsTheConfiguredTenant() throws Exception {
    server.enqueue(json(200, "{\"value\":[]}"));
    transport("not-a-jwt", true).invoke(Cmdlet.of("Get-OrganizationConfig"));
    RecordedRequest r = server.takeRequest();
    assertEquals("/adminapi/beta/" + TENANT + "/InvokeCommand", r.getRequestUrl().encodedPath());
    assertNotEquals(null, r.getHeader("client-request-id"));
  }
}
