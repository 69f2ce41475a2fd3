package dev.impersonation.powershell;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/** A value inside a comment can never start a line of code. */
class ScriptRendererCommentProperties {

  /** Line breaks as PowerShell (CR, LF) and editors (NEL, LS, PS) see them. */
  private static final String BREAKS = "\n\r\u0085\u2028\u2029";

  @Provide
  Arbitrary<String> withLineBreaks() {
    Arbitrary<String> text = Arbitraries.strings().withChars(BREAKS + "#'$`; ").withCharRange('a', 'c').ofMaxLength(40);
    Arbitrary<String> code = Arbitraries.of("Remove-Mailbox -Identity boss -Confirm:$false", "<#", "#>", "}", "\r\n", "");
    return net.jqwik.api.Combinators.combine(text, Arbitraries.of(BREAKS.split("")).map(String::valueOf), code, text)
        .as((a, br, c, b) -> a + br + c + b);
  }

  @Property(tries = 1000, seed = "20261126")
  void everyLineOfACommentStartsWithHash(@ForAll("withLineBreaks") String text) {
    String comment = ScriptRenderer.comment(text);
    for (String line : comment.split("\r\n|\r|\n", -1)) {
      assertTrue(line.startsWith("#"), () -> "line without # in " + visible(comment));
    }
    assertFalse(comment.chars().anyMatch(c -> c == 0x85 || c == 0x2028 || c == 0x2029), () -> visible(comment));
  }

  @Property(tries = 300, seed = "20261127")
  void statementCommentInsideARenderedScriptStaysAComment(@ForAll("withLineBreaks") String text) {
    String rendered = ScriptRenderer.render(new Statement.Comment(text));
    for (String line : rendered.split("\r\n|\r|\n", -1)) {
      assertTrue(line.startsWith("#"), () -> visible(rendered));
    }
  }

  @Example
  void keepsTheTextOfEachAuthorLineAndEscapesTheRest() {
    assertEquals("# Step 1: create \\u0027G\\u0027\\u000D\n# Remove-Mailbox x\n#\n# \\u000Ddone",
        ScriptRenderer.comment("Step 1: create 'G'\r\nRemove-Mailbox x\n\n\rdone"));
    assertEquals("# a\\u2028b \\u0085 \\u2029", ScriptRenderer.comment("a\u2028b \u0085 \u2029"));
    assertEquals("O\\u0027Brien\\u2019s \\u201CTeam\\u201D \\u0060 \\u0024(x) \\u0022 \\u202E",
        ScriptRenderer.commentValue("O'Brien\u2019s \u201CTeam\u201D ` $(x) \" \u202E"));
  }

  /** Any string, as a value inside a comment, stays inside that one comment line and shows no quote, $ or backtick. */
  @Property(tries = 2000, seed = "20261202")
  void anyValueStaysInItsOneCommentLine(@ForAll("anyText") String value) {
    String line = ScriptRenderer.comment("before " + ScriptRenderer.commentValue(value) + " after");
    assertEquals(1, line.split("\r\n|\r|\n|\u0085|\u2028|\u2029", -1).length, () -> visible(line));
    assertTrue(line.startsWith("# before ") && line.endsWith(" after"), () -> visible(line));
    for (char c : line.toCharArray()) {
      assertFalse(c == '$' || c == '`' || PowerShellLiteral.isSingleQuote(c) || "\"\u201C\u201D\u201E".indexOf(c) >= 0
          || Character.getType(c) == Character.CONTROL || Character.getType(c) == Character.FORMAT, () -> visible(line));
    }
  }

  /** Each escaped character becomes exactly its six-character escape; every other character is kept as it is. */
  @Property(tries = 1000, seed = "20261203")
  void escapesExactlyTheDangerousCharacters(@ForAll("anyText") String value) {
    StringBuilder expected = new StringBuilder();
    for (char c : value.toCharArray()) {
      expected.append(ScriptRenderer.mustEscapeInComment(c) ? String.format("\\u%04X", (int) c) : String.valueOf(c));
    }
    assertEquals(expected.toString(), ScriptRenderer.commentValue(value));
  }

  @Provide
  Arbitrary<String> anyText() {
    Arbitrary<String> hostile = Arbitraries.strings().withChars("'\u2018\u2019\u201A\u201B\"\u201C\u201D\u201E`$#<>{}()\r\n\u0085"
        + "\u2028\u2029\u0000\u001B\u007F\u009B\u202E\uFEFF\\u; ").withCharRange('a', 'c').ofMaxLength(30);
    return Arbitraries.oneOf(hostile, Arbitraries.strings().all().ofMaxLength(30));
  }

  @Example
  void waitMessageAndFailMessagesDoNotBreakOutOfTheirLiteral() {
    String wait = ScriptRenderer.render(new Statement.WaitUntilFound(Cmdlet.of("Get-Mailbox").text("Identity", "a"), 60,
        "line1\nRemove-Mailbox x"));
    List<String> lines = wait.lines().toList();
    assertEquals(4, lines.size(), wait);
    assertEquals("  Write-Host 'line1 Remove-Mailbox x'", lines.get(1));
    String fail = ScriptRenderer.render(new Statement.Fail("it's \nbad"));
    assertEquals("throw 'it''s \nbad'", fail);
    assertEquals("it's \nbad", PsLiterals.decodeWholePowerShell(fail.substring("throw ".length())));
  }

  /** Framing around a known value stays; whatever the value holds is escaped; the line is still one comment line. */
  @Property(tries = 1000, seed = "20261204")
  void framedKnownValuesKeepTheirFramingAndAreEscaped(@ForAll("anyText") String value, @ForAll("anyText") String text) {
    String other = text.replace('\n', ' '); // our own text's line breaks start new comment lines; values' never do
    String line = ScriptRenderer.comment("create group '" + value + "' beside '" + other + "'", java.util.List.of(value));
    assertEquals(1, line.split("\r\n|\r|\n|\u0085|\u2028|\u2029", -1).length, () -> visible(line));
    for (char c : line.toCharArray()) {
      assertFalse(c == '$' || c == '`' || "\"\u201C\u201D\u201E\u2018\u2019\u201A\u201B".indexOf(c) >= 0
          || Character.getType(c) == Character.CONTROL || Character.getType(c) == Character.FORMAT, () -> visible(line));
    }
    if (!value.isEmpty()) {
      assertTrue(line.startsWith("# create group '" + ScriptRenderer.commentValue(value) + "' beside "), () -> visible(line));
    }
    // The unknown value's quotes and framing are escaped: only known values keep ASCII framing quotes.
    assertTrue(line.endsWith(ScriptRenderer.commentValue("'" + other + "'").stripTrailing())
        || line.endsWith("'" + ScriptRenderer.commentValue(other) + "'") && other.equals(value), () -> visible(line));
  }

  @Example
  void stepCommentsReadAsWritten() {
    assertEquals("# Step 7: CREATE role assignment 'CalendarSync-Mail.Read' for group 'O\\u0027Brien' (-RecipientGroupScope)",
        ScriptRenderer.comment("Step 7: CREATE role assignment 'CalendarSync-Mail.Read' for group 'O'Brien' (-RecipientGroupScope)",
            java.util.List.of("CalendarSync-Mail.Read", "O'Brien")));
    assertEquals("# an \\u0027unknown\\u0027 value", ScriptRenderer.comment("an 'unknown' value", java.util.List.of("known")));
  }

  private static String visible(String s) {
    return s.replace("\r", "\\r").replace("\n", "\\n\n");
  }
}
