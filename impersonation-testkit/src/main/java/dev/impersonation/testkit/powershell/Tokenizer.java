package dev.impersonation.testkit.powershell;

import java.util.ArrayList;
import java.util.List;

/**
 * Splits script text into tokens of the subset (docs/powershell-quoting.md), rejecting everything else. Written from the
 * PowerShell language rules, not from this project's renderer.
 */
final class Tokenizer {

  enum Kind {
    NEWLINE, COMMENT, STRING, VARIABLE, NUMBER, PARAMETER, WORD, PUNCT, EOF
  }

  /**
   * @param text for STRING the decoded value; for COMMENT the text after {@code #}; for VARIABLE the name; for
   *     PARAMETER the name without dash or colon; for WORD, NUMBER and PUNCT the text
   * @param colon for PARAMETER, whether a colon follows the name ({@code -Param:$false})
   * @param spaceBefore whether whitespace (or the start of a line) precedes the token
   */
  record Token(Kind kind, String text, boolean colon, boolean spaceBefore, int line, int column, int offset, int end) {
    boolean is(Kind k, String t) {
      return kind == k && text.equalsIgnoreCase(t);
    }

    boolean isPunct(String p) {
      return kind == Kind.PUNCT && text.equals(p);
    }

    String describe() {
      return switch (kind) {
        case NEWLINE -> "end of line";
        case EOF -> "end of script";
        case STRING -> "a literal";
        case COMMENT -> "a comment";
        case VARIABLE -> "$" + text;
        case PARAMETER -> "-" + text + (colon ? ":" : "");
        default -> "'" + text + "'";
      };
    }
  }

  private final String s;
  private int pos;
  private int line = 1;
  private int lineStart;
  private final List<Token> out = new ArrayList<>();

  private Tokenizer(String s) {
    this.s = s;
  }

  static List<Token> tokenize(String text) {
    Tokenizer t = new Tokenizer(text);
    t.run();
    return t.out;
  }

  /** True for the characters PowerShell treats as a single quote: U+0027, U+2018, U+2019, U+201A, U+201B. */
  static boolean isSingleQuote(char c) {
    return c == '\'' || c == '\u2018' || c == '\u2019' || c == '\u201A' || c == '\u201B';
  }

  /** True for the characters PowerShell treats as a double quote: U+0022, U+201C, U+201D, U+201E. */
  static boolean isDoubleQuote(char c) {
    return c == '"' || c == '\u201C' || c == '\u201D' || c == '\u201E';
  }

  private ScriptParseException error(String reason, int at) {
    // at is an offset on the current line
    return new ScriptParseException(reason, line, at - lineStart + 1);
  }

  private void run() {
    boolean space = true;
    if (s.startsWith("\uFEFF")) {
      pos = 1; // a byte order mark, as in a script saved as UTF-8 with BOM
      lineStart = 1;
    }
    while (pos < s.length()) {
      char c = s.charAt(pos);
      int start = pos;
      int col = pos - lineStart + 1;
      if (c == ' ' || c == '\t') {
        pos++;
        space = true;
        continue;
      }
      if (c == '\r' || c == '\n') {
        pos += (c == '\r' && pos + 1 < s.length() && s.charAt(pos + 1) == '\n') ? 2 : 1;
        out.add(new Token(Kind.NEWLINE, "\n", false, space, line, col, start, pos));
        line++;
        lineStart = pos;
        space = true;
        continue;
      }
      checkSeparated(c, space);
      if (c == '#') {
        if (!space) {
          throw error("'#' directly after other text is not in the subset; a comment must start a line", pos);
        }
        int end = pos;
        while (end < s.length() && s.charAt(end) != '\r' && s.charAt(end) != '\n') {
          end++;
        }
        out.add(new Token(Kind.COMMENT, s.substring(pos + 1, end), false, true, line, col, start, end));
        pos = end;
      } else if (isSingleQuote(c)) {
        int startLine = line;
        String value = literal();
        out.add(new Token(Kind.STRING, value, false, space, startLine, col, start, pos));
        checkAfterLiteral();
      } else if (isDoubleQuote(c)) {
        throw error(String.format("double-quoted strings are not supported (U+%04X opens an expandable string in which"
            + " $ and ` are special); use single quotes", (int) c), pos);
      } else if (c == '`') {
        throw error("a backtick (escape or line continuation) outside a literal is not supported", pos);
      } else if (c == '$') {
        variable(space, col);
      } else if (c == '-') {
        parameter(space, col);
      } else if (isAsciiLetter(c) || c == '_') {
        int end = pos;
        while (end < s.length() && (isWordChar(s.charAt(end))
            || (s.charAt(end) == '-' && end + 1 < s.length() && isWordChar(s.charAt(end + 1))))) {
          end++;
        }
        out.add(new Token(Kind.WORD, s.substring(pos, end), false, space, line, col, start, end));
        pos = end;
      } else if (c >= '0' && c <= '9') {
        int end = pos;
        while (end < s.length() && s.charAt(end) >= '0' && s.charAt(end) <= '9') {
          end++;
        }
        if (end - pos > 18) {
          throw error("number too long", pos);
        }
        out.add(new Token(Kind.NUMBER, s.substring(pos, end), false, space, line, col, start, end));
        pos = end;
      } else if (c == '@') {
        char next = pos + 1 < s.length() ? s.charAt(pos + 1) : '\0';
        if (next != '(' && next != '{') {
          throw error(isSingleQuote(next) || isDoubleQuote(next) ? "here-strings are not supported"
              : "'@' is only supported in @() and @{...}", pos);
        }
        out.add(new Token(Kind.PUNCT, "@" + next, false, space, line, col, start, pos + 2));
        pos += 2;
      } else if ("(){}[],;=+.&".indexOf(c) >= 0) {
        out.add(new Token(Kind.PUNCT, String.valueOf(c), false, space, line, col, start, pos + 1));
        pos++;
      } else if (c == '\u2013' || c == '\u2014' || c == '\u2015') {
        throw error(String.format("U+%04X acts as '-' in PowerShell; it is not supported outside a literal", (int) c), pos);
      } else if (c == '|') {
        throw error("pipelines are not supported", pos);
      } else if (c == '<' || c == '>') {
        throw error("redirection and '<#' block comments are not supported", pos);
      } else if (Character.isWhitespace(c) || Character.isSpaceChar(c) || c == '\u0085') {
        throw error(String.format("whitespace U+%04X outside a literal is not supported (only space and tab)", (int) c),
            pos);
      } else {
        throw error(String.format("unexpected character '%s' (U+%04X) outside a literal",
            new String(Character.toChars(s.codePointAt(pos))), s.codePointAt(pos)), pos);
      }
      space = false;
    }
    out.add(new Token(Kind.EOF, "", false, true, line, pos - lineStart + 1, pos, pos));
  }

  /** Two words, literals, variables, numbers or parameters written together are one PowerShell token; reject them. */
  private void checkSeparated(char c, boolean space) {
    if (space || out.isEmpty()) {
      return;
    }
    Token prev = out.get(out.size() - 1);
    boolean prevAtom = prev.kind() == Kind.WORD || prev.kind() == Kind.NUMBER || prev.kind() == Kind.VARIABLE
        || prev.kind() == Kind.PARAMETER || prev.kind() == Kind.STRING;
    boolean atom = isAsciiLetter(c) || c == '_' || (c >= '0' && c <= '9') || c == '$' || c == '-' || isSingleQuote(c);
    if (prev.kind() == Kind.PARAMETER && prev.colon() && c != '$') {
      throw error("only $true or $false may follow -" + prev.text() + ":, directly", pos);
    }
    if (prevAtom && atom && !(prev.kind() == Kind.PARAMETER && prev.colon() && c == '$')) {
      throw error("missing whitespace after " + prev.describe(), pos);
    }
    if (prev.kind() == Kind.VARIABLE && c == ':') {
      throw error("scoped or drive variables ($scope:name) are not supported", pos);
    }
  }

  /** Reads a single-quoted literal at pos: a pair of quote characters stands for the second one. */
  private String literal() {
    int openLine = line;
    int openColumn = pos - lineStart + 1;
    pos++;
    StringBuilder value = new StringBuilder();
    while (true) {
      if (pos >= s.length()) {
        throw new ScriptParseException("unterminated single-quoted literal (opened at line " + openLine + ", column "
            + openColumn + ")", openLine, openColumn);
      }
      char c = s.charAt(pos);
      if (isSingleQuote(c)) {
        if (pos + 1 < s.length() && isSingleQuote(s.charAt(pos + 1))) {
          value.append(s.charAt(pos + 1));
          pos += 2;
          continue;
        }
        pos++;
        return value.toString();
      }
      value.append(c);
      pos++;
      if (c == '\n' || (c == '\r' && (pos >= s.length() || s.charAt(pos) != '\n'))) {
        line++;
        lineStart = pos;
      }
    }
  }

  private void checkAfterLiteral() {
    if (pos >= s.length()) {
      return;
    }
    char c = s.charAt(pos);
    if (c != ' ' && c != '\t' && c != '\r' && c != '\n' && c != ',' && c != ')' && c != '}' && c != ';') {
      throw error("a literal must be followed by whitespace, ',', ')', '}' or ';', not '" + c + "'", pos);
    }
  }

  private void variable(boolean space, int col) {
    int start = pos;
    char next = pos + 1 < s.length() ? s.charAt(pos + 1) : '\0';
    if (next == '(') {
      throw error("subexpressions $(...) outside a literal are not supported", pos);
    }
    if (next == '{') {
      throw error("braced variables ${...} are not supported", pos);
    }
    int end = pos + 1;
    while (end < s.length() && isWordChar(s.charAt(end))) {
      end++;
    }
    if (end == pos + 1) {
      throw error("'$' must start a variable name ([A-Za-z_][A-Za-z0-9_]*)", pos);
    }
    out.add(new Token(Kind.VARIABLE, s.substring(pos + 1, end), false, space, line, col, start, end));
    pos = end;
    if (pos < s.length() && s.charAt(pos) == ':') {
      throw error("scoped or drive variables ($scope:name) are not supported", pos);
    }
  }

  private void parameter(boolean space, int col) {
    int start = pos;
    int end = pos + 1;
    if (end >= s.length() || !isAsciiLetter(s.charAt(end))) {
      throw error("'-' must start a parameter or operator name (arithmetic and '--' are not supported)", pos);
    }
    while (end < s.length() && (isAsciiLetter(s.charAt(end)) || (s.charAt(end) >= '0' && s.charAt(end) <= '9'))) {
      end++;
    }
    String name = s.substring(pos + 1, end);
    boolean colon = end < s.length() && s.charAt(end) == ':';
    pos = colon ? end + 1 : end;
    out.add(new Token(Kind.PARAMETER, name, colon, space, line, col, start, pos));
  }

  private static boolean isAsciiLetter(char c) {
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z');
  }

  private static boolean isWordChar(char c) {
    return isAsciiLetter(c) || (c >= '0' && c <= '9') || c == '_';
  }
}
