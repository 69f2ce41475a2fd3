package dev.impersonation.powershell;

import dev.impersonation.spi.RecipientFilter;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The value of one cmdlet parameter. The renderer alone turns these into PowerShell text. */
public sealed interface ParameterValue {

  /** A string, rendered as one single-quoted literal. @param value the text */
  record Text(String value) implements ParameterValue {}

  /** A boolean, rendered as {@code $true} / {@code $false}. @param value the value */
  record Bool(boolean value) implements ParameterValue {}

  /** A switch parameter, present without a value. */
  record Switch() implements ParameterValue {}

  /** A list of strings, rendered as {@code 'a','b'}. @param values the strings */
  record TextList(List<String> values) implements ParameterValue {
    public TextList {
      values = List.copyOf(values);
    }
  }

  /**
   * A hashtable of string lists, e.g. {@code @{Add='a','b'}} for {@code -ManagedBy} edits.
   *
   * @param entries key to values
   */
  record Table(Map<String, List<String>> entries) implements ParameterValue {
    public Table {
      entries = new LinkedHashMap<>(entries);
    }
  }

  /** A script variable set earlier in the script. @param name the variable name without {@code $} */
  record Variable(String name) implements ParameterValue {
    public Variable {
      if (!name.matches("[A-Za-z][A-Za-z0-9_]*")) {
        throw new IllegalArgumentException("not a safe variable name: " + name);
      }
    }
  }

  /**
   * A recipient filter. With every DN known it renders as one literal (OPATH layer, then PowerShell layer); DNs
   * resolved while the script runs come from variables, quoted for OPATH by the script's helper function.
   *
   * @param filter the filter
   * @param dnVariables group identity to the variable holding its DN
   */
  record Filter(RecipientFilter filter, Map<String, String> dnVariables) implements ParameterValue {
    public Filter {
      dnVariables = Map.copyOf(dnVariables);
    }
  }

  /**
   * Another cmdlet whose output is the value, rendered in parentheses, e.g.
   * {@code -Session (New-PSSession ...)}.
   *
   * @param cmdlet the inner cmdlet
   */
  record Subcommand(Cmdlet cmdlet) implements ParameterValue {}

  /**
   * A secret the script asks the admin for while running; the value itself is never rendered.
   *
   * @param prompt the prompt text
   * @param secureString whether to read it as a SecureString (else masked plain text, PowerShell 7)
   */
  record SecretPrompt(String prompt, boolean secureString) implements ParameterValue {}
}
