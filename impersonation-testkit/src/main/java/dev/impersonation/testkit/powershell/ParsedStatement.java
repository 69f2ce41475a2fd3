package dev.impersonation.testkit.powershell;

import java.util.List;

/** One top-level statement of a script read by {@link ScriptParser}. */
public sealed interface ParsedStatement {

  /**
   * A line comment, {@code # text}; {@code #Requires ...} lines are comments too.
   *
   * @param text the text after {@code #}, without one leading space
   * @param line the 1-based line
   */
  record Comment(String text, int line) implements ParsedStatement {
    /** True for a {@code #Requires} directive. */
    public boolean isRequires() {
      return text.regionMatches(true, 0, "Requires", 0, "Requires".length());
    }
  }

  /**
   * A command on its own line.
   *
   * @param command the command
   */
  record Command(ParsedCommand command) implements ParsedStatement {}

  /**
   * {@code if (-not (probe)) { body }}: the body runs only when the probe finds nothing.
   *
   * @param probe the probe, e.g. {@code Get-ManagementScope -Identity 'x' -ErrorAction SilentlyContinue}
   * @param body the commands of the block, in order
   */
  record GuardedBlock(ParsedCommand probe, List<ParsedCommand> body) implements ParsedStatement {
    public GuardedBlock {
      body = List.copyOf(body);
    }
  }

  /**
   * {@code if (probe) { body }}: the body runs only when the probe finds something (e.g. a removal that is skipped
   * when the object is already gone).
   *
   * @param probe the probe, e.g. {@code Get-MgDirectoryAdministrativeUnitMemberAsUser ... -ErrorAction SilentlyContinue}
   * @param body the commands of the block, in order
   */
  record IfFoundBlock(ParsedCommand probe, List<ParsedCommand> body) implements ParsedStatement {
    public IfFoundBlock {
      body = List.copyOf(body);
    }
  }

  /**
   * {@code Invoke-Idempotent { command }}: "already exists / already a member" counts as done.
   *
   * @param command the command in the block
   */
  record IdempotentBlock(ParsedCommand command) implements ParsedStatement {}

  /**
   * {@code $variable = (read).Property}.
   *
   * @param variable the variable name without {@code $}
   * @param read the command in parentheses
   * @param property the property read from its result
   */
  record Assignment(String variable, ParsedCommand read, String property) implements ParsedStatement {}

  /**
   * {@code while (-not (probe)) { body }}: waits until the probe finds something.
   *
   * @param probe the probe
   * @param body the commands of the loop, e.g. {@code Write-Host '...'} and {@code Start-Sleep -Seconds 60}
   */
  record WaitLoop(ParsedCommand probe, List<ParsedCommand> body) implements ParsedStatement {
    public WaitLoop {
      body = List.copyOf(body);
    }
  }

  /**
   * {@code throw 'message'}.
   *
   * @param message the decoded message
   */
  record Throw(String message) implements ParsedStatement {}

  /**
   * {@code $name = @(} then one single-quoted literal per line, then {@code )}: a data block of values.
   *
   * @param variable the variable's name, without {@code $}
   * @param values the literals, in order
   */
  record ListAssignment(String variable, List<String> values) implements ParsedStatement {
    public ListAssignment {
      values = List.copyOf(values);
    }
  }

  /**
   * {@code function Name(...) { ... }}, kept by name only (its body is tokenised, so it is held to the same lexical
   * rules, but not interpreted).
   *
   * @param name the function name
   */
  record FunctionDefinition(String name) implements ParsedStatement {}

  /**
   * {@code $SomethingPreference = 'value'}, e.g. {@code $ErrorActionPreference = 'Stop'}.
   *
   * @param variable the variable name without {@code $}
   * @param value the decoded value
   */
  record PreferenceAssignment(String variable, String value) implements ParsedStatement {}
}
