package dev.impersonation.testkit.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.impersonation.GroupKind;
import dev.impersonation.spi.RecipientFilter;
import dev.impersonation.testkit.internal.OpathReader.Comparison;
import dev.impersonation.testkit.internal.OpathReader.Syntax;
import dev.impersonation.testkit.powershell.Opath;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;

/**
 * Filters in the subset both former readers took (single quotes, ASCII property names, {@code -eq -ne -like -notlike},
 * {@code -and -or -not}, parentheses, spaces and tabs) read the same in both dialects: the same comparisons in the same
 * order for the script caller ({@code powershell.Opath}) and the Exchange caller ({@link OpathReader#matches}), and
 * the Exchange evaluation is the filter's boolean value.
 */
class OpathReaderProperties {
  private static final String SEED = "20261124";
  private static final int TRIES = 1000;

  private static final Map<String, String> RECIPIENT = Map.of("department", "Sales", "city", "O'Brien\u2019s",
      "customattribute1", "", "a.b", "x\ny");
  private static final String MEMBER_DN = "CN=Rooms,OU=G";

  /** A filter's tree with the spacing and keyword spelling it is written with. */
  sealed interface Node {
    String text(int level);

    boolean holds();

    void comparisons(List<Comparison> out);
  }

  record Cmp(String property, String operator, String value, String space) implements Node {
    public String text(int level) {
      return property + space + "-" + operator + space + "'" + value.replace("'", "''") + "'";
    }

    Comparison comparison() {
      return new Comparison(property, operator.toLowerCase(Locale.ROOT), value);
    }

    public boolean holds() {
      return comparison().test(p -> RECIPIENT.get(p.toLowerCase(Locale.ROOT)), MEMBER_DN::equals);
    }

    public void comparisons(List<Comparison> out) {
      out.add(comparison());
    }
  }

  record Not(Node inner, String keyword, String space) implements Node {
    public String text(int level) {
      return keyword + space + inner.text(2);
    }

    public boolean holds() {
      return !inner.holds();
    }

    public void comparisons(List<Comparison> out) {
      inner.comparisons(out);
    }
  }

  /** {@code -and} (level 1) or {@code -or} (level 0); parenthesized where the context binds tighter. */
  record Join(Node left, Node right, boolean and, String keyword, String space) implements Node {
    public String text(int level) {
      int mine = and ? 1 : 0;
      String t = left.text(mine) + space + keyword + space + right.text(mine);
      return level > mine ? "(" + t + ")" : t;
    }

    public boolean holds() {
      boolean l = left.holds();
      boolean r = right.holds();
      return and ? l && r : l || r;
    }

    public void comparisons(List<Comparison> out) {
      left.comparisons(out);
      right.comparisons(out);
    }
  }

  record Paren(Node inner, String space) implements Node {
    public String text(int level) {
      return "(" + space + inner.text(0) + space + ")";
    }

    public boolean holds() {
      return inner.holds();
    }

    public void comparisons(List<Comparison> out) {
      inner.comparisons(out);
    }
  }

  private static Arbitrary<String> spelled(String word) {
    return Arbitraries.of(word, word.toUpperCase(Locale.ROOT), word.substring(0, 1).toUpperCase(Locale.ROOT) + word.substring(1));
  }

  private static Arbitrary<String> space() {
    return Arbitraries.of(" ", "  ", "\t", " \t ");
  }

  private static Arbitrary<Node> comparison() {
    Arbitrary<String> property = Arbitraries.of("Department", "city", "CustomAttribute1", "a.b", "Title", "MemberOfGroup",
        "memberofgroup");
    Arbitrary<String> operator = Arbitraries.of("eq", "ne", "like", "notlike").flatMap(OpathReaderProperties::spelled);
    Arbitrary<String> value = Arbitraries.oneOf(Arbitraries.of("Sales", "sales", "S*", "*s", "*", "", "O'Brien\u2019s",
        "O'Brien*", "x\ny", MEMBER_DN, "cn=rooms,ou=g", "-and", "(", ")", "\"", "''"), Arbitraries.strings().all().ofMaxLength(6));
    return Combinators.combine(property, operator, value, space()).as((p, o, v, s) -> (Node) new Cmp(p, o, v, s));
  }

  private static Arbitrary<Node> tree(int depth) {
    if (depth == 0) {
      return comparison();
    }
    Arbitrary<Node> sub = tree(depth - 1);
    return Arbitraries.frequencyOf(
        Tuple.of(3, comparison()),
        Tuple.of(1, Combinators.combine(sub, spelled("-not"), space()).as((i, k, s) -> (Node) new Not(i, k, s))),
        Tuple.of(2, Combinators.combine(sub, sub, spelled("-and"), space()).as((l, r, k, s) -> (Node) new Join(l, r, true, k, s))),
        Tuple.of(2, Combinators.combine(sub, sub, spelled("-or"), space()).as((l, r, k, s) -> (Node) new Join(l, r, false, k, s))),
        Tuple.of(1, Combinators.combine(sub, Arbitraries.of("", " ", "\t")).as((i, s) -> (Node) new Paren(i, s))));
  }

  @Provide
  Arbitrary<Node> filters() {
    return tree(4);
  }

  @Property(tries = TRIES, seed = SEED)
  void bothDialectsAndBothFormerCallersReadTheSameComparisons(@ForAll("filters") Node filter) {
    String text = filter.text(0);
    List<Comparison> expected = new ArrayList<>();
    filter.comparisons(expected);
    assertEquals(expected, OpathReader.comparisons(text, Syntax.EXCHANGE), text);
    assertEquals(expected, OpathReader.comparisons(text, Syntax.SCRIPT), text);
    assertEquals(expected.stream().map(c -> new Opath.Comparison(c.property(), c.operator(), c.value())).toList(),
        Opath.comparisons(text), text);
    List<Comparison> asked = new ArrayList<>();
    OpathReader.read(text, Syntax.EXCHANGE, c -> asked.add(c));
    assertEquals(expected, asked, "the evaluation asks about every comparison, in order: " + text);
  }

  @Property(tries = TRIES, seed = SEED)
  void theExchangeEvaluationIsTheFiltersValue(@ForAll("filters") Node filter) {
    String text = filter.text(0);
    assertEquals(filter.holds(), OpathReader.matches(text, p -> RECIPIENT.get(p.toLowerCase(Locale.ROOT)), MEMBER_DN::equals),
        text);
  }

  @Provide
  Arbitrary<String> distinguishedNames() {
    Arbitrary<String> hostile = Arbitraries.of("'", "''", "\u2019", "\u2018", "\"", "-or", "(", ")", "\n", " ", "*", "$x", "`")
        .list().ofMaxSize(6).map(l -> String.join("", l));
    return Arbitraries.oneOf(hostile, Arbitraries.strings().all().ofMaxLength(12)).map(s -> "CN=" + s + ",OU=Groups,DC=x");
  }

  @Property(tries = TRIES, seed = SEED)
  void memberOfGroupFiltersTheProductRendersReadAlike(@ForAll("distinguishedNames") String a,
      @ForAll("distinguishedNames") String b) {
    String opath = new RecipientFilter.MemberOfGroups(List.of(
        new RecipientFilter.GroupReference("A", GroupKind.DISTRIBUTION, Optional.of(a)),
        new RecipientFilter.GroupReference("B", GroupKind.ROOM_LIST, Optional.of(b)))).toOpath(g -> "");
    List<Comparison> expected = List.of(new Comparison("MemberOfGroup", "eq", a), new Comparison("MemberOfGroup", "eq", b));
    assertEquals(expected, OpathReader.comparisons(opath, Syntax.EXCHANGE), opath);
    assertEquals(expected, OpathReader.comparisons(opath, Syntax.SCRIPT), opath);
    assertEquals(List.of(a, b), Opath.values(opath), opath);
    assertTrue(OpathReader.matches(opath, p -> "", b::equals), opath);
  }
}
