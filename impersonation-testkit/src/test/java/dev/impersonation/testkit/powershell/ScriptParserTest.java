package dev.impersonation.testkit.powershell;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** The parser on hand-written text: the literal rules of docs/powershell-quoting.md, each value form, each statement, and rejects. */
class ScriptParserTest {

  @Nested
  @DisplayName("single-quoted literals (docs/powershell-quoting.md)")
  class Literals {
    @Test
    @DisplayName("the docs/powershell-quoting.md example: U+0027 and U+2019 doubled, curly double quotes plain")
    void domainExample() {
      assertEquals("O'Brien\u2019s \u201CTeam\u201D", ScriptParser.parseLiteral("'O''Brien\u2019\u2019s \u201CTeam\u201D'"));
    }

    @ParameterizedTest(name = "U+{0} opens and closes a literal")
    @ValueSource(strings = {"0027", "2018", "2019", "201A", "201B"})
    void everySingleQuoteDelimits(String hex) {
      char q = (char) Integer.parseInt(hex, 16);
      assertEquals("abc", ScriptParser.parseLiteral(q + "abc" + q));
      assertEquals("a" + q + "b", ScriptParser.parseLiteral(q + "a" + q + q + "b" + q));
    }

    @Test
    @DisplayName("any two quote characters in a row stand for the second; opener and closer may differ")
    void pairKeepsTheSecond() {
      assertEquals("a\u2019b", ScriptParser.parseLiteral("'a'\u2019b'"));
      assertEquals("a'b", ScriptParser.parseLiteral("\u2018a\u201B'b\u2019"));
      assertEquals("", ScriptParser.parseLiteral("\u201A\u2018"));
    }

    @Test
    @DisplayName("nothing else is special: $(...), backticks, double quotes, line breaks, # stay text")
    void nothingElseIsSpecial() {
      String inner = "$(whoami) `n \" \u201C\u201E ${x} $env:PATH\r\nnext\u2028line # not a comment <# -- |";
      assertEquals(inner, ScriptParser.parseLiteral("'" + inner + "'"));
    }

    @Test
    void emptyLiteral() {
      assertEquals("", ScriptParser.parseLiteral("''"));
    }

    @ParameterizedTest(name = "[{index}] {0}")
    @ValueSource(strings = {"'abc", "'a''", "'a\u2019\u2019", "abc", "'a' 'b'", "'a'b", "\"a\"", " 'a'", "'a',"})
    void notExactlyOneLiteral(String text) {
      assertThrows(ScriptParseException.class, () -> ScriptParser.parseLiteral(text));
    }

    @Test
    @DisplayName("an unterminated literal names where it was opened")
    void unterminated() {
      ScriptParseException e = assertThrows(ScriptParseException.class,
          () -> ScriptParser.parse("Write-Host 'ok'\nNew-Thing -Name 'it''s\nstill open"));
      assertEquals(2, e.line());
      assertEquals(17, e.column());
      assertTrue(e.getMessage().contains("unterminated single-quoted literal"), e.getMessage());
    }
  }

  @Nested
  @DisplayName("parameter values")
  class Values {
    @Test
    void everyValueForm() {
      ParsedCommand c = ScriptParser.parseCommand("Set-Thing -Name 'x' -List 'a','b' -Empty @() -On:$true -Off:$false"
          + " -Flag -Var $groupDn1 -Table @{Add='a','b'; SkuId='s'; None=@()} -Seconds 60"
          + " -Secret (Read-Host -Prompt 'Password for x' -AsSecureString) -Masked (Read-Host -Prompt 'p' -MaskInput)"
          + " -ErrorAction SilentlyContinue -Last");
      assertEquals("Set-Thing", c.name());
      assertEquals(new ParsedValue.Literal("x"), c.parameter("name").orElseThrow());
      assertEquals("x", c.text("Name"));
      assertEquals(new ParsedValue.LiteralList(List.of("a", "b")), c.parameter("List").orElseThrow());
      assertEquals(new ParsedValue.LiteralList(List.of()), c.parameter("Empty").orElseThrow());
      assertEquals(new ParsedValue.Bool(true), c.parameter("On").orElseThrow());
      assertEquals(new ParsedValue.Bool(false), c.parameter("Off").orElseThrow());
      assertEquals(new ParsedValue.Switch(), c.parameter("Flag").orElseThrow());
      assertEquals(new ParsedValue.Variable("groupDn1"), c.parameter("Var").orElseThrow());
      Map<String, ParsedValue> table = new LinkedHashMap<>();
      table.put("Add", new ParsedValue.LiteralList(List.of("a", "b")));
      table.put("SkuId", new ParsedValue.Literal("s"));
      table.put("None", new ParsedValue.LiteralList(List.of()));
      assertEquals(new ParsedValue.HashTable(table), c.parameter("Table").orElseThrow());
      assertEquals(new ParsedValue.Number(60), c.parameter("Seconds").orElseThrow());
      assertEquals(new ParsedValue.SecretPrompt("Password for x", true), c.parameter("Secret").orElseThrow());
      assertEquals(new ParsedValue.SecretPrompt("p", false), c.parameter("Masked").orElseThrow());
      assertEquals(new ParsedValue.Word("SilentlyContinue"), c.parameter("ErrorAction").orElseThrow());
      assertEquals(new ParsedValue.Switch(), c.parameter("Last").orElseThrow());
      assertEquals(List.of("Name", "List", "Empty", "On", "Off", "Flag", "Var", "Table", "Seconds", "Secret", "Masked",
          "ErrorAction", "Last"), c.parameterNames());
      assertTrue(c.parameter("Missing").isEmpty());
      assertThrows(IllegalStateException.class, () -> c.text("List"));
    }

    @Test
    @DisplayName("a filter concatenation with (ConvertTo-OpathLiteral $v), and its OPATH layer")
    void concatenation() {
      ParsedCommand c = ScriptParser.parseCommand("New-ManagementScope -Name 's' -RecipientRestrictionFilter"
          + " ('(MemberOfGroup -eq ' + (ConvertTo-OpathLiteral $groupDn1) + ')' + ' -or ' + '(MemberOfGroup -eq '"
          + " + (ConvertTo-OpathLiteral $groupDn2) + ')')");
      ParsedValue.Concatenation f = assertInstanceOf(ParsedValue.Concatenation.class,
          c.parameter("RecipientRestrictionFilter").orElseThrow());
      assertEquals(List.of(new ParsedValue.Variable("groupDn1"), new ParsedValue.Variable("groupDn2")), f.variables());
      assertEquals(List.of("$groupDn1", "$groupDn2"), f.opathFilterValues());
      Map<String, String> dns = Map.of("groupDn1", "CN=O'Brien\u2019s,OU=G", "groupDn2", "CN=B");
      String opath = f.evaluate(dns::get);
      assertEquals("(MemberOfGroup -eq 'CN=O''Brien\u2019s,OU=G') -or (MemberOfGroup -eq 'CN=B')", opath);
      assertEquals(List.of("CN=O'Brien\u2019s,OU=G", "CN=B"), Opath.values(opath));
    }

    @Test
    @DisplayName("the docs/powershell-quoting.md two-layer example reads back to the DN")
    void twoLayers() {
      ParsedCommand c = ScriptParser.parseCommand("New-ManagementScope -Name 'x' -RecipientRestrictionFilter"
          + " 'MemberOfGroup -eq ''CN=O''''Brien\u2019\u2019s \u201CTeam\u201D,OU=\u2026'''");
      assertEquals("MemberOfGroup -eq 'CN=O''Brien\u2019s \u201CTeam\u201D,OU=\u2026'", c.text("RecipientRestrictionFilter"));
      assertEquals(List.of("CN=O'Brien\u2019s \u201CTeam\u201D,OU=\u2026"),
          c.parameter("RecipientRestrictionFilter").orElseThrow().opathFilterValues());
    }

    @Test
    void positionalArguments() {
      ParsedCommand c = ScriptParser.parseCommand("Write-Host 'done'");
      assertEquals(List.of(new ParsedValue.Literal("done")), c.arguments());
      assertTrue(c.parameters().isEmpty());
    }

    @Test
    void listsMayHaveSpacesAroundCommas() {
      assertEquals(new ParsedValue.LiteralList(List.of("a", "b", "c")),
          ScriptParser.parseCommand("Set-X -L 'a', 'b' ,'c'").parameter("L").orElseThrow());
    }
  }

  @Nested
  @DisplayName("statements")
  class Statements {
    private static final String SCRIPT = String.join("\n",
        "# Setup 'x'",
        "#Requires -Modules ExchangeOnlineManagement",
        "$ErrorActionPreference = 'Stop'",
        "",
        "throw 'blocked: it''s broken'",
        "if (-not (Get-ConnectionInformation)) {",
        "  Connect-ExchangeOnline -ExchangeEnvironmentName 'O365Default' -ShowBanner:$false",
        "}",
        "function ConvertTo-OpathLiteral([string] $Value) { return '''' + $Value.Replace('''', '''''') + '''' }",
        "function Invoke-Idempotent([scriptblock] $Action) {",
        "  try { & $Action }",
        "  catch {",
        "    if ($_.Exception.Message -match 'AlreadyExists|already (a member|exists)') {",
        "      Write-Warning ('Already done: ' + $_.Exception.Message)",
        "    } else { throw }",
        "  }",
        "}",
        "if (-not (Get-DistributionGroup -Identity 'G' -ErrorAction SilentlyContinue)) {",
        "  New-DistributionGroup -Name 'G' -RoomList -MemberJoinRestriction 'Closed'",
        "  Set-Thing -Identity 'G'",
        "}",
        "Invoke-Idempotent { Add-DistributionGroupMember -Identity 'G' -Member 'a@b' -BypassSecurityGroupManagerCheck }",
        "$groupDn1 = (Get-DistributionGroup -Identity 'G').DistinguishedName",
        "while (-not (Get-Mailbox -Identity 'svc' -ErrorAction SilentlyContinue)) {",
        "  Write-Host 'Waiting...'",
        "  Start-Sleep -Seconds 60",
        "}",
        "Write-Host 'done'",
        "");

    @Test
    void everyStatementKind() {
      ParsedScript s = ScriptParser.parse(SCRIPT);
      List<ParsedStatement> st = s.statements();
      assertEquals(12, st.size(), st.toString());
      assertEquals(new ParsedStatement.Comment("Setup 'x'", 1), st.get(0));
      assertTrue(((ParsedStatement.Comment) st.get(1)).isRequires());
      assertEquals(new ParsedStatement.PreferenceAssignment("ErrorActionPreference", "Stop"), st.get(2));
      assertEquals(new ParsedStatement.Throw("blocked: it's broken"), st.get(3));
      ParsedStatement.GuardedBlock connect = assertInstanceOf(ParsedStatement.GuardedBlock.class, st.get(4));
      assertEquals("Get-ConnectionInformation", connect.probe().name());
      assertEquals(new ParsedValue.Bool(false), connect.body().get(0).parameter("ShowBanner").orElseThrow());
      assertEquals(List.of("ConvertTo-OpathLiteral", "Invoke-Idempotent"), s.functions());
      ParsedStatement.GuardedBlock create = assertInstanceOf(ParsedStatement.GuardedBlock.class, st.get(7));
      assertEquals("G", create.probe().text("Identity"));
      assertEquals(List.of("New-DistributionGroup", "Set-Thing"), create.body().stream().map(ParsedCommand::name).toList());
      assertEquals(new ParsedValue.Switch(), create.body().get(0).parameter("RoomList").orElseThrow());
      ParsedStatement.IdempotentBlock add = assertInstanceOf(ParsedStatement.IdempotentBlock.class, st.get(8));
      assertEquals("a@b", add.command().text("Member"));
      assertEquals(new ParsedStatement.Assignment("groupDn1", s.commands("Get-DistributionGroup").get(1), "DistinguishedName"),
          st.get(9));
      assertEquals(s.assignmentOf("groupDn1").orElseThrow(), st.get(9));
      ParsedStatement.WaitLoop wait = assertInstanceOf(ParsedStatement.WaitLoop.class, st.get(10));
      assertEquals(new ParsedValue.Number(60), wait.body().get(1).parameter("Seconds").orElseThrow());
      assertEquals(List.of(new ParsedValue.Literal("done")), s.commands("Write-Host").get(1).arguments());
      assertEquals(List.of("Get-ConnectionInformation", "Connect-ExchangeOnline", "Get-DistributionGroup",
          "New-DistributionGroup", "Set-Thing", "Add-DistributionGroupMember", "Get-DistributionGroup", "Get-Mailbox",
          "Write-Host", "Start-Sleep", "Write-Host"), s.commands().stream().map(ParsedCommand::name).toList(),
          "every command, nested ones included, in order; function bodies are not commands");
      assertEquals(List.of("Setup 'x'", "Requires -Modules ExchangeOnlineManagement"), s.comments());
      assertEquals(19, s.command("New-DistributionGroup").orElseThrow().line());
    }

    @Test
    @DisplayName("CRLF line endings read the same")
    void crlf() {
      assertEquals(ScriptParser.parse(SCRIPT).statements().size(),
          ScriptParser.parse(SCRIPT.replace("\n", "\r\n")).statements().size());
    }

    @Test
    @DisplayName("if (probe) runs its block when the probe finds something (a removal skipped once the object is gone)")
    void ifFound() {
      ParsedScript s = ScriptParser.parse("$m = (Get-MgUser -UserId 'o''brien@contoso.com').Id\n"
          + "if (Get-MgDirectoryAdministrativeUnitMemberAsUser -AdministrativeUnitId 'au' -DirectoryObjectId $m"
          + " -ErrorAction SilentlyContinue) {\n"
          + "  Remove-MgDirectoryAdministrativeUnitMemberDirectoryObjectByRef -AdministrativeUnitId 'au' -DirectoryObjectId $m\n"
          + "}\n");
      ParsedStatement.IfFoundBlock block = assertInstanceOf(ParsedStatement.IfFoundBlock.class, s.statements().get(1));
      assertEquals(new ParsedValue.Variable("m"), block.probe().parameter("DirectoryObjectId").orElseThrow());
      assertEquals(List.of("Remove-MgDirectoryAdministrativeUnitMemberDirectoryObjectByRef"),
          block.body().stream().map(ParsedCommand::name).toList());
      assertEquals("o'brien@contoso.com", s.assignmentOf("m").orElseThrow().read().text("UserId"));
      assertThrows(ScriptParseException.class, () -> ScriptParser.parse("while (Get-X) {\n  New-X\n}"),
          "a wait loop still needs -not");
      assertThrows(ScriptParseException.class, () -> ScriptParser.parse("if (Get-X) { New-X }"));
    }

    @Test
    @DisplayName("commands inside parameter values are listed after the command that holds them")
    void nestedCommands() {
      ParsedScript s = ScriptParser.parse("New-Mailbox -Name 'n' -Password (Read-Host -Prompt 'p' -AsSecureString)\n"
          + "New-ManagementScope -Name 's' -RecipientRestrictionFilter ('MemberOfGroup -eq ' + (ConvertTo-OpathLiteral $d))");
      assertEquals(List.of("New-Mailbox", "Read-Host", "New-ManagementScope", "ConvertTo-OpathLiteral"),
          s.commands().stream().map(ParsedCommand::name).toList());
    }
  }

  @Nested
  @DisplayName("outside the subset: ScriptParseException with line, column and reason")
  class Rejects {
    @ParameterizedTest(name = "[{index}] {0}")
    @CsvSource(delimiter = '§', quoteCharacter = '~', value = {
        "Write-Host \"hi\"                                     § 1 § 12 § double-quoted strings are not supported",
        "Write-Host \u201Chi\u201D                             § 1 § 12 § double-quoted strings are not supported",
        "Write-Host \u201Ehi\u201D                             § 1 § 12 § double-quoted strings are not supported",
        "Write-Host $(whoami)                                  § 1 § 12 § subexpressions $(...) outside a literal",
        "New-X -Name 'a' -Notes $(whoami)                      § 1 § 24 § subexpressions $(...) outside a literal",
        "Write-Host ${env:x}                                   § 1 § 12 § braced variables",
        "Write-Host 'a' `                                      § 1 § 16 § backtick",
        "New-X -Name `'a'                                      § 1 § 13 § backtick",
        "Get-X | Remove-X                                      § 1 § 7 § pipelines are not supported",
        "Write-Host 'a' > out.txt                              § 1 § 16 § redirection",
        "New-X \u2013Name 'a'                                  § 1 § 7 § acts as '-'",
        "New-X -Name 'a'b                                      § 1 § 16 § a literal must be followed by whitespace",
        "New-X -Name bare                                      § 1 § 13 § unquoted value",
        "New-X -Flag $false                                    § 1 § 13 § write a boolean as -Parameter:$false",
        "New-X -Flag:'a'                                       § 1 § 13 § only $true or $false",
        "New-X -Name 'a' # trailing comment                    § 1 § 17 § expected the end of the line",
        "New-X -Name 'a'; Remove-X                             § 1 § 16 § expected the end of the line",
        "New-X -Name ('a' + $x)                                § 1 § 20 § expected a literal or (ConvertTo-OpathLiteral $variable)",
        "New-X -Name (Invoke-Expression 'whoami')              § 1 § 14 § only (Read-Host ...) or (New-PSSession ...) may run as a parameter value",
        "New-X -Name $env:USERNAME                             § 1 § 17 § scoped or drive variables",
        "New-X -Name $x.Length                                 § 1 § 15 § member access",
        "whoami                                                § 1 § 1 § expected a Verb-Noun command name",
        "foreach ($a in $b) {}                                 § 1 § 1 § keyword 'foreach'",
        "& 'cmd.exe'                                           § 1 § 1 § expected a statement",
        "$x = 'a'                                              § 1 § 1 § only $...Preference variables",
        "if ($x) {                                             § 1 § 5 § only 'if (-not (probe))' is supported",
        "New-X -Name @'                                        § 1 § 13 § here-strings are not supported",
        "New-X -Name 'a'--%                                    § 1 § 16 § a literal must be followed by whitespace",
        "New-X --% 'a'                                         § 1 § 7 § '-' must start a parameter",
        "New-X -Name\u00A0'a'                                  § 1 § 12 § whitespace U+00A0",
        "New-X -Name 'a' <# block #>                           § 1 § 17 § block comments are not supported",
        "Invoke-Idempotent { New-X -Name 'a'; New-Y }          § 1 § 36 § '}' closing the Invoke-Idempotent block"})
    void rejected(String text, int line, int column, String reason) {
      ScriptParseException e = assertThrows(ScriptParseException.class, () -> ScriptParser.parse(text.strip()));
      assertTrue(e.getMessage().contains(reason), e.getMessage());
      assertEquals(line, e.line(), e.getMessage());
      assertEquals(column, e.column(), e.getMessage());
    }

    @Test
    @DisplayName("the position is reported on the right line of a longer script")
    void positionInScript() {
      ScriptParseException e = assertThrows(ScriptParseException.class, () -> ScriptParser.parse(
          "# ok\nNew-X -Name 'multi\nline'\nWrite-Host \"$(whoami)\"\n"));
      assertEquals(4, e.line());
      assertEquals(12, e.column());
      assertTrue(e.getMessage().startsWith("line 4, column 12: double-quoted"), e.getMessage());
    }

    @Test
    @DisplayName("a block body must be commands on their own lines, closed by '}'")
    void blocks() {
      assertThrows(ScriptParseException.class, () -> ScriptParser.parse("if (-not (Get-X)) { New-X }"));
      assertThrows(ScriptParseException.class, () -> ScriptParser.parse("if (-not (Get-X)) {\n  New-X\n"));
      assertThrows(ScriptParseException.class, () -> ScriptParser.parse("if (-not (Get-X)) {\n}"));
      assertThrows(ScriptParseException.class, () -> ScriptParser.parse("if (-not (Get-X)) {\n  New-X\n} else {\n  Y-Z\n}"));
      assertThrows(ScriptParseException.class, () -> ScriptParser.parse("function Get-X { 'unterminated }"));
      assertThrows(ScriptParseException.class, () -> ScriptParser.parse("function Get-X { Write-Host \"x\" }"),
          "function bodies follow the same lexical rules");
    }

    @Test
    void opathRejects() {
      assertThrows(ScriptParseException.class, () -> Opath.values("Department -eq \"Sales\""));
      assertThrows(ScriptParseException.class, () -> Opath.values("Department -eq 'Sales"));
      assertThrows(ScriptParseException.class, () -> Opath.values("Department -contains 'Sales'"));
      assertThrows(ScriptParseException.class, () -> Opath.values("(Department -eq 'Sales'"));
      assertThrows(ScriptParseException.class, () -> Opath.values("Department -eq 'a' 'b'"));
      assertEquals(List.of("a'b", "c\u2019", "d"), Opath.values("(A -eq 'a''b') -and -not (B -like 'c\u2019' -or C -ne 'd')"));
    }
  }
}
