package dev.impersonation.testkit.powershell;

import static dev.impersonation.testkit.powershell.VendorSetups.ANN;
import static dev.impersonation.testkit.powershell.VendorSetups.BOB;
import static dev.impersonation.testkit.powershell.VendorSetups.CEO;
import static dev.impersonation.testkit.powershell.VendorSetups.DAN;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.impersonation.Access;
import dev.impersonation.ImpersonationSetup;
import dev.impersonation.Principal;
import dev.impersonation.Scope;
import dev.impersonation.TenantTarget;
import dev.impersonation.testkit.FakeTenant;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** The exported scripts, run against the fake tenant they were planned on, apply the setup and then prove it. */
class ScriptRunnerTest {

  static Stream<VendorSetups.Example> examples() {
    return VendorSetups.all().stream();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("examples")
  @DisplayName("each vendor script applies, ends with a verification that passes, and runs a second time unchanged")
  void runsAndProvesItself(VendorSetups.Example example) {
    String script = example.script();
    // Creating the licensed service account runs Microsoft Graph PowerShell, which the runner does not model.
    Assumptions.assumeFalse(ScriptRunner.needsGraph(script), "needs Microsoft Graph PowerShell");
    ScriptRunner.Result first = ScriptRunner.on(example.tenant()).run(script);
    assertEquals(0, first.exitCode(), () -> first.thrown() + "\n" + String.join("\n", first.output()));
    assertTrue(first.ran("Test-ImpersonationAccess"), "the verification block ran");
    assertTrue(first.output().stream().anyMatch(l -> l.startsWith("  GRANTED  ")), () -> String.join("\n", first.output()));
    assertEquals(example.setups().size(), first.output().stream().filter(l -> l.startsWith("Verified:")).count(),
        () -> String.join("\n", first.output()));
    if (!example.id().equals("reschedge")) {
      assertTrue(first.output().stream().anyMatch(l -> l.startsWith("  DENIED   ")), () -> String.join("\n", first.output()));
    }
    // Every setup is converged now: planning again finds nothing to do, and the same script runs again cleanly.
    for (ImpersonationSetup setup : example.setups()) {
      assertTrue(setup.plan(example.tenant().connection()).changes().stream()
          .allMatch(s -> s.operation().isPresent()), () -> setup.plan(example.tenant().connection()).toString());
    }
    ScriptRunner.Result again = ScriptRunner.on(example.tenant()).run(script);
    assertEquals(0, again.exitCode(), () -> again.thrown() + "\n" + String.join("\n", again.output()));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("examples")
  @DisplayName("a session connected to another organization stops the script before its first change")
  void anotherOrganizationStopsTheScript(VendorSetups.Example example) {
    // The guard runs before any Graph cmdlet, so every example is covered here.
    ScriptRunner.Result r = ScriptRunner.on(example.tenant()).connectedTo("fabrikam.onmicrosoft.com",
        "0f0f0f0f-0000-4000-8000-000000000001").run(example.script());
    assertEquals(1, r.exitCode());
    assertTrue(r.thrown().orElseThrow().contains("not to contoso."), r.thrown()::toString);
    assertFalse(r.executed().stream().anyMatch(c -> c.name().matches("(New|Add|Set|Enable|Update)-.*")),
        "nothing was written: " + r.executed());
  }

  @Test
  @DisplayName("the organization is compared case-insensitively, and by tenant id on Exchange Online")
  void sameOrganizationInOtherCaseOrById() {
    VendorSetups.Example example = VendorSetups.revenueInbox(TenantTarget.Kind.EXCHANGE_ONLINE);
    assertEquals(0, ScriptRunner.on(example.tenant()).connectedTo("CONTOSO.onmicrosoft.COM", "").run(example.script()).exitCode());
  }

  @Test
  @DisplayName("after Enable-OrganizationCustomization the script waits until IsDehydrated is False, then assigns roles")
  void waitsForCustomization() {
    VendorSetups.Example example = VendorSetups.revenueInbox(TenantTarget.Kind.EXCHANGE_ONLINE);
    ScriptRunner.Result r = ScriptRunner.on(example.tenant()).run(example.script());
    int enable = indexOf(r, "Enable-OrganizationCustomization");
    int await = indexOf(r, "Wait-OrganizationCustomization");
    int assign = indexOf(r, "New-ManagementRoleAssignment");
    assertTrue(enable >= 0 && enable < await && await < assign, r.executed()::toString);
  }

  @Test
  @DisplayName("least privilege failing (an outsider reachable) makes the verification exit with 1")
  void outsiderGrantedExitsWithOne() {
    FakeTenant tenant = VendorSetups.people(TenantTarget.Kind.EXCHANGE_SERVER).userMailbox("svc@contoso.com", "Svc").build();
    ImpersonationSetup setup = ImpersonationSetup.builder().name("Leaky").target(VendorSetups.target(TenantTarget.Kind.EXCHANGE_SERVER))
        .principal(Principal.serviceAccount("svc@contoso.com")).scope(Scope.mailboxes(ANN, BOB)).access(Access.fullAccess())
        .outsider(CEO).build();
    String script = setup.plan(tenant.connection()).toPowerShell();
    // Someone gave the account FullAccess to the CEO's mailbox by hand.
    tenant.invokeExchangeCmdlet("Add-MailboxPermission", java.util.Map.of("Identity", CEO, "User", "svc@contoso.com",
        "AccessRights", java.util.List.of("FullAccess"), "AutoMapping", false));
    ScriptRunner.Result r = ScriptRunner.on(tenant).run(script);
    assertEquals(1, r.exitCode(), () -> String.join("\n", r.output()));
    assertTrue(r.output().contains("  GRANTED  " + CEO + " (outside the scope: should be DENIED)"), () -> String.join("\n", r.output()));
    assertTrue(r.output().contains("  GRANTED  " + ANN + " (in scope, as intended)"), () -> String.join("\n", r.output()));
  }

  @Test
  @DisplayName("FullAccess is added once: a mailbox that already has it is skipped by the guard")
  void fullAccessIsGuarded() {
    FakeTenant tenant = VendorSetups.people(TenantTarget.Kind.EXCHANGE_SERVER).userMailbox("svc@contoso.com", "Svc").build();
    ImpersonationSetup setup = ImpersonationSetup.builder().name("Fa").target(VendorSetups.target(TenantTarget.Kind.EXCHANGE_SERVER))
        .principal(Principal.serviceAccount("svc@contoso.com")).scope(Scope.mailboxes(ANN, BOB)).access(Access.fullAccess())
        .outsider(CEO).build();
    String script = setup.plan(tenant.connection()).toPowerShell();
    tenant.invokeExchangeCmdlet("Add-MailboxPermission", java.util.Map.of("Identity", ANN, "User", "svc@contoso.com",
        "AccessRights", java.util.List.of("FullAccess"), "AutoMapping", false));
    ScriptRunner.Result r = ScriptRunner.on(tenant).run(script);
    assertEquals(0, r.exitCode(), () -> r.thrown() + String.join("\n", r.output()));
    assertEquals(java.util.List.of(BOB), r.executed().stream().filter(c -> c.is("Add-MailboxPermission"))
        .map(c -> c.text("Identity")).toList(), "only the mailbox without FullAccess gets an Add-MailboxPermission");
    assertEquals(0, ScriptRunner.on(tenant).run(script).executed().stream().filter(c -> c.is("Add-MailboxPermission")).count(),
        "a re-run adds nothing");
  }

  @Test
  @DisplayName("without named mailboxes the script picks a member of the group and a mailbox outside it at run time")
  void picksMailboxesAtRunTime() {
    FakeTenant tenant = VendorSetups.people(TenantTarget.Kind.EXCHANGE_SERVER).userMailbox("svc@contoso.com", "Svc").build();
    ImpersonationSetup setup = ImpersonationSetup.builder().name("Existing").target(VendorSetups.target(TenantTarget.Kind.EXCHANGE_SERVER))
        .principal(Principal.serviceAccount("svc@contoso.com")).scope(Scope.distributionGroup("Sync Users").members(DAN))
        .access(Access.applicationImpersonation()).build();
    ImpersonationSetup unmanaged = ImpersonationSetup.builder().name("Existing").target(VendorSetups.target(TenantTarget.Kind.EXCHANGE_SERVER))
        .principal(Principal.serviceAccount("svc@contoso.com")).scope(Scope.distributionGroup("Sync Users").existingMembership())
        .access(Access.applicationImpersonation()).build();
    assertEquals(0, ScriptRunner.on(tenant).run(setup.plan(tenant.connection()).toPowerShell()).exitCode());
    String script = unmanaged.plan(tenant.connection()).toPowerShell();
    ParsedCommand call = ScriptParser.parse(script).command("Test-ImpersonationAccess").orElseThrow();
    assertEquals(new ParsedValue.LiteralList(java.util.List.of()), call.parameter("Granted").orElseThrow());
    assertEquals("Sync Users", call.text("Group"));
    assertTrue(call.has("PickOutsider"));
    ScriptRunner.Result r = ScriptRunner.on(tenant).run(script);
    assertEquals(0, r.exitCode(), () -> String.join("\n", r.output()));
    assertTrue(r.output().contains("  GRANTED  " + DAN + " (in scope, as intended)"), () -> String.join("\n", r.output()));
    assertTrue(r.output().stream().anyMatch(l -> l.startsWith("  DENIED   ") && !l.contains(DAN)), () -> String.join("\n", r.output()));
  }

  private static int indexOf(ScriptRunner.Result r, String command) {
    for (int i = 0; i < r.executed().size(); i++) {
      if (r.executed().get(i).is(command)) {
        return i;
      }
    }
    return -1;
  }
}
