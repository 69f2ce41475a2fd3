package dev.impersonation.powershell;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.impersonation.GroupKind;
import dev.impersonation.TenantTarget;
import dev.impersonation.spi.Operation;
import dev.impersonation.spi.RecipientFilter;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.Size;

/** Round-trip properties of the PowerShell literal and the two-layer filter against the test-side decoders. */
class PowerShellLiteralProperties {

  /** Characters that matter to PowerShell or OPATH, mixed with ordinary text. */
  static final String SPECIALS = "'\u2018\u2019\u201A\u201B\"\u201C\u201D\u201E$()`\n\r;#{}@&|<>,=\\ \t\u2013\u2014\u2015\u0000";

  @Provide
  static Arbitrary<String> nasty() {
    Arbitrary<String> mostlySpecial = Arbitraries.strings().withChars(SPECIALS).withCharRange('a', 'c').ofMaxLength(30);
    Arbitrary<String> anything = Arbitraries.strings().all().ofMaxLength(30);
    Arbitrary<String> injection = Arbitraries.of("'; Remove-Mailbox -Identity x; '", "$(Get-Secret)", "\u2019 + $x + \u2018",
        "'''", "\u201B\u201B\u201B", "`'", "CN=O'Brien\u2019s \u201CTeam\u201D,OU=x");
    return Arbitraries.frequencyOf(
        net.jqwik.api.Tuple.of(6, mostlySpecial),
        net.jqwik.api.Tuple.of(3, anything),
        net.jqwik.api.Tuple.of(1, injection));
  }

  @Property(tries = 1000, seed = "20261122")
  void quoteDecodesBackAsOneLiteral(@ForAll("nasty") String s) {
    assertEquals(s, PsLiterals.decodeWholePowerShell(PowerShellLiteral.quote(s)));
  }

  @Property(tries = 1000, seed = "20261123")
  void renderedCmdletKeepsEveryValueInItsOwnLiteral(@ForAll("nasty") String a, @ForAll("nasty") String b,
      @ForAll @Size(max = 3) List<@net.jqwik.api.From("nasty") String> list) {
    Cmdlet c = Cmdlet.of("New-DistributionGroup").text("Name", a).list("ManagedBy", list).text("Notes", b).flag("RoomList");
    String line = ScriptRenderer.render(c);
    int at = PsLiterals.expect(line, 0, "New-DistributionGroup -Name ");
    PsLiterals.Decoded name = PsLiterals.decodePowerShell(line, at);
    assertEquals(a, name.value());
    at = PsLiterals.expect(line, name.end(), " -ManagedBy ");
    if (list.isEmpty()) {
      at = PsLiterals.expect(line, at, "@()");
    } else {
      for (int i = 0; i < list.size(); i++) {
        if (i > 0) {
          at = PsLiterals.expect(line, at, ",");
        }
        PsLiterals.Decoded d = PsLiterals.decodePowerShell(line, at);
        assertEquals(list.get(i), d.value());
        at = d.end();
      }
    }
    at = PsLiterals.expect(line, at, " -Notes ");
    PsLiterals.Decoded notes = PsLiterals.decodePowerShell(line, at);
    assertEquals(b, notes.value());
    assertEquals(" -RoomList", line.substring(notes.end()));
  }

  // --- two layers: OPATH value inside a PowerShell literal ---

  @Property(tries = 1000, seed = "20261124")
  void knownDnSurvivesBothLayers(@ForAll("nasty") String dn) {
    String prefix = "New-ManagementScope -RecipientRestrictionFilter ";
    String line = ScriptRenderer.render(Cmdlet.of("New-ManagementScope")
        .param("RecipientRestrictionFilter", new ParameterValue.Filter(PowerShellLiteralTest.knownDn(dn), Map.of())));
    // layer 2: PowerShell
    PsLiterals.Decoded ps = PsLiterals.decodePowerShell(line, PsLiterals.expect(line, 0, prefix));
    assertEquals(line.length(), ps.end(), "the filter must be exactly one literal");
    String opath = ps.value();
    assertEquals("MemberOfGroup -eq '" + dn.replace("'", "''") + "'", opath);
    // layer 1: OPATH
    PsLiterals.Decoded value = PsLiterals.decodeOpath(opath, PsLiterals.expect(opath, 0, "MemberOfGroup -eq "));
    assertEquals(opath.length(), value.end());
    assertEquals(dn, value.value());
  }

  @Property(tries = 500, seed = "20261125")
  void cmdletMappingScopeSurvivesBothLayers(@ForAll("nasty") String dn1, @ForAll("nasty") String dn2) {
    RecipientFilter filter = new RecipientFilter.MemberOfGroups(List.of(
        new RecipientFilter.GroupReference("G1", GroupKind.DISTRIBUTION, Optional.of(dn1)),
        new RecipientFilter.GroupReference("G2", GroupKind.MAIL_ENABLED_SECURITY, Optional.of(dn2))));
    CmdletMapping mapping = new CmdletMapping(TenantTarget.exchangeOnline("contoso.onmicrosoft.com"), g -> "dn");
    List<Statement> statements = mapping.statements(new Operation.NewManagementScope("Scope", filter));
    Statement.RunUnlessFound s = (Statement.RunUnlessFound) statements.get(0);
    String line = ScriptRenderer.render(s.actions().get(0));
    int at = PsLiterals.expect(line, 0, "New-ManagementScope -Name 'Scope' -RecipientRestrictionFilter ");
    PsLiterals.Decoded ps = PsLiterals.decodePowerShell(line, at);
    assertEquals(line.length(), ps.end());
    String opath = ps.value();
    int o = PsLiterals.expect(opath, 0, "(MemberOfGroup -eq ");
    PsLiterals.Decoded v1 = PsLiterals.decodeOpath(opath, o);
    assertEquals(dn1, v1.value());
    o = PsLiterals.expect(opath, v1.end(), ") -or (MemberOfGroup -eq ");
    PsLiterals.Decoded v2 = PsLiterals.decodeOpath(opath, o);
    assertEquals(dn2, v2.value());
    assertEquals(")", opath.substring(v2.end()));
  }
}
