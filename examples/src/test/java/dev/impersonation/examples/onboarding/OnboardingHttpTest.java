package dev.impersonation.examples.onboarding;

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
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The onboarding app at the HTTP level, without a browser (so it runs where Chromium is missing): the sign-in request,
 * cookies, forged answers, pages that need a sign-in, and the whole flow by plain requests down to the apply's progress.
 */
class OnboardingHttpTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private final HttpClient http = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER).build();
  private final OnboardingDemo demo = OnboardingDemo.start(OnboardingDemo.demoTenant(), 0);

  @AfterEach
  void stop() {
    demo.close();
  }

  private HttpResponse<String> get(String url, String cookie) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url.startsWith("http") ? url : demo.app().url() + url));
    if (cookie != null) {
      b.header("Cookie", cookie);
    }
    return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  private HttpResponse<String> post(String url, String cookie, Map<String, String> form) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url.startsWith("http") ? url : demo.app().url() + url))
        .header("Content-Type", "application/x-www-form-urlencoded")
        .POST(HttpRequest.BodyPublishers.ofString(form.entrySet().stream()
            .map(e -> URLEncoder.encode(e.getKey(), StandardCharsets.UTF_8) + "=" + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8))
            .collect(Collectors.joining("&"))));
    if (cookie != null) {
      b.header("Cookie", cookie);
    }
    return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  private static String location(HttpResponse<?> r) {
    return r.headers().firstValue("Location").orElseThrow(() -> new AssertionError("no redirect: " + r.statusCode()));
  }

  /** The session cookie and the app's answer to the sign-in's redirect back, after signing in as {@code account}. */
  private record SignedIn(String cookie, HttpResponse<String> callback) {}

  private SignedIn signInAs(String account) throws Exception {
    HttpResponse<String> start = get("/signin", null);
    assertEquals(303, start.statusCode());
    String cookie = start.headers().firstValue("Set-Cookie").orElseThrow().split(";")[0];
    URI authorize = URI.create(location(start));
    Map<String, String> form = new LinkedHashMap<>(FormData.urlEncoded(authorize.getRawQuery()));
    form.put("loginfmt", account);
    form.put("action", "signin");
    String callback = location(post(authorize.getScheme() + "://" + authorize.getRawAuthority() + authorize.getRawPath(), null, form));
    return new SignedIn(cookie, get(callback, cookie));
  }

  /** The anti-forgery token the session's pages carry in their forms. */
  private String csrf(String cookie) throws Exception {
    Matcher m = Pattern.compile("name=\"csrf\" value=\"([^\"]+)\"")
        .matcher(get("/choose", cookie).body());
    assertTrue(m.find(), "the choice page carries the form token");
    return m.group(1);
  }

  /** Signs in as an admin by plain requests; returns the session cookie. */
  private String signIn(String account) throws Exception {
    SignedIn in = signInAs(account);
    assertEquals(303, in.callback().statusCode(), in.callback().body());
    assertEquals("/choose", location(in.callback()));
    return in.cookie();
  }

  @Test
  void theSignInRequestCarriesPkceAndStateAndTheCookieIsHttpOnlyAndSameSite() throws Exception {
    HttpResponse<String> welcome = get("/", null);
    assertEquals(200, welcome.statusCode());
    assertTrue(welcome.headers().firstValue("Set-Cookie").isEmpty(), "the welcome page keeps no session");

    HttpResponse<String> start = get("/signin", null);
    String cookie = start.headers().firstValue("Set-Cookie").orElseThrow();
    assertTrue(cookie.contains("HttpOnly") && cookie.contains("SameSite=Lax"), cookie);
    Map<String, String> q = FormData.urlEncoded(URI.create(location(start)).getRawQuery());
    assertEquals("S256", q.get("code_challenge_method"));
    assertEquals(43, q.get("code_challenge").length(), "a base64url SHA-256");
    assertEquals(OnboardingDemo.ONBOARDING_CLIENT_ID, q.get("client_id"));
    assertEquals(demo.app().url() + "/callback", q.get("redirect_uri"));
    assertFalse(q.getOrDefault("state", "").isBlank() || q.getOrDefault("nonce", "").isBlank(), q.toString());
    assertTrue(q.get("scope").contains("https://graph.microsoft.com/.default"), q.get("scope"));
  }

  @Test
  void aForgedOrReplayedAnswerIsRefusedAndPagesNeedASignIn() throws Exception {
    String cookie = get("/signin", null).headers().firstValue("Set-Cookie").orElseThrow().split(";")[0];
    HttpResponse<String> forged = get("/callback?code=stolen&state=not-ours", cookie);
    assertEquals(400, forged.statusCode());
    assertTrue(forged.body().contains("does not belong to a sign-in started here"), forged.body());

    for (String page : new String[] {"/choose", "/plan", "/verify", "/script.ps1", "/progress.json"}) {
      assertEquals("/", location(get(page, null)), page + " without a sign-in");
    }
    assertEquals("/", location(post("/apply", null, Map.of())));
    assertEquals(404, get("/nothing-here", null).statusCode());
    assertTrue(demo.tenant().journal().isEmpty(), "nothing was even read");
  }

  @Test
  void theWholeFlowByPlainRequests() throws Exception {
    String cookie = signIn(OnboardingDemo.ADMIN);
    String token = csrf(cookie);
    assertEquals(403, post("/plan", cookie, Map.of("access", "graph", "source", "filter", "filter", "Department -eq 'Sales'"))
        .statusCode(), "a POST without the form token (another site's form) is refused");
    assertEquals(403, post("/plan", cookie, Map.of("csrf", "guessed", "source", "filter", "filter", "x")).statusCode());
    HttpResponse<String> planned = post("/plan", cookie, Map.of("csrf", token, "access", "graph", "source", "filter",
        "filter", "Department -eq 'Sales'", "outsider", "ceo@" + OnboardingDemo.TENANT));
    assertEquals("/plan", location(planned));
    HttpResponse<String> plan = get("/plan", cookie);
    assertTrue(plan.body().contains("id=\"apply\"") && plan.body().contains("Department -eq"), plan.body());
    HttpResponse<String> script = get("/script.ps1", cookie);
    assertTrue(script.body().contains("New-ManagementScope"), script.body());

    assertEquals(403, post("/apply", cookie, Map.of()).statusCode(), "no apply without the form token");
    assertTrue(demo.tenant().writes().isEmpty(), "a forged POST wrote nothing");
    assertEquals("/progress", location(post("/apply", cookie, Map.of("csrf", token))));
    JsonNode progress = JSON.readTree(get("/progress.json", cookie).body());
    long deadline = System.nanoTime() + 60_000_000_000L;  // the apply runs on its own thread: poll as the page does
    while (!progress.get("done").asBoolean() && System.nanoTime() < deadline) {
      progress = JSON.readTree(get("/progress.json", cookie).body());
    }
    assertTrue(progress.get("succeeded").asBoolean(), progress.toString());
    assertEquals(progress.get("total").asInt(), progress.get("finished").asInt(), progress.toString());
    assertEquals(1, demo.tenant().managementScopes().size());
    assertEquals("/progress", location(post("/apply", cookie, Map.of("csrf", token))), "a second click shows that apply's progress");
    assertEquals(1, demo.tenant().writes().stream().filter(w -> w.toString().contains("NewManagementRoleAssignment")).count(),
        "one apply ran: " + demo.tenant().writes());

    HttpResponse<String> notAdmin = get("/choose", signInCookieOf(OnboardingDemo.HELPDESK));
    assertEquals("/", location(notAdmin), "a user without an admin role never gets a signed-in session");
  }

  private String signInCookieOf(String account) throws Exception {
    SignedIn in = signInAs(account);
    assertEquals(200, in.callback().statusCode());
    assertTrue(in.callback().body().contains("An administrator must sign in"), in.callback().body());
    return in.cookie();
  }

  @Test
  void ewsIsOfferedWithItsRetirementAndTheTenantsEwsSettingsDecideThePlan() throws Exception {
    String cookie = signIn(OnboardingDemo.ADMIN);
    post("/plan", cookie, Map.of("csrf", csrf(cookie), "access", "ews", "source", "group", "group", "Sales Team"));
    String plan = get("/plan", cookie).body();
    assertTrue(plan.contains("EWS for Calendar Sync: allowed on 2026-11-23: the organization&#39;s EwsEnabled is True"),
        "the planner's reading of the tenant's EWS settings is shown:\n" + plan);
    assertTrue(plan.contains("shuts down on 2027-04-01"), plan);
  }

  @Test
  void aFormLargerThanTheLimitIsRefusedOnTheChoicePage() throws Exception {
    String cookie = signIn(OnboardingDemo.ADMIN);
    HttpResponse<String> tooLarge = http.send(HttpRequest.newBuilder(URI.create(demo.app().url() + "/plan"))
        .header("Cookie", cookie).header("Content-Type", "application/x-www-form-urlencoded")
        .POST(HttpRequest.BodyPublishers.ofString("csvText=" + "a".repeat(HttpReplies.MAX_BODY + 10))).build(),
        HttpResponse.BodyHandlers.ofString());
    assertEquals(413, tooLarge.statusCode());
    assertTrue(tooLarge.body().contains("larger than 5 MB"), tooLarge.body());
    assertTrue(demo.tenant().journal().isEmpty());
  }
}
