package dev.impersonation.testkit.powershell;

import dev.impersonation.testkit.internal.OpathReader;
import java.util.List;

/**
 * Reads the OPATH layer of a recipient filter (docs/powershell-quoting.md, layer 1): {@code Property -op 'value'} comparisons
 * joined with {@code -and}, {@code -or}, {@code -not} and parentheses. Values are single-quoted with U+0027 only;
 * inside, {@code ''} stands for one U+0027 and every other character, including U+2018-U+201B, is plain text.
 *
 * <p>Use it on the decoded PowerShell literal of a {@code -RecipientRestrictionFilter}, e.g.
 * {@code Opath.values(command.text("RecipientRestrictionFilter"))}. Anything else (double-quoted or unquoted
 * values, unknown operators, unbalanced parentheses) raises {@link ScriptParseException}, with the line and column
 * inside the filter text.
 *
 * <p>This is the script dialect of the testkit's one OPATH reader, the one the fake tenant's Exchange also evaluates
 * management scopes with (in its own, more lenient dialect: double quotes too, four operators).
 */
public final class Opath {
  private Opath() {}

  /**
   * One comparison.
   *
   * @param property the property, e.g. {@code MemberOfGroup}
   * @param operator the operator without the dash, lower case, e.g. {@code eq}
   * @param value the decoded value
   */
  public record Comparison(String property, String operator, String value) {}

  /** The values of every comparison in {@code filter}, in order, with {@code ''} collapsed. */
  public static List<String> values(String filter) {
    return comparisons(filter).stream().map(Comparison::value).toList();
  }

  /** Every comparison in {@code filter}, in order. */
  public static List<Comparison> comparisons(String filter) {
    try {
      return OpathReader.comparisons(filter, OpathReader.Syntax.SCRIPT).stream()
          .map(c -> new Comparison(c.property(), c.operator(), c.value())).toList();
    } catch (OpathReader.SyntaxException e) {
      throw new ScriptParseException(e.getMessage(), e.line(), e.column());
    }
  }
}
