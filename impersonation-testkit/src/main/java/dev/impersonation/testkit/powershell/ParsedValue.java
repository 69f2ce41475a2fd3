package dev.impersonation.testkit.powershell;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Function;

/**
 * The value of one cmdlet parameter (or positional argument) as read back from a script, with every single-quoted
 * literal already decoded to the string PowerShell would see.
 *
 * <p>Filter parameters such as {@code -RecipientRestrictionFilter} carry a second, OPATH layer inside the PowerShell
 * literal; read it with {@link #opathFilterValues()} or {@link Opath}.
 */
public sealed interface ParsedValue {

  /**
   * One single-quoted literal, e.g. {@code 'O''Brien'} read as {@code O'Brien}.
   *
   * @param value the decoded text
   */
  record Literal(String value) implements ParsedValue {
    public Literal {
      Objects.requireNonNull(value, "value");
    }
  }

  /**
   * A comma-separated list of literals, {@code 'a','b'}, or the empty array {@code @()}. A one-element list is written
   * {@code 'a'} and reads back as a {@link Literal}; {@link ParsedCommand#texts(String)} reads either.
   *
   * @param values the decoded texts, in order
   */
  record LiteralList(List<String> values) implements ParsedValue {
    public LiteralList {
      values = List.copyOf(values);
    }
  }

  /**
   * {@code $true} or {@code $false}, written {@code -Param:$false}.
   *
   * @param value the value
   */
  record Bool(boolean value) implements ParsedValue {}

  /** A switch parameter given without a value, e.g. {@code -RoomList}. */
  record Switch() implements ParsedValue {}

  /**
   * A whole number, e.g. {@code Start-Sleep -Seconds 60}.
   *
   * @param value the number
   */
  record Number(long value) implements ParsedValue {}

  /**
   * An unquoted enumeration word; only {@code -ErrorAction} takes one (e.g. {@code SilentlyContinue}).
   *
   * @param value the word
   */
  record Word(String value) implements ParsedValue {}

  /**
   * A script variable, e.g. {@code $groupDn1}.
   *
   * @param name the name without {@code $}
   */
  record Variable(String name) implements ParsedValue {
    public Variable {
      Objects.requireNonNull(name, "name");
    }
  }

  /**
   * A hashtable such as {@code @{Add='a','b'}} or {@code @{SkuId='...'}}; each value is a {@link Literal} or a
   * {@link LiteralList}.
   *
   * @param entries key to value, in the order written
   */
  record HashTable(Map<String, ParsedValue> entries) implements ParsedValue {
    public HashTable {
      entries = Collections.unmodifiableMap(new LinkedHashMap<>(entries));
    }
  }

  /**
   * A secret the script asks for while it runs: {@code (Read-Host -Prompt '...' -AsSecureString)} or
   * {@code -MaskInput}.
   *
   * @param prompt the decoded prompt
   * @param secureString true for {@code -AsSecureString}, false for {@code -MaskInput}
   */
  record SecretPrompt(String prompt, boolean secureString) implements ParsedValue {}

  /**
   * A command whose output is the value, e.g. {@code -Session (New-PSSession ...)}; only the commands the renderer
   * emits in this position are accepted ({@code New-PSSession}).
   *
   * @param command the inner command
   */
  record Subcommand(ParsedCommand command) implements ParsedValue {}

  /**
   * {@code (ConvertTo-OpathLiteral $v)}: the value of a variable, quoted for OPATH when the script runs (single
   * quotes around it, each U+0027 inside doubled). Appears only inside a {@link Concatenation}.
   *
   * @param variable the variable
   */
  record OpathQuoted(Variable variable) implements ParsedValue {}

  /**
   * A parenthesised string concatenation, e.g.
   * {@code ('MemberOfGroup -eq ' + (ConvertTo-OpathLiteral $groupDn1))}; each part is a {@link Literal} or an
   * {@link OpathQuoted}.
   *
   * @param parts the parts, in order
   */
  record Concatenation(List<ParsedValue> parts) implements ParsedValue {
    public Concatenation {
      parts = List.copyOf(parts);
      for (ParsedValue p : parts) {
        if (!(p instanceof Literal) && !(p instanceof OpathQuoted)) {
          throw new IllegalArgumentException("not a concatenation part: " + p);
        }
      }
    }

    /** The variables the concatenation reads, in order. */
    public List<Variable> variables() {
      List<Variable> out = new ArrayList<>();
      for (ParsedValue p : parts) {
        if (p instanceof OpathQuoted q) {
          out.add(q.variable());
        }
      }
      return out;
    }

    /**
     * The string the script would compute, given the run-time value of each variable (by name without {@code $}).
     * An {@link OpathQuoted} part becomes the value in single quotes with each U+0027 doubled.
     */
    public String evaluate(Function<String, String> variableValue) {
      StringBuilder out = new StringBuilder();
      for (ParsedValue p : parts) {
        if (p instanceof Literal l) {
          out.append(l.value());
        } else if (p instanceof OpathQuoted q) {
          String value = Objects.requireNonNull(variableValue.apply(q.variable().name()),
              () -> "no value for $" + q.variable().name());
          out.append('\'').append(value.replace("'", "''")).append('\'');
        }
      }
      return out.toString();
    }
  }

  /**
   * Reads this value as an OPATH filter and returns the values of its {@code Property -op 'value'} comparisons, in
   * order, with {@code ''} collapsed to {@code '} (only U+0027 is doubled in OPATH). A {@link Literal} is read as
   * written; in a {@link Concatenation} each {@code (ConvertTo-OpathLiteral $v)} stands for the value {@code $v}.
   *
   * @throws IllegalStateException if this is neither a literal nor a concatenation
   * @throws ScriptParseException if the text is not a filter in the OPATH subset {@link Opath} reads
   */
  default List<String> opathFilterValues() {
    if (this instanceof Literal l) {
      return Opath.values(l.value());
    } else if (this instanceof Concatenation c) {
      return Opath.values(c.evaluate(name -> "$" + name));
    }
    throw new IllegalStateException("not a filter value: " + this);
  }
}
