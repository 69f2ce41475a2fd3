package dev.impersonation.examples.onboarding;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.impersonation.OrganizationNotCustomizedException;
import dev.impersonation.testkit.FakeTenant;
import dev.impersonation.testkit.signin.SignInSimulator;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.io.TempDir;

/**
 * The onboarding flow as an admin uses it: headless Chromium against the app, whose sign-in, Exchange and Graph are the
 * testkit's simulators over a FakeTenant. Each test checks what the pages say and what the tenant holds afterwards, and saves
 * a screenshot of every page under {@code examples/target/screenshots/}.
 */
class OnboardingBrowserTest {
  private static final String T = OnboardingDemo.TENANT;

  private static Browser signedIn(OnboardingDemo demo, TestInfo info, String account) {
    Browser b = Browser.open(info.getTestMethod().orElseThrow().getName());
    signIn(b, demo, account, true);
    return b;
  }

  /** From the welcome page through the (simulated) Microsoft sign-in page, as {@code account}. */
  private static void signIn(Browser b, OnboardingDemo demo, String account, boolean screenshots) {
    b.go(demo.app().url());
    if (screenshots) {
      b.screenshot("welcome");
    }
    b.click("signin");
    b.await("i0116");
    b.type("i0116", account);
    if (screenshots) {
      b.screenshot("sign-in");
    }
    b.click("idSIButton9");
  }

  private static Path csv(Path dir, String content) throws Exception {
    Path file = dir.resolve("mailboxes.csv");
    Files.writeString(file, content);
    return file;
  }

  @Test
  void anAdminUploadsACsvAppliesWithProgressAndVerifiesWithTheOutsiderDenied(TestInfo info, @TempDir Path dir) throws Exception {
    try (OnboardingDemo demo = OnboardingDemo.start(OnboardingDemo.demoTenant(), 0);
        Browser b = signedIn(demo, info, OnboardingDemo.ADMIN)) {
      b.await("review");
      assertTrue(b.text("who").contains(OnboardingDemo.ADMIN), b.text("who"));
      b.click("source-csv");
      b.find("csvFile").sendKeys(csv(dir, "DisplayName,PrimarySmtpAddress\nAnn Ames,ann@" + T + "\n\"Brown, Bob\",bob@" + T + "\n")
          .toAbsolutePath().toString());
      b.type("outsider", "ceo@" + T);
      b.screenshot("choose");
      b.click("review");

      b.await("plan-steps");
      b.screenshot("plan");
      assertTrue(b.text("notice").contains("dehydrated"), b.text("notice"));
      assertTrue(b.text("script").contains("Enable-OrganizationCustomization"));
      assertTrue(b.text("plan-steps").contains("Calendar Sync Users"), b.text("plan-steps"));
      assertTrue(demo.tenant().writes().isEmpty(), "reviewing the plan wrote nothing: " + demo.tenant().writes());

      b.click("apply");
      b.await("to-verify");
      b.screenshot("applied");
      assertTrue(b.text("events").contains("step succeeded"), b.text("events"));
      assertEquals(List.of("ann@" + T, "bob@" + T), demo.tenant().members("Calendar Sync Users"));
      assertTrue(demo.exchange().requests().stream().allMatch(r -> r.anchorMailbox().orElse("").equals("UPN:" + OnboardingDemo.ADMIN)),
          "Exchange was called as the signed-in admin (delegated): " + demo.exchange().requests().get(0));
      assertFalse(demo.tenant().isDehydrated());

      b.click("to-verify");
      b.await("verification");
      b.screenshot("verify-right-away");
      assertTrue(b.text("verdict").contains("Not visible yet"), b.text("verdict"));

      for (int hours = 1; hours <= 3 && !b.text("verdict").startsWith("Verified"); hours++) {
        b.click("advance-clock");  // Exchange Online needs up to two hours before RBAC for Applications works
        b.await("verification");
      }
      b.screenshot("verified");
      assertTrue(b.text("verdict").startsWith("Verified"), b.text("verdict"));
      String table = b.text("verification");
      assertTrue(table.contains("ann@" + T) && table.contains("bob@" + T), table);
      assertTrue(table.matches("(?s).*ceo@" + T + " outsider DENIED.*"), table);

      b.click("reverify");
      b.await("verification");
      assertTrue(b.text("verdict").startsWith("Verified"), "re-verifying later gives the same answer");
      assertTrue(b.pagesSeen().stream().noneMatch(html -> html.contains("simulated-delegated-")),
          "the admin's tokens stay on the server");

      b.driver().manage().deleteAllCookies();  // another day, another browser: sign in again and verify without choosing
      signIn(b, demo, OnboardingDemo.ADMIN, false);
      b.await("verify-existing");
      b.screenshot("signed-in-again");
      b.click("verify-existing");
      b.await("verification");
      assertTrue(b.text("verdict").startsWith("Verified"), b.text("verdict"));
    }
  }

  @Test
  void anAdminPicksAGroupAndAnAccessPolicyAndDownloadsTheScriptInstead(TestInfo info) throws Exception {
    try (OnboardingDemo demo = OnboardingDemo.start(OnboardingDemo.demoTenant(), 0);
        Browser b = signedIn(demo, info, OnboardingDemo.ADMIN)) {
      b.await("review");
      b.click("access-policy");
      b.click("source-group");
      b.type("group", "Sales Team");
      b.type("outsider", "ceo@" + T);
      b.screenshot("choose");
      b.click("review");
      b.await("download-script");
      b.screenshot("plan");
      assertTrue(b.text("plan-steps").contains("New-ApplicationAccessPolicy") || b.text("script").contains("New-ApplicationAccessPolicy"),
          b.text("script"));

      HttpResponse<String> script = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
          URI.create(demo.app().url() + "/script.ps1")).header("Cookie", "onboarding=" + b.cookie("onboarding")).build(),
          HttpResponse.BodyHandlers.ofString());
      assertEquals(200, script.statusCode());
      assertTrue(script.headers().firstValue("Content-Disposition").orElse("").contains("CalendarSync-setup.ps1"));
      assertTrue(script.body().contains("New-ApplicationAccessPolicy") && script.body().contains("'Sales Team'"), script.body());
      assertTrue(demo.tenant().writes().isEmpty(), "downloading the script wrote nothing: " + demo.tenant().writes());
    }
  }

  @Test
  void aSignInWithoutTheAdminRoleGetsAClearPageAndNothingIsRead(TestInfo info) {
    try (OnboardingDemo demo = OnboardingDemo.start(OnboardingDemo.demoTenant(), 0);
        Browser b = signedIn(demo, info, OnboardingDemo.HELPDESK)) {
      b.await("problem");
      b.screenshot("not-an-admin");
      assertEquals("An administrator must sign in", b.title());
      assertTrue(b.text("problem").contains("neither the Exchange Administrator nor the Global Administrator"), b.text("problem"));
      assertTrue(demo.exchange().requests().isEmpty(), "nothing was read from Exchange");
      assertTrue(demo.tenant().writes().isEmpty());
      b.go(demo.app().url() + "/choose");
      assertTrue(b.has("signin"), "without an admin sign-in the flow starts over");
    }
  }

  @Test
  void anUnknownAccountStaysOnTheSignInPage(TestInfo info) {
    try (OnboardingDemo demo = OnboardingDemo.start(OnboardingDemo.demoTenant(), 0);
        Browser b = signedIn(demo, info, "nobody@" + T)) {
      b.await("usernameError");
      b.screenshot("unknown-account");
      assertEquals(SignInSimulator.UNKNOWN_ACCOUNT_TEXT, b.text("usernameError"));
      b.click("idBtn_Back");
      b.await("problem");
      b.screenshot("cancelled");
      assertTrue(b.text("problem").contains("access_denied"), b.text("problem"));
    }
  }

  @Test
  void aCsvWithABrokenRowIsRefusedWithItsLineBeforeAnythingIsRead(TestInfo info, @TempDir Path dir) throws Exception {
    try (OnboardingDemo demo = OnboardingDemo.start(OnboardingDemo.demoTenant(), 0);
        Browser b = signedIn(demo, info, OnboardingDemo.ADMIN)) {
      b.await("review");
      int before = demo.exchange().requests().size();
      b.click("source-csv");
      b.find("csvFile").sendKeys(csv(dir, "PrimarySmtpAddress\nann@" + T + "\n\"bob@" + T + "\n").toAbsolutePath().toString());
      b.click("review");
      b.await("problem");
      b.screenshot("broken-csv");
      assertTrue(b.text("problem").contains("line 3"), b.text("problem"));
      assertEquals(before, demo.exchange().requests().size(), "a broken CSV is refused before the tenant is read");

      b.find("csvFile").sendKeys(csv(dir, "PrimarySmtpAddress\nann@" + T + "\nnot an address\n").toAbsolutePath().toString());
      b.click("review");
      b.await("problem");
      b.screenshot("not-an-address");
      assertTrue(b.text("problem").contains("Row 2") && b.text("problem").contains("not an address"), b.text("problem"));
      assertTrue(demo.tenant().writes().isEmpty());
    }
  }

  @Test
  void anUnknownMailboxBlocksThePlanAndNothingIsWritten(TestInfo info, @TempDir Path dir) throws Exception {
    try (OnboardingDemo demo = OnboardingDemo.start(OnboardingDemo.demoTenant(), 0);
        Browser b = signedIn(demo, info, OnboardingDemo.ADMIN)) {
      b.await("review");
      b.click("source-csv");
      b.find("csvFile").sendKeys(csv(dir, "EmailAddress\nann@" + T + "\nghost@" + T + "\n").toAbsolutePath().toString());
      b.click("review");
      b.await("blocked");
      b.screenshot("unknown-mailbox");
      assertTrue(b.text("blocked").contains("ghost@" + T), b.text("blocked"));
      assertFalse(b.text("blocked").contains("waits for the blocked steps"), b.text("blocked"));
      assertFalse(b.has("apply"), "a blocked plan offers no Apply button");
      assertTrue(demo.tenant().writes().isEmpty());
    }
  }

  @Test
  void aDehydratedTenantThatStillRefusesStopsCleanlyAndTheNextApplyContinues(TestInfo info) {
    FakeTenant tenant = OnboardingDemo.demoTenant();
    tenant.faults().on("NewManagementScope").times(1_000)
        .fail(() -> new OrganizationNotCustomizedException("Cmdlet-InvalidOperationInDehydratedContextException"));
    try (OnboardingDemo demo = OnboardingDemo.start(tenant, 0);
        Browser b = signedIn(demo, info, OnboardingDemo.ADMIN)) {
      b.await("review");
      b.type("filter", "Department -eq 'Sales'");  // typing a filter picks the filter option
      assertTrue(b.find("source-filter").isSelected());
      b.type("outsider", "ceo@" + T);
      b.click("review");
      b.await("notice");
      b.screenshot("plan-dehydrated");
      b.click("apply");
      b.await("apply-failed");
      b.screenshot("stopped");
      assertTrue(b.text("apply-failed").contains("nothing after it was written"), b.text("apply-failed"));
      assertTrue(b.text("apply-failed").contains("still refuses RBAC changes"), b.text("apply-failed"));
      assertTrue(demo.tenant().managementScopes().isEmpty() && demo.tenant().roleAssignments().isEmpty(),
          "nothing after the failed step: " + demo.tenant().snapshot());

      tenant.faults().clear();
      b.go(demo.app().url() + "/choose");
      b.await("review");
      b.click("review");
      b.await("apply");
      b.screenshot("plan-again");
      b.click("apply");
      b.await("to-verify");
      b.screenshot("applied");
      assertEquals(1, demo.tenant().managementScopes().size());
    }
  }

  @Test
  void aNewCustomerAddsTheVendorsAppByConsentAndTheBlockedPlanBecomesApplicable(TestInfo info) {
    try (OnboardingDemo demo = OnboardingDemo.start(OnboardingDemo.newCustomerTenant(), 0);
        Browser b = signedIn(demo, info, OnboardingDemo.ADMIN)) {
      b.await("review");
      b.type("group", "Sales Team");
      b.type("outsider", "ceo@" + T);
      b.click("review");
      b.await("needs-consent");
      b.screenshot("needs-consent");
      assertFalse(b.has("apply"), "no Apply while the app is not in the tenant");

      b.click("grant-consent");
      b.await("consent-app");
      assertEquals(OnboardingDemo.SYNC_APP_ID, b.text("consent-app"));
      b.type("i0116", OnboardingDemo.ADMIN);  // an Exchange Administrator may not consent for the tenant
      b.click("idSIButton9");
      b.await("problem");
      b.screenshot("consent-refused");
      assertTrue(b.text("problem").contains("AADSTS90094"), b.text("problem"));
      assertTrue(demo.tenant().writes().isEmpty());

      b.click("next");
      b.await("grant-consent");
      b.click("grant-consent");
      b.await("consent-app");
      b.type("i0116", OnboardingDemo.GLOBAL_ADMIN);
      b.screenshot("consent");
      b.click("idSIButton9");
      b.await("plan-steps");
      b.screenshot("plan-after-consent");
      assertFalse(b.has("needs-consent"), b.text("plan-steps"));
      b.click("apply");
      b.await("to-verify");
      b.screenshot("applied");
      assertEquals(1, demo.tenant().roleAssignments().size(), demo.tenant().snapshot());
    }
  }
}
