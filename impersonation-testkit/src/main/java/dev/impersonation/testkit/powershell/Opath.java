package dev.impersonation.testkit.powershell;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Reads the OPATH layer of a recipient filter (docs/powershell-quoting.md, layer 1): {@code Property -op 'value'} comparisons
 * joined with {@code -and}, {@code -or}, {@code -not} and parentheses. Values are single-quoted with U+0027 only;
 * inside, {@code ''} stands for one U+0027 and every other character, including U+2018-U+201B, is plain text.
 *
 * <p>Use it on the decoded PowerShell literal of a {@code -RecipientRestrictionFilter}, e.g.
 * {@code Opath.values(command.text("RecipientRestrictionFilter"))}. Anything else (double-quoted or unquoted
 * values, unknown operators, unbalanced parentheses) raises {@link ScriptParseException}, with the line and column
 * inside the filter text.
 */
public final class Opath {
  private static final Set<String> OPERATORS = Set.of("eq", "ne", "like", "notlike", "lt", "gt", "le", "ge");

  /**
   * One comparison.
   *
   * @param property the property, e.g. {@code MemberOfGroup}
   * @param operator the operator without the dash, lower case, e.g. {@code eq}
   * @param value the decoded value
   */
  public record Comparison(String property, String operator, String value) {}

  private final String text;
  private int pos;
  private final List<Comparison> found = new ArrayList<>();

  private Opath(String text) {
    this.text = text;
  }

  /** The values of every comparison in {@code filter}, in order, with {@code ''} collapsed. */
  public static List<String> values(String filter) {
    return comparisons(filter).stream().map(Comparison::value).toList();
  }

  /** Every comparison in {@code filter}, in order. */
  public static List<Comparison> comparisons(String filter) {
    Opath p = new Opath(filter);
    p.or();
    p.skipSpace();
    if (p.pos != filter.length()) {
      throw p.error("unexpected '" + filter.charAt(p.pos) + "' in the filter");
    }
    return List.copyOf(p.found);
  }

  private void or() {
    and();
    while (keyword("or")) {
      and();
    }
  }

  private void and() {
    unary();
    while (keyword("and")) {
      unary();
    }
  }

  private void unary() {
    if (keyword("not")) {
      unary();
      return;
    }
    skipSpace();
    if (pos < text.length() && text.charAt(pos) == '(') {
      pos++;
      or();
      skipSpace();
      if (pos >= text.length() || text.charAt(pos) != ')') {
        throw error("expected ')'");
      }
      pos++;
      return;
    }
    comparison();
  }

  private void comparison() {
    skipSpace();
    int start = pos;
    while (pos < text.length() && (isAsciiLetterOrDigit(text.charAt(pos)) || (pos > start && text.charAt(pos) == '.'))) {
      pos++;
    }
    if (start == pos || !Character.isLetter(text.charAt(start))) {
      pos = start;
      throw error("expected a property name");
    }
    String property = text.substring(start, pos);
    skipSpace();
    int opStart = pos;
    if (pos >= text.length() || text.charAt(pos) != '-') {
      throw error("expected an operator such as -eq after " + property);
    }
    pos++;
    while (pos < text.length() && isAsciiLetterOrDigit(text.charAt(pos))) {
      pos++;
    }
    String op = text.substring(opStart + 1, pos).toLowerCase(Locale.ROOT);
    if (!OPERATORS.contains(op)) {
      pos = opStart;
      throw error("unsupported operator -" + op + " after " + property);
    }
    skipSpace();
    found.add(new Comparison(property, op, value()));
  }

  private String value() {
    if (pos >= text.length() || text.charAt(pos) != '\'') {
      throw error("expected a value in single quotes (U+0027)");
    }
    int open = pos;
    pos++;
    StringBuilder out = new StringBuilder();
    while (true) {
      if (pos >= text.length()) {
        pos = open;
        throw error("unterminated value");
      }
      char c = text.charAt(pos++);
      if (c == '\'') {
        if (pos < text.length() && text.charAt(pos) == '\'') {
          out.append('\'');
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
    int end = pos + 1 + k.length();
    if (pos < text.length() && text.charAt(pos) == '-' && text.regionMatches(true, pos + 1, k, 0, k.length())
        && (end == text.length() || !isAsciiLetterOrDigit(text.charAt(end)))) {
      pos = end;
      return true;
    }
    return false;
  }

  private void skipSpace() {
    while (pos < text.length() && (text.charAt(pos) == ' ' || text.charAt(pos) == '\t')) {
      pos++;
    }
  }

  private static boolean isAsciiLetterOrDigit(char c) {
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
  }

  private ScriptParseException error(String reason) {
    int line = 1;
    int lineStart = 0;
    for (int k = 0; k < pos && k < text.length(); k++) {
      char c = text.charAt(k);
      if (c == '\n' || (c == '\r' && (k + 1 >= text.length() || text.charAt(k + 1) != '\n'))) {
        line++;
        lineStart = k + 1;
      }
    }
    return new ScriptParseException("OPATH: " + reason + ": " + text, line, pos - lineStart + 1);
  }
}
