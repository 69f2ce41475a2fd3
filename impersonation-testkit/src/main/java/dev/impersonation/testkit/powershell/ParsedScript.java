package dev.impersonation.testkit.powershell;

import java.util.List;
import java.util.Optional;

/**
 * A whole admin script read back by {@link ScriptParser#parse(String)}: its top-level statements and, flattened, every
 * command it invokes.
 *
 * @param statements the top-level statements, in order (blank lines are not statements)
 * @param commands every command invocation in source order, including the probes and bodies of {@code if} and
 *     {@code while} blocks, the command inside {@code Invoke-Idempotent { }}, the read of an assignment, and the
 *     commands inside parameter values ({@code Read-Host} of a secret prompt, {@code ConvertTo-OpathLiteral} of a
 *     filter); an outer command comes before the commands inside its parameter values. Bodies of function
 *     definitions are not included.
 */
public record ParsedScript(List<ParsedStatement> statements, List<ParsedCommand> commands) {

  public ParsedScript {
    statements = List.copyOf(statements);
    commands = List.copyOf(commands);
  }

  /** Every invocation of the named command (case-insensitive), in order. */
  public List<ParsedCommand> commands(String name) {
    return commands.stream().filter(c -> c.is(name)).toList();
  }

  /** The first invocation of the named command (case-insensitive), if any. */
  public Optional<ParsedCommand> command(String name) {
    return commands.stream().filter(c -> c.is(name)).findFirst();
  }

  /** The text of every comment line, in order ({@code #Requires} lines included). */
  public List<String> comments() {
    return statements.stream().filter(s -> s instanceof ParsedStatement.Comment)
        .map(s -> ((ParsedStatement.Comment) s).text()).toList();
  }

  /** The top-level statements of one kind, in order. */
  public <T extends ParsedStatement> List<T> statements(Class<T> kind) {
    return statements.stream().filter(kind::isInstance).map(kind::cast).toList();
  }

  /** The (last) assignment of {@code $variable} (name without {@code $}, case-insensitive), if any. */
  public Optional<ParsedStatement.Assignment> assignmentOf(String variable) {
    ParsedStatement.Assignment found = null;
    for (ParsedStatement.Assignment a : statements(ParsedStatement.Assignment.class)) {
      if (a.variable().equalsIgnoreCase(variable)) {
        found = a;
      }
    }
    return Optional.ofNullable(found);
  }

  /**
   * The values of a parameter: its literal or list of literals, or the data block ({@code $v = @( ... )}) of the
   * variable it names.
   *
   * @throws IllegalStateException when the value is none of these, or names a variable no data block declares
   */
  public List<String> values(ParsedCommand command, String parameter) {
    ParsedValue v = command.parameter(parameter).orElseThrow(() -> new java.util.NoSuchElementException(command.name()
        + " has no parameter -" + parameter));
    if (v instanceof ParsedValue.Variable var) {
      ParsedStatement.ListAssignment found = null;
      for (ParsedStatement.ListAssignment l : statements(ParsedStatement.ListAssignment.class)) {
        if (l.variable().equalsIgnoreCase(var.name())) {
          found = l;
        }
      }
      if (found == null) {
        throw new IllegalStateException(command.name() + " -" + parameter + " names $" + var.name() + ", which no data block declares");
      }
      return found.values();
    }
    return command.texts(parameter);
  }

  /** The names of the functions the script defines, in order. */
  public List<String> functions() {
    return statements(ParsedStatement.FunctionDefinition.class).stream().map(ParsedStatement.FunctionDefinition::name)
        .toList();
  }
}
