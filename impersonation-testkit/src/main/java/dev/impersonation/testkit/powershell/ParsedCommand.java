package dev.impersonation.testkit.powershell;

import java.util.List;
import java.util.NoSuchElementException;
import java.util.Objects;
import java.util.Optional;

/**
 * One cmdlet (or function) invocation read back from a script: its name, its named parameters in the order written,
 * and its positional arguments (e.g. the message of {@code Write-Host 'done'}).
 *
 * <p>A parameter followed by a value takes that value; the parser does not know which parameters are switches, so
 * write switches last or before another {@code -Parameter}, as the renderer does.
 *
 * @param name the command name as written, e.g. {@code New-ManagementScope}
 * @param parameters the named parameters, in order
 * @param arguments the positional arguments, in order
 * @param line the 1-based line the command starts on
 */
public record ParsedCommand(String name, List<Parameter> parameters, List<ParsedValue> arguments, int line) {

  /**
   * One named parameter.
   *
   * @param name the name without the dash, as written
   * @param value its value ({@link ParsedValue.Switch} when given without one)
   */
  public record Parameter(String name, ParsedValue value) {
    public Parameter {
      Objects.requireNonNull(name, "name");
      Objects.requireNonNull(value, "value");
    }
  }

  public ParsedCommand {
    Objects.requireNonNull(name, "name");
    parameters = List.copyOf(parameters);
    arguments = List.copyOf(arguments);
  }

  /** The value of a parameter (name without the dash, case-insensitive), if present. */
  public Optional<ParsedValue> parameter(String parameter) {
    return parameters.stream().filter(p -> p.name().equalsIgnoreCase(parameter)).map(Parameter::value).findFirst();
  }

  /** True if the parameter is present (name case-insensitive). */
  public boolean has(String parameter) {
    return parameter(parameter).isPresent();
  }

  /**
   * The decoded literal of a parameter given as one single-quoted literal.
   *
   * @throws NoSuchElementException if the parameter is absent
   * @throws IllegalStateException if its value is not a single literal
   */
  public String text(String parameter) {
    ParsedValue v = parameter(parameter).orElseThrow(
        () -> new NoSuchElementException(name + " has no parameter -" + parameter + " (has " + parameterNames() + ")"));
    if (v instanceof ParsedValue.Literal l) {
      return l.value();
    }
    throw new IllegalStateException(name + " -" + parameter + " is not a single literal: " + v);
  }

  /**
   * The decoded literals of a parameter given as a literal or a list of literals. PowerShell (and so this parser)
   * cannot tell a one-element list {@code 'a'} from a single literal, so use this for list-valued parameters such as
   * {@code -Roles} or {@code -ManagedBy}.
   *
   * @throws NoSuchElementException if the parameter is absent
   * @throws IllegalStateException if its value is neither a literal nor a list of literals
   */
  public List<String> texts(String parameter) {
    ParsedValue v = parameter(parameter).orElseThrow(
        () -> new NoSuchElementException(name + " has no parameter -" + parameter + " (has " + parameterNames() + ")"));
    if (v instanceof ParsedValue.Literal l) {
      return List.of(l.value());
    } else if (v instanceof ParsedValue.LiteralList l) {
      return l.values();
    }
    throw new IllegalStateException(name + " -" + parameter + " is not a literal or a list of literals: " + v);
  }

  /** The names of the named parameters, in order. */
  public List<String> parameterNames() {
    return parameters.stream().map(Parameter::name).toList();
  }

  /** True if the command has this name (case-insensitive, as PowerShell resolves commands). */
  public boolean is(String commandName) {
    return name.equalsIgnoreCase(commandName);
  }
}
