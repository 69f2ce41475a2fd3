package dev.impersonation.powershell;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.impersonation.GroupKind;
import dev.impersonation.spi.RecipientFilter;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

class PowerShellLiteralTest {

  /** The docs/powershell-quoting.md worked example: U+0027, U+2019, U+201C, U+201D. */
  private static final String GROUP = "O'Brien\u2019s \u201CTeam\u201D";
  private static final String DN = "CN=O'Brien\u2019s \u201CTeam\u201D,OU=\u2026";

  @Test
  void quotesPlainTextInSingleQuotes() {
    assertEquals("'abc'", PowerShellLiteral.quote("abc"));
    assertEquals("''", PowerShellLiteral.quote(""));
  }

  @Test
  void doublesEachOfTheFiveSingleQuotesWithItself() {
    assertEquals("''''", PowerShellLiteral.quote("'"));
    assertEquals("'\u2018\u2018'", PowerShellLiteral.quote("\u2018"));
    assertEquals("'\u2019\u2019'", PowerShellLiteral.quote("\u2019"));
    assertEquals("'\u201A\u201A'", PowerShellLiteral.quote("\u201A"));
    assertEquals("'\u201B\u201B'", PowerShellLiteral.quote("\u201B"));
    assertEquals("'a''b\u2019\u2019c'", PowerShellLiteral.quote("a'b\u2019c"));
  }

  @Test
  void recognisesExactlyTheFiveSingleQuoteCodePoints() {
    for (int c : new int[] {'\'', 0x2018, 0x2019, 0x201A, 0x201B}) {
      assertTrue(PowerShellLiteral.isSingleQuote(c), Integer.toHexString(c));
    }
    for (int c : new int[] {'"', '`', 0x201C, 0x201D, 0x201E, 0x2032, 0x00B4, 'a'}) {
      assertFalse(PowerShellLiteral.isSingleQuote(c), Integer.toHexString(c));
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {
      "O'Brien", "\u2018left", "right\u2019", "low\u201A9", "rev\u201B", "say \"hi\"", "\u201Ccurly\u201D", "\u201Elow",
      "$(Remove-Mailbox -Identity boss)", "$x", "a`nb", "`", "line1\nline2", "cr\rlf", "a; Remove-Item C:\\ -Recurse",
      "# not a comment", "{ script block }", "@{a=1}", "'; Remove-Mailbox x; '", "\u2019; Remove-Mailbox x; \u2018",
      "''", "\u2018\u2019", "'\u2019\u201A\u201B\u2018", "\u2013Force", "\u0000nul", "tab\there", "\r\n"})
  void specialValuesStayOneLiteral(String value) {
    String literal = PowerShellLiteral.quote(value);
    assertTrue(PsLiterals.isPsSingleQuote(literal.charAt(0)));
    assertEquals(value, PsLiterals.decodeWholePowerShell(literal));
    // Rendered as a parameter, the literal is the last token of the line and decodes back to the value.
    String line = ScriptRenderer.render(Cmdlet.of("Set-Mailbox").text("Identity", value).flag("Force"));
    int at = PsLiterals.expect(line, 0, "Set-Mailbox -Identity ");
    PsLiterals.Decoded d = PsLiterals.decodePowerShell(line, at);
    assertEquals(value, d.value());
    assertEquals(" -Force", line.substring(d.end()));
  }

  @Test
  void neverEmitsDoubleQuotedStrings() {
    String line = ScriptRenderer.render(Cmdlet.of("New-DistributionGroup").text("Name", "$env:USERNAME")
        .list("ManagedBy", List.of("a@contoso.com", "b'c@contoso.com")).bool("RequireSenderAuthenticationEnabled", true));
    assertEquals("New-DistributionGroup -Name '$env:USERNAME' -ManagedBy 'a@contoso.com','b''c@contoso.com'"
        + " -RequireSenderAuthenticationEnabled:$true", line);
  }

  @Test
  void rendersTablesListsSwitchesAndSecretPrompts() {
    Cmdlet c = Cmdlet.of("Set-DistributionGroup").text("Identity", "G")
        .param("ManagedBy", new ParameterValue.Table(Map.of("Add", List.of("o'neil@contoso.com"))))
        .param("Members", new ParameterValue.TextList(List.of()))
        .param("Password", new ParameterValue.SecretPrompt("Password for x'y", true))
        .flag("BypassSecurityGroupManagerCheck");
    assertEquals("Set-DistributionGroup -Identity 'G' -ManagedBy @{Add='o''neil@contoso.com'} -Members @()"
        + " -Password (Read-Host -Prompt 'Password for x''y' -AsSecureString) -BypassSecurityGroupManagerCheck",
        ScriptRenderer.render(c));
  }

  @Test
  void rejectsUnsafeNames() {
    assertThrows(IllegalArgumentException.class, () -> Cmdlet.of("Get-Mailbox; rm"));
    assertThrows(IllegalArgumentException.class, () -> Cmdlet.of("Get-Mailbox").text("Identity -Force", "x"));
    assertThrows(IllegalArgumentException.class, () -> new ParameterValue.Variable("x; rm"));
    assertThrows(IllegalArgumentException.class, () -> ScriptRenderer.render(Cmdlet.of("Set-Thing")
        .param("T", new ParameterValue.Table(Map.of("a;b", List.of("x"))))));
  }

  // --- docs/powershell-quoting.md worked example table, exact emitted text ---

  @Test
  void domainExampleName() {
    assertEquals("New-DistributionGroup -Name 'O''Brien\u2019\u2019s \u201CTeam\u201D'",
        ScriptRenderer.render(Cmdlet.of("New-DistributionGroup").text("Name", GROUP)));
  }

  @Test
  void domainExampleOpathLayer() {
    String expected = "MemberOfGroup -eq 'CN=O''Brien\u2019s \u201CTeam\u201D,OU=\u2026'";
    assertEquals(expected, "MemberOfGroup -eq " + RecipientFilter.opathLiteral(DN));
    RecipientFilter.MemberOfGroups filter = knownDn(DN);
    assertEquals(expected, filter.toOpath(g -> {
      throw new AssertionError("DN is known");
    }));
  }

  @Test
  void domainExamplePowerShellLayerOverOpathLayer() {
    String line = ScriptRenderer.render(Cmdlet.of("New-ManagementScope")
        .param("RecipientRestrictionFilter", new ParameterValue.Filter(knownDn(DN), Map.of())));
    assertEquals("New-ManagementScope -RecipientRestrictionFilter "
        + "'MemberOfGroup -eq ''CN=O''''Brien\u2019\u2019s \u201CTeam\u201D,OU=\u2026'''", line);
    // and PowerShell reads it back as layer (1) exactly
    assertEquals("MemberOfGroup -eq 'CN=O''Brien\u2019s \u201CTeam\u201D,OU=\u2026'",
        PsLiterals.decodeWholePowerShell(line.substring("New-ManagementScope -RecipientRestrictionFilter ".length())));
  }

  @Test
  void filterWithSeveralKnownDnsIsOneLiteral() {
    RecipientFilter f = new RecipientFilter.MemberOfGroups(List.of(
        new RecipientFilter.GroupReference("A", GroupKind.DISTRIBUTION, Optional.of("CN=A'1,DC=x")),
        new RecipientFilter.GroupReference("B", GroupKind.ROOM_LIST, Optional.of("CN=B,DC=x"))));
    String line = ScriptRenderer.render(Cmdlet.of("New-ManagementScope")
        .param("RecipientRestrictionFilter", new ParameterValue.Filter(f, Map.of())));
    assertEquals("New-ManagementScope -RecipientRestrictionFilter "
        + "'(MemberOfGroup -eq ''CN=A''''1,DC=x'') -or (MemberOfGroup -eq ''CN=B,DC=x'')'", line);
  }

  @Test
  void unresolvedDnIsReadFromAVariableThroughTheOpathHelper() {
    RecipientFilter f = new RecipientFilter.MemberOfGroups(List.of(
        new RecipientFilter.GroupReference("G'1", GroupKind.DISTRIBUTION, Optional.empty())));
    String line = ScriptRenderer.render(Cmdlet.of("New-ManagementScope")
        .param("RecipientRestrictionFilter", new ParameterValue.Filter(f, Map.of("G'1", "groupDn1"))));
    assertEquals("New-ManagementScope -RecipientRestrictionFilter "
        + "('MemberOfGroup -eq ' + (ConvertTo-OpathLiteral $groupDn1))", line);
    assertThrows(IllegalStateException.class, () -> ScriptRenderer.render(Cmdlet.of("New-ManagementScope")
        .param("RecipientRestrictionFilter", new ParameterValue.Filter(f, Map.of()))));
  }

  @Test
  void opathHelperDoublesOnlyAsciiQuotes() {
    assertEquals("function ConvertTo-OpathLiteral([string] $Value) { return '''' + $Value.Replace('''', '''''') + '''' }",
        ScriptRenderer.helperFunctions().get(0));
  }

  static RecipientFilter.MemberOfGroups knownDn(String dn) {
    return new RecipientFilter.MemberOfGroups(List.of(
        new RecipientFilter.GroupReference("group", GroupKind.DISTRIBUTION, Optional.of(dn))));
  }
}
