package dev.impersonation.testkit.powershell;

import static dev.impersonation.testkit.powershell.VendorSetups.ANN;
import static dev.impersonation.testkit.powershell.VendorSetups.BOB;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.impersonation.Access;
import dev.impersonation.ImpersonationSetup;
import dev.impersonation.Principal;
import dev.impersonation.Scope;
import dev.impersonation.TenantTarget;
import dev.impersonation.powershell.Cmdlet;
import dev.impersonation.powershell.ScriptFunctions;
import dev.impersonation.powershell.ScriptRenderer;
import dev.impersonation.testkit.FakeTenant;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Every vendor example's admin script reads back fully, and says what the plan means. */
class PlanScriptParsingTest {
  private static final Set<String> HELPERS = Set.of("ConvertTo-OpathLiteral", "Invoke-Idempotent",
      "Assert-ExchangeOnlineOrganization", "Assert-ExchangeServerOrganization", "Assert-GraphTenant",
      "Wait-OrganizationCustomization", "Test-MailboxFullAccess", "Find-ApplicationAccessPolicy", "Test-ImpersonationAccess",
      "Add-EwsAllowedApplication", "Confirm-RbacForApplications", "Grant-FullAccessByFilter");

  static Stream<VendorSetups.Example> examples() {
    return VendorSetups.all().stream();
  }

  // ------------------------------------------------------------------ every example

  @ParameterizedTest(name = "{0}")
  @MethodSource("examples")
  @DisplayName("the script is read fully: header, helpers, guarded creates, and a closing message per setup")
  void readsFully(VendorSetups.Example example) {
    String script = example.script();
    ParsedScript parsed = ScriptParser.parse(script);
    int setups = example.setups().size();

    assertEquals(setups, parsed.statements(ParsedStatement.PreferenceAssignment.class).stream()
        .filter(p -> p.equals(new ParsedStatement.PreferenceAssignment("ErrorActionPreference", "Stop"))).count());
    assertEquals(setups, parsed.statements(ParsedStatement.Comment.class).stream().filter(ParsedStatement.Comment::isRequires)
        .count());
    assertTrue(parsed.functions().size() >= setups * 4, parsed.functions()::toString);
    assertTrue(HELPERS.containsAll(parsed.functions()), parsed.functions()::toString);
    assertEquals(setups, parsed.functions().stream().filter(f -> f.equals(example.online()
        ? "Assert-ExchangeOnlineOrganization" : "Assert-ExchangeServerOrganization")).count(), "one tenant guard per setup");
    assertEquals(script.lines().filter(l -> l.startsWith("#")).count(), parsed.comments().size(),
        "every # line is a comment statement, and nothing else is");
    assertEquals(setups, parsed.commands("Write-Host").stream()
        .filter(w -> literal(w.arguments().get(0)).startsWith("Setup ")).count());
    if (!example.online()) {
      assertFalse(script.contains("2 hours") || script.contains("15 minutes") || script.contains("Exchange Online"),
          "no Exchange Online wording in an Exchange Server script");
    }
    assertEquals(example.online() ? setups : 0, parsed.commands("Connect-ExchangeOnline").size());
    List<ParsedStatement> statements = parsed.statements();
    ParsedStatement last = statements.get(statements.size() - 1);
    assertEquals("Test-ImpersonationAccess", assertInstanceOf(ParsedStatement.Command.class, last).command().name(),
        "every script ends with its verification");
    assertEquals(setups, parsed.commands("Test-ImpersonationAccess").size());
    assertTrue(parsed.commands("New-ManagementRoleAssignment").size() + parsed.commands("New-RoleGroup").size()
        + parsed.commands("Add-MailboxPermission").size() > 0, "every example grants something");
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("examples")
  @DisplayName("every create is guarded by a probe for the same name, run with -ErrorAction SilentlyContinue")
  void guardedCreates(VendorSetups.Example example) {
    ParsedScript parsed = ScriptParser.parse(example.script());
    List<ParsedStatement.GuardedBlock> blocks = parsed.statements(ParsedStatement.GuardedBlock.class);
    assertFalse(blocks.isEmpty());
    for (ParsedStatement.GuardedBlock block : blocks) {
      ParsedCommand probe = block.probe();
      if (probe.is("Get-ConnectionInformation")) {
        assertEquals("Connect-ExchangeOnline", block.body().get(0).name());
        continue;
      }
      if (probe.is("Find-ApplicationAccessPolicy")) {
        ParsedCommand create = block.body().get(0);
        assertEquals("New-ApplicationAccessPolicy", create.name());
        assertEquals(probe.text("AppId"), create.text("AppId"));
        assertEquals(probe.text("ScopeGroup"), create.text("PolicyScopeGroupId"));
        continue;
      }
      if (probe.is("Test-MailboxFullAccess")) {
        ParsedCommand add = block.body().get(0);
        assertEquals("Add-MailboxPermission", add.name());
        assertEquals(probe.text("Identity"), add.text("Identity"));
        assertEquals(probe.text("User"), add.text("User"));
        assertEquals(new ParsedValue.Word("SilentlyContinue"), probe.parameter("ErrorAction").orElseThrow());
        continue;
      }
      if (probe.is("Get-Command")) {
        ParsedCommand importSession = block.body().get(0);
        assertEquals("Import-PSSession", importSession.name());
        ParsedValue.Subcommand session = (ParsedValue.Subcommand) importSession.parameter("Session").orElseThrow();
        assertEquals("Microsoft.Exchange", session.command().text("ConfigurationName"));
        assertEquals("Kerberos", session.command().text("Authentication"));
        continue;
      }
      assertEquals(new ParsedValue.Word("SilentlyContinue"), probe.parameter("ErrorAction").orElseThrow(), probe::toString);
      String identity = probe.text("Identity");
      ParsedCommand create = block.body().get(0);
      assertTrue(create.name().startsWith("New-"), create::toString);
      String key = create.has("Name") ? "Name" : create.has("AppId") ? "AppId" : "DisplayName";
      if (probe.is("Get-Recipient")) {
        key = create.has("MicrosoftOnlineServicesID") ? "MicrosoftOnlineServicesID" : "UserPrincipalName";
      }
      assertEquals(identity, create.text(key), () -> probe + " guards " + create);
      if (!probe.is("Get-Recipient")) {
        assertEquals(probe.name().substring(4), create.name().substring(4), "Get-X guards New-X");
      }
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("examples")
  @DisplayName("a filter variable is assigned a group's DistinguishedName before the scope that reads it; other variables hold Graph ids")
  void filterVariablesAreAssignedFirst(VendorSetups.Example example) {
    ParsedScript parsed = ScriptParser.parse(example.script());
    Map<String, ParsedStatement.Assignment> assigned = new HashMap<>();
    for (ParsedStatement s : parsed.statements()) {
      if (s instanceof ParsedStatement.Assignment a) {
        if (a.property().equals("DistinguishedName")) {
          assertTrue(a.read().is("Get-DistributionGroup") || a.read().is("Get-Group"), a::toString);
        } else {
          // Graph PowerShell object ids (consent removal): read from Microsoft Graph, never from a filter.
          assertTrue(a.read().name().startsWith("Get-Mg") || a.read().name().startsWith("Find-Mg"), a::toString);
        }
        assigned.put(a.variable(), a);
      }
      List<ParsedCommand> inside = s instanceof ParsedStatement.GuardedBlock g ? g.body()
          : s instanceof ParsedStatement.Command c ? List.of(c.command()) : List.of();
      for (ParsedCommand c : inside) {
        for (ParsedCommand.Parameter p : c.parameters()) {
          if (p.value() instanceof ParsedValue.Concatenation f) {
            for (ParsedValue.Variable v : f.variables()) {
              assertTrue(assigned.containsKey(v.name()), () -> "$" + v.name() + " is read by " + c + " before it is assigned");
            }
          }
        }
      }
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("examples")
  @DisplayName("every decoded value appears in the script with each quote doubled, and no secret appears at all")
  void valuesAreEscaped(VendorSetups.Example example) {
    String script = example.script();
    ParsedScript parsed = ScriptParser.parse(script);
    List<String> values = new ArrayList<>();
    parsed.commands().forEach(c -> {
      c.parameters().forEach(p -> collect(p.value(), values));
      c.arguments().forEach(a -> collect(a, values));
    });
    parsed.statements(ParsedStatement.Throw.class).forEach(t -> values.add(t.message()));
    assertFalse(values.isEmpty());
    for (String v : values) {
      assertTrue(script.contains(quote(v)), () -> "not written as one literal with quotes doubled: " + v);
      assertFalse(v.contains("Example-only-1!"), "a secret reached the script");
    }
    parsed.commands("New-Mailbox").forEach(m -> assertInstanceOf(ParsedValue.SecretPrompt.class,
        m.parameter("Password").orElseThrow()));
  }

  // ------------------------------------------------------------------ particular examples

  @Test
  @DisplayName("Riva online: the app's assignment uses -CustomResourceScope over a Department filter")
  void rivaOnline() {
    ParsedScript parsed = ScriptParser.parse(VendorSetups.riva(TenantTarget.Kind.EXCHANGE_ONLINE).script());
    ParsedCommand assignment = parsed.command("New-ManagementRoleAssignment").orElseThrow();
    assertEquals("Application EWS.AccessAsApp", assignment.text("Role"));
    assertEquals("0d1e2f3a-4b5c-4d6e-8f7a-8b9c0d1e2f3a", assignment.text("App"));
    assertEquals("Riva-Scope", assignment.text("CustomResourceScope"));
    ParsedCommand scope = parsed.command("New-ManagementScope").orElseThrow();
    assertEquals("Riva-Scope", scope.text("Name"));
    assertEquals("Department -eq 'Sales'", scope.text("RecipientRestrictionFilter"));
    assertEquals(List.of(new Opath.Comparison("Department", "eq", "Sales")),
        Opath.comparisons(scope.text("RecipientRestrictionFilter")));

    ParsedCommand mailbox = parsed.command("New-Mailbox").orElseThrow();
    assertEquals(new ParsedValue.SecretPrompt("Initial password for riva@contoso.com", true),
        mailbox.parameter("Password").orElseThrow());
    ParsedCommand license = parsed.command("Set-MgUserLicense").orElseThrow();
    assertEquals(new ParsedValue.HashTable(Map.of("SkuId", new ParsedValue.Literal(VendorSetups.SKU))),
        license.parameter("AddLicenses").orElseThrow());
    assertEquals(new ParsedValue.LiteralList(List.of()), license.parameter("RemoveLicenses").orElseThrow());
    ParsedStatement.WaitLoop wait = parsed.statements(ParsedStatement.WaitLoop.class).get(0);
    assertEquals("riva@contoso.com", wait.probe().text("Identity"));
    assertEquals(new ParsedValue.Number(60), wait.body().get(1).parameter("Seconds").orElseThrow());
    // B: procedure 004B's pipeline, a loop over the filter's result when the script runs (the function's fixed text
    // holds Add-MailboxPermission -AutoMapping:$false); the filter is one escaped literal.
    assertTrue(parsed.commands("Add-MailboxPermission").isEmpty(), "no grant listed mailbox by mailbox");
    ParsedCommand grant = parsed.command("Grant-FullAccessByFilter").orElseThrow();
    assertEquals("(RecipientTypeDetails -eq 'UserMailbox') -and (Alias -ne 'ceo')", grant.text("Filter"));
    assertEquals("riva@contoso.com", grant.text("User"));
    assertTrue(VendorSetups.riva(TenantTarget.Kind.EXCHANGE_ONLINE).script()
        .contains("-Filter '(RecipientTypeDetails -eq ''UserMailbox'') -and (Alias -ne ''ceo'')'"), "quotes doubled");
    assertTrue(ScriptFunctions.definition("Grant-FullAccessByFilter").contains("-AutoMapping:$false"));
    ParsedCommand graph = parsed.command("Connect-MgGraph").orElseThrow();
    assertEquals(new ParsedValue.LiteralList(List.of("User.ReadWrite.All", "Organization.Read.All")),
        graph.parameter("Scopes").orElseThrow());
    assertEquals(new ParsedValue.Switch(), graph.parameter("NoWelcome").orElseThrow());
    assertEquals(List.of("Read-Host"), parsed.commands().stream().map(ParsedCommand::name)
        .filter(n -> n.equals("Read-Host")).toList(), "the secret prompt is a command too");
  }

  @Test
  @DisplayName("Rooms online: one -RecipientGroupScope assignment per room list, no DN")
  void roomsOnline() {
    ParsedScript parsed = ScriptParser.parse(VendorSetups.rooms(TenantTarget.Kind.EXCHANGE_ONLINE).script());
    assertEquals(3, parsed.commands("New-DistributionGroup").size());
    parsed.commands("New-DistributionGroup").forEach(g -> assertEquals(new ParsedValue.Switch(),
        g.parameter("RoomList").orElseThrow()));
    // Each list the plan creates takes its rooms in the create: 75, 75 and 10, no call per room; the long lists are
    // declared in data blocks, one address per line (-Members $members1), the short one stays on its line.
    assertEquals(List.of(75, 75, 10), parsed.commands("New-DistributionGroup").stream().map(g -> parsed.values(g, "Members").size()).toList());
    assertEquals(2, parsed.statements(ParsedStatement.ListAssignment.class).size());
    assertTrue(parsed.commands("Add-DistributionGroupMember").isEmpty());

    // RBAC for Applications over the three room lists: one assignment per list with -RecipientGroupScope, no
    // management scope and no DistinguishedName read at run time.
    List<ParsedCommand> assignments = parsed.commands("New-ManagementRoleAssignment");
    assertEquals(List.of("Cronofy Room List", "Cronofy Room List 2", "Cronofy Room List 3"),
        assignments.stream().map(a -> a.text("RecipientGroupScope")).toList());
    assertTrue(assignments.stream().allMatch(a -> a.parameter("CustomResourceScope").isEmpty()));
    assertEquals(3, assignments.stream().map(a -> a.text("Name")).distinct().count(), "one name per list");
    assertTrue(parsed.command("New-ManagementScope").isEmpty());
    assertTrue(parsed.commands("ConvertTo-OpathLiteral").isEmpty());
  }

  @Test
  @DisplayName("Penelope on Exchange Server: a role group whose write scope filters on the group's DN")
  void penelopeServer() {
    ParsedScript parsed = ScriptParser.parse(VendorSetups.penelope(TenantTarget.Kind.EXCHANGE_SERVER).script());
    ParsedCommand roleGroup = parsed.command("New-RoleGroup").orElseThrow();
    assertEquals("Penelope Impersonation", roleGroup.text("Name"));
    assertEquals(List.of("ApplicationImpersonation"), roleGroup.texts("Roles"));
    assertEquals(List.of("penelope.sync@contoso.com"), roleGroup.texts("Members"));
    assertEquals("LimitedImpersonationScope", roleGroup.text("CustomRecipientWriteScope"));
    ParsedCommand scope = parsed.command("New-ManagementScope").orElseThrow();
    assertEquals(new ParsedValue.Concatenation(List.of(new ParsedValue.Literal("MemberOfGroup -eq "),
        new ParsedValue.OpathQuoted(new ParsedValue.Variable("groupDn1")))),
        scope.parameter("RecipientRestrictionFilter").orElseThrow());
    assertEquals("Penelope Users", parsed.assignmentOf("groupDn1").orElseThrow().read().text("Identity"));
    // The group the plan creates takes its members in the create (one call, one transaction).
    assertEquals(List.of("ann@contoso.com", "bob@contoso.com"), parsed.command("New-DistributionGroup").orElseThrow().texts("Members"));
    assertTrue(parsed.commands("Add-DistributionGroupMember").isEmpty());
  }

  @Test
  @DisplayName("hostile names and filter values read back exactly, through the PowerShell and OPATH layers")
  void hostileNames() {
    String group = "O'Brien\u2019s \u201CTeam\u201D $(whoami) `n ${x} \u2018#\u201A\u201B";
    String value = "O'Brien\u2019s \"Sales\" $(whoami)";
    String filter = "Department -eq '" + value.replace("'", "''") + "'";
    FakeTenant tenant = VendorSetups.people(TenantTarget.Kind.EXCHANGE_SERVER).userMailbox("svc@contoso.com", "Svc")
        .mailboxProperty(ANN, "Department", value).build();
    ImpersonationSetup groupSetup = ImpersonationSetup.builder().name("Its-mine").target(
        VendorSetups.target(TenantTarget.Kind.EXCHANGE_SERVER)).managementScopeName("Scope '1'")
        .principal(Principal.serviceAccount("svc@contoso.com")).scope(Scope.distributionGroup(group).members(ANN, BOB))
        .access(Access.applicationImpersonation().viaRoleGroup("Role \u2019group\u2019")).build();
    ImpersonationSetup filterSetup = ImpersonationSetup.builder().name("Filter").target(
        VendorSetups.target(TenantTarget.Kind.EXCHANGE_SERVER)).managementScopeName("Scope '2'")
        .principal(Principal.serviceAccount("svc@contoso.com")).scope(Scope.recipientFilter(filter))
        .access(Access.applicationImpersonation()).build();

    ParsedScript first = ScriptParser.parse(groupSetup.plan(tenant.connection()).toPowerShell());
    assertEquals(group, first.command("New-DistributionGroup").orElseThrow().text("Name"));
    assertEquals(group, first.command("Get-DistributionGroup").orElseThrow().text("Identity"));
    assertEquals(group, first.assignmentOf("groupDn1").orElseThrow().read().text("Identity"));
    assertEquals("Scope '1'", first.command("New-ManagementScope").orElseThrow().text("Name"));
    assertEquals("Role \u2019group\u2019", first.command("New-RoleGroup").orElseThrow().text("Name"));
    assertTrue(first.commands("Write-Host").stream().anyMatch(w -> literal(w.arguments().get(0)).startsWith(
        "Setup Its-mine applied.")));
    assertTrue(first.comments().get(0).startsWith("Impersonation setup Its-mine"), first.comments()::toString);
    // Values are escaped inside comments; an ASCII quote is left only as our framing around a value the plan carries.
    for (String comment : first.comments()) {
      assertFalse(comment.chars().anyMatch(c -> c == '$' || c == '`' || (c >= 0x2018 && c <= 0x201E)), comment);
      String unframed = comment.replaceAll("'[^']*'", "");
      assertFalse(unframed.contains("'"), "an unpaired quote in: " + comment);
    }
    assertTrue(first.comments().stream().anyMatch(c -> c.contains("'O\\u0027Brien\\u2019s \\u201CTeam\\u201D \\u0024(whoami)")),
        first.comments()::toString);
    assertTrue(first.comments().stream().anyMatch(c -> c.contains("management scope 'Scope \\u00271\\u0027'")),
        "framing kept, the value's own quotes escaped: " + first.comments());

    ParsedScript second = ScriptParser.parse(filterSetup.plan(tenant.connection()).toPowerShell());
    ParsedValue parsedFilter = second.command("New-ManagementScope").orElseThrow().parameter("RecipientRestrictionFilter")
        .orElseThrow();
    assertEquals(new ParsedValue.Literal(filter), parsedFilter);
    assertEquals(List.of(value), parsedFilter.opathFilterValues());
  }

  @Test
  @DisplayName("a blocked plan's script stops with throw before it connects")
  void blockedPlan() {
    FakeTenant tenant = VendorSetups.people(TenantTarget.Kind.EXCHANGE_SERVER).userMailbox("svc@contoso.com", "Svc").build();
    ImpersonationSetup setup = ImpersonationSetup.builder().name("Blocked").target(
        VendorSetups.target(TenantTarget.Kind.EXCHANGE_SERVER)).principal(Principal.serviceAccount("svc@contoso.com"))
        .scope(Scope.distributionGroup("Nope 'x'").existingMembership()).access(Access.applicationImpersonation()).build();
    ParsedScript parsed = ScriptParser.parse(setup.plan(tenant.connection()).toPowerShell());
    ParsedStatement.Throw stop = parsed.statements(ParsedStatement.Throw.class).get(0);
    assertTrue(stop.message().startsWith("This plan has blocked steps"), stop::message);
    assertTrue(stop.message().contains("'Nope 'x''"), stop::message);
    int throwAt = parsed.statements().indexOf(stop);
    assertTrue(parsed.statements().subList(0, throwAt).stream().noneMatch(s -> s instanceof ParsedStatement.Command
        || s instanceof ParsedStatement.GuardedBlock), "nothing runs before the throw");
  }

  @Test
  @DisplayName("a script read in the ANSI code page can change meaning, so exported scripts carry a BOM, which parses")
  void ansiMisreadingAndByteOrderMark() {
    String name = "\u0452' (whoami) \u0452";
    String line = ScriptRenderer.render(Cmdlet.of("New-DistributionGroup").text("Name", name));
    assertEquals(name, ScriptParser.parseCommand(line).text("Name"));
    // U+0452 is D1 92 in UTF-8; Windows-1252 reads 0x92 as U+2019, a single quote that pairs with the doubled quote
    String ansi = new String(line.getBytes(StandardCharsets.UTF_8), Charset.forName("windows-1252"));
    assertThrows(ScriptParseException.class, () -> ScriptParser.parseCommand(ansi));
    String script = VendorSetups.penelope(TenantTarget.Kind.EXCHANGE_SERVER).script();
    assertEquals(ScriptParser.parse(script), ScriptParser.parse("\uFEFF" + script));
  }

  // ------------------------------------------------------------------ helpers

  private static String literal(ParsedValue v) {
    return assertInstanceOf(ParsedValue.Literal.class, v).value();
  }

  private static void collect(ParsedValue v, List<String> out) {
    if (v instanceof ParsedValue.Literal l) {
      out.add(l.value());
    } else if (v instanceof ParsedValue.LiteralList l) {
      out.addAll(l.values());
    } else if (v instanceof ParsedValue.HashTable t) {
      t.entries().values().forEach(e -> collect(e, out));
    } else if (v instanceof ParsedValue.SecretPrompt p) {
      out.add(p.prompt());
    } else if (v instanceof ParsedValue.Concatenation c) {
      c.parts().forEach(p -> collect(p, out));
    }
  }

  /** The test's own PowerShell quoting: each of the five single-quote characters doubled with itself. */
  private static String quote(String value) {
    StringBuilder out = new StringBuilder("'");
    for (char c : value.toCharArray()) {
      out.append(c);
      if (Tokenizer.isSingleQuote(c)) {
        out.append(c);
      }
    }
    return out.append('\'').toString();
  }
}
