package dev.impersonation.testkit;

import java.util.Locale;
import java.util.function.Function;
import java.util.regex.Pattern;

/**
 * A small OPATH evaluator for management-scope filters: {@code Property -eq|-ne|-like|-notlike 'value'} joined with
 * {@code -and}, {@code -or}, {@code -not} and parentheses. {@code ''} inside a value is one quote (docs/powershell-quoting.md).
 * {@code -like} allows {@code *} wildcards. Unknown properties are an error, as Exchange reports them.
 */
final class Opath {
  private final String text;
  private int pos;
  private final Function<String, String> property;
  private final Function<String, Boolean> memberOf;

  private Opath(String text, Function<String, String> property, Function<String, Boolean> memberOf) {
    this.text = text;
    this.property = property;
    this.memberOf = memberOf;
  }

  /**
   * Evaluates {@code filter} for one recipient.
   *
   * @param property the recipient's value of a property (null when it has none)
   * @param memberOf whether the recipient is a direct member of the group with this DN
   */
  static boolean matches(String filter, Function<String, String> property, Function<String, Boolean> memberOf) {
    Opath p = new Opath(filter, property, memberOf);
    boolean result = p.or();
    p.skipSpace();
    if (p.pos != p.text.length()) {
      throw new IllegalArgumentException("Invalid filter syntax at position " + p.pos + ": " + filter);
    }
    return result;
  }

  /** Checks the syntax only. */
  static void parse(String filter) {
    matches(filter, p -> "", dn -> false);
  }

  private boolean or() {
    boolean left = and();
    while (keyword("-or")) {
      boolean right = and();
      left = left || right;
    }
    return left;
  }

  private boolean and() {
    boolean left = unary();
    while (keyword("-and")) {
      boolean right = unary();
      left = left && right;
    }
    return left;
  }

  private boolean unary() {
    if (keyword("-not")) {
      return !unary();
    }
    skipSpace();
    if (peek() == '(') {
      pos++;
      boolean inner = or();
      skipSpace();
      expect(')');
      return inner;
    }
    return comparison();
  }

  private boolean comparison() {
    skipSpace();
    int start = pos;
    while (pos < text.length() && (Character.isLetterOrDigit(text.charAt(pos)) || text.charAt(pos) == '.')) {
      pos++;
    }
    String name = text.substring(start, pos);
    if (name.isEmpty()) {
      throw new IllegalArgumentException("Invalid filter syntax: expected a property at position " + pos + ": " + text);
    }
    skipSpace();
    String op;
    if (keyword("-eq")) {
      op = "eq";
    } else if (keyword("-ne")) {
      op = "ne";
    } else if (keyword("-like")) {
      op = "like";
    } else if (keyword("-notlike")) {
      op = "notlike";
    } else {
      throw new IllegalArgumentException("Invalid filter syntax: expected -eq, -ne, -like or -notlike after " + name + ": " + text);
    }
    String value = value();
    if (name.equalsIgnoreCase("MemberOfGroup")) {
      boolean member = memberOf.apply(value);
      return op.equals("eq") || op.equals("like") ? member : !member;
    }
    String actual = property.apply(name);
    if (actual == null) {
      actual = "";
    }
    return switch (op) {
      case "eq" -> actual.equalsIgnoreCase(value);
      case "ne" -> !actual.equalsIgnoreCase(value);
      case "like" -> like(actual, value);
      default -> !like(actual, value);
    };
  }

  private static boolean like(String actual, String pattern) {
    String regex = Pattern.quote(pattern).replace("*", "\\E.*\\Q");
    return Pattern.compile(regex, Pattern.CASE_INSENSITIVE | Pattern.DOTALL).matcher(actual).matches();
  }

  private String value() {
    skipSpace();
    char quote = peek();
    if (quote != '\'' && quote != '"') {
      throw new IllegalArgumentException("Invalid filter syntax: expected a quoted value at position " + pos + ": " + text);
    }
    pos++;
    StringBuilder out = new StringBuilder();
    while (true) {
      if (pos >= text.length()) {
        throw new IllegalArgumentException("Invalid filter syntax: unterminated value: " + text);
      }
      char c = text.charAt(pos++);
      if (c == quote) {
        if (pos < text.length() && text.charAt(pos) == quote) {
          out.append(quote);
          pos++;
        } else {
          return out.toString();
        }
      } else {
        out.append(c);
      }
    }
  }

  private boolean keyword(String k) {
    skipSpace();
    if (text.regionMatches(true, pos, k, 0, k.length())) {
      int end = pos + k.length();
      if (end == text.length() || !Character.isLetterOrDigit(text.charAt(end))) {
        pos = end;
        return true;
      }
    }
    return false;
  }

  private void expect(char c) {
    if (peek() != c) {
      throw new IllegalArgumentException("Invalid filter syntax: expected '" + c + "' at position " + pos + ": " + text);
    }
    pos++;
  }

  private char peek() {
    return pos < text.length() ? text.charAt(pos) : '\0';
  }

  private void skipSpace() {
    while (pos < text.length() && Character.isWhitespace(text.charAt(pos))) {
      pos++;
    }
  }

  static String lower(String s) {
    return s.toLowerCase(Locale.ROOT);
  }
}
