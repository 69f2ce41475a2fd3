package dev.impersonation.exchange;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.impersonation.AccessDeniedException;
import dev.impersonation.ObjectAlreadyExistsException;
import dev.impersonation.ObjectNotFoundException;
import dev.impersonation.OrganizationNotCustomizedException;
import dev.impersonation.TenantException;
import dev.impersonation.ThrottledException;
import dev.impersonation.TransientTenantException;
import dev.impersonation.powershell.Cmdlet;
import dev.impersonation.powershell.ParameterValue;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import okhttp3.OkHttpClient;
import okhttp3.mockwebserver.MockResponse;
import okhttp3.mockwebserver.MockWebServer;
import okhttp3.mockwebserver.RecordedRequest;
import okhttp3.mockwebserver.SocketPolicy;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class ExchangeRestTransportTest {
  static final String TENANT = "contoso.onmicrosoft.com";
  static final String TOKEN = "eyJ0eXAiOiJKV1QifQ.fake-access-token.sig";
  static final ObjectMapper JSON = new ObjectMapper();
  static final Clock CLOCK = Clock.fixed(Instant.parse("2026-01-01T00:00:00Z"), ZoneOffset.UTC);

  MockWebServer server;
  OkHttpClient http;
  AtomicInteger tokenCalls = new AtomicInteger();

  @BeforeEach
  void start() throws Exception {
    server = new MockWebServer();
    server.start();
    http = new OkHttpClient.Builder().readTimeout(Duration.ofSeconds(10)).retryOnConnectionFailure(false).build();
  }

  @AfterEach
  void stop() throws Exception {
    server.shutdown();
  }

  ExchangeRestTransport transport(String anchor) {
    return new ExchangeRestTransport(http, server.url("/adminapi/beta/" + TENANT + "/InvokeCommand").toString(), () -> {
      tokenCalls.incrementAndGet();
      return TOKEN;
    }, anchor, CLOCK);
  }

  ExchangeRestTransport appOnly() {
    return transport(ExchangeRestTransport.APP_ANCHOR_PREFIX + TENANT);
  }

  static MockResponse json(int status, String body) {
    return new MockResponse().setResponseCode(status).setHeader("Content-Type", "application/json").setBody(body);
  }

  static String error(String detail) {
    return "{\"error\":{\"code\":\"BadRequest\",\"message\":\"Error executing cmdlet\",\"details\":[{\"code\":\"Cmdlet\","
        + "\"target\":\"\",\"message\":" + quote(detail) + "}]}}";
  }

  static String quote(String s) {
    try {
      return JSON.writeValueAsString(s);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  RecordedRequest take() throws InterruptedException {
    RecordedRequest r = server.takeRequest(5, TimeUnit.SECONDS);
    assertTrue(r != null, "a request was sent");
    return r;
  }

  // ------------------------------------------------------------ request shape

  @Test
  void appOnlyRequestHasUrlHeadersAndBody() throws Exception {
    server.enqueue(json(200, "{\"value\":[{\"Name\":\"Org\",\"IsDehydrated\":false}]}"));
    List<Map<String, Object>> rows = appOnly().invoke(Cmdlet.of("Get-OrganizationConfig"));
    assertEquals(List.of(Map.of("Name", "Org", "IsDehydrated", false)), rows);

    RecordedRequest r = take();
    assertEquals("POST", r.getMethod());
    assertEquals("/adminapi/beta/contoso.onmicrosoft.com/InvokeCommand", r.getPath());
    assertEquals("Bearer " + TOKEN, r.getHeader("Authorization"));
    assertEquals("APP:SystemMailbox{bb558c35-97f1-4cb9-8ff7-d53741dc928c}@contoso.onmicrosoft.com", r.getHeader("X-AnchorMailbox"));
    assertEquals("odata.maxpagesize=1000", r.getHeader("Prefer"));
    assertEquals("Get-OrganizationConfig", r.getHeader("X-CmdletName"));
    UUID.fromString(r.getHeader("client-request-id"));
    assertTrue(r.getHeader("Content-Type").startsWith("application/json"), r.getHeader("Content-Type"));
    JsonNode body = JSON.readTree(r.getBody().readUtf8());
    assertEquals("Get-OrganizationConfig", body.at("/CmdletInput/CmdletName").asText());
    assertTrue(body.at("/CmdletInput/Parameters").isObject());
    assertEquals(0, body.at("/CmdletInput/Parameters").size());
  }

  @Test
  void delegatedRequestAnchorsOnTheAdmin() throws Exception {
    server.enqueue(json(200, "{\"value\":[]}"));
    transport("UPN:admin@contoso.com").invoke(Cmdlet.of("Get-RoleGroup").text("Identity", "Org"));
    assertEquals("UPN:admin@contoso.com", take().getHeader("X-AnchorMailbox"));
  }

  @Test
  void everyParameterKindIsEncodedAsTheSimulatorExpects() throws Exception {
    server.enqueue(json(200, "{\"value\":[]}"));
    Map<String, List<String>> table = new LinkedHashMap<>();
    table.put("Add", List.of("a@contoso.com", "b@contoso.com"));
    table.put("Remove", List.of("c@contoso.com"));
    String filter = "MemberOfGroup -eq 'CN=O''Brien’s “Team”,OU=x'";
    Cmdlet cmdlet = Cmdlet.of("New-ManagementScope").text("Name", "Scope O'Brien").text("RecipientRestrictionFilter", filter)
        .bool("Exclusive", false).flag("Force").list("RecipientTypeDetails", List.of("UserMailbox", "SharedMailbox"))
        .param("ManagedBy", new ParameterValue.Table(table));
    appOnly().invoke(cmdlet);

    RecordedRequest r = take();
    assertEquals("New-ManagementScope", r.getHeader("X-CmdletName"));
    String expected = "{\"CmdletInput\":{\"CmdletName\":\"New-ManagementScope\",\"Parameters\":{"
        + "\"Name\":\"Scope O'Brien\","
        + "\"RecipientRestrictionFilter\":" + quote(filter) + ","
        + "\"Exclusive\":false,"
        + "\"Force\":true,"
        + "\"RecipientTypeDetails\":[\"UserMailbox\",\"SharedMailbox\"],"
        + "\"ManagedBy\":{\"@odata.type\":\"#Exchange.GenericHashTable\",\"Add\":[\"a@contoso.com\",\"b@contoso.com\"],"
        + "\"Remove\":[\"c@contoso.com\"]}}}}";
    assertEquals(JSON.readTree(expected), JSON.readTree(r.getBody().readUtf8()));
  }

  @Test
  void secretsVariablesAndUnresolvedFiltersAreNeverSent() {
    ExchangeRestTransport t = appOnly();
    assertThrows(IllegalArgumentException.class,
        () -> t.invoke(Cmdlet.of("New-Mailbox").param("Password", new ParameterValue.SecretPrompt("Password", true))));
    assertThrows(IllegalArgumentException.class,
        () -> t.invoke(Cmdlet.of("Add-DistributionGroupMember").param("Identity", new ParameterValue.Variable("groupDn"))));
    assertEquals(0, server.getRequestCount());
  }

  // ------------------------------------------------------------ paging

  @Test
  void followsAbsoluteNextLinksAcrossThreePages() throws Exception {
    String page2 = server.url("/adminapi/beta/" + TENANT + "/InvokeCommand?%24skiptoken=p2").toString();
    String page3 = server.url("/adminapi/beta/" + TENANT + "/InvokeCommand?%24skiptoken=p3").toString();
    server.enqueue(json(200, "{\"value\":[{\"Name\":\"a\"},{\"Name\":\"b\"}],\"@odata.nextLink\":" + quote(page2) + "}"));
    server.enqueue(json(200, "{\"value\":[{\"Name\":\"c\"}],\"@odata.nextLink\":" + quote(page3)
        + ",\"@adminapi.warnings\":[\"WARNING: more results\"]}"));
    server.enqueue(json(200, "{\"value\":[{\"Name\":\"d\"}]}"));

    Cmdlet cmdlet = Cmdlet.of("Get-Recipient").text("ResultSize", "Unlimited");
    List<Map<String, Object>> rows = appOnly().invoke(cmdlet);
    assertEquals(List.of("a", "b", "c", "d"), rows.stream().map(r -> r.get("Name")).toList());

    RecordedRequest r1 = take();
    RecordedRequest r2 = take();
    RecordedRequest r3 = take();
    assertEquals("/adminapi/beta/" + TENANT + "/InvokeCommand", r1.getPath());
    assertEquals("/adminapi/beta/" + TENANT + "/InvokeCommand?%24skiptoken=p2", r2.getPath());
    assertEquals("/adminapi/beta/" + TENANT + "/InvokeCommand?%24skiptoken=p3", r3.getPath());
    String body = r1.getBody().readUtf8();
    assertEquals(body, r2.getBody().readUtf8());
    assertEquals(body, r3.getBody().readUtf8());
    assertEquals("POST", r3.getMethod());
    assertEquals("Bearer " + TOKEN, r3.getHeader("Authorization"));
    assertNotEquals(r1.getHeader("client-request-id"), r2.getHeader("client-request-id"));
    assertEquals(3, tokenCalls.get());
  }

  @Test
  void aRepeatedNextLinkStops() {
    String self = server.url("/adminapi/beta/" + TENANT + "/InvokeCommand").toString();
    server.enqueue(json(200, "{\"value\":[{\"Name\":\"a\"}],\"@odata.nextLink\":" + quote(self) + "}"));
    assertThrows(TenantException.class, () -> appOnly().invoke(Cmdlet.of("Get-Recipient")));
  }

  @Test
  void aNextLinkToAnotherHostIsRefusedSoTheTokenStaysHome() {
    server.enqueue(json(200, "{\"value\":[{\"Name\":\"a\"}],\"@odata.nextLink\":\"https://elsewhere.example/page2\"}"));
    TenantException e = assertThrows(TenantException.class, () -> appOnly().invoke(Cmdlet.of("Get-Recipient")));
    assertTrue(e.getMessage().contains("elsewhere.example"), e.getMessage());
    assertEquals(1, server.getRequestCount());
  }

  @Test
  void anEmptyAnswerIsNoRows() {
    server.enqueue(new MockResponse().setResponseCode(200));
    assertEquals(List.of(), appOnly().invoke(Cmdlet.of("Set-OrganizationConfig").bool("EwsEnabled", true)));
  }

  // ------------------------------------------------------------ errors

  @Test
  void notFoundCarriesTheIdentity() {
    server.enqueue(json(404, error("Ex6F9304|Microsoft.Exchange.Configuration.Tasks.ManagementObjectNotFoundException|"
        + "The operation couldn't be performed because object 'x' couldn't be found on 'DC1.PROD.OUTLOOK.COM'.")));
    ObjectNotFoundException e = assertThrows(ObjectNotFoundException.class,
        () -> appOnly().invoke(Cmdlet.of("Get-DistributionGroup").text("Identity", "x")));
    assertEquals("x", e.identity());
    assertTrue(e.getMessage().contains("couldn't be found"), e.getMessage());
    assertTrue(e.getMessage().contains("Get-DistributionGroup"), e.getMessage());
  }

  @Test
  void alreadyExists() {
    server.enqueue(json(400, error("Ex3F3E5A|Microsoft.Exchange.Management.Tasks.ManagementObjectAlreadyExistsException|"
        + "The name \"RISG\" is already being used. Please try another name.")));
    ObjectAlreadyExistsException e = assertThrows(ObjectAlreadyExistsException.class,
        () -> appOnly().invoke(Cmdlet.of("New-DistributionGroup").text("Name", "RISG")));
    assertEquals("RISG", e.identity());
  }

  @Test
  void dehydratedOrganization() {
    server.enqueue(json(400, error("Ex0A2D36|Microsoft.Exchange.Configuration.Tasks.InvalidOperationInDehydratedContextException|"
        + "The command you tried to run isn't currently allowed in your organization. To run this command, you first need to "
        + "run the command: Enable-OrganizationCustomization.")));
    assertThrows(OrganizationNotCustomizedException.class,
        () -> appOnly().invoke(Cmdlet.of("New-ManagementRoleAssignment").text("Role", "Application Mail.Read")));
  }

  @Test
  void innerErrorAndPlainMessageAreFallbacks() {
    server.enqueue(json(400, "{\"error\":{\"code\":\"InternalServerError\",\"message\":\"Error\",\"innererror\":{"
        + "\"internalException\":{\"type\":\"Microsoft.Exchange.ManagementObjectNotFoundException\","
        + "\"message\":\"The operation couldn't be performed because object 'y' couldn't be found on 'DC2'.\"}}}}"));
    assertInstanceOf(ObjectNotFoundException.class,
        assertThrows(TenantException.class, () -> appOnly().invoke(Cmdlet.of("Get-Mailbox").text("Identity", "y"))));
    server.enqueue(json(400, "{\"error\":{\"code\":\"BadRequest\",\"message\":\"Something unexpected went wrong\"}}"));
    TenantException e = assertThrows(TenantException.class, () -> appOnly().invoke(Cmdlet.of("Get-Mailbox")));
    assertEquals(TenantException.class, e.getClass());
    assertTrue(e.getMessage().contains("Something unexpected went wrong"), e.getMessage());
    server.enqueue(new MockResponse().setResponseCode(500).setBody("<html>oops</html>"));
    assertTrue(assertThrows(TenantException.class, () -> appOnly().invoke(Cmdlet.of("Get-Mailbox"))).getMessage().contains("oops"));
  }

  @Test
  void forbiddenIsAccessDeniedWithAdviceAndNoToken() {
    server.enqueue(json(403, "{\"error\":{\"code\":\"Forbidden\",\"message\":\"Access denied\"}}"));
    AccessDeniedException e = assertThrows(AccessDeniedException.class, () -> appOnly().invoke(Cmdlet.of("Get-OrganizationConfig")));
    assertTrue(e.getMessage().contains("Get-OrganizationConfig"), e.getMessage());
    assertTrue(e.getMessage().contains("'Organization Configuration' management role"), e.getMessage());
    assertTrue(e.getMessage().contains("Exchange Administrator"), e.getMessage());
    assertFalse(e.getMessage().contains(TOKEN));
    server.enqueue(new MockResponse().setResponseCode(401));
    AccessDeniedException unauthenticated = assertThrows(AccessDeniedException.class,
        () -> appOnly().invoke(Cmdlet.of("Get-OrganizationConfig")));
    assertTrue(unauthenticated.getMessage().contains("Exchange.ManageAsApp"), unauthenticated.getMessage());
  }

  @Test
  void throttledWithRetryAfterSeconds() {
    server.enqueue(json(429, "{\"error\":{\"code\":\"TooManyRequests\",\"message\":\"Too many requests\"}}").setHeader("Retry-After", "30"));
    ThrottledException e = assertThrows(ThrottledException.class, () -> appOnly().invoke(Cmdlet.of("Get-Recipient")));
    assertEquals(Duration.ofSeconds(30), e.retryAfter().orElseThrow());
    assertTrue(e.isTransient());
    assertEquals(1, server.getRequestCount(), "the transport does not retry by itself");
  }

  @Test
  void throttledWithRetryAfterDate() {
    server.enqueue(new MockResponse().setResponseCode(429).setHeader("Date", "Thu, 01 Jan 2026 10:00:00 GMT")
        .setHeader("Retry-After", "Thu, 01 Jan 2026 10:01:30 GMT"));
    ThrottledException e = assertThrows(ThrottledException.class, () -> appOnly().invoke(Cmdlet.of("Get-Recipient")));
    assertEquals(Duration.ofSeconds(90), e.retryAfter().orElseThrow());
  }

  @Test
  void concurrentRequestLimitInTheBodyIsThrottling() {
    server.enqueue(json(400, error("Ex1|Microsoft.Exchange.Throttling|Server busy: the maximum number of concurrent requests per "
        + "tenant was exceeded.")).setHeader("Retry-After", "5"));
    ThrottledException e = assertThrows(ThrottledException.class, () -> appOnly().invoke(Cmdlet.of("Get-Recipient")));
    assertEquals(Duration.ofSeconds(5), e.retryAfter().orElseThrow());
  }

  @Test
  void gatewayErrorsAreTransient() {
    for (int status : new int[] {502, 503, 504}) {
      server.enqueue(new MockResponse().setResponseCode(status).setBody("Service Unavailable"));
      TransientTenantException e = assertThrows(TransientTenantException.class, () -> appOnly().invoke(Cmdlet.of("Get-Recipient")));
      assertTrue(e.getMessage().contains("HTTP " + status), e.getMessage());
    }
  }

  @Test
  void aReadTimeoutIsTransient() {
    server.enqueue(new MockResponse().setSocketPolicy(SocketPolicy.NO_RESPONSE));
    http = http.newBuilder().readTimeout(Duration.ofMillis(300)).build();
    TransientTenantException e = assertThrows(TransientTenantException.class, () -> appOnly().invoke(Cmdlet.of("Get-Recipient")));
    assertTrue(e.getMessage().contains("timed out"), e.getMessage());
  }

  @Test
  void aRefusedConnectionIsTransient() throws Exception {
    String url = server.url("/x").toString();
    server.shutdown();
    ExchangeRestTransport t = new ExchangeRestTransport(http, url, () -> TOKEN, "UPN:a@contoso.com", CLOCK);
    assertThrows(TransientTenantException.class, () -> t.invoke(Cmdlet.of("Get-Recipient")));
  }
}
