package dev.impersonation.exchange;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.impersonation.Cloud;
import dev.impersonation.InvalidSetupException;
import dev.impersonation.Secret;
import dev.impersonation.SignIn;
import dev.impersonation.TenantConnection;
import dev.impersonation.TenantTarget;
import dev.impersonation.spi.Sleeper;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import okhttp3.OkHttpClient;
import okhttp3.mockwebserver.RecordedRequest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class ExchangeConnectionTest {
  static final String APP_ID = SignInOverMsalTest.APP_ID;

  FakeLogin login;

  @BeforeEach
  void start() throws Exception {
    login = new FakeLogin();
  }

  @AfterEach
  void stop() throws Exception {
    login.close();
  }

  static SignIn.Builder signIn(String tenant, Cloud cloud) {
    return SignIn.builder(tenant, cloud);
  }

  static SignIn secret(String tenant, Cloud cloud) {
    return SignIn.builder(tenant, cloud).appId(APP_ID).clientSecret(Secret.of("s3cr3t-value")).build();
  }

  static SignIn admin(String tenant, Cloud cloud, String upn) {
    return SignIn.builder(tenant, cloud).tokenSupplier(upn, () -> "vendor-token").build();
  }

  @Test
  void globalDefaults() {
    ExchangeConnection c = ExchangeConnection.builder(secret("contoso.onmicrosoft.com", Cloud.GLOBAL)).build();
    assertEquals("outlook.office365.com", c.exchangeHost());
    assertEquals("https://outlook.office365.com/.default", c.scope());
    assertEquals("https://outlook.office365.com/adminapi/beta/contoso.onmicrosoft.com/InvokeCommand", c.endpoint());
    assertEquals("https://login.microsoftonline.com/contoso.onmicrosoft.com/", c.signIn().orElseThrow().authority());
    assertEquals("APP:SystemMailbox{bb558c35-97f1-4cb9-8ff7-d53741dc928c}@contoso.onmicrosoft.com", c.anchorMailbox());
  }

  @Test
  void gccHighSignsInAtLoginMicrosoftonlineUsForOutlookOffice365Us() {
    SignIn signIn = signIn("contoso.onmicrosoft.us", Cloud.GCC_HIGH).appId(APP_ID).clientSecret(Secret.of("s3cr3t-value"))
        .signInVia(login.baseUrl()).libraryRetries(false).build();
    ExchangeConnection c = ExchangeConnection.exchangeOnline("contoso.onmicrosoft.us", Cloud.GCC_HIGH).signIn(signIn)
        .baseUrl(login.baseUrl()).build();
    assertEquals("outlook.office365.us", c.exchangeHost());
    assertEquals("https://outlook.office365.us/.default", c.scope());
    assertEquals("https://login.microsoftonline.us/contoso.onmicrosoft.us/", signIn.authority());

    c.backend().organizationConfig();
    RecordedRequest token = login.tokenRequests.get(0);
    assertEquals("/contoso.onmicrosoft.us/oauth2/v2.0/token", token.getPath());
    assertTrue(SignInOverMsalTest.form(token).get("scope").contains("https://outlook.office365.us/.default"));
    assertEquals("/adminapi/beta/contoso.onmicrosoft.us/InvokeCommand", login.exchangeRequests.get(0).getPath());
    assertEquals(List.of(), login.otherRequests);
    assertEquals("https://outlook.office365.us/adminapi/beta/contoso.onmicrosoft.us/InvokeCommand",
        ExchangeConnection.builder(secret("contoso.onmicrosoft.us", Cloud.GCC_HIGH)).build().endpoint());
  }

  @Test
  void otherCloudsAndAnOverriddenHostDeriveTheScopeFromTheHost() {
    ExchangeConnection dod = ExchangeConnection.builder(secret("contoso.onmicrosoft.us", Cloud.DOD)).build();
    assertEquals("https://webmail.apps.mil/.default", dod.scope());
    ExchangeConnection overridden = dod.newBuilder().exchangeHost("outlook-dod.office365.us").build();
    assertEquals("https://outlook-dod.office365.us/.default", overridden.scope());
    assertEquals("https://outlook-dod.office365.us/adminapi/beta/contoso.onmicrosoft.us/InvokeCommand", overridden.endpoint());
    assertEquals("https://webmail.apps.mil/.default", dod.scope(), "deriving leaves the original as it was");
    assertSame(dod.signIn().orElseThrow(), overridden.signIn().orElseThrow(), "a derived connection keeps the sign-in");

    ExchangeConnection china = ExchangeConnection.builder(admin("contoso.partner.onmschina.cn", Cloud.CHINA,
        "admin@contoso.partner.onmschina.cn")).build();
    assertEquals("https://partner.outlook.cn/.default", china.scope());
    assertEquals("https://login.chinacloudapi.cn/contoso.partner.onmschina.cn/", china.signIn().orElseThrow().authority());
    assertEquals("UPN:admin@contoso.partner.onmschina.cn", china.anchorMailbox());

    ExchangeConnection custom = ExchangeConnection.builder(signIn("contoso.onmicrosoft.com", Cloud.GLOBAL).appId(APP_ID)
        .clientSecret(Secret.of("x-secret")).authorityHost("login.example.test").build())
        .tenantId("0f0e0d0c-1111-2222-3333-444455556666").build();
    assertEquals("https://login.example.test/contoso.onmicrosoft.com/", custom.signIn().orElseThrow().authority());
    assertEquals("https://outlook.office365.com/adminapi/beta/0f0e0d0c-1111-2222-3333-444455556666/InvokeCommand", custom.endpoint());
    assertTrue(custom.anchorMailbox().endsWith("@0f0e0d0c-1111-2222-3333-444455556666"));
  }

  @Test
  void connectionCarriesTheBackendAndTheClock() {
    Clock clock = Clock.fixed(Instant.parse("2026-01-01T00:00:00Z"), ZoneOffset.UTC);
    Sleeper sleeper = d -> { };
    TenantConnection tenant = ExchangeConnection.builder(admin("contoso.onmicrosoft.com", Cloud.GLOBAL, "admin@contoso.com"))
        .baseUrl(login.baseUrl()).clock(clock, sleeper).build().connection();
    assertEquals(TenantTarget.exchangeOnline("contoso.onmicrosoft.com"), tenant.target());
    assertSame(clock, tenant.clock());
    assertSame(sleeper, tenant.sleeper());
    assertInstanceOf(CmdletExchangeBackend.class, tenant.exchange().orElseThrow());
    assertEquals("exchange-rest", tenant.exchange().orElseThrow().name());
    assertFalse(tenant.exchange().orElseThrow().organizationConfig().dehydrated());
    assertTrue(tenant.directory().isEmpty());

    TenantConnection systemClock = ExchangeConnection.builder(admin("contoso.onmicrosoft.com", Cloud.GLOBAL, "admin@contoso.com"))
        .build().connection();
    assertEquals(Clock.systemUTC().getZone(), systemClock.clock().getZone());
  }

  @Test
  void oneSignInIsOneTokenCacheBehindEveryConnection() {
    SignIn shared = signIn("contoso.onmicrosoft.com", Cloud.GLOBAL).appId(APP_ID).clientSecret(Secret.of("shared-secret"))
        .signInVia(login.baseUrl()).libraryRetries(false).build();
    ExchangeConnection a = ExchangeConnection.builder(shared).baseUrl(login.baseUrl()).build();
    ExchangeConnection b = ExchangeConnection.builder(shared).baseUrl(login.baseUrl()).build();
    a.backend().organizationConfig();
    b.backend().organizationConfig();
    assertEquals(1, login.tokenRequests.size(), "one MSAL token cache behind both connections");
    assertSame(shared, a.signIn().orElseThrow());
    SignIn other = shared.newBuilder().clientSecret(Secret.of("other-secret")).build();
    ExchangeConnection.builder(other).baseUrl(login.baseUrl()).build().backend().organizationConfig();
    assertEquals(2, login.tokenRequests.size(), "another credential is another cache");
  }

  @Test
  void injectedHttpClientIsUsedAndDefaultsAreSensible() {
    OkHttpClient defaults = ExchangeConnection.defaultHttpClient();
    assertEquals(10_000, defaults.connectTimeoutMillis());
    assertEquals(2 * 60_000, defaults.readTimeoutMillis(), "fail fast: a silent call is a retried timeout after 2 minutes");
    assertFalse(defaults.retryOnConnectionFailure());

    List<String> seen = new java.util.concurrent.CopyOnWriteArrayList<>();
    OkHttpClient injected = new OkHttpClient.Builder().addInterceptor(chain -> {
      seen.add(chain.request().url().encodedPath());
      return chain.proceed(chain.request());
    }).build();
    ExchangeConnection.builder(admin("contoso.onmicrosoft.com", Cloud.GLOBAL, "admin@contoso.com"))
        .httpClient(injected).baseUrl(login.baseUrl()).build().backend().organizationConfig();
    assertEquals(List.of("/adminapi/beta/contoso.onmicrosoft.com/InvokeCommand"), seen);
  }

  @Test
  void misconfigurationsAreExplained() {
    assertThrows(InvalidSetupException.class, () -> ExchangeConnection.exchangeOnline(TenantTarget.exchangeServer("contoso.com")));
    InvalidSetupException none = assertThrows(InvalidSetupException.class,
        () -> ExchangeConnection.exchangeOnline("contoso.onmicrosoft.com").build());
    assertTrue(none.getMessage().contains(".certificate("), none.getMessage());
    InvalidSetupException noWay = assertThrows(InvalidSetupException.class,
        () -> signIn("contoso.onmicrosoft.com", Cloud.GLOBAL).appId(APP_ID).build());
    assertTrue(noWay.getMessage().contains(".certificate("), noWay.getMessage());
    InvalidSetupException noApp = assertThrows(InvalidSetupException.class,
        () -> signIn("contoso.onmicrosoft.com", Cloud.GLOBAL).clientSecret(Secret.of("x-secret-1")).build());
    assertTrue(noApp.getMessage().contains("appId"), noApp.getMessage());
    assertFalse(noApp.getMessage().contains("x-secret-1"));
    assertThrows(InvalidSetupException.class, () -> signIn("contoso.onmicrosoft.com", Cloud.GLOBAL)
        .clientSecret(Secret.of("a")).deviceCode("admin@contoso.com", m -> { }));
    assertThrows(InvalidSetupException.class, () -> signIn("contoso.onmicrosoft.com", Cloud.GLOBAL)
        .deviceCode("not-a-upn", m -> { }));
    assertThrows(InvalidSetupException.class, () -> ExchangeConnection.exchangeOnline("contoso.onmicrosoft.com")
        .exchangeHost("https://evil/x"));
    assertThrows(InvalidSetupException.class, () -> ExchangeConnection.exchangeOnline("contoso.onmicrosoft.com").baseUrl("not a url"));
    InvalidSetupException wrongCloud = assertThrows(InvalidSetupException.class, () -> ExchangeConnection
        .exchangeOnline("contoso.onmicrosoft.us", Cloud.GCC_HIGH).signIn(secret("contoso.onmicrosoft.us", Cloud.GLOBAL)));
    assertTrue(wrongCloud.getMessage().contains("GCC_HIGH"), wrongCloud.getMessage());
    assertThrows(InvalidSetupException.class, () -> ExchangeConnection.exchangeServer("contoso.com", "mail01.contoso.com")
        .signIn(secret("contoso.onmicrosoft.com", Cloud.GLOBAL)));
    String text = ExchangeConnection.exchangeOnline("contoso.onmicrosoft.com").toString();
    assertTrue(text.contains("no sign-in"), text);
  }
}
