package dev.impersonation.testkit.powershell;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.impersonation.Access;
import dev.impersonation.ImpersonationSetup;
import dev.impersonation.Principal;
import dev.impersonation.Scope;
import dev.impersonation.TenantTarget;
import dev.impersonation.testkit.FakeTenant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Scripts for large groups stay readable (issue 13): members are declared once in a data block, one literal per line,
 * and one function call adds them; the script reaches apply's state, runs again without writes, and stays small.
 */
class DataBlockScriptTest {
  private static final String DOMAIN = "contoso.onmicrosoft.com";
  private static final String APP = "6f1c2a3b-4d5e-4f60-8172-93a4b5c6d7e8";
  private static final String SP = "9a2b3c4d-5e6f-4a7b-8c9d-0e1f2a3b4c5d";

  private static List<String> members(int n) {
    List<String> out = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      out.add(String.format("user%05d@contoso.com", i));
    }
    return out;
  }

  private static FakeTenant tenant(int n) {
    FakeTenant.Builder b = FakeTenant.exchangeOnline(DOMAIN).application(APP, SP, "Sync").userMailbox("eve@contoso.com")
        .mailEnabledSecurityGroup("Sync Users", "eve@contoso.com");
    members(n).forEach(b::userMailbox);
    return b.build();
  }

  private static ImpersonationSetup setup(int n) {
    return ImpersonationSetup.builder().name("Sync").target(TenantTarget.exchangeOnline(DOMAIN))
        .principal(Principal.application(APP).servicePrincipal(SP)).scope(Scope.mailEnabledSecurityGroup("Sync Users").members(members(n)))
        .access(Access.rbacForApplications("Application Calendars.ReadWrite")).build();
  }

  @Test
  void twoThousandMembersOfAnExistingGroupInOneDataBlock() {
    int n = 2000;
    FakeTenant applied = tenant(n);
    assertTrue(setup(n).apply(applied.connection()).succeeded());

    FakeTenant scripted = tenant(n);
    String script = setup(n).plan(scripted.connection()).toPowerShell();
    ParsedScript parsed = ScriptParser.parse(script);
    List<ParsedStatement.ListAssignment> blocks = parsed.statements(ParsedStatement.ListAssignment.class);
    assertEquals(1, blocks.size());
    assertEquals(members(n), blocks.get(0).values());
    ParsedCommand call = parsed.command("Add-GroupMembersFromList").orElseThrow();
    assertEquals(members(n), parsed.values(call, "Members"));
    assertEquals("Sync Users", call.text("Identity"));
    assertTrue(parsed.commands("Add-DistributionGroupMember").isEmpty(), "no statement per member");
    assertTrue(script.contains("\n  'user00000@contoso.com'\n  'user00001@contoso.com'\n"), "one address per line");
    // About 26 characters per member (the address, its quotes and indent), against 110 for a statement per member.
    assertTrue(script.length() < n * 40, "script of " + script.length() + " characters for " + n + " members");
    System.out.println("[measurement] script for " + n + " members of an existing group: " + script.length() + " characters ("
        + script.length() / n + " per member)");

    ScriptRunner.Result first = ScriptRunner.on(scripted).run(script);
    assertEquals(0, first.exitCode(), first::toString);
    assertEquals(applied.snapshot(), scripted.snapshot(), "the script reaches the state apply reaches");
    assertTrue(scripted.members("Sync Users").contains("eve@contoso.com"), "a member already there is kept");
    int writes = scripted.writes().size();
    ScriptRunner.Result second = ScriptRunner.on(scripted).run(script);
    assertEquals(0, second.exitCode(), second::toString);
    assertEquals(writes, scripted.writes().size(), "a second run adds nothing");
  }

  @Test
  void smallListsStayOneStatementPerMember() {
    FakeTenant tenant = tenant(5);
    String script = setup(5).plan(tenant.connection()).toPowerShell();
    assertFalse(script.contains("@(\n"), script);
    assertEquals(5, ScriptParser.parse(script).commands("Add-DistributionGroupMember").size());
  }

  @Test
  void fullAccessOnFiftyListedMailboxesInOneDataBlock() {
    java.util.function.Supplier<FakeTenant> tenant = () -> {
      FakeTenant.Builder b = FakeTenant.exchangeOnline(DOMAIN).userMailbox("svc@contoso.com");
      members(50).forEach(b::userMailbox);
      return b.build();
    };
    ImpersonationSetup setup = ImpersonationSetup.builder().name("Svc").target(TenantTarget.exchangeOnline(DOMAIN))
        .principal(Principal.serviceAccount("svc@contoso.com")).scope(Scope.mailboxes(members(50))).access(Access.fullAccess()).build();
    FakeTenant applied = tenant.get();
    assertTrue(setup.apply(applied.connection()).succeeded());
    FakeTenant scripted = tenant.get();
    // One mailbox has the grant already: the function checks first and leaves it.
    scripted.invokeExchangeCmdlet("Add-MailboxPermission", java.util.Map.of("Identity", "user00003@contoso.com", "User",
        "svc@contoso.com", "AccessRights", "FullAccess", "AutoMapping", false));
    String script = setup.plan(scripted.connection()).toPowerShell();
    ParsedScript parsed = ScriptParser.parse(script);
    ParsedCommand grant = parsed.command("Grant-FullAccessFromList").orElseThrow(() -> new AssertionError(script));
    assertEquals(49, parsed.values(grant, "Mailboxes").size(), "the plan grants the 49 that lack it");
    assertTrue(parsed.commands("Add-MailboxPermission").isEmpty(), "no statement per mailbox");
    assertTrue(parsed.functions().contains("Test-MailboxFullAccess"), "the function's probe is defined");
    // 50 listed mailboxes: the verification cannot tell an unlisted one from an outsider, so it picks none (and warns).
    assertTrue(parsed.command("Test-ImpersonationAccess").orElseThrow().parameter("PickOutsider").isEmpty(), script);

    ScriptRunner.Result first = ScriptRunner.on(scripted).run(script);
    assertEquals(0, first.exitCode(), first::toString);
    assertEquals(applied.snapshot(), scripted.snapshot(), "the script reaches the state apply reaches");
    int writes = scripted.writes().size();
    assertEquals(0, ScriptRunner.on(scripted).run(script).exitCode());
    assertEquals(writes, scripted.writes().size(), "a second run grants nothing");
  }

  /** Runs {@code setup}'s script on a tenant and checks it reaches apply's state, and that a second run writes nothing. */
  private static void scriptMatchesApply(ImpersonationSetup setup, java.util.function.Supplier<FakeTenant> tenant, String function) {
    FakeTenant applied = tenant.get();
    assertTrue(setup.apply(applied.connection()).succeeded());
    FakeTenant scripted = tenant.get();
    String script = setup.plan(scripted.connection()).toPowerShell();
    assertTrue(ScriptParser.parse(script).command(function).isPresent(), script);
    ScriptRunner.Result first = ScriptRunner.on(scripted).run(script);
    assertEquals(0, first.exitCode(), first::toString);
    assertEquals(applied.snapshot(), scripted.snapshot(), "the script reaches the state apply reaches");
    int writes = scripted.writes().size();
    assertEquals(0, ScriptRunner.on(scripted).run(script).exitCode());
    assertEquals(writes, scripted.writes().size(), "a second run changes nothing");
  }

  @Test
  void exactMembershipRemovesThirtyMembersThroughADataBlock() {
    java.util.function.Supplier<FakeTenant> tenant = () -> {
      FakeTenant.Builder b = FakeTenant.exchangeOnline(DOMAIN).application(APP, SP, "Sync");
      members(35).forEach(b::userMailbox);
      return b.mailEnabledSecurityGroup("Sync Users", members(35).toArray(String[]::new)).build();
    };
    ImpersonationSetup setup = ImpersonationSetup.builder().name("Sync").target(TenantTarget.exchangeOnline(DOMAIN))
        .principal(Principal.application(APP).servicePrincipal(SP))
        .scope(Scope.mailEnabledSecurityGroup("Sync Users").members(members(5)).exactMembership())
        .access(Access.rbacForApplications("Application Calendars.ReadWrite")).build();
    scriptMatchesApply(setup, tenant, "Remove-GroupMembersFromList");
  }

  @Test
  void aMicrosoft365GroupTakesThirtyMembersThroughUnifiedGroupLinks() {
    java.util.function.Supplier<FakeTenant> tenant = () -> {
      FakeTenant.Builder b = FakeTenant.exchangeOnline(DOMAIN).application(APP, SP, "Sync").userMailbox("eve@contoso.com");
      members(30).forEach(b::userMailbox);
      return b.microsoft365Group("Sync Team", "eve@contoso.com").build();
    };
    ImpersonationSetup setup = ImpersonationSetup.builder().name("Sync").target(TenantTarget.exchangeOnline(DOMAIN))
        .principal(Principal.application(APP).servicePrincipal(SP)).scope(Scope.microsoft365Group("Sync Team").members(members(30)))
        .access(Access.rbacForApplications("Application Calendars.ReadWrite")).build();
    scriptMatchesApply(setup, tenant, "Add-GroupMembersFromList");
  }
}
