package dev.impersonation.testkit.powershell;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.impersonation.Access;
import dev.impersonation.Cloud;
import dev.impersonation.ImpersonationSetup;
import dev.impersonation.Principal;
import dev.impersonation.Scope;
import dev.impersonation.TenantTarget;
import dev.impersonation.plan.Plan;
import dev.impersonation.powershell.CmdletMapping;
import dev.impersonation.powershell.ScriptRenderer;
import dev.impersonation.powershell.Statement;
import dev.impersonation.spi.Operation;
import dev.impersonation.testkit.FakeTenant;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** The admin script for administrative-unit membership reads back with the independent parser, hostile UPNs included. */
class AdministrativeUnitScriptTest {
  private static final String DOMAIN = "contoso.onmicrosoft.com";
  private static final String APP = "6f1c2a3b-4d5e-4f60-8172-93a4b5c6d7e8";
  private static final String SP = "9a2b3c4d-5e6f-4a7b-8c9d-0e1f2a3b4c5d";
  private static final String AU = "0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d";
  private static final String OBRIEN = "o'brien@contoso.com";
  private static final String CURLY = "d\u2019arcy@contoso.com";
  private static final String EXTRA = "x'$(whoami)@contoso.com";
  /** Graph's answer to adding a member that is already there (docs/error-texts.md). */
  private static final String GRAPH_DUPLICATE = "One or more added object references already exist for the following "
      + "modified properties: 'members'.";

  private static Plan plan() {
    FakeTenant tenant = FakeTenant.exchangeOnline(DOMAIN).userMailbox("ann@contoso.com").userMailbox(OBRIEN)
        .userMailbox(CURLY).userMailbox(EXTRA).application(APP, SP, "Sync").administrativeUnit(AU, "ann@contoso.com", EXTRA)
        .build();
    return ImpersonationSetup.builder().name("AuSync").target(TenantTarget.exchangeOnline(DOMAIN))
        .principal(Principal.application(APP))
        .scope(Scope.administrativeUnit(AU).members("ann@contoso.com", OBRIEN, CURLY).exactMembership())
        .access(Access.rbacForApplications("Application Mail.Read")).build().plan(tenant.connection());
  }

  @Test
  @DisplayName("adds are Invoke-Idempotent New-MgDirectoryAdministrativeUnitMemberByRef with the user's @odata.id")
  void addsReadBack() {
    String script = plan().toPowerShell();
    ParsedScript parsed = ScriptParser.parse(script);
    List<ParsedCommand> adds = parsed.statements(ParsedStatement.IdempotentBlock.class).stream()
        .map(ParsedStatement.IdempotentBlock::command).filter(c -> c.is("New-MgDirectoryAdministrativeUnitMemberByRef")).toList();
    assertEquals(2, adds.size(), script);
    adds.forEach(a -> assertEquals(AU, a.text("AdministrativeUnitId")));
    assertEquals(List.of("https://graph.microsoft.com/v1.0/users/o'brien@contoso.com",
        "https://graph.microsoft.com/v1.0/users/d%E2%80%99arcy@contoso.com"), adds.stream().map(a -> a.text("OdataId")).toList());
    assertTrue(script.contains("-OdataId 'https://graph.microsoft.com/v1.0/users/o''brien@contoso.com'"), script);
    ParsedCommand graph = parsed.command("Connect-MgGraph").orElseThrow();
    assertEquals(new ParsedValue.LiteralList(List.of("AdministrativeUnit.ReadWrite.All", "User.Read.All")),
        graph.parameter("Scopes").orElseThrow());
  }

  @Test
  @DisplayName("removals read the object id with Get-MgUser, then remove only a member that is still there")
  void removalsReadBack() {
    String script = plan().toPowerShell();
    ParsedScript parsed = ScriptParser.parse(script);
    ParsedStatement.Assignment id = parsed.assignmentOf("auMember1").orElseThrow(() -> new AssertionError(script));
    assertTrue(id.read().is("Get-MgUser"));
    assertEquals(EXTRA.toLowerCase(), id.read().text("UserId").toLowerCase());
    assertEquals("Id", id.property());
    List<ParsedStatement.IfFoundBlock> blocks = parsed.statements(ParsedStatement.IfFoundBlock.class);
    assertEquals(1, blocks.size(), script);
    ParsedStatement.IfFoundBlock block = blocks.get(0);
    assertTrue(block.probe().is("Get-MgDirectoryAdministrativeUnitMemberAsUser"));
    assertEquals(AU, block.probe().text("AdministrativeUnitId"));
    assertEquals(new ParsedValue.Variable("auMember1"), block.probe().parameter("DirectoryObjectId").orElseThrow());
    assertEquals(new ParsedValue.Word("SilentlyContinue"), block.probe().parameter("ErrorAction").orElseThrow());
    ParsedCommand remove = block.body().get(0);
    assertTrue(remove.is("Remove-MgDirectoryAdministrativeUnitMemberDirectoryObjectByRef"));
    assertEquals(AU, remove.text("AdministrativeUnitId"));
    assertEquals(new ParsedValue.Variable("auMember1"), remove.parameter("DirectoryObjectId").orElseThrow());
    assertTrue(parsed.comments().stream().anyMatch(c -> c.startsWith("REMOVES 1 undeclared member(s) from administrative unit")),
        parsed.comments()::toString);
    assertTrue(parsed.comments().stream().anyMatch(c -> c.startsWith("WARNING: REMOVES EXISTING MEMBERS")),
        parsed.comments()::toString);
  }

  @Test
  @DisplayName("the idempotence helper takes Graph's 'already exist' answer as done")
  void helperAcceptsGraphsDuplicateAnswer() {
    String helper = ScriptRenderer.helperFunctions().stream().filter(f -> f.startsWith("function " + ScriptRenderer.IDEMPOTENT_HELPER))
        .findFirst().orElseThrow();
    Matcher m = Pattern.compile("-match '([^']*)'").matcher(helper);
    assertTrue(m.find(), helper);
    // PowerShell's -match is a case-insensitive .NET regular expression; this one reads the same in Java.
    Pattern already = Pattern.compile(m.group(1), Pattern.CASE_INSENSITIVE);
    assertTrue(already.matcher(GRAPH_DUPLICATE).find());
    assertTrue(already.matcher("ManagementObjectAlreadyExistsException: x").find());
    assertTrue(!already.matcher("Resource 'x' does not exist or one of its queried reference-property objects are not present.")
        .find(), "a missing object is not 'already done'");
  }

  @Test
  @DisplayName("references use the cloud's Graph host, and object ids refer to directoryObjects")
  void nationalCloudAndObjectIds() {
    String id = "11111111-2222-4333-8444-555555555555";
    CmdletMapping mapping = new CmdletMapping(TenantTarget.exchangeOnline(DOMAIN, Cloud.GCC_HIGH), g -> "dn");
    List<String> lines = mapping.statements(new Operation.AddAdministrativeUnitMembers(AU, List.of(OBRIEN, id))).stream()
        .filter(s -> !(s instanceof Statement.Comment)).map(ScriptRenderer::render).toList();
    ParsedScript parsed = ScriptParser.parse(String.join("\n", lines) + "\n");
    assertEquals(List.of("https://graph.microsoft.us/v1.0/users/o'brien@contoso.com",
        "https://graph.microsoft.us/v1.0/directoryObjects/" + id),
        parsed.commands("New-MgDirectoryAdministrativeUnitMemberByRef").stream().map(c -> c.text("OdataId")).toList());
    List<Statement> removal = mapping.statements(new Operation.RemoveAdministrativeUnitMembers(AU, List.of(id)));
    ParsedScript removed = ScriptParser.parse(removal.stream().map(ScriptRenderer::render).reduce("", (a, b) -> a + b + "\n"));
    assertEquals(id, removed.command("Remove-MgDirectoryAdministrativeUnitMemberDirectoryObjectByRef").orElseThrow()
        .text("DirectoryObjectId"));
    assertTrue(removed.commands("Get-MgUser").isEmpty(), "an object id needs no look-up");
  }
}
