package dev.impersonation.testkit.powershell;

import dev.impersonation.testkit.powershell.Tokenizer.Kind;
import dev.impersonation.testkit.powershell.Tokenizer.Token;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
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
  static final String IDEMPOTENT = "Invoke-Idempotent";
  static final String OPATH_HELPER = "ConvertTo-OpathLiteral";
  static final String READ_HOST = "Read-Host";
  static final Set<String> KEYWORDS = Set.of("begin", "break", "catch", "class", "continue", "data", "define",
      "do", "dynamicparam", "else", "elseif", "end", "enum", "exit", "filter", "finally", "for", "foreach", "from",
      "function", "if", "in", "param", "process", "return", "switch", "throw", "trap", "try", "until", "using", "var",
      "while", "workflow", "parallel", "sequence", "inlinescript", "configuration");

  private final TokenCursor in;
  private final ValueParser values;
  private final List<ParsedCommand> commands = new ArrayList<>();

  private ScriptParser(String text) {
    this.in = new TokenCursor(Tokenizer.tokenize(text));
    this.values = new ValueParser(in, this::command);
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
      p.in.skipNewlines();
      if (p.in.peek().kind() == Kind.EOF) {
        break;
      }
      statements.add(p.statement());
      p.in.endOfStatement();
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
    Token t = p.in.next();
    if (t.kind() != Kind.STRING || !t.spaceBefore() || t.offset() != 0) {
      throw p.in.error(t, "expected a single-quoted literal at the start");
    }
    p.in.expectEnd();
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
    p.in.expectEnd();
    return c;
  }

  // ------------------------------------------------------------------ statements

  private ParsedStatement statement() {
    Token t = in.peek();
    if (t.kind() == Kind.COMMENT) {
      in.next();
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
          in.next();
          Token message = in.next();
          if (message.kind() != Kind.STRING) {
            throw in.error(message, "throw must be followed by one single-quoted literal, not " + message.describe());
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
    throw in.error(t, "expected a statement (comment, command, if, while, throw, function or assignment), not "
        + t.describe());
  }

  private ParsedStatement assignment() {
    Token var = in.next();
    in.expectPunct("=", "'=' after $" + var.text());
    Token t = in.peek();
    if (t.kind() == Kind.STRING) {
      in.next();
      if (!var.text().matches("[A-Za-z]+Preference")) {
        throw in.error(var, "only $...Preference variables may be assigned a literal, not $" + var.text());
      }
      return new ParsedStatement.PreferenceAssignment(var.text(), t.text());
    }
    in.checkVariableName(var);
    if (t.isPunct("@(")) {
      return dataBlock(var);
    }
    in.expectPunct("(", "'(' or a literal after '$" + var.text() + " ='");
    ParsedCommand read = command();
    in.expectPunct(")", "')' after the command");
    Token dot = in.next();
    if (!dot.isPunct(".") || dot.spaceBefore()) {
      throw in.error(dot, "expected '.Property' directly after ')', not " + dot.describe());
    }
    Token property = in.next();
    if (property.kind() != Kind.WORD || property.spaceBefore() || !property.text().matches("[A-Za-z][A-Za-z0-9]*")) {
      throw in.error(property, "expected a property name after '.', not " + property.describe());
    }
    return new ParsedStatement.Assignment(var.text(), read, property.text());
  }

  /** {@code $name = @(}, a line break, one single-quoted literal per line, {@code )}. */
  private ParsedStatement dataBlock(Token var) {
    Token open = in.next();
    Token nl = in.next();
    if (nl.kind() != Kind.NEWLINE) {
      throw in.error(nl, "expected a line break after '@(' (one literal per line), not " + nl.describe());
    }
    List<String> values = new ArrayList<>();
    while (true) {
      in.skipNewlines();
      Token t = in.next();
      if (t.isPunct(")")) {
        return new ParsedStatement.ListAssignment(var.text(), values);
      }
      if (t.kind() == Kind.EOF) {
        throw in.error(open, "'@(' is never closed");
      }
      if (t.kind() != Kind.STRING) {
        throw in.error(t, "a data block holds single-quoted literals only, one per line, not " + t.describe());
      }
      values.add(t.text());
      Token end = in.peek();
      if (end.kind() != Kind.NEWLINE) {
        throw in.error(end, "expected a line break after a literal of the data block, not " + end.describe());
      }
    }
  }

  /** {@code if|while (-not (probe)) {\n commands \n}}, and {@code if (probe) {\n commands \n}}. */
  private ParsedStatement guarded(boolean isIf) {
    Token keyword = in.next();
    in.expectPunct("(", "'(' after " + keyword.text());
    boolean negated = true;
    if (isIf && in.peek().kind() == Kind.WORD) {
      // if (probe) { ... }: the block runs when the probe finds something.
      negated = false;
    } else {
      Token not = in.next();
      if (!not.is(Kind.PARAMETER, "not") || not.colon()) {
        throw in.error(not, "only '" + keyword.text() + " (-not (probe))' is supported" + (isIf ? " (or 'if (probe)')" : "")
            + ", found " + not.describe());
      }
      in.expectPunct("(", "'(' after -not");
    }
    ParsedCommand probe = command();
    in.expectPunct(")", negated ? "')' after the probe" : "')' closing the condition");
    if (negated) {
      in.expectPunct(")", "')' closing the condition");
    }
    in.expectPunct("{", "'{' opening the block");
    Token nl = in.next();
    if (nl.kind() != Kind.NEWLINE) {
      throw in.error(nl, "expected a line break after '{', not " + nl.describe());
    }
    List<ParsedCommand> body = new ArrayList<>();
    while (true) {
      in.skipNewlines();
      if (in.peek().isPunct("}")) {
        Token close = in.next();
        if (body.isEmpty()) {
          throw in.error(close, "empty block");
        }
        break;
      }
      body.add(command());
      Token end = in.next();
      if (end.kind() != Kind.NEWLINE) {
        throw in.error(end, "expected a line break after a command in the block, not " + end.describe());
      }
    }
    if (!negated) {
      return new ParsedStatement.IfFoundBlock(probe, body);
    }
    return isIf ? new ParsedStatement.GuardedBlock(probe, body) : new ParsedStatement.WaitLoop(probe, body);
  }

  private ParsedStatement idempotent() {
    in.next();
    in.expectPunct("{", "'{' after " + IDEMPOTENT);
    ParsedCommand c = command();
    in.expectPunct("}", "'}' closing the " + IDEMPOTENT + " block (one command)");
    return new ParsedStatement.IdempotentBlock(c);
  }

  /** {@code function Name(...) { ... }}: the tokens are checked, braces balanced, the body not interpreted. */
  private ParsedStatement function() {
    in.next();
    Token name = in.next();
    if (name.kind() != Kind.WORD || !name.text().matches("[A-Za-z]+-[A-Za-z0-9]+")) {
      throw in.error(name, "expected a Verb-Noun function name, not " + name.describe());
    }
    if (in.peek().isPunct("(")) {
      skipBalanced("(", ")");
    }
    if (!in.peek().isPunct("{")) {
      throw in.error(in.peek(), "expected '{' opening the function body, not " + in.peek().describe());
    }
    skipBalanced("{", "}");
    return new ParsedStatement.FunctionDefinition(name.text());
  }

  private void skipBalanced(String open, String close) {
    Token first = in.next();
    int depth = 1;
    while (depth > 0) {
      Token t = in.next();
      if (t.kind() == Kind.EOF) {
        throw in.error(first, "'" + open + "' is never closed");
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
    Token name = in.next();
    if (name.kind() != Kind.WORD || !name.text().matches("[A-Za-z]+-[A-Za-z0-9]+")) {
      if (name.kind() == Kind.WORD && KEYWORDS.contains(name.text().toLowerCase(Locale.ROOT))) {
        throw in.error(name, "the keyword '" + name.text() + "' is not supported here");
      }
      throw in.error(name, "expected a Verb-Noun command name, not " + name.describe());
    }
    int slot = commands.size();
    commands.add(null);
    List<ParsedCommand.Parameter> parameters = new ArrayList<>();
    List<ParsedValue> arguments = new ArrayList<>();
    while (!in.atCommandEnd()) {
      Token t = in.peek();
      if (t.kind() == Kind.PARAMETER) {
        in.next();
        parameters.add(new ParsedCommand.Parameter(t.text(), values.parameterValue(t)));
      } else {
        arguments.add(values.value());
      }
    }
    ParsedCommand c = new ParsedCommand(name.text(), parameters, arguments, name.line());
    commands.set(slot, c);
    return c;
  }
}
