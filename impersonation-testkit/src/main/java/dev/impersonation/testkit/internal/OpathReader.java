package dev.impersonation.testkit.internal;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.regex.Pattern;

/**
 * The testkit's one OPATH filter reader (docs/powershell-quoting.md, layer 1): {@code Property -op 'value'} comparisons
 * joined with {@code -and}, {@code -or}, {@code -not} and parentheses; keywords and operators are case-insensitive;
 * inside a quoted value the quote doubled stands for one quote.
 *
 * <p>It reads two dialects, so that each of its users accepts exactly what it accepted before the two former readers
 * were merged:
 * <ul>
 *   <li>{@link Syntax#EXCHANGE}: what the fake Exchange takes in {@code New-ManagementScope} and Graph's
 *       {@code customAppScopes}, and evaluates in {@link #matches}: operators {@code -eq -ne -like -notlike}; values in
 *       single or double quotes; property names of letters, digits and dots (any Unicode letter or digit); any
 *       whitespace, line breaks included; errors are {@code "Invalid filter syntax..."}.
 *   <li>{@link Syntax#SCRIPT}: the strict subset the product's scripts are written in, read by
 *       {@code dev.impersonation.testkit.powershell.Opath}: operators {@code -eq -ne -like -notlike -lt -gt -le -ge};
 *       values in U+0027 single quotes only (U+2018-U+201B are plain text); property names of ASCII letters, digits
 *       and dots, starting with a letter; spaces and tabs only; errors are {@code "OPATH: <reason>: <filter>"}.
 * </ul>
 * Every syntax error is a {@link SyntaxException}, an {@link IllegalArgumentException} with the position.
 */
public final class OpathReader {
  /** What a filter may contain; see the class comment. */
  public enum Syntax {
    /** The fake Exchange's filters: four operators, single or double quotes, Unicode names, any whitespace. */
    EXCHANGE(Set.of("eq", "ne", "like", "notlike")),
    /** The product's scripts: eight operators, U+0027 quotes only, ASCII names starting with a letter, spaces and tabs. */
    SCRIPT(Set.of("eq", "ne", "like", "notlike", "lt", "gt", "le", "ge"));

    private final Set<String> operators;

    Syntax(Set<String> operators) {
      this.operators = operators;
    }

    /** The operators without the dash, lower case. */
    public Set<String> operators() {
      return operators;
    }
  }

  /**
   * One comparison.
   *
   * @param property the property as written, e.g. {@code MemberOfGroup}
   * @param operator the operator without the dash, lower case, e.g. {@code eq}
   * @param value the decoded value
   */
  public record Comparison(String property, String operator, String value) {
    /**
     * Evaluates this comparison the way the fake Exchange does: {@code MemberOfGroup} asks {@code memberOf} for the DN
     * ({@code -eq} and {@code -like} true for a member, {@code -ne} and {@code -notlike} for a non-member); any other
     * property compares its value ("" when it has none) case-insensitively, {@code -like} with {@code *} wildcards.
     *
     * @param valueOf a recipient's value of a property (null when it has none)
     * @param memberOf whether the recipient is a direct member of the group with this DN
     * @throws IllegalArgumentException for an operator the fake does not evaluate ({@code -lt}, {@code -gt}, ...)
     */
    public boolean test(Function<String, String> valueOf, Function<String, Boolean> memberOf) {
      if (property.equalsIgnoreCase("MemberOfGroup")) {
        boolean member = memberOf.apply(value);
        return operator.equals("eq") || operator.equals("like") ? member : !member;
      }
      String actual = valueOf.apply(property);
      if (actual == null) {
        actual = "";
      }
      return switch (operator) {
        case "eq" -> actual.equalsIgnoreCase(value);
        case "ne" -> !actual.equalsIgnoreCase(value);
        case "like" -> like(actual, value);
        case "notlike" -> !like(actual, value);
        default -> throw new IllegalArgumentException("The fake does not evaluate -" + operator + ": " + this);
      };
    }

    private static boolean like(String actual, String pattern) {
      String regex = Pattern.quote(pattern).replace("*", "\\E.*\\Q");
      return Pattern.compile(regex, Pattern.CASE_INSENSITIVE | Pattern.DOTALL).matcher(actual).matches();
    }
  }

  /** A filter outside the syntax; the message is in the dialect's words, {@link #reason()} is the short reason. */
  public static final class SyntaxException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    private final String reason;
    private final String filter;
    private final int position;

    SyntaxException(String message, String reason, String filter, int position) {
      super(message);
      this.reason = reason;
      this.filter = filter;
      this.position = position;
    }

    /** What is wrong, without position or filter, e.g. {@code "expected ')'"}. */
    public String reason() {
      return reason;
    }

    /** The 0-based offset of the problem in the filter. */
    public int position() {
      return position;
    }

    /** The 1-based line of the problem ({@code \n}, {@code \r\n} and {@code \r} end a line). */
    public int line() {
      return lineAndColumn()[0];
    }

    /** The 1-based column of the problem, in UTF-16 code units. */
    public int column() {
      return lineAndColumn()[1];
    }

    private int[] lineAndColumn() {
      int line = 1;
      int lineStart = 0;
      for (int k = 0; k < position && k < filter.length(); k++) {
        char c = filter.charAt(k);
        if (c == '\n' || (c == '\r' && (k + 1 >= filter.length() || filter.charAt(k + 1) != '\n'))) {
          line++;
          lineStart = k + 1;
        }
      }
      return new int[] {line, position - lineStart + 1};
    }
  }

  private final String text;
  private final Syntax syntax;
  private final Predicate<Comparison> test;
  private int pos;

  private OpathReader(String text, Syntax syntax, Predicate<Comparison> test) {
    this.text = text;
    this.syntax = syntax;
    this.test = test;
  }

  /**
   * Reads {@code filter} and evaluates it: {@code test} is asked about every comparison, once each, in the order they
   * are written (no short cut: a comparison after a decided {@code -or} is still asked), and the answers are combined
   * with the filter's {@code -and}, {@code -or}, {@code -not} and parentheses. An exception from {@code test}
   * propagates as it is; a syntax error after a comparison is raised after {@code test} saw that comparison.
   *
   * @throws SyntaxException if {@code filter} is outside {@code syntax}
   */
  public static boolean read(String filter, Syntax syntax, Predicate<Comparison> test) {
    OpathReader r = new OpathReader(filter, syntax, test);
    boolean result = r.or();
    r.skipSpace();
    if (r.pos != filter.length()) {
      throw r.error("unexpected '" + filter.charAt(r.pos) + "' in the filter",
          "Invalid filter syntax at position " + r.pos + ": " + filter);
    }
    return result;
  }

  /**
   * Every comparison in {@code filter}, in order.
   *
   * @throws SyntaxException if {@code filter} is outside {@code syntax}
   */
  public static List<Comparison> comparisons(String filter, Syntax syntax) {
    List<Comparison> found = new ArrayList<>();
    read(filter, syntax, found::add);
    return List.copyOf(found);
  }

  /**
   * Evaluates a management-scope filter ({@link Syntax#EXCHANGE}) for one recipient, see {@link Comparison#test}.
   *
   * @param property the recipient's value of a property (null when it has none)
   * @param memberOf whether the recipient is a direct member of the group with this DN
   * @throws SyntaxException if the filter is outside {@link Syntax#EXCHANGE}
   */
  public static boolean matches(String filter, Function<String, String> property, Function<String, Boolean> memberOf) {
    return read(filter, Syntax.EXCHANGE, c -> c.test(property, memberOf));
  }

  /**
   * Checks that a filter is inside {@link Syntax#EXCHANGE}.
   *
   * @throws SyntaxException if it is not
   */
  public static void check(String filter) {
    read(filter, Syntax.EXCHANGE, c -> false);
  }

  // Evaluation is eager (left || right after reading both) so every comparison is read and tested.

  private boolean or() {
    boolean left = and();
    while (keyword("or")) {
      boolean right = and();
      left = left || right;
    }
    return left;
  }

  private boolean and() {
    boolean left = unary();
    while (keyword("and")) {
      boolean right = unary();
      left = left && right;
    }
    return left;
  }

  private boolean unary() {
    if (keyword("not")) {
      return !unary();
    }
    skipSpace();
    if (pos < text.length() && text.charAt(pos) == '(') {
      pos++;
      boolean inner = or();
      skipSpace();
      if (pos >= text.length() || text.charAt(pos) != ')') {
        throw error("expected ')'", "Invalid filter syntax: expected ')' at position " + pos + ": " + text);
      }
      pos++;
      return inner;
    }
    return comparison();
  }

  private boolean comparison() {
    skipSpace();
    int start = pos;
    while (pos < text.length() && isNameChar(text.charAt(pos), pos == start)) {
      pos++;
    }
    if (start == pos || (syntax == Syntax.SCRIPT && !Character.isLetter(text.charAt(start)))) {
      pos = start;
      throw error("expected a property name", "Invalid filter syntax: expected a property at position " + pos + ": " + text);
    }
    String property = text.substring(start, pos);
    skipSpace();
    String wrongOperator = "Invalid filter syntax: expected -eq, -ne, -like or -notlike after " + property + ": " + text;
    int opStart = pos;
    if (pos >= text.length() || text.charAt(pos) != '-') {
      throw error("expected an operator such as -eq after " + property, wrongOperator);
    }
    pos++;
    while (pos < text.length() && isWordChar(text.charAt(pos))) {
      pos++;
    }
    String written = text.substring(opStart + 1, pos);
    String operator = syntax.operators().stream().filter(written::equalsIgnoreCase).findFirst().orElse(null);
    if (operator == null) {
      pos = opStart;
      throw error("unsupported operator -" + written.toLowerCase(Locale.ROOT) + " after " + property, wrongOperator);
    }
    skipSpace();
    return test.test(new Comparison(property, operator, value()));
  }

  private String value() {
    char quote = pos < text.length() ? text.charAt(pos) : '\0';
    if (quote != '\'' && (quote != '"' || syntax != Syntax.EXCHANGE)) {
      throw error("expected a value in single quotes (U+0027)",
          "Invalid filter syntax: expected a quoted value at position " + pos + ": " + text);
    }
    int open = pos;
    pos++;
    StringBuilder out = new StringBuilder();
    while (true) {
      if (pos >= text.length()) {
        pos = open;
        throw error("unterminated value", "Invalid filter syntax: unterminated value: " + text);
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

  /** {@code -k} followed by the end or a character that cannot continue a word. */
  private boolean keyword(String k) {
    skipSpace();
    int end = pos + 1 + k.length();
    if (pos < text.length() && text.charAt(pos) == '-' && text.regionMatches(true, pos + 1, k, 0, k.length())
        && (end == text.length() || !isWordChar(text.charAt(end)))) {
      pos = end;
      return true;
    }
    return false;
  }

  private boolean isNameChar(char c, boolean first) {
    return isWordChar(c) || (c == '.' && (syntax == Syntax.EXCHANGE || !first));
  }

  private boolean isWordChar(char c) {
    return syntax == Syntax.EXCHANGE ? Character.isLetterOrDigit(c)
        : (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
  }

  private void skipSpace() {
    while (pos < text.length() && (syntax == Syntax.EXCHANGE ? Character.isWhitespace(text.charAt(pos))
        : text.charAt(pos) == ' ' || text.charAt(pos) == '\t')) {
      pos++;
    }
  }

  private SyntaxException error(String reason, String exchangeMessage) {
    String message = syntax == Syntax.EXCHANGE ? exchangeMessage : "OPATH: " + reason + ": " + text;
    return new SyntaxException(message, reason, text, pos);
  }
}
