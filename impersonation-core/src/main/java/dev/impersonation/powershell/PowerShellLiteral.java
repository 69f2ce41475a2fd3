package dev.impersonation.powershell;

/**
 * PowerShell single-quoted string literals (docs/powershell-quoting.md). Every single-quote code point PowerShell recognises
 * (U+0027, U+2018, U+2019, U+201A, U+201B) is doubled with itself; nothing else is special inside single quotes,
 * so any value, including {@code $(...)}, backticks, double quotes and newlines, stays one literal.
 */
public final class PowerShellLiteral {
  private PowerShellLiteral() {}

  /** True for the characters PowerShell treats as a single quote. */
  public static boolean isSingleQuote(int c) {
    return c == '\'' || c == '\u2018' || c == '\u2019' || c == '\u201A' || c == '\u201B';
  }

  /** The value as a single-quoted PowerShell literal, quotes included. */
  public static String quote(String value) {
    StringBuilder out = new StringBuilder(value.length() + 8).append('\'');
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      out.append(c);
      if (isSingleQuote(c)) {
        out.append(c);
      }
    }
    return out.append('\'').toString();
  }
}
