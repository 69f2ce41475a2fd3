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
import dev.impersonation.TenantTarget;
import dev.impersonation.spi.Sleeper;
import dev.impersonation.spi.TenantConnection;
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
  static final String APP_ID = ExchangeCredentialsTest.APP_ID;

  FakeLogin login;

  @BeforeEach
  void start() throws Exception {
    login = new FakeLogin();
  }

  @AfterEach
  void stop() throws Exception {
    login.close();
  }

  @Test
  void globalDefaults() {
    ExchangeConnection c = ExchangeConnection.exchangeOnline("contoso.onmicrosoft.com").appId(APP_ID).clientSecret(Secret.of("s3cr3t-value"));
    assertEquals("outlook.office365.com", c.exchangeHost());
    assertEquals("https://outlook.office365.com/.default", c.scope());
    assertEquals("https://outlook.office365.com/adminapi/beta/contoso.onmicrosoft.com/InvokeCommand", c.endpoint());
    assertEquals("https://login.microsoftonline.com/contoso.onmicrosoft.com/", c.credentials().authority());
    assertEquals("APP:SystemMailbox{bb558c35-97f1-4cb9-8ff7-d53741dc928c}@contoso.onmicrosoft.com", c.anchorMailbox());
    assertSame(c.credentials(), c.credentials(), "one MSAL application per connection");
  }

  @Test
  void gccHighSignsInAtLoginMicrosoftonlineUsForOutlookOffice365Us() {
    ExchangeConnection c = ExchangeConnection.exchangeOnline("contoso.onmicrosoft.us", Cloud.GCC_HIGH).appId(APP_ID)
        .clientSecret(Secret.of("s3cr3t-value")).msalHttpClient(login.msalClient()).msalInternalRetries(false)
        .baseUrl(login.baseUrl());
    assertEquals("outlook.office365.us", c.exchangeHost());
    assertEquals("https://outlook.office365.us/.default", c.scope());
    assertEquals("https://login.microsoftonline.us/contoso.onmicrosoft.us/", c.credentials().authority());

    c.build().organizationConfig();
    assertEquals(List.of("login.microsoftonline.us"), login.msalHosts);
    RecordedRequest token = login.tokenRequests.get(0);
    assertEquals("/contoso.onmicrosoft.us/oauth2/v2.0/token", token.getPath());
    assertTrue(ExchangeCredentialsTest.form(token).get("scope").contains("https://outlook.office365.us/.default"));
    assertEquals("/adminapi/beta/contoso.onmicrosoft.us/InvokeCommand", login.exchangeRequests.get(0).getPath());
    assertEquals("https://outlook.office365.us/adminapi/beta/contoso.onmicrosoft.us/InvokeCommand",
        ExchangeConnection.exchangeOnline("contoso.onmicrosoft.us", Cloud.GCC_HIGH).endpoint());
  }

  @Test
  void otherCloudsAndAnOverriddenHostDeriveTheScopeFromTheHost() {
    ExchangeConnection dod = ExchangeConnection.exchangeOnline("contoso.onmicrosoft.us", Cloud.DOD);
    assertEquals("https://webmail.apps.mil/.default", dod.scope());
    dod.exchangeHost("outlook-dod.office365.us");
    assertEquals("https://outlook-dod.office365.us/.default", dod.scope());
    assertEquals("https://outlook-dod.office365.us/adminapi/beta/contoso.onmicrosoft.us/InvokeCommand", dod.endpoint());

    ExchangeConnection china = ExchangeConnection.exchangeOnline("contoso.partner.onmschina.cn", Cloud.CHINA)
        .tokenSupplier("admin@contoso.partner.onmschina.cn", () -> "t");
    assertEquals("https://partner.outlook.cn/.default", china.scope());
    assertEquals("https://login.chinacloudapi.cn/contoso.partner.onmschina.cn/", china.credentials().authority());
    assertEquals("UPN:admin@contoso.partner.onmschina.cn", china.anchorMailbox());

    ExchangeConnection custom = ExchangeConnection.exchangeOnline("contoso.onmicrosoft.com").appId(APP_ID)
        .clientSecret(Secret.of("x-secret")).authorityHost("login.example.test").tenantId("0f0e0d0c-1111-2222-3333-444455556666");
    assertEquals("https://login.example.test/contoso.onmicrosoft.com/", custom.credentials().authority());
    assertEquals("https://outlook.office365.com/adminapi/beta/0f0e0d0c-1111-2222-3333-444455556666/InvokeCommand", custom.endpoint());
    assertTrue(custom.anchorMailbox().endsWith("@0f0e0d0c-1111-2222-3333-444455556666"));
  }

  @Test
  void connectionCarriesTheBackendAndTheClock() {
    Clock clock = Clock.fixed(Instant.parse("2026-01-01T00:00:00Z"), ZoneOffset.UTC);
    Sleeper sleeper = d -> { };
    TenantConnection tenant = ExchangeConnection.exchangeOnline("contoso.onmicrosoft.com")
        .tokenSupplier("admin@contoso.com", () -> "vendor-token").baseUrl(login.baseUrl()).clock(clock, sleeper).connection();
    assertEquals(TenantTarget.exchangeOnline("contoso.onmicrosoft.com"), tenant.target());
    assertSame(clock, tenant.clock());
    assertSame(sleeper, tenant.sleeper());
    assertInstanceOf(CmdletExchangeBackend.class, tenant.exchange().orElseThrow());
    assertEquals("exchange-rest", tenant.exchange().orElseThrow().name());
    assertFalse(tenant.exchange().orElseThrow().organizationConfig().dehydrated());
    assertTrue(tenant.directory().isEmpty());

    TenantConnection systemClock = ExchangeConnection.exchangeOnline("contoso.onmicrosoft.com")
        .tokenSupplier("admin@contoso.com", () -> "t").toTenantConnection();
    assertEquals(Clock.systemUTC().getZone(), systemClock.clock().getZone());
  }

  @Test
  void sharedCredentialsAreReused() {
    ExchangeCredentials shared = ExchangeCredentials.builder(TenantTarget.exchangeOnline("contoso.onmicrosoft.com")).appId(APP_ID)
        .clientSecret(Secret.of("shared-secret")).msalHttpClient(login.msalClient()).msalInternalRetries(false).build();
    ExchangeConnection a = ExchangeConnection.exchangeOnline("contoso.onmicrosoft.com").credentials(shared).baseUrl(login.baseUrl());
    ExchangeConnection b = ExchangeConnection.exchangeOnline("contoso.onmicrosoft.com").credentials(shared).baseUrl(login.baseUrl());
    a.build().organizationConfig();
    b.build().organizationConfig();
    assertEquals(1, login.tokenRequests.size(), "one MSAL token cache behind both connections");
    assertSame(shared, a.credentials());
    assertThrows(InvalidSetupException.class, () -> a.clientSecret(Secret.of("other")));
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
    ExchangeConnection.exchangeOnline("contoso.onmicrosoft.com").tokenSupplier("admin@contoso.com", () -> "t")
        .httpClient(injected).baseUrl(login.baseUrl()).build().organizationConfig();
    assertEquals(List.of("/adminapi/beta/contoso.onmicrosoft.com/InvokeCommand"), seen);
  }

  @Test
  void misconfigurationsAreExplained() {
    assertThrows(InvalidSetupException.class, () -> ExchangeConnection.exchangeOnline(TenantTarget.exchangeServer("contoso.com")));
    InvalidSetupException none = assertThrows(InvalidSetupException.class,
        () -> ExchangeConnection.exchangeOnline("contoso.onmicrosoft.com").appId(APP_ID).build());
    assertTrue(none.getMessage().contains(".certificate("), none.getMessage());
    InvalidSetupException noApp = assertThrows(InvalidSetupException.class,
        () -> ExchangeConnection.exchangeOnline("contoso.onmicrosoft.com").clientSecret(Secret.of("x-secret-1")).build());
    assertTrue(noApp.getMessage().contains("appId"), noApp.getMessage());
    assertFalse(noApp.getMessage().contains("x-secret-1"));
    assertThrows(InvalidSetupException.class, () -> ExchangeConnection.exchangeOnline("contoso.onmicrosoft.com")
        .clientSecret(Secret.of("a")).deviceCode("admin@contoso.com", m -> { }));
    assertThrows(InvalidSetupException.class, () -> ExchangeConnection.exchangeOnline("contoso.onmicrosoft.com")
        .deviceCode("not-a-upn", m -> { }));
    assertThrows(InvalidSetupException.class, () -> ExchangeConnection.exchangeOnline("contoso.onmicrosoft.com")
        .exchangeHost("https://evil/x"));
    assertThrows(InvalidSetupException.class, () -> ExchangeConnection.exchangeOnline("contoso.onmicrosoft.com").baseUrl("not a url"));
    String text = ExchangeConnection.exchangeOnline("contoso.onmicrosoft.com").toString();
    assertTrue(text.contains("no sign-in chosen"), text);
  }
}
