package dev.impersonation.testkit.powershell;

import dev.impersonation.testkit.powershell.Tokenizer.Kind;
import dev.impersonation.testkit.powershell.Tokenizer.Token;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The parser's rules for parameter values: literals, lists, switches, hashtables, {@code (Read-Host ...)} secret prompts
 * and {@code ('text' + (ConvertTo-OpathLiteral $v))} concatenations.
 */
final class ValueParser {
  private final TokenCursor in;
  private final java.util.function.Supplier<ParsedCommand> command;

  ValueParser(TokenCursor in, java.util.function.Supplier<ParsedCommand> command) {
    this.in = in;
    this.command = command;
  }

  ParsedValue parameterValue(Token parameter) {
    if (parameter.colon()) {
      Token v = in.next();
      if (v.kind() == Kind.VARIABLE && !v.spaceBefore()
          && (v.text().equalsIgnoreCase("true") || v.text().equalsIgnoreCase("false"))) {
        return new ParsedValue.Bool(v.text().equalsIgnoreCase("true"));
      }
      throw in.error(v, "only $true or $false may follow -" + parameter.text() + ":, directly");
    }
    if (in.atCommandEnd() || in.peek().kind() == Kind.PARAMETER) {
      return new ParsedValue.Switch();
    }
    Token t = in.peek();
    if (t.kind() == Kind.WORD) {
      if (parameter.text().equalsIgnoreCase("ErrorAction") && t.text().matches("[A-Za-z]+")) {
        in.next();
        return new ParsedValue.Word(t.text());
      }
      throw in.error(t, "unquoted value " + t.describe() + " for -" + parameter.text()
          + " is not supported; values must be single-quoted literals");
    }
    return value();
  }

  ParsedValue value() {
    Token t = in.next();
    switch (t.kind()) {
      case STRING: {
        if (!in.peek().isPunct(",")) {
          return new ParsedValue.Literal(t.text());
        }
        List<String> values = new ArrayList<>(List.of(t.text()));
        while (in.peek().isPunct(",")) {
          in.next();
          Token item = in.next();
          if (item.kind() != Kind.STRING) {
            throw in.error(item, "expected a literal after ',', not " + item.describe());
          }
          values.add(item.text());
        }
        return new ParsedValue.LiteralList(values);
      }
      case VARIABLE:
        if (t.text().equalsIgnoreCase("true") || t.text().equalsIgnoreCase("false")) {
          throw in.error(t, "write a boolean as -Parameter:$" + t.text().toLowerCase(Locale.ROOT)
              + " (with a space, a switch parameter would take it as a positional argument)");
        }
        in.checkVariableName(t);
        if (in.peek().isPunct(".") || in.peek().isPunct("[")) {
          throw in.error(in.peek(), "member access or indexing on $" + t.text() + " is not supported here");
        }
        return new ParsedValue.Variable(t.text());
      case NUMBER:
        return new ParsedValue.Number(Long.parseLong(t.text()));
      case PUNCT:
        switch (t.text()) {
          case "@(":
            in.expectPunct(")", "')': only the empty array @() is supported");
            return new ParsedValue.LiteralList(List.of());
          case "@{":
            return hashTable(t);
          case "(":
            return parenthesised(t);
          default:
            break;
        }
        break;
      default:
        break;
    }
    throw in.error(t, "expected a value (literal, list, @(), @{...}, $variable, number or (...)), not " + t.describe());
  }

  ParsedValue hashTable(Token open) {
    Map<String, ParsedValue> entries = new LinkedHashMap<>();
    while (true) {
      Token t = in.next();
      if (t.isPunct("}")) {
        return new ParsedValue.HashTable(entries);
      }
      if (t.kind() != Kind.WORD || !t.text().matches("[A-Za-z][A-Za-z0-9]*")) {
        throw in.error(t, "expected a hashtable key (a plain name) or '}', not " + t.describe());
      }
      if (entries.containsKey(t.text())) {
        throw in.error(t, "duplicate hashtable key " + t.text());
      }
      in.expectPunct("=", "'=' after the key " + t.text());
      ParsedValue v = value();
      if (!(v instanceof ParsedValue.Literal) && !(v instanceof ParsedValue.LiteralList)) {
        throw in.error(t, "a hashtable value must be a literal, a list of literals or @()");
      }
      entries.put(t.text(), v);
      Token sep = in.peek();
      if (sep.isPunct(";")) {
        in.next();
      } else if (!sep.isPunct("}")) {
        throw in.error(sep, "expected ';' or '}' in the hashtable opened at line " + open.line() + ", not "
            + sep.describe());
      }
    }
  }

  /** {@code (Read-Host ...)} or {@code ('text' + (ConvertTo-OpathLiteral $v) + ...)}. */
  ParsedValue parenthesised(Token open) {
    Token first = in.peek();
    if (first.kind() == Kind.WORD) {
      if (first.text().equalsIgnoreCase("New-PSSession")) {
        ParsedCommand session = command.get();
        in.expectPunct(")", "')' closing (New-PSSession ...)");
        return new ParsedValue.Subcommand(session);
      }
      if (!first.text().equalsIgnoreCase(ScriptParser.READ_HOST)) {
        throw in.error(first, "only (Read-Host ...) or (New-PSSession ...) may run as a parameter value, not ("
            + first.text() + " ...)");
      }
      ParsedCommand read = command.get();
      in.expectPunct(")", "')' closing (Read-Host ...)");
      return secretPrompt(read, first);
    }
    List<ParsedValue> parts = new ArrayList<>();
    while (true) {
      Token t = in.next();
      if (t.kind() == Kind.STRING) {
        parts.add(new ParsedValue.Literal(t.text()));
      } else if (t.isPunct("(")) {
        Token helper = in.peek();
        if (!helper.is(Kind.WORD, ScriptParser.OPATH_HELPER)) {
          throw in.error(helper, "only (" + ScriptParser.OPATH_HELPER + " $variable) may appear inside a concatenation, not "
              + helper.describe());
        }
        ParsedCommand quote = command.get();
        if (!quote.parameters().isEmpty() || quote.arguments().size() != 1
            || !(quote.arguments().get(0) instanceof ParsedValue.Variable v)) {
          throw in.error(helper, ScriptParser.OPATH_HELPER + " takes exactly one $variable");
        }
        in.expectPunct(")", "')' closing (" + ScriptParser.OPATH_HELPER + " ...)");
        parts.add(new ParsedValue.OpathQuoted(v));
      } else {
        throw in.error(t, "expected a literal or (" + ScriptParser.OPATH_HELPER + " $variable) in the expression opened at line "
            + open.line() + ", column " + open.column() + ", not " + t.describe());
      }
      Token op = in.next();
      if (op.isPunct(")")) {
        return new ParsedValue.Concatenation(parts);
      }
      if (!op.isPunct("+")) {
        throw in.error(op, "expected '+' or ')' in the expression, not " + op.describe());
      }
    }
  }

  ParsedValue secretPrompt(ParsedCommand read, Token at) {
    if (read.arguments().isEmpty() && read.parameters().size() == 2
        && read.parameters().get(0).name().equalsIgnoreCase("Prompt")
        && read.parameters().get(0).value() instanceof ParsedValue.Literal prompt
        && read.parameters().get(1).value() instanceof ParsedValue.Switch) {
      String mode = read.parameters().get(1).name();
      if (mode.equalsIgnoreCase("AsSecureString") || mode.equalsIgnoreCase("MaskInput")) {
        return new ParsedValue.SecretPrompt(prompt.value(), mode.equalsIgnoreCase("AsSecureString"));
      }
    }
    throw in.error(at, "expected (Read-Host -Prompt '...' -AsSecureString) or (Read-Host -Prompt '...' -MaskInput)");
  }
}
