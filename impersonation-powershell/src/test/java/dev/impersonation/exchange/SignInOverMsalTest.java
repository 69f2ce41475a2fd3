package dev.impersonation.exchange;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.impersonation.AccessDeniedException;
import dev.impersonation.InvalidSetupException;
import dev.impersonation.Secret;
import dev.impersonation.SignIn;
import dev.impersonation.TenantException;
import dev.impersonation.TenantTarget;
import dev.impersonation.TransientTenantException;
import dev.impersonation.powershell.Cmdlet;
import dev.impersonation.spi.ExchangeBackend;
import java.io.InputStream;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.cert.X509Certificate;
import java.security.spec.MGF1ParameterSpec;
import java.security.spec.PSSParameterSpec;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import okhttp3.mockwebserver.RecordedRequest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** MSAL4J offline: every sign-in goes to {@link FakeLogin} on localhost; nothing leaves the machine. */
class SignInOverMsalTest {
  static final String APP_ID = "11111111-2222-3333-4444-555555555555";
  static final String SECRET = "fake-client-secret-XYZ~123";
  static final ObjectMapper JSON = new ObjectMapper();

  static final String STORE_PASSWORD = "test-store-pass";
  @TempDir static Path keys;
  static Path p12;

  FakeLogin login;

  @BeforeAll
  static void certificate() throws Exception {
    p12 = pkcs12(keys, STORE_PASSWORD); // one keytool run for the class: RSA key generation is slow
  }

  @BeforeEach
  void start() throws Exception {
    login = new FakeLogin();
  }

  @AfterEach
  void stop() throws Exception {
    login.close();
  }

  static Map<String, String> form(RecordedRequest r) {
    Map<String, String> out = new HashMap<>();
    for (String pair : r.getBody().clone().readUtf8().split("&")) {
      int eq = pair.indexOf('=');
      out.put(URLDecoder.decode(pair.substring(0, eq), StandardCharsets.UTF_8),
          URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
    }
    return out;
  }

  SignIn.Builder signIn() {
    return SignIn.builder(TenantTarget.exchangeOnline("contoso.onmicrosoft.com")).signInVia(login.baseUrl()).libraryRetries(false);
  }

  ExchangeConnection connection(SignIn signIn) {
    return ExchangeConnection.builder(signIn).baseUrl(login.baseUrl()).build();
  }

  ExchangeConnection secretConnection() {
    return connection(signIn().appId(APP_ID).clientSecret(Secret.of(SECRET)).build());
  }

  @Test
  void clientSecretTokenIsRequestedOnceAndCachedAcrossCmdlets() throws Exception {
    ExchangeConnection connection = secretConnection();
    ExchangeBackend backend = connection.backend();
    assertFalse(backend.organizationConfig().dehydrated());
    backend.organizationConfig();

    assertEquals(1, login.tokenRequests.size(), "MSAL caches the app token (expires_in > 300)");
    RecordedRequest token = login.tokenRequests.get(0);
    assertEquals("/contoso.onmicrosoft.com/oauth2/v2.0/token", token.getPath());
    Map<String, String> form = form(token);
    assertEquals("client_credentials", form.get("grant_type"));
    assertEquals(APP_ID, form.get("client_id"));
    assertEquals(SECRET, form.get("client_secret"));
    assertTrue(form.get("scope").contains("https://outlook.office365.com/.default"), form.get("scope"));
    assertEquals(List.of(), login.otherRequests, "instance discovery is off: one call, to the token endpoint");

    assertEquals(2, login.exchangeRequests.size());
    for (RecordedRequest r : login.exchangeRequests) {
      assertEquals("Bearer " + FakeLogin.APP_TOKEN, r.getHeader("Authorization"));
      assertEquals("APP:SystemMailbox{bb558c35-97f1-4cb9-8ff7-d53741dc928c}@contoso.onmicrosoft.com", r.getHeader("X-AnchorMailbox"));
      assertEquals("/adminapi/beta/contoso.onmicrosoft.com/InvokeCommand", r.getPath());
    }
  }

  @Test
  void aRefusedSecretIsAccessDeniedWithoutTheSecret() {
    login.tokenOverride = FakeLogin.json(401, "{\"error\":\"invalid_client\",\"error_description\":\"AADSTS7000215: Invalid "
        + "client secret provided. Ensure the secret being sent in the request is the client secret value.\","
        + "\"error_codes\":[7000215]}");
    ExchangeBackend backend = secretConnection().backend();
    AccessDeniedException e = assertThrows(AccessDeniedException.class, backend::organizationConfig);
    assertTrue(e.getMessage().contains("invalid_client"), e.getMessage());
    assertTrue(e.getMessage().contains(APP_ID), e.getMessage());
    assertNoSecret(e);
    assertEquals(0, login.exchangeRequests.size());
  }

  @Test
  void aFailingSignInEndpointIsTransient() {
    login.tokenOverride = FakeLogin.json(503, "{\"error\":\"temporarily_unavailable\",\"error_description\":\"AADSTS90033\"}");
    TenantException e = assertThrows(TransientTenantException.class, () -> secretConnection().backend().organizationConfig());
    assertNoSecret(e);
    assertEquals(1, login.tokenRequests.size(), "internal retries off: one attempt");
  }

  @Test
  void noSecretOrTokenInToStringOrExceptions() {
    ExchangeConnection connection = secretConnection();
    login.exchangeStatus = 403;
    login.exchangeAnswer = "{\"error\":{\"code\":\"Forbidden\",\"message\":\"Access denied\"}}";
    ExchangeRestTransport transport = connection.transport();
    AccessDeniedException e = assertThrows(AccessDeniedException.class, () -> transport.invoke(Cmdlet.of("Get-OrganizationConfig")));
    for (String text : List.of(connection.toString(), connection.signIn().orElseThrow().toString(), transport.toString(), e.getMessage(),
        String.valueOf(e))) {
      assertFalse(text.contains(SECRET), text);
      assertFalse(text.contains(FakeLogin.APP_TOKEN), text);
    }
    assertTrue(connection.toString().contains("app-only client secret"), connection.toString());
    assertTrue(connection.toString().contains("contoso.onmicrosoft.com"), connection.toString());
  }

  static void assertNoSecret(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      String s = String.valueOf(t.getMessage());
      assertFalse(s.contains(SECRET), s);
      assertFalse(s.contains(FakeLogin.APP_TOKEN), s);
    }
  }

  // ------------------------------------------------------------ device code

  @Test
  void deviceCodeShowsTheMessagePollsUntilSignedInAndReusesTheToken() throws Exception {
    login.pendingAnswers.set(2);
    List<String> shown = new CopyOnWriteArrayList<>();
    ExchangeConnection connection = connection(signIn().appId(APP_ID).deviceCode("admin@contoso.com", shown::add).build());
    ExchangeBackend backend = connection.backend();
    backend.organizationConfig();
    backend.organizationConfig();

    assertEquals(1, shown.size());
    assertTrue(shown.get(0).contains("ABCD-EFGH"), shown.get(0));
    assertEquals(1, login.deviceCodeRequests.size());
    assertEquals("/contoso.onmicrosoft.com/oauth2/v2.0/devicecode", login.deviceCodeRequests.get(0).getPath());
    assertTrue(form(login.deviceCodeRequests.get(0)).get("scope").contains("https://outlook.office365.com/.default"));
    assertEquals(3, login.tokenRequests.size(), "two authorization_pending answers, then the token; the second cmdlet uses the cache");
    assertTrue(form(login.tokenRequests.get(2)).get("grant_type").contains("device_code"));
    for (RecordedRequest r : login.exchangeRequests) {
      assertEquals("Bearer " + FakeLogin.USER_TOKEN, r.getHeader("Authorization"));
      assertEquals("UPN:admin@contoso.com", r.getHeader("X-AnchorMailbox"));
    }
    assertTrue(connection.toString().contains("delegated device code"), connection.toString());
  }

  @Test
  void tokenSupplierIsAskedPerScopeAndAnchorsOnTheAdmin() throws Exception {
    List<String> scopes = new CopyOnWriteArrayList<>();
    ExchangeConnection connection = connection(signIn().tokenSupplier("admin@contoso.com", scope -> {
      scopes.add(scope);
      return "vendor-token";
    }).build());
    connection.backend().organizationConfig();
    assertEquals(List.of("https://outlook.office365.com/.default"), scopes);
    RecordedRequest r = login.exchangeRequests.get(0);
    assertEquals("Bearer vendor-token", r.getHeader("Authorization"));
    assertEquals("UPN:admin@contoso.com", r.getHeader("X-AnchorMailbox"));
    assertEquals(0, login.tokenRequests.size());

    ExchangeConnection empty = connection(signIn().tokenSupplier("admin@contoso.com", () -> null).build());
    assertThrows(AccessDeniedException.class, empty::accessToken);
  }

  // ------------------------------------------------------------ certificate

  static Path pkcs12(Path dir, String password) throws Exception {
    Path file = dir.resolve("app.p12");
    String keytool = Path.of(System.getProperty("java.home"), "bin", "keytool").toString();
    Process p = new ProcessBuilder(keytool, "-genkeypair", "-alias", "app", "-keyalg", "RSA", "-keysize", "2048",
        "-dname", "CN=impersonation-setup-test", "-validity", "2", "-storetype", "PKCS12", "-keystore", file.toString(),
        "-storepass", password, "-keypass", password).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(p.waitFor(60, TimeUnit.SECONDS) && p.exitValue() == 0, "keytool failed: " + out);
    return file;
  }

  static void assertSignedBy(String jwt, X509Certificate cert) throws Exception {
    String[] parts = jwt.split("\\.");
    assertEquals(3, parts.length);
    JsonNode header = JSON.readTree(Base64.getUrlDecoder().decode(parts[0]));
    JsonNode claims = JSON.readTree(Base64.getUrlDecoder().decode(parts[1]));
    String alg = header.path("alg").asText();
    Signature sig;
    if (alg.equals("RS256")) {
      sig = Signature.getInstance("SHA256withRSA");
    } else if (alg.equals("PS256")) {
      sig = Signature.getInstance("RSASSA-PSS");
      sig.setParameter(new PSSParameterSpec("SHA-256", "MGF1", MGF1ParameterSpec.SHA256, 32, 1));
    } else {
      throw new AssertionError("unexpected alg " + header);
    }
    assertTrue(header.has("x5t") || header.has("x5t#S256"), header.toString());
    sig.initVerify(cert.getPublicKey());
    sig.update((parts[0] + "." + parts[1]).getBytes(StandardCharsets.US_ASCII));
    assertTrue(sig.verify(Base64.getUrlDecoder().decode(parts[2])), "assertion signed with the certificate's key");
    assertEquals(APP_ID, claims.path("iss").asText());
    assertEquals(APP_ID, claims.path("sub").asText());
    assertTrue(claims.path("aud").asText().startsWith("https://login.microsoftonline.com/contoso.onmicrosoft.com/"),
        claims.toString());
  }

  @Test
  void certificateFromPkcs12SignsTheClientAssertion() throws Exception {
    String password = STORE_PASSWORD;
    Path file = p12;
    ExchangeConnection connection = connection(signIn().appId(APP_ID).certificate(file, Secret.of(password)).build());
    connection.backend().organizationConfig();

    Map<String, String> form = form(login.tokenRequests.get(0));
    assertEquals("urn:ietf:params:oauth:client-assertion-type:jwt-bearer", form.get("client_assertion_type"));
    assertFalse(form.containsKey("client_secret"));
    KeyStore store = KeyStore.getInstance("PKCS12");
    try (InputStream in = Files.newInputStream(file)) {
      store.load(in, password.toCharArray());
    }
    assertSignedBy(form.get("client_assertion"), (X509Certificate) store.getCertificate("app"));
    assertEquals("Bearer " + FakeLogin.APP_TOKEN, login.exchangeRequests.get(0).getHeader("Authorization"));
    assertFalse(connection.toString().contains(password));
    assertTrue(connection.toString().contains("app-only certificate"), connection.toString());
  }

  @Test
  void certificateAndKeyObjects() throws Exception {
    String password = STORE_PASSWORD;
    Path file = p12;
    KeyStore store = KeyStore.getInstance("PKCS12");
    try (InputStream in = Files.newInputStream(file)) {
      store.load(in, password.toCharArray());
    }
    X509Certificate cert = (X509Certificate) store.getCertificate("app");
    PrivateKey key = (PrivateKey) store.getKey("app", password.toCharArray());
    SignIn creds = signIn().appId(APP_ID).certificate(cert, key).build();
    assertEquals(FakeLogin.APP_TOKEN, connection(creds).accessToken());
    assertEquals(FakeLogin.APP_TOKEN, connection(creds).accessToken(), "a second connection reads the shared cache");
    assertEquals(1, login.tokenRequests.size());
    assertSignedBy(form(login.tokenRequests.get(0)).get("client_assertion"), cert);
    assertTrue(creds.isAppOnly());
  }

  @Test
  void aWrongPkcs12PasswordIsAnInvalidSetupWithoutThePassword() throws Exception {
    Path file = p12;
    InvalidSetupException e = assertThrows(InvalidSetupException.class,
        () -> signIn().appId(APP_ID).certificate(file, Secret.of("wrong-password")));
    assertFalse(e.getMessage().contains("wrong-password"));
    assertFalse(e.getMessage().contains(STORE_PASSWORD));
  }

  @Test
  void aDelegatedAdminSignsInOnceForEveryConnectionSharingTheSignIn() throws Exception {
    List<String> shown = new CopyOnWriteArrayList<>();
    SignIn admin = signIn().appId(APP_ID).deviceCode("admin@contoso.com", shown::add).build();
    ExchangeConnection first = connection(admin);
    first.backend().organizationConfig();
    ExchangeConnection derived = first.newBuilder().readTimeout(java.time.Duration.ofSeconds(30)).build();
    ExchangeConnection another = connection(admin);
    derived.backend().organizationConfig();
    another.backend().organizationConfig();

    assertEquals(1, shown.size(), "one device-code prompt for three connections");
    assertEquals(1, login.deviceCodeRequests.size());
    assertFalse(admin.tokenCache().snapshot().isEmpty(), "the MSAL cache lives in the SignIn");
    assertFalse(admin.tokenCache().toString().contains("refresh-token-1"), admin.tokenCache().toString());
    assertFalse(admin.toString().contains(FakeLogin.USER_TOKEN), admin.toString());
    for (RecordedRequest r : login.exchangeRequests) {
      assertEquals("Bearer " + FakeLogin.USER_TOKEN, r.getHeader("Authorization"));
    }
  }
}
