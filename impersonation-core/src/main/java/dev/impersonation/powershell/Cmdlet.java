package dev.impersonation.powershell;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * A cmdlet invocation as a value: a name and ordered parameters. Built fluently; rendered only by
 * {@link ScriptRenderer}. Nothing in this library builds PowerShell by string concatenation.
 *
 * @param name the cmdlet name, e.g. {@code New-ManagementScope}
 * @param parameters the parameters, in order
 */
public record Cmdlet(String name, List<Parameter> parameters) {

  /**
   * One named parameter.
   *
   * @param name the parameter name without the dash
   * @param value its value
   */
  public record Parameter(String name, ParameterValue value) {
    public Parameter {
      if (!name.matches("[A-Za-z][A-Za-z0-9]*")) {
        throw new IllegalArgumentException("not a parameter name: " + name);
      }
      Objects.requireNonNull(value, "value");
    }
  }

  public Cmdlet {
    if (!name.matches("[A-Z][a-z]+-[A-Za-z0-9]+")) {
      throw new IllegalArgumentException("not a cmdlet name: " + name);
    }
    parameters = Collections.unmodifiableList(new ArrayList<>(parameters));
  }

  /** A cmdlet with no parameters yet. */
  public static Cmdlet of(String name) {
    return new Cmdlet(name, List.of());
  }

  private Cmdlet with(String parameter, ParameterValue value) {
    List<Parameter> all = new ArrayList<>(parameters);
    all.add(new Parameter(parameter, value));
    return new Cmdlet(name, all);
  }

  /** Adds {@code -parameter 'text'}. */
  public Cmdlet text(String parameter, String value) {
    return with(parameter, new ParameterValue.Text(value));
  }

  /** Adds {@code -parameter 'a','b'}. */
  public Cmdlet list(String parameter, List<String> values) {
    return with(parameter, new ParameterValue.TextList(values));
  }

  /** Adds {@code -parameter $true|$false}. */
  public Cmdlet bool(String parameter, boolean value) {
    return with(parameter, new ParameterValue.Bool(value));
  }

  /** Adds the switch {@code -parameter}. */
  public Cmdlet flag(String parameter) {
    return with(parameter, new ParameterValue.Switch());
  }

  /** Adds any parameter value. */
  public Cmdlet param(String parameter, ParameterValue value) {
    return with(parameter, value);
  }

  /** The value of a parameter, if present. */
  public Optional<ParameterValue> get(String parameter) {
    return parameters.stream().filter(p -> p.name().equalsIgnoreCase(parameter)).map(Parameter::value).findFirst();
  }

  @Override
  public String toString() {
    return ScriptRenderer.render(this);
  }
}
