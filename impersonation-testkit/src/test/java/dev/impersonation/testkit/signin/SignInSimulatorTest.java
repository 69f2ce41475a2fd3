package dev.impersonation.testkit.signin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The simulated sign-in endpoint over HTTP, as a browser and MSAL meet it: the page, the redirect with code and state, the
 * token endpoint's PKCE check, one use per code, refresh for another resource, and roles in the ID token.
 */
class SignInSimulatorTest {
  private static final String REDIRECT = "http://localhost:9/callback";
  private static final String VERIFIER = "a-verifier-of-at-least-43-characters-0123456789abcdef";
  private static final ObjectMapper JSON = new ObjectMapper();
  private final HttpClient http = HttpClient.newHttpClient();
  private final List<String> consented = new CopyOnWriteArrayList<>();
  private final SignInSimulator sim = SignInSimulator.builder("contoso.onmicrosoft.com")
      .account("Admin@Contoso.onmicrosoft.com", "Ada Admin", DirectoryRole.EXCHANGE_ADMINISTRATOR)
      .account("user@contoso.onmicrosoft.com", "Uma User")
      .account("cloudapps@contoso.onmicrosoft.com", "Cleo Apps", DirectoryRole.CLOUD_APPLICATION_ADMINISTRATOR)
      .onAdminConsent(consented::add)
      .start();

  @AfterEach
  void stop() {
    sim.close();
  }

  private static String form(Map<String, String> fields) {
    return fields.entrySet().stream().map(e -> URLEncoder.encode(e.getKey(), StandardCharsets.UTF_8) + "="
        + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8)).collect(Collectors.joining("&"));
  }

  private HttpResponse<String> post(String path, Map<String, String> fields) throws Exception {
    return http.send(HttpRequest.newBuilder(URI.create(sim.baseUrl() + path))
        .header("Content-Type", "application/x-www-form-urlencoded")
        .POST(HttpRequest.BodyPublishers.ofString(form(fields))).build(), HttpResponse.BodyHandlers.ofString());
  }

  private Map<String, String> authorize(String account) {
    Map<String, String> f = new LinkedHashMap<>();
    f.put("client_id", "client-1");
    f.put("response_type", "code");
    f.put("redirect_uri", REDIRECT);
    f.put("scope", "https://graph.microsoft.com/.default openid profile offline_access");
    f.put("state", "state-1");
    f.put("nonce", "nonce-1");
    f.put("code_challenge", SignInTokens.s256(VERIFIER));
    f.put("code_challenge_method", "S256");
    f.put("loginfmt", account);
    f.put("action", "signin");
    return f;
  }

  private String code(HttpResponse<String> redirect) {
    String location = redirect.headers().firstValue("Location").orElseThrow();
    assertTrue(location.startsWith(REDIRECT + "?code="), location);
    assertTrue(location.endsWith("&state=state-1"), location);
    return location.substring((REDIRECT + "?code=").length(), location.indexOf("&state="));
  }

  private Map<String, String> redeem(String code, String verifier) {
    Map<String, String> f = new LinkedHashMap<>();
    f.put("grant_type", "authorization_code");
    f.put("client_id", "client-1");
    f.put("code", code);
    f.put("redirect_uri", REDIRECT);
    f.put("code_verifier", verifier);
    f.put("scope", "https://graph.microsoft.com/.default openid profile offline_access");
    return f;
  }

  @Test
  void theSignInPageCarriesTheRequestAndAnUnknownAccountGetsTheLiveText() throws Exception {
    HttpResponse<String> page = http.send(HttpRequest.newBuilder(URI.create(sim.baseUrl()
        + "/organizations/oauth2/v2.0/authorize?" + form(authorize("")))).build(), HttpResponse.BodyHandlers.ofString());
    assertEquals(200, page.statusCode());
    assertTrue(page.body().contains("id=\"i0116\"") && page.body().contains("id=\"idSIButton9\""), page.body());
    assertTrue(page.body().contains("name=\"state\" value=\"state-1\""), page.body());

    HttpResponse<String> unknown = post("/organizations/oauth2/v2.0/authorize", authorize("nobody@contoso.onmicrosoft.com"));
    assertEquals(200, unknown.statusCode());
    assertTrue(unknown.body().contains(SignInSimulator.UNKNOWN_ACCOUNT_TEXT), unknown.body());
  }

  @Test
  void aCodeIsRedeemedOnceWithTheRightVerifierAndCarriesTheRoles() throws Exception {
    HttpResponse<String> redirect = post("/organizations/oauth2/v2.0/authorize", authorize("admin@contoso.onmicrosoft.com"));
    assertEquals(302, redirect.statusCode());
    String code = code(redirect);

    HttpResponse<String> wrong = post("/organizations/oauth2/v2.0/token", redeem(code, "another-verifier"));
    assertEquals(400, wrong.statusCode());
    assertTrue(wrong.body().contains("AADSTS501481"), wrong.body());

    String code2 = code(post("/organizations/oauth2/v2.0/authorize", authorize("admin@contoso.onmicrosoft.com")));
    HttpResponse<String> ok = post("/organizations/oauth2/v2.0/token", redeem(code2, VERIFIER));
    assertEquals(200, ok.statusCode(), ok.body());
    JsonNode answer = JSON.readTree(ok.body());
    assertEquals("https://graph.microsoft.com/.default", answer.get("scope").asText());
    JsonNode claims = JSON.readTree(Base64.getUrlDecoder().decode(answer.get("id_token").asText().split("\\.")[1]));
    assertEquals("admin@contoso.onmicrosoft.com", claims.get("preferred_username").asText());
    assertEquals("nonce-1", claims.get("nonce").asText());
    assertEquals(sim.tenantId(), claims.get("tid").asText());
    assertTrue(claims.get("wids").toString().contains(DirectoryRole.EXCHANGE_ADMINISTRATOR.templateId()), claims.toString());
    assertEquals("admin@contoso.onmicrosoft.com", sim.accountFor(answer.get("access_token").asText()).orElseThrow());

    HttpResponse<String> again = post("/organizations/oauth2/v2.0/token", redeem(code2, VERIFIER));
    assertEquals(400, again.statusCode());
    assertTrue(again.body().contains("AADSTS54005"), again.body());

    HttpResponse<String> refreshed = post("/organizations/oauth2/v2.0/token", Map.of("grant_type", "refresh_token",
        "client_id", "client-1", "refresh_token", answer.get("refresh_token").asText(),
        "scope", "https://outlook.office365.com/.default offline_access"));
    assertEquals(200, refreshed.statusCode(), refreshed.body());
    assertEquals("https://outlook.office365.com/.default", JSON.readTree(refreshed.body()).get("scope").asText());
    assertFalse(String.join("\n", sim.requests()).contains(code2), "codes are not journalled");
  }

  @Test
  void aPlainUserCarriesOnlyTheUserRoleAndCancelRedirectsWithAccessDenied() throws Exception {
    String code = code(post("/organizations/oauth2/v2.0/authorize", authorize("user@contoso.onmicrosoft.com")));
    JsonNode answer = JSON.readTree(post("/organizations/oauth2/v2.0/token", redeem(code, VERIFIER)).body());
    JsonNode claims = JSON.readTree(Base64.getUrlDecoder().decode(answer.get("id_token").asText().split("\\.")[1]));
    assertEquals("[\"" + DirectoryRole.USER.templateId() + "\"]", claims.get("wids").toString());

    Map<String, String> cancel = authorize("user@contoso.onmicrosoft.com");
    cancel.put("action", "cancel");
    String location = post("/organizations/oauth2/v2.0/authorize", cancel).headers().firstValue("Location").orElseThrow();
    assertTrue(location.startsWith(REDIRECT + "?error=access_denied&error_description=AADSTS65004"), location);
  }

  @Test
  void adminConsentNeedsARoleThatMayConsentAndAnswersWithTheTenant() throws Exception {
    Map<String, String> f = new LinkedHashMap<>();
    f.put("client_id", "sync-app");
    f.put("scope", "https://graph.microsoft.com/.default");
    f.put("redirect_uri", REDIRECT);
    f.put("state", "s-1");
    HttpResponse<String> page = http.send(HttpRequest.newBuilder(URI.create(sim.baseUrl() + "/" + sim.tenantId()
        + "/v2.0/adminconsent?" + form(f))).build(), HttpResponse.BodyHandlers.ofString());
    assertEquals(200, page.statusCode());
    assertTrue(page.body().contains("id=\"consent-app\">sync-app<"), page.body());

    f.put("loginfmt", "admin@contoso.onmicrosoft.com");
    f.put("action", "accept");
    String refused = post("/" + sim.tenantId() + "/v2.0/adminconsent", f).headers().firstValue("Location").orElseThrow();
    assertTrue(refused.startsWith(REDIRECT + "?error=access_denied&error_description=AADSTS90094"), refused);
    assertTrue(consented.isEmpty(), "an Exchange Administrator may not consent");

    f.put("loginfmt", "cloudapps@contoso.onmicrosoft.com");
    String granted = post("/" + sim.tenantId() + "/v2.0/adminconsent", f).headers().firstValue("Location").orElseThrow();
    assertEquals(REDIRECT + "?admin_consent=True&tenant=" + sim.tenantId()
        + "&scope=https%3A%2F%2Fgraph.microsoft.com%2F.default&state=s-1", granted);
    assertEquals(List.of("sync-app"), consented);
  }
}
