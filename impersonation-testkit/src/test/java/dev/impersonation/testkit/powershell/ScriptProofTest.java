package dev.impersonation.testkit.powershell;

import static dev.impersonation.testkit.powershell.VendorSetups.ANN;
import static dev.impersonation.testkit.powershell.VendorSetups.BOB;
import static dev.impersonation.testkit.powershell.VendorSetups.CEO;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.impersonation.Access.ApplicationAccessPolicy;
import dev.impersonation.Access;
import dev.impersonation.ImpersonationSetup;
import dev.impersonation.Principal;
import dev.impersonation.Scope;
import dev.impersonation.TenantTarget;
import dev.impersonation.powershell.ScriptRenderer;
import dev.impersonation.testkit.FakeTenant;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** The parts of an admin script that pin the tenant, name the modules it needs, and prove the result. */
class ScriptProofTest {
  private static final String APP = "3c4d5e6f-7a8b-4c9d-8e0f-1a2b3c4d5e6f";
  private static final String SP = "4d5e6f7a-8b9c-4d0e-9f1a-2b3c4d5e6f70";

  private static FakeTenant online() {
    return VendorSetups.people(TenantTarget.Kind.EXCHANGE_ONLINE).application(APP, SP, "Sync").build();
  }

  private static ImpersonationSetup policy(ApplicationAccessPolicy access) {
    return ImpersonationSetup.builder().name("Policy").target(VendorSetups.target(TenantTarget.Kind.EXCHANGE_ONLINE))
        .principal(Principal.application(APP)).scope(Scope.mailEnabledSecurityGroup("Sync Users").members(ANN, BOB))
        .access(access).outsider(CEO).build();
  }

  @Test
  @DisplayName("an access policy is proven with Test-ApplicationAccessPolicy: members GRANTED, the outsider DENIED")
  void restrictAccessPolicy() {
    FakeTenant tenant = online();
    String script = policy(Access.applicationAccessPolicy()).plan(tenant.connection()).toPowerShell();
    ParsedCommand call = ScriptParser.parse(script).command("Test-ImpersonationAccess").orElseThrow();
    assertEquals("ApplicationAccessPolicy", call.text("Check"));
    assertEquals(APP, call.text("Principal"));
    assertEquals(List.of(ANN, BOB), call.texts("Granted"));
    assertEquals(List.of(CEO), call.texts("Denied"));
    assertTrue(script.contains("# Test-ApplicationAccessPolicy evaluates the access policies as configured; Microsoft Graph "
        + "enforces a new or changed policy only after more than an hour"), script);
    ScriptRunner.Result r = ScriptRunner.on(tenant).run(script);
    assertEquals(0, r.exitCode(), () -> r.thrown() + "\n" + String.join("\n", r.output()));
    assertTrue(r.output().contains("  DENIED   " + CEO + " (outside the scope, as intended)"), () -> String.join("\n", r.output()));
    assertEquals(1, r.executed().stream().filter(c -> c.is("New-ApplicationAccessPolicy")).count());
    ScriptRunner.Result again = ScriptRunner.on(tenant).run(script);
    assertEquals(0, again.exitCode(), () -> again.thrown() + "\n" + String.join("\n", again.output()));
    assertEquals(0, again.executed().stream().filter(c -> c.is("New-ApplicationAccessPolicy")).count(),
        "the policy is found by Find-ApplicationAccessPolicy and not created twice");
  }

  @Test
  @DisplayName("a DenyAccess policy expects its group DENIED and everyone else GRANTED")
  void denyAccessPolicy() {
    String script = policy(new ApplicationAccessPolicy(ApplicationAccessPolicy.Right.DENY_ACCESS)).plan(online().connection())
        .toPowerShell();
    ParsedCommand call = ScriptParser.parse(script).command("Test-ImpersonationAccess").orElseThrow();
    assertEquals(List.of(CEO), call.texts("Granted"));
    assertEquals(List.of(ANN, BOB), call.texts("Denied"));
    assertTrue(call.has("GroupMembersDenied"));
  }

  @Test
  @DisplayName("RBAC for Applications is proven per role with Test-ServicePrincipalAuthorization, propagation explained")
  void rbacVerificationNamesTheRoles() {
    VendorSetups.Example example = VendorSetups.revenueInbox(TenantTarget.Kind.EXCHANGE_ONLINE);
    String script = example.script();
    ParsedCommand call = ScriptParser.parse(script).command("Test-ImpersonationAccess").orElseThrow();
    assertEquals("ServicePrincipalAuthorization", call.text("Check"));
    assertEquals(List.of("Application Mail.ReadWrite", "Application Calendars.ReadWrite"), call.texts("Roles"));
    assertEquals(List.of(ANN, BOB, VendorSetups.DAN), call.texts("Granted"));
    assertTrue(call.has("PickOutsider"), "no outsider declared: one is picked outside the group at run time");
    assertTrue(script.contains("without the permission cache, so it shows the assignments at once, while the app itself gets "
        + "the access 30 minutes to 2 hours later"), script);
    assertTrue(script.contains("rows are matched on RoleName or GrantedPermissions, not on any InScope"), script);
  }

  @Test
  @DisplayName("#Requires names each Microsoft Graph PowerShell module whose cmdlets run, and Graph is pinned to the tenant")
  void graphModulesAndGuard() {
    VendorSetups.Example riva = VendorSetups.riva(TenantTarget.Kind.EXCHANGE_ONLINE);
    String script = riva.setups().get(1).plan(riva.tenant().connection()).toPowerShell();
    ParsedScript parsed = ScriptParser.parse(script);
    String requires = parsed.statements(ParsedStatement.Comment.class).stream().filter(ParsedStatement.Comment::isRequires)
        .findFirst().orElseThrow().text();
    assertEquals("Requires -Modules ExchangeOnlineManagement, Microsoft.Graph.Users, Microsoft.Graph.Users.Actions, "
        + "Microsoft.Graph.Authentication", requires.replaceFirst("^#", ""), script);
    List<ParsedStatement> statements = parsed.statements();
    int connect = indexOf(statements, "Connect-MgGraph");
    assertTrue(connect > 0, script);
    assertEquals("Assert-GraphTenant", ((ParsedStatement.Command) statements.get(connect + 1)).command().name());
    assertEquals(VendorSetups.ONLINE, ((ParsedStatement.Command) statements.get(connect + 1)).command().text("Expected"));
    assertTrue(parsed.functions().contains("Assert-GraphTenant"));

    String exchangeOnly = VendorSetups.revenueInbox(TenantTarget.Kind.EXCHANGE_ONLINE).script();
    assertTrue(exchangeOnly.contains("\n#Requires -Modules ExchangeOnlineManagement\n"), exchangeOnly);
    assertFalse(exchangeOnly.contains("Connect-MgGraph"));
    String server = VendorSetups.revenueInbox(TenantTarget.Kind.EXCHANGE_SERVER).script();
    assertTrue(server.contains("\n#Requires -Version 5.1\n"), server);
    assertTrue(server.contains("\nAssert-ExchangeServerOrganization -Expected 'contoso.com'\n"), server);
  }

  @Test
  @DisplayName("the Exchange Online guard runs right after connecting, before any helper call or step")
  void guardFollowsTheConnection() {
    String script = VendorSetups.penelope(TenantTarget.Kind.EXCHANGE_ONLINE).script();
    int guard = script.indexOf("\nAssert-ExchangeOnlineOrganization -Expected 'contoso.onmicrosoft.com'\n");
    assertTrue(guard > script.indexOf("Connect-ExchangeOnline"), script);
    assertTrue(guard < script.indexOf("# Step 1:"), script);
  }

  @Test
  @DisplayName("a display name read back from the tenant is one literal where it is a value, and escaped in comments")
  void tenantValuesAreScreened() {
    String hostile = "Sync\n$(Remove-Mailbox boss)\u2019 `\u2028\"x\"";
    FakeTenant tenant = VendorSetups.people(TenantTarget.Kind.EXCHANGE_ONLINE).application(APP, SP, hostile).build();
    String script = ImpersonationSetup.builder().name("Sync").target(VendorSetups.target(TenantTarget.Kind.EXCHANGE_ONLINE))
        .principal(Principal.application(APP)).scope(Scope.mailEnabledSecurityGroup("Sync Users").members(ANN))
        .access(Access.rbacForApplications("Application Mail.Read")).outsider(CEO).build().plan(tenant.connection())
        .toPowerShell();
    ParsedScript parsed = ScriptParser.parse(script);
    for (ParsedStatement.Comment c : parsed.statements(ParsedStatement.Comment.class)) {
      assertFalse(c.text().chars().anyMatch(ch -> ch == '$' || ch == '`' || ch == '"' || ch == 0x2019 || ch == 0x2028), c.text());
    }
    assertEquals(hostile, parsed.command("New-ServicePrincipal").orElseThrow().text("DisplayName"),
        "the Exchange pointer takes the display name read from Entra, as one literal");
    // The same value inside a comment would be shown escaped, on one line.
    String comment = ScriptRenderer.comment("Step 3: CREATE Exchange service principal " + ScriptRenderer.commentValue(hostile));
    assertEquals(1, ScriptParser.parse(comment).statements().size(), comment);
  }

  private static int indexOf(List<ParsedStatement> statements, String command) {
    for (int i = 0; i < statements.size(); i++) {
      if (statements.get(i) instanceof ParsedStatement.Command c && c.command().is(command)) {
        return i;
      }
    }
    return -1;
  }
}
