package dev.impersonation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

class SignInTest {
  static final String APP = "00000000-0000-0000-0000-000000000001";

  /** Names the way of signing in, as a backend's visitor would. */
  static final SignIn.Visitor<String> NAME = new SignIn.Visitor<>() {
    @Override
    public String certificate(List<X509Certificate> chain, PrivateKey key, Optional<Path> pkcs12, Optional<Secret> password) {
      return "certificate";
    }

    @Override
    public String clientSecret(Secret secret) {
      return "secret " + new String(secret.reveal());
    }

    @Override
    public String deviceCode(String userPrincipalName, Consumer<String> showMessage) {
      return "device code " + userPrincipalName;
    }

    @Override
    public String tokenSupplier(String userPrincipalName, Function<String, String> tokenForScope) {
      return "supplier " + userPrincipalName + " " + tokenForScope.apply("s");
    }
  };

  @Test
  void theAuthorityFollowsTheCloudAndAnOverriddenHost() {
    SignIn global = SignIn.builder(TenantTarget.exchangeOnline("contoso.onmicrosoft.com")).appId(APP)
        .clientSecret(Secret.of("value-1")).build();
    assertEquals("https://login.microsoftonline.com/contoso.onmicrosoft.com/", global.authority());
    SignIn high = SignIn.builder(TenantTarget.exchangeOnline("contoso.onmicrosoft.us", Cloud.GCC_HIGH)).appId(APP)
        .clientSecret(Secret.of("value-1")).build();
    assertEquals("https://login.microsoftonline.us/contoso.onmicrosoft.us/", high.authority());
    assertEquals(Cloud.GCC_HIGH, high.cloud());
    SignIn byId = SignIn.builder("72f988bf-86f1-41af-91ab-2d7cd011db47", Cloud.GLOBAL).appId(APP)
        .clientSecret(Secret.of("value-1")).authorityHost("https://login.example.test/").build();
    assertEquals("https://login.example.test/72f988bf-86f1-41af-91ab-2d7cd011db47/", byId.authority());
  }

  @Test
  void theVisitorGetsTheCredentialAndNothingElseShowsIt() {
    SignIn secret = SignIn.builder("contoso.onmicrosoft.com", Cloud.GLOBAL).appId(APP).clientSecret(Secret.of("value-1")).build();
    assertEquals("secret value-1", secret.accept(NAME));
    assertTrue(secret.isAppOnly());
    assertFalse(secret.toString().contains("value-1"), secret.toString());
    assertTrue(secret.toString().contains("app-only client secret"), secret.toString());
    SignIn admin = SignIn.builder("contoso.onmicrosoft.com", Cloud.GLOBAL)
        .tokenSupplier("admin@contoso.com", () -> "token-value").build();
    assertEquals("supplier admin@contoso.com token-value", admin.accept(NAME));
    assertFalse(admin.toString().contains("token-value"), admin.toString());
    assertEquals(Optional.of("admin@contoso.com"), admin.userPrincipalName());
    assertFalse(admin.isAppOnly());
  }

  @Test
  void oneSignInIsOneCacheAndDerivingAnotherIdentityStartsANewOne() {
    SignIn device = SignIn.builder("contoso.onmicrosoft.com", Cloud.GLOBAL).appId(APP).deviceCode("admin@contoso.com", m -> { })
        .build();
    device.tokenCache().store("{\"RefreshToken\":{\"x\":{\"secret\":\"rt-value\"}}}");
    assertFalse(device.tokenCache().toString().contains("rt-value"), device.tokenCache().toString());
    SignIn viaSimulator = device.newBuilder().signInVia("http://localhost:8080").build();
    assertSame(device.tokenCache(), viaSimulator.tokenCache(), "where requests go is not who signs in");
    SignIn otherApp = device.newBuilder().appId("00000000-0000-0000-0000-000000000002").build();
    assertNotSame(device.tokenCache(), otherApp.tokenCache());
    SignIn secret = device.newBuilder().clientSecret(Secret.of("value-2")).build();
    assertEquals(SignIn.Kind.CLIENT_SECRET, secret.kind());
    assertEquals(Optional.empty(), secret.userPrincipalName(), "an app-only sign-in has no admin");
    assertEquals("device code admin@contoso.com", device.accept(NAME), "the original is unchanged");
  }

  @Test
  void badInputIsExplainedWithoutTheSecret() {
    assertThrows(InvalidSetupException.class, () -> SignIn.builder(TenantTarget.exchangeServer("contoso.com")));
    assertThrows(InvalidSetupException.class, () -> SignIn.builder(" ", Cloud.GLOBAL));
    InvalidSetupException none = assertThrows(InvalidSetupException.class,
        () -> SignIn.builder("contoso.onmicrosoft.com", Cloud.GLOBAL).appId(APP).build());
    assertTrue(none.getMessage().contains(".clientSecret("), none.getMessage());
    InvalidSetupException noApp = assertThrows(InvalidSetupException.class,
        () -> SignIn.builder("contoso.onmicrosoft.com", Cloud.GLOBAL).clientSecret(Secret.of("value-3")).build());
    assertTrue(noApp.getMessage().contains("appId"), noApp.getMessage());
    assertFalse(noApp.getMessage().contains("value-3"));
    InvalidSetupException two = assertThrows(InvalidSetupException.class, () -> SignIn.builder("contoso.onmicrosoft.com",
        Cloud.GLOBAL).clientSecret(Secret.of("value-3")).deviceCode("admin@contoso.com", m -> { }));
    assertTrue(two.getMessage().contains("Choose one way"), two.getMessage());
    assertThrows(InvalidSetupException.class, () -> SignIn.builder("contoso.onmicrosoft.com", Cloud.GLOBAL)
        .deviceCode("not-a-upn", m -> { }));
    assertThrows(InvalidSetupException.class, () -> SignIn.builder("contoso.onmicrosoft.com", Cloud.GLOBAL).signInVia("not a url"));
    assertThrows(InvalidSetupException.class, () -> SignIn.builder("contoso.onmicrosoft.com", Cloud.GLOBAL)
        .authorityHost("login.example.test/evil"));
    InvalidSetupException pfx = assertThrows(InvalidSetupException.class, () -> SignIn.builder("contoso.onmicrosoft.com",
        Cloud.GLOBAL).certificate(Path.of("missing.pfx"), Secret.of("pfx-pass")));
    assertFalse(pfx.getMessage().contains("pfx-pass"), pfx.getMessage());
  }
}
