package dev.impersonation.testkit.powershell;

import dev.impersonation.testkit.powershell.Tokenizer.Kind;
import dev.impersonation.testkit.powershell.Tokenizer.Token;
import java.util.List;

/** The parser's position in the token list, with the checks every grammar rule uses and errors that name line and column. */
final class TokenCursor {
  private final List<Token> tokens;
  private int i;

  TokenCursor(List<Token> tokens) {
    this.tokens = tokens;
  }

  void checkVariableName(Token var) {
    if (!var.text().matches("[A-Za-z][A-Za-z0-9_]*")) {
      throw error(var, "variable $" + var.text() + " is not supported here");
    }
  }

  void endOfStatement() {
    Token t = peek();
    if (t.kind() != Kind.NEWLINE && t.kind() != Kind.EOF) {
      throw error(t, "expected the end of the line after the statement, not " + t.describe());
    }
  }

  void expectEnd() {
    skipNewlines();
    Token t = peek();
    if (t.kind() != Kind.EOF) {
      throw error(t, "unexpected " + t.describe() + " after the end");
    }
  }

  void skipNewlines() {
    while (peek().kind() == Kind.NEWLINE) {
      i++;
    }
  }

  void expectPunct(String punct, String what) {
    Token t = next();
    if (!t.isPunct(punct)) {
      throw error(t, "expected " + what + ", not " + t.describe());
    }
  }

  Token peek() {
    return tokens.get(i);
  }

  Token next() {
    Token t = tokens.get(i);
    if (t.kind() != Kind.EOF) {
      i++;
    }
    return t;
  }

  ScriptParseException error(Token at, String reason) {
    return new ScriptParseException(reason, at.line(), at.column());
  }

  /** Whether the current token ends a command: a line end, a comment, a closing parenthesis or brace, or a semicolon. */
  boolean atCommandEnd() {
    Token t = peek();
    return t.kind() == Kind.NEWLINE || t.kind() == Kind.EOF || t.kind() == Kind.COMMENT || t.isPunct(")")
        || t.isPunct("}") || t.isPunct(";");
  }
}
