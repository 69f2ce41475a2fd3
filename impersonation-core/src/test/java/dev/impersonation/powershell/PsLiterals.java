package dev.impersonation.powershell;

/**
 * Test-side decoders, written independently of the main code from docs/powershell-quoting.md and the PowerShell tokenizer:
 *
 * <ul>
 *   <li>PowerShell single-quoted literal: any of U+0027, U+2018, U+2019, U+201A, U+201B opens or closes it; inside,
 *       a quote character followed by another quote character stands for one character and the tokenizer keeps the
 *       <em>second</em> (so a pair of the same character round-trips); nothing else is special.</li>
 *   <li>OPATH value literal (layer 1 policy): U+0027 opens and closes; {@code ''} inside stands for one {@code '}.</li>
 * </ul>
 */
final class PsLiterals {
  private PsLiterals() {}

  /** A decoded literal: its value and the index just after its closing quote. */
  record Decoded(String value, int end) {}

  static boolean isPsSingleQuote(char c) {
    return c == '\'' || c == '\u2018' || c == '\u2019' || c == '\u201A' || c == '\u201B';
  }

  /** Decodes the PowerShell single-quoted literal starting at {@code start}. */
  static Decoded decodePowerShell(String text, int start) {
    if (start >= text.length() || !isPsSingleQuote(text.charAt(start))) {
      throw new AssertionError("no single-quoted literal at " + start + " in: " + text);
    }
    StringBuilder value = new StringBuilder();
    int i = start + 1;
    while (true) {
      if (i >= text.length()) {
        throw new AssertionError("unterminated single-quoted literal starting at " + start + " in: " + text);
      }
      char c = text.charAt(i);
      if (isPsSingleQuote(c)) {
        if (i + 1 < text.length() && isPsSingleQuote(text.charAt(i + 1))) {
          value.append(text.charAt(i + 1)); // the tokenizer keeps the second of the pair
          i += 2;
          continue;
        }
        return new Decoded(value.toString(), i + 1);
      }
      value.append(c);
      i++;
    }
  }

  /** Decodes a text that must be exactly one PowerShell single-quoted literal. */
  static String decodeWholePowerShell(String literal) {
    Decoded d = decodePowerShell(literal, 0);
    if (d.end() != literal.length()) {
      throw new AssertionError("literal ends at " + d.end() + " but the text continues: " + literal);
    }
    return d.value();
  }

  /** Decodes the OPATH value literal starting at {@code start} (only U+0027 quotes). */
  static Decoded decodeOpath(String text, int start) {
    if (start >= text.length() || text.charAt(start) != '\'') {
      throw new AssertionError("no OPATH literal at " + start + " in: " + text);
    }
    StringBuilder value = new StringBuilder();
    int i = start + 1;
    while (true) {
      if (i >= text.length()) {
        throw new AssertionError("unterminated OPATH literal starting at " + start + " in: " + text);
      }
      char c = text.charAt(i);
      if (c == '\'') {
        if (i + 1 < text.length() && text.charAt(i + 1) == '\'') {
          value.append('\'');
          i += 2;
          continue;
        }
        return new Decoded(value.toString(), i + 1);
      }
      value.append(c);
      i++;
    }
  }

  /** Asserts that {@code text} continues with {@code expected} at {@code at}; returns the index after it. */
  static int expect(String text, int at, String expected) {
    if (!text.startsWith(expected, at)) {
      throw new AssertionError("expected \"" + expected + "\" at " + at + " in: " + text);
    }
    return at + expected.length();
  }
}
