package dev.impersonation.testkit.powershell;

import dev.impersonation.testkit.powershell.Tokenizer.Kind;
import dev.impersonation.testkit.powershell.Tokenizer.Token;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Reads a rendered admin script back into statements, commands, parameters and decoded literal values, so tests can
 * assert on what a script <em>does</em> rather than on its text.
 *
 * <p>It reads a deliberately small PowerShell subset and rejects everything else with a
 * {@link ScriptParseException} that names the line and column:
 *
 * <ul>
 *   <li>statements, one per line: {@code # comments} (and {@code #Requires}), {@code $XPreference = 'v'}, commands,
 *       {@code if (-not (probe)) {} }, {@code if (probe) {} } and {@code while (-not (probe)) {} } blocks whose bodies are commands one per
 *       line, {@code Invoke-Idempotent { command }}, {@code $v = (command).Property}, {@code throw '...'}, and
 *       {@code function Name(...) { ... }} (kept by name only);
 *   <li>commands named {@code Verb-Noun}, with {@code -Parameter value}, {@code -Switch}, {@code -Param:$true|$false}
 *       and positional values;
 *   <li>values: single-quoted literals, {@code 'a','b'} lists, {@code @()}, {@code @{Key='a','b'; Other='c'}},
 *       {@code $variable}, whole numbers, the bare word of {@code -ErrorAction}, {@code (Read-Host -Prompt '...'
 *       -AsSecureString|-MaskInput)}, and {@code ('text' + (ConvertTo-OpathLiteral $v) + ...)} concatenations.
 * </ul>
 *
 * <p>Single-quoted literals follow PowerShell's tokenizer (docs/powershell-quoting.md): U+0027, U+2018, U+2019, U+201A and U+201B
 * each open and close a literal; inside, a pair of any two of them stands for the second; nothing else is special, so
 * {@code $(...)}, backticks, double quotes and line breaks inside a literal are plain text. Outside literals and
 * comments, double quotes (U+0022, U+201C-U+201E), {@code $(...)}, {@code ${...}}, backticks, pipelines, redirection,
 * here-strings, Unicode dashes and whitespace other than space and tab are all rejected. A byte order mark (U+FEFF)
 * is allowed as the very first character.
 *
 * <p>This class is independent of the renderer in {@code impersonation-core}: it implements the quoting rules itself,
 * so a round trip through both is a real check of the renderer.
 */
public final class ScriptParser {
  private static final String IDEMPOTENT = "Invoke-Idempotent";
  private static final String OPATH_HELPER = "ConvertTo-OpathLiteral";
  private static final String READ_HOST = "Read-Host";
  private static final Set<String> KEYWORDS = Set.of("begin", "break", "catch", "class", "continue", "data", "define",
      "do", "dynamicparam", "else", "elseif", "end", "enum", "exit", "filter", "finally", "for", "foreach", "from",
      "function", "if", "in", "param", "process", "return", "switch", "throw", "trap", "try", "until", "using", "var",
      "while", "workflow", "parallel", "sequence", "inlinescript", "configuration");

  private final List<Token> tokens;
  private int i;
  private final List<ParsedCommand> commands = new ArrayList<>();

  private ScriptParser(String text) {
    this.tokens = Tokenizer.tokenize(text);
  }

  /**
   * Reads a whole script.
   *
   * @throws ScriptParseException at the first text outside the subset
   */
  public static ParsedScript parse(String script) {
    ScriptParser p = new ScriptParser(script);
    List<ParsedStatement> statements = new ArrayList<>();
    while (true) {
      p.skipNewlines();
      if (p.peek().kind() == Kind.EOF) {
        break;
      }
      statements.add(p.statement());
      p.endOfStatement();
    }
    return new ParsedScript(statements, p.commands);
  }

  /**
   * Reads exactly one single-quoted literal (the whole input, quotes included) and returns its decoded value.
   *
   * @throws ScriptParseException if the input is not exactly one literal
   */
  public static String parseLiteral(String literal) {
    ScriptParser p = new ScriptParser(literal);
    Token t = p.next();
    if (t.kind() != Kind.STRING || !t.spaceBefore() || t.offset() != 0) {
      throw p.error(t, "expected a single-quoted literal at the start");
    }
    p.expectEnd();
    return t.text();
  }

  /**
   * Reads exactly one command line, e.g. {@code New-DistributionGroup -Name 'x' -ManagedBy 'a','b'}.
   *
   * @throws ScriptParseException if the input is not exactly one command of the subset
   */
  public static ParsedCommand parseCommand(String line) {
    ScriptParser p = new ScriptParser(line);
    ParsedCommand c = p.command();
    p.expectEnd();
    return c;
  }

  // ------------------------------------------------------------------ statements

  private ParsedStatement statement() {
    Token t = peek();
    if (t.kind() == Kind.COMMENT) {
      next();
      String text = t.text().startsWith(" ") ? t.text().substring(1) : t.text();
      return new ParsedStatement.Comment(text, t.line());
    }
    if (t.kind() == Kind.VARIABLE) {
      return assignment();
    }
    if (t.kind() == Kind.WORD) {
      String word = t.text().toLowerCase(Locale.ROOT);
      switch (word) {
        case "if":
          return guarded(true);
        case "while":
          return guarded(false);
        case "throw": {
          next();
          Token message = next();
          if (message.kind() != Kind.STRING) {
            throw error(message, "throw must be followed by one single-quoted literal, not " + message.describe());
          }
          return new ParsedStatement.Throw(message.text());
        }
        case "function":
          return function();
        default:
          if (t.text().equalsIgnoreCase(IDEMPOTENT)) {
            return idempotent();
          }
          return new ParsedStatement.Command(command());
      }
    }
    throw error(t, "expected a statement (comment, command, if, while, throw, function or assignment), not "
        + t.describe());
  }

  private ParsedStatement assignment() {
    Token var = next();
    expectPunct("=", "'=' after $" + var.text());
    Token t = peek();
    if (t.kind() == Kind.STRING) {
      next();
      if (!var.text().matches("[A-Za-z]+Preference")) {
        throw error(var, "only $...Preference variables may be assigned a literal, not $" + var.text());
      }
      return new ParsedStatement.PreferenceAssignment(var.text(), t.text());
    }
    checkVariableName(var);
    expectPunct("(", "'(' or a literal after '$" + var.text() + " ='");
    ParsedCommand read = command();
    expectPunct(")", "')' after the command");
    Token dot = next();
    if (!dot.isPunct(".") || dot.spaceBefore()) {
      throw error(dot, "expected '.Property' directly after ')', not " + dot.describe());
    }
    Token property = next();
    if (property.kind() != Kind.WORD || property.spaceBefore() || !property.text().matches("[A-Za-z][A-Za-z0-9]*")) {
      throw error(property, "expected a property name after '.', not " + property.describe());
    }
    return new ParsedStatement.Assignment(var.text(), read, property.text());
  }

  /** {@code if|while (-not (probe)) {\n commands \n}}, and {@code if (probe) {\n commands \n}}. */
  private ParsedStatement guarded(boolean isIf) {
    Token keyword = next();
    expectPunct("(", "'(' after " + keyword.text());
    boolean negated = true;
    if (isIf && peek().kind() == Kind.WORD) {
      // if (probe) { ... }: the block runs when the probe finds something.
      negated = false;
    } else {
      Token not = next();
      if (!not.is(Kind.PARAMETER, "not") || not.colon()) {
        throw error(not, "only '" + keyword.text() + " (-not (probe))' is supported" + (isIf ? " (or 'if (probe)')" : "")
            + ", found " + not.describe());
      }
      expectPunct("(", "'(' after -not");
    }
    ParsedCommand probe = command();
    expectPunct(")", negated ? "')' after the probe" : "')' closing the condition");
    if (negated) {
      expectPunct(")", "')' closing the condition");
    }
    expectPunct("{", "'{' opening the block");
    Token nl = next();
    if (nl.kind() != Kind.NEWLINE) {
      throw error(nl, "expected a line break after '{', not " + nl.describe());
    }
    List<ParsedCommand> body = new ArrayList<>();
    while (true) {
      skipNewlines();
      if (peek().isPunct("}")) {
        Token close = next();
        if (body.isEmpty()) {
          throw error(close, "empty block");
        }
        break;
      }
      body.add(command());
      Token end = next();
      if (end.kind() != Kind.NEWLINE) {
        throw error(end, "expected a line break after a command in the block, not " + end.describe());
      }
    }
    if (!negated) {
      return new ParsedStatement.IfFoundBlock(probe, body);
    }
    return isIf ? new ParsedStatement.GuardedBlock(probe, body) : new ParsedStatement.WaitLoop(probe, body);
  }

  private ParsedStatement idempotent() {
    next();
    expectPunct("{", "'{' after " + IDEMPOTENT);
    ParsedCommand c = command();
    expectPunct("}", "'}' closing the " + IDEMPOTENT + " block (one command)");
    return new ParsedStatement.IdempotentBlock(c);
  }

  /** {@code function Name(...) { ... }}: the tokens are checked, braces balanced, the body not interpreted. */
  private ParsedStatement function() {
    next();
    Token name = next();
    if (name.kind() != Kind.WORD || !name.text().matches("[A-Za-z]+-[A-Za-z0-9]+")) {
      throw error(name, "expected a Verb-Noun function name, not " + name.describe());
    }
    if (peek().isPunct("(")) {
      skipBalanced("(", ")");
    }
    if (!peek().isPunct("{")) {
      throw error(peek(), "expected '{' opening the function body, not " + peek().describe());
    }
    skipBalanced("{", "}");
    return new ParsedStatement.FunctionDefinition(name.text());
  }

  private void skipBalanced(String open, String close) {
    Token first = next();
    int depth = 1;
    while (depth > 0) {
      Token t = next();
      if (t.kind() == Kind.EOF) {
        throw error(first, "'" + open + "' is never closed");
      }
      if (t.kind() == Kind.PUNCT) {
        String p = t.text();
        if (p.equals("(") || p.equals("{") || p.equals("[") || p.equals("@(") || p.equals("@{")) {
          depth += p.endsWith(open) ? 1 : 0;
        }
        if (p.equals(close)) {
          depth--;
        }
      }
    }
  }

  // ------------------------------------------------------------------ commands

  private ParsedCommand command() {
    Token name = next();
    if (name.kind() != Kind.WORD || !name.text().matches("[A-Za-z]+-[A-Za-z0-9]+")) {
      if (name.kind() == Kind.WORD && KEYWORDS.contains(name.text().toLowerCase(Locale.ROOT))) {
        throw error(name, "the keyword '" + name.text() + "' is not supported here");
      }
      throw error(name, "expected a Verb-Noun command name, not " + name.describe());
    }
    int slot = commands.size();
    commands.add(null);
    List<ParsedCommand.Parameter> parameters = new ArrayList<>();
    List<ParsedValue> arguments = new ArrayList<>();
    while (!atCommandEnd()) {
      Token t = peek();
      if (t.kind() == Kind.PARAMETER) {
        next();
        parameters.add(new ParsedCommand.Parameter(t.text(), parameterValue(t)));
      } else {
        arguments.add(value());
      }
    }
    ParsedCommand c = new ParsedCommand(name.text(), parameters, arguments, name.line());
    commands.set(slot, c);
    return c;
  }

  private boolean atCommandEnd() {
    Token t = peek();
    return t.kind() == Kind.NEWLINE || t.kind() == Kind.EOF || t.kind() == Kind.COMMENT || t.isPunct(")")
        || t.isPunct("}") || t.isPunct(";");
  }

  private ParsedValue parameterValue(Token parameter) {
    if (parameter.colon()) {
      Token v = next();
      if (v.kind() == Kind.VARIABLE && !v.spaceBefore()
          && (v.text().equalsIgnoreCase("true") || v.text().equalsIgnoreCase("false"))) {
        return new ParsedValue.Bool(v.text().equalsIgnoreCase("true"));
      }
      throw error(v, "only $true or $false may follow -" + parameter.text() + ":, directly");
    }
    if (atCommandEnd() || peek().kind() == Kind.PARAMETER) {
      return new ParsedValue.Switch();
    }
    Token t = peek();
    if (t.kind() == Kind.WORD) {
      if (parameter.text().equalsIgnoreCase("ErrorAction") && t.text().matches("[A-Za-z]+")) {
        next();
        return new ParsedValue.Word(t.text());
      }
      throw error(t, "unquoted value " + t.describe() + " for -" + parameter.text()
          + " is not supported; values must be single-quoted literals");
    }
    return value();
  }

  private ParsedValue value() {
    Token t = next();
    switch (t.kind()) {
      case STRING: {
        if (!peek().isPunct(",")) {
          return new ParsedValue.Literal(t.text());
        }
        List<String> values = new ArrayList<>(List.of(t.text()));
        while (peek().isPunct(",")) {
          next();
          Token item = next();
          if (item.kind() != Kind.STRING) {
            throw error(item, "expected a literal after ',', not " + item.describe());
          }
          values.add(item.text());
        }
        return new ParsedValue.LiteralList(values);
      }
      case VARIABLE:
        if (t.text().equalsIgnoreCase("true") || t.text().equalsIgnoreCase("false")) {
          throw error(t, "write a boolean as -Parameter:$" + t.text().toLowerCase(Locale.ROOT)
              + " (with a space, a switch parameter would take it as a positional argument)");
        }
        checkVariableName(t);
        if (peek().isPunct(".") || peek().isPunct("[")) {
          throw error(peek(), "member access or indexing on $" + t.text() + " is not supported here");
        }
        return new ParsedValue.Variable(t.text());
      case NUMBER:
        return new ParsedValue.Number(Long.parseLong(t.text()));
      case PUNCT:
        switch (t.text()) {
          case "@(":
            expectPunct(")", "')': only the empty array @() is supported");
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
    throw error(t, "expected a value (literal, list, @(), @{...}, $variable, number or (...)), not " + t.describe());
  }

  private ParsedValue hashTable(Token open) {
    Map<String, ParsedValue> entries = new LinkedHashMap<>();
    while (true) {
      Token t = next();
      if (t.isPunct("}")) {
        return new ParsedValue.HashTable(entries);
      }
      if (t.kind() != Kind.WORD || !t.text().matches("[A-Za-z][A-Za-z0-9]*")) {
        throw error(t, "expected a hashtable key (a plain name) or '}', not " + t.describe());
      }
      if (entries.containsKey(t.text())) {
        throw error(t, "duplicate hashtable key " + t.text());
      }
      expectPunct("=", "'=' after the key " + t.text());
      ParsedValue v = value();
      if (!(v instanceof ParsedValue.Literal) && !(v instanceof ParsedValue.LiteralList)) {
        throw error(t, "a hashtable value must be a literal, a list of literals or @()");
      }
      entries.put(t.text(), v);
      Token sep = peek();
      if (sep.isPunct(";")) {
        next();
      } else if (!sep.isPunct("}")) {
        throw error(sep, "expected ';' or '}' in the hashtable opened at line " + open.line() + ", not "
            + sep.describe());
      }
    }
  }

  /** {@code (Read-Host ...)} or {@code ('text' + (ConvertTo-OpathLiteral $v) + ...)}. */
  private ParsedValue parenthesised(Token open) {
    Token first = peek();
    if (first.kind() == Kind.WORD) {
      if (first.text().equalsIgnoreCase("New-PSSession")) {
        ParsedCommand session = command();
        expectPunct(")", "')' closing (New-PSSession ...)");
        return new ParsedValue.Subcommand(session);
      }
      if (!first.text().equalsIgnoreCase(READ_HOST)) {
        throw error(first, "only (Read-Host ...) or (New-PSSession ...) may run as a parameter value, not ("
            + first.text() + " ...)");
      }
      ParsedCommand read = command();
      expectPunct(")", "')' closing (Read-Host ...)");
      return secretPrompt(read, first);
    }
    List<ParsedValue> parts = new ArrayList<>();
    while (true) {
      Token t = next();
      if (t.kind() == Kind.STRING) {
        parts.add(new ParsedValue.Literal(t.text()));
      } else if (t.isPunct("(")) {
        Token helper = peek();
        if (!helper.is(Kind.WORD, OPATH_HELPER)) {
          throw error(helper, "only (" + OPATH_HELPER + " $variable) may appear inside a concatenation, not "
              + helper.describe());
        }
        ParsedCommand quote = command();
        if (!quote.parameters().isEmpty() || quote.arguments().size() != 1
            || !(quote.arguments().get(0) instanceof ParsedValue.Variable v)) {
          throw error(helper, OPATH_HELPER + " takes exactly one $variable");
        }
        expectPunct(")", "')' closing (" + OPATH_HELPER + " ...)");
        parts.add(new ParsedValue.OpathQuoted(v));
      } else {
        throw error(t, "expected a literal or (" + OPATH_HELPER + " $variable) in the expression opened at line "
            + open.line() + ", column " + open.column() + ", not " + t.describe());
      }
      Token op = next();
      if (op.isPunct(")")) {
        return new ParsedValue.Concatenation(parts);
      }
      if (!op.isPunct("+")) {
        throw error(op, "expected '+' or ')' in the expression, not " + op.describe());
      }
    }
  }

  private ParsedValue secretPrompt(ParsedCommand read, Token at) {
    if (read.arguments().isEmpty() && read.parameters().size() == 2
        && read.parameters().get(0).name().equalsIgnoreCase("Prompt")
        && read.parameters().get(0).value() instanceof ParsedValue.Literal prompt
        && read.parameters().get(1).value() instanceof ParsedValue.Switch) {
      String mode = read.parameters().get(1).name();
      if (mode.equalsIgnoreCase("AsSecureString") || mode.equalsIgnoreCase("MaskInput")) {
        return new ParsedValue.SecretPrompt(prompt.value(), mode.equalsIgnoreCase("AsSecureString"));
      }
    }
    throw error(at, "expected (Read-Host -Prompt '...' -AsSecureString) or (Read-Host -Prompt '...' -MaskInput)");
  }

  // ------------------------------------------------------------------ helpers

  private void checkVariableName(Token var) {
    if (!var.text().matches("[A-Za-z][A-Za-z0-9_]*")) {
      throw error(var, "variable $" + var.text() + " is not supported here");
    }
  }

  private void endOfStatement() {
    Token t = peek();
    if (t.kind() != Kind.NEWLINE && t.kind() != Kind.EOF) {
      throw error(t, "expected the end of the line after the statement, not " + t.describe());
    }
  }

  private void expectEnd() {
    skipNewlines();
    Token t = peek();
    if (t.kind() != Kind.EOF) {
      throw error(t, "unexpected " + t.describe() + " after the end");
    }
  }

  private void skipNewlines() {
    while (peek().kind() == Kind.NEWLINE) {
      i++;
    }
  }

  private void expectPunct(String punct, String what) {
    Token t = next();
    if (!t.isPunct(punct)) {
      throw error(t, "expected " + what + ", not " + t.describe());
    }
  }

  private Token peek() {
    return tokens.get(i);
  }

  private Token next() {
    Token t = tokens.get(i);
    if (t.kind() != Kind.EOF) {
      i++;
    }
    return t;
  }

  private ScriptParseException error(Token at, String reason) {
    return new ScriptParseException(reason, at.line(), at.column());
  }
}
