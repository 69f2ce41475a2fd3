package dev.impersonation.powershell;

import java.util.List;

/** One statement of a rendered admin script. */
public sealed interface Statement {

  /** A comment; each line of the text becomes a {@code #} line. @param text the text */
  record Comment(String text) implements Statement {}

  /** Runs a cmdlet. @param cmdlet the cmdlet */
  record Run(Cmdlet cmdlet) implements Statement {}

  /**
   * Runs {@code action} only when {@code probe} finds nothing: {@code if (-not (probe)) { action }}.
   *
   * @param probe a Get- cmdlet, run with {@code -ErrorAction SilentlyContinue}
   * @param actions the cmdlets to run when it finds nothing
   */
  record RunUnlessFound(Cmdlet probe, List<Cmdlet> actions) implements Statement {
    public RunUnlessFound {
      actions = List.copyOf(actions);
    }
  }

  /**
   * Runs {@code actions} only when {@code probe} finds something: {@code if (probe) { action }}, e.g. a removal that
   * must not fail when the object is already gone.
   *
   * @param probe a Get- cmdlet, run with {@code -ErrorAction SilentlyContinue}
   * @param actions the cmdlets to run when it finds something
   */
  record RunIfFound(Cmdlet probe, List<Cmdlet> actions) implements Statement {
    public RunIfFound {
      actions = List.copyOf(actions);
    }
  }

  /** Runs a cmdlet, treating "already exists / already a member" as done. @param cmdlet the cmdlet */
  record RunIdempotent(Cmdlet cmdlet) implements Statement {}

  /**
   * Stores one property of a read in a variable: {@code $variable = (read).Property}.
   *
   * @param variable the variable name without {@code $}
   * @param read the read cmdlet
   * @param property the property
   */
  record Assign(String variable, Cmdlet read, String property) implements Statement {}

  /**
   * Waits until {@code probe} finds the object, checking every {@code intervalSeconds}.
   *
   * @param probe a Get- cmdlet
   * @param intervalSeconds seconds between checks
   * @param message what is being waited for
   */
  record WaitUntilFound(Cmdlet probe, int intervalSeconds, String message) implements Statement {}

  /** Stops the script with a message. @param message the message */
  record Fail(String message) implements Statement {}

  /**
   * {@code $variable = @(} one literal per line {@code )}: a long list of values (group members) declared once, so the
   * statement that uses it stays one readable line.
   */
  record DataBlock(String variable, List<String> values) implements Statement {
    public DataBlock {
      new ParameterValue.Variable(variable);
      values = List.copyOf(values);
    }
  }
}
