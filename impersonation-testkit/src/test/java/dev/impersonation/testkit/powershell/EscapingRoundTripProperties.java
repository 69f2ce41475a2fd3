package dev.impersonation.testkit.powershell;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.impersonation.GroupKind;
import dev.impersonation.TenantTarget;
import dev.impersonation.powershell.Cmdlet;
import dev.impersonation.powershell.CmdletMapping;
import dev.impersonation.powershell.ParameterValue;
import dev.impersonation.powershell.ScriptRenderer;
import dev.impersonation.powershell.Statement;
import dev.impersonation.spi.Operation;
import dev.impersonation.spi.RecipientFilter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.ShrinkingMode;
import net.jqwik.api.Tuple;

/**
 * Whatever string reaches the renderer, the independent parser reads the same string back (docs/powershell-quoting.md), through
 * the PowerShell layer and, for filters, the OPATH layer; and text outside the subset is never accepted.
 */
class EscapingRoundTripProperties {
  private static final String SEED = "20261123";
  private static final int TRIES = 2000;

  /** Fragments that stress the tokenizer: every quote code point, expansion syntax, line breaks, other scripts. */
  private static final List<String> HOSTILE = List.of(
      "'", "\u2018", "\u2019", "\u201A", "\u201B", "''", "'\u2019", "\u2019'", "\u201B\u201A",
      "\"", "\u201C", "\u201D", "\u201E", "$", "$(", "$(whoami)", "${env:USERNAME}", "$env:PATH", "`", "`n", "`'",
      "\r", "\n", "\r\n", "\u2028", "\u2029", "\u0085", "\t", " ", "\u00A0", "\0",
      "#", "<#", "#>", "@'", "'@", "@(", "@{", "{", "}", "(", ")", ";", "|", ",", "&", "-", "--%", "\u2013", "\u2014",
      "+", "=", ".", "[", "]", "\\", "\\,", "CN=", ",OU=Groups", "Sales",
      "\u00D8ystein", "\u041F\u0440\u0438\u0432\u0435\u0442", "\u65E5\u672C\u8A9E", "\u0639\u0631\u0628\u064A",
      "\u05E2\u05D1\u05E8\u05D9\u05EA", "\uD83D\uDE00", "\uD83D\uDC68\u200D\uD83D\uDC69\u200D\uD83D\uDC67", "\u200B",
      "\uFEFF", "\uD800", "a", "Z", "0");

  @Provide
  Arbitrary<String> anyString() {
    Arbitrary<String> fragments = Arbitraries.of(HOSTILE).list().ofMaxSize(12).map(l -> String.join("", l));
    Arbitrary<String> quotes = Arbitraries.strings().withChars("'\u2018\u2019\u201A\u201B\"\u201C\u201D\u201Ea$`")
        .ofMaxLength(10);
    Arbitrary<String> unicode = Arbitraries.strings().all().ofMaxLength(16);
    Arbitrary<String> printable = Arbitraries.strings().ascii().ofMaxLength(24);
    return Arbitraries.frequencyOf(
        Tuple.of(5, fragments), Tuple.of(3, quotes),
        Tuple.of(1, unicode), Tuple.of(1, printable));
  }

  @Provide
  Arbitrary<String> distinguishedNames() {
    return anyString().map(s -> "CN=" + s + ",OU=Groups,DC=contoso,DC=com");
  }

  // ------------------------------------------------------------------ PowerShell layer

  @Property(tries = TRIES, seed = SEED, shrinking = ShrinkingMode.FULL)
  void textAndListValuesRoundTrip(@ForAll("anyString") String s) {
    String line = ScriptRenderer.render(Cmdlet.of("New-DistributionGroup").text("Name", s).list("ManagedBy", List.of(s, "x"))
        .text("Notes", s));
    ParsedCommand c = ScriptParser.parseCommand(line);
    assertEquals("New-DistributionGroup", c.name());
    assertEquals(List.of("Name", "ManagedBy", "Notes"), c.parameterNames());
    assertEquals(s, c.text("Name"), line);
    assertEquals(new ParsedValue.LiteralList(List.of(s, "x")), c.parameter("ManagedBy").orElseThrow(), line);
    assertEquals(s, c.text("Notes"), line);
    assertTrue(c.arguments().isEmpty(), line);
  }

  @Property(tries = TRIES, seed = SEED)
  void everyValueKindRoundTrips(@ForAll("anyString") String s, @ForAll("anyString") String t) {
    String line = ScriptRenderer.render(Cmdlet.of("Set-Thing").text("Identity", s)
        .param("ManagedBy", new ParameterValue.Table(Map.of("Add", List.of(s, t))))
        .param("Password", new ParameterValue.SecretPrompt(t, true))
        .param("Other", new ParameterValue.SecretPrompt(s, false))
        .param("Empty", new ParameterValue.TextList(List.of())).bool("Confirm", false).flag("Force")
        .param("Dn", new ParameterValue.Variable("groupDn1")).text("Last", t));
    ParsedCommand c = ScriptParser.parseCommand(line);
    assertEquals(s, c.text("Identity"));
    assertEquals(new ParsedValue.HashTable(Map.of("Add", new ParsedValue.LiteralList(List.of(s, t)))),
        c.parameter("ManagedBy").orElseThrow());
    assertEquals(new ParsedValue.SecretPrompt(t, true), c.parameter("Password").orElseThrow());
    assertEquals(new ParsedValue.SecretPrompt(s, false), c.parameter("Other").orElseThrow());
    assertEquals(new ParsedValue.LiteralList(List.of()), c.parameter("Empty").orElseThrow());
    assertEquals(new ParsedValue.Bool(false), c.parameter("Confirm").orElseThrow());
    assertEquals(new ParsedValue.Switch(), c.parameter("Force").orElseThrow());
    assertEquals(new ParsedValue.Variable("groupDn1"), c.parameter("Dn").orElseThrow());
    assertEquals(t, c.text("Last"));
  }

  /**
   * Any string inside a comment stays in that one comment line: the independent parser reads exactly one comment, whose
   * text is the escaped value, and no quote-like character, backtick, {@code $}, control or format character survives.
   */
  @Property(tries = TRIES, seed = SEED)
  void anyStringInACommentStaysInItsLine(@ForAll("anyString") String s) {
    String line = ScriptRenderer.comment("Step 1: CREATE group " + ScriptRenderer.commentValue(s) + " - done");
    ParsedScript parsed = ScriptParser.parse(line + "\nWrite-Host 'after'");
    assertEquals(2, parsed.statements().size(), line);
    ParsedStatement.Comment comment = assertInstanceOf(ParsedStatement.Comment.class, parsed.statements().get(0));
    assertEquals("Step 1: CREATE group " + ScriptRenderer.commentValue(s) + " - done", comment.text());
    assertTrue(comment.text().chars().noneMatch(c -> c == '$' || c == '`' || c == '"' || c == '\''
        || (c >= 0x2018 && c <= 0x201E) || Character.getType(c) == Character.CONTROL || Character.getType(c) == Character.FORMAT
        || c == 0x2028 || c == 0x2029), comment::text);
  }

  /** The verification call and the tenant guards carry any value as one literal that reads back exactly. */
  @Property(tries = TRIES, seed = SEED)
  void verificationAndGuardValuesRoundTrip(@ForAll("anyString") String s, @ForAll("anyString") String t) {
    String call = ScriptRenderer.render(Cmdlet.of("Test-ImpersonationAccess").text("Check", "ServicePrincipalAuthorization")
        .text("Principal", s).list("Roles", List.of(s, t)).list("Granted", List.of(t)).list("Denied", List.of())
        .text("Group", s).flag("PickOutsider"));
    ParsedCommand parsed = ScriptParser.parseCommand(call);
    assertEquals(s, parsed.text("Principal"));
    assertEquals(List.of(s, t), parsed.texts("Roles"));
    assertEquals(List.of(t), parsed.texts("Granted"));
    assertEquals(new ParsedValue.LiteralList(List.of()), parsed.parameter("Denied").orElseThrow());
    assertEquals(s, parsed.text("Group"));
    String guard = ScriptRenderer.render(Cmdlet.of("Assert-ExchangeOnlineOrganization").text("Expected", s));
    assertEquals(s, ScriptParser.parseCommand(guard).text("Expected"));
  }

  /** Every statement form with hostile text: the script keeps its shape, and comments never become code. */
  @Property(tries = TRIES, seed = SEED)
  void statementsKeepTheirShape(@ForAll("anyString") String s) {
    List<Statement> statements = List.of(
        new Statement.Comment(s),
        new Statement.Fail(s),
        new Statement.RunUnlessFound(Cmdlet.of("Get-ManagementScope").text("Identity", s),
            List.of(Cmdlet.of("New-ManagementScope").text("Name", s), Cmdlet.of("Set-Thing").text("Notes", s))),
        new Statement.RunIdempotent(Cmdlet.of("Add-DistributionGroupMember").text("Identity", s).text("Member", s)),
        new Statement.Assign("groupDn1", Cmdlet.of("Get-DistributionGroup").text("Identity", s), "DistinguishedName"),
        new Statement.WaitUntilFound(Cmdlet.of("Get-Mailbox").text("Identity", s), 60, s),
        new Statement.Run(Cmdlet.of("Write-Host").text("Object", s)));
    String script = statements.stream().map(ScriptRenderer::render).collect(Collectors.joining("\n"));
    ParsedScript parsed = ScriptParser.parse(script);

    List<ParsedStatement> st = new ArrayList<>(parsed.statements());
    int commentLines = 0;
    while (!st.isEmpty() && st.get(0) instanceof ParsedStatement.Comment) {
      st.remove(0);
      commentLines++;
    }
    assertEquals(s.split("\n", -1).length, commentLines, "one comment statement per author line (\\n) of text:\n" + script);
    assertEquals(6, st.size(), script);
    assertEquals(new ParsedStatement.Throw(s), st.get(0));
    ParsedStatement.GuardedBlock guarded = assertInstanceOf(ParsedStatement.GuardedBlock.class, st.get(1));
    assertEquals(s, guarded.probe().text("Identity"));
    assertEquals(new ParsedValue.Word("SilentlyContinue"), guarded.probe().parameter("ErrorAction").orElseThrow());
    assertEquals(List.of(s, s), List.of(guarded.body().get(0).text("Name"), guarded.body().get(1).text("Notes")));
    ParsedStatement.IdempotentBlock idempotent = assertInstanceOf(ParsedStatement.IdempotentBlock.class, st.get(2));
    assertEquals(s, idempotent.command().text("Member"));
    ParsedStatement.Assignment assignment = assertInstanceOf(ParsedStatement.Assignment.class, st.get(3));
    assertEquals("groupDn1", assignment.variable());
    assertEquals(s, assignment.read().text("Identity"));
    assertEquals("DistinguishedName", assignment.property());
    ParsedStatement.WaitLoop wait = assertInstanceOf(ParsedStatement.WaitLoop.class, st.get(4));
    assertEquals(s, wait.probe().text("Identity"));
    String message = ((ParsedValue.Literal) wait.body().get(0).arguments().get(0)).value();
    assertEquals(s.replaceAll("[\\r\\n\\u0085\\u2028\\u2029]+", " "), message, "the wait message is kept on one line");
    assertEquals(new ParsedValue.Number(60), wait.body().get(1).parameter("Seconds").orElseThrow());
    assertEquals(s, ((ParsedStatement.Command) st.get(5)).command().text("Object"));
    assertEquals(List.of("Get-ManagementScope", "New-ManagementScope", "Set-Thing", "Add-DistributionGroupMember",
        "Get-DistributionGroup", "Get-Mailbox", "Write-Host", "Start-Sleep", "Write-Host"),
        parsed.commands().stream().map(ParsedCommand::name).toList());
  }

  /** The tokenizer's pair rule, independently of the renderer: any quote character may escape any other. */
  @Property(tries = TRIES, seed = SEED)
  void anyQuotePairStandsForTheSecond(@ForAll("anyString") String s,
      @ForAll("quoteChars") char open, @ForAll("quoteChars") char close, @ForAll("quoteChars") char escape) {
    StringBuilder literal = new StringBuilder().append(open);
    for (char c : s.toCharArray()) {
      if (Tokenizer.isSingleQuote(c)) {
        literal.append(escape);
      }
      literal.append(c);
    }
    literal.append(close);
    assertEquals(s, ScriptParser.parseLiteral(literal.toString()), literal.toString());
  }

  @Provide
  Arbitrary<Character> quoteChars() {
    return Arbitraries.of('\'', '\u2018', '\u2019', '\u201A', '\u201B');
  }

  /**
   * Riva B's grant over a recipient filter: whatever the filter and the account, the script's one call of the loop
   * function reads both back exactly, and the comment above it (which names the filter) stays a comment.
   */
  @Property(tries = TRIES, seed = SEED)
  void fullAccessByFilterRoundTrips(@ForAll("anyString") String filter, @ForAll("anyString") String user) {
    List<Statement> statements = new CmdletMapping(TenantTarget.exchangeOnline("contoso.onmicrosoft.com"), g -> "groupDn1")
        .statements(new Operation.AddMailboxPermissions(user, List.of("ann@contoso.com"), Optional.of(filter)));
    String script = statements.stream().map(ScriptRenderer::render).collect(Collectors.joining("\n"));
    ParsedScript parsed = ScriptParser.parse(script);
    assertEquals(1, parsed.commands().size(), script);
    ParsedCommand grant = parsed.command("Grant-FullAccessByFilter").orElseThrow(() -> new AssertionError(script));
    assertEquals(List.of("Filter", "User"), grant.parameterNames());
    assertEquals(filter, grant.text("Filter"), script);
    assertEquals(user, grant.text("User"), script);
  }

  /**
   * A data block (a large group's members, one literal per line): whatever the addresses hold (quotes of every kind,
   * {@code $}, backticks, line breaks), the parser reads back exactly the list, one value per literal.
   */
  @Property(tries = TRIES, seed = SEED)
  void dataBlockRoundTrips(@ForAll("anyString") String a, @ForAll("anyString") String b, @ForAll("anyString") String c) {
    List<String> values = List.of(a, b, c, a + b, "plain@contoso.com");
    String script = ScriptRenderer.render(new Statement.DataBlock("members1", values)) + "\n"
        + ScriptRenderer.render(new Statement.Run(dev.impersonation.powershell.Cmdlet.of("Add-GroupMembersFromList").text("Identity", c)
            .text("LinkType", "Members").param("Members", new dev.impersonation.powershell.ParameterValue.Variable("members1"))));
    ParsedScript parsed = ScriptParser.parse(script);
    List<ParsedStatement.ListAssignment> blocks = parsed.statements(ParsedStatement.ListAssignment.class);
    assertEquals(1, blocks.size(), script);
    assertEquals(values, blocks.get(0).values(), script);
    ParsedCommand call = parsed.command("Add-GroupMembersFromList").orElseThrow(() -> new AssertionError(script));
    assertEquals(values, parsed.values(call, "Members"));
    assertEquals(c, call.text("Identity"));
  }

  // ------------------------------------------------------------------ OPATH layer

  private static ParsedCommand renderedScope(RecipientFilter filter) {
    List<Statement> statements = new CmdletMapping(TenantTarget.exchangeServer("contoso.com"), g -> "groupDn1")
        .statements(new Operation.NewManagementScope("Scope", filter));
    String script = statements.stream().map(ScriptRenderer::render).collect(Collectors.joining("\n"));
    ParsedScript parsed = ScriptParser.parse(script);
    ParsedStatement.GuardedBlock block = assertInstanceOf(ParsedStatement.GuardedBlock.class, parsed.statements().get(0));
    assertEquals("Get-ManagementScope", block.probe().name());
    return block.body().get(0);
  }

  @Property(tries = TRIES, seed = SEED)
  void knownDistinguishedNameSurvivesBothLayers(@ForAll("distinguishedNames") String dn) {
    ParsedCommand scope = renderedScope(new RecipientFilter.MemberOfGroups(
        List.of(new RecipientFilter.GroupReference("G", GroupKind.DISTRIBUTION, Optional.of(dn)))));
    ParsedValue filter = scope.parameter("RecipientRestrictionFilter").orElseThrow();
    assertInstanceOf(ParsedValue.Literal.class, filter);
    assertEquals(List.of(dn), filter.opathFilterValues());
    assertEquals(List.of(new Opath.Comparison("MemberOfGroup", "eq", dn)),
        Opath.comparisons(scope.text("RecipientRestrictionFilter")));
  }

  @Property(tries = TRIES, seed = SEED)
  void severalKnownDistinguishedNamesSurviveBothLayers(@ForAll("distinguishedNames") String a,
      @ForAll("distinguishedNames") String b) {
    ParsedCommand scope = renderedScope(new RecipientFilter.MemberOfGroups(List.of(
        new RecipientFilter.GroupReference("A", GroupKind.ROOM_LIST, Optional.of(a)),
        new RecipientFilter.GroupReference("B", GroupKind.ROOM_LIST, Optional.of(b)))));
    assertEquals(List.of(a, b), scope.parameter("RecipientRestrictionFilter").orElseThrow().opathFilterValues());
  }

  @Property(tries = TRIES, seed = SEED)
  void distinguishedNameReadAtRunTimeSurvivesBothLayers(@ForAll("distinguishedNames") String dn) {
    ParsedCommand scope = renderedScope(new RecipientFilter.MemberOfGroups(
        List.of(new RecipientFilter.GroupReference("G", GroupKind.DISTRIBUTION, Optional.empty()))));
    ParsedValue.Concatenation filter = assertInstanceOf(ParsedValue.Concatenation.class,
        scope.parameter("RecipientRestrictionFilter").orElseThrow());
    assertEquals(List.of(new ParsedValue.Variable("groupDn1")), filter.variables());
    assertEquals(List.of(dn), Opath.values(filter.evaluate(v -> dn)));
  }

  @Property(tries = TRIES, seed = SEED)
  void customFilterValueSurvivesBothLayers(@ForAll("anyString") String value) {
    String opath = "Department -eq '" + value.replace("'", "''") + "'";
    ParsedCommand scope = renderedScope(new RecipientFilter.Custom(opath));
    assertEquals(opath, scope.text("RecipientRestrictionFilter"));
    assertEquals(List.of(value), scope.parameter("RecipientRestrictionFilter").orElseThrow().opathFilterValues());
  }

  // ------------------------------------------------------------------ never accept outside the subset

  @Property(tries = TRIES, seed = SEED)
  void doubleQuotedArgumentsAreAlwaysRejected(@ForAll("anyString") String s, @ForAll("doubleQuotes") char q) {
    ScriptParseException e = assertThrows(ScriptParseException.class,
        () -> ScriptParser.parse("Write-Host 'ok'\nNew-Thing -Name " + q + s + q + "\n"));
    assertEquals(2, e.line(), e.getMessage());
    assertEquals(17, e.column(), e.getMessage());
  }

  @Provide
  Arbitrary<Character> doubleQuotes() {
    return Arbitraries.of('"', '\u201C', '\u201D', '\u201E');
  }

  @Property(tries = TRIES, seed = SEED)
  void subexpressionAfterARenderedLiteralIsRejected(@ForAll("anyString") String s) {
    String script = ScriptRenderer.render(Cmdlet.of("New-Thing").text("Name", s)) + " $(whoami)";
    assertThrows(ScriptParseException.class, () -> ScriptParser.parse(script));
  }
}
