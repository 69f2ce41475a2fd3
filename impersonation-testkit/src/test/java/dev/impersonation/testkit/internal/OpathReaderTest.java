package dev.impersonation.testkit.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.impersonation.GroupKind;
import dev.impersonation.spi.RecipientFilter;
import dev.impersonation.testkit.internal.OpathReader.Comparison;
import dev.impersonation.testkit.internal.OpathReader.Syntax;
import dev.impersonation.testkit.internal.OpathReader.SyntaxException;
import dev.impersonation.testkit.powershell.Opath;
import dev.impersonation.testkit.powershell.ScriptParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/**
 * The one OPATH reader in its two dialects: what both read alike (the filters the product renders), and where the fake
 * Exchange's dialect ({@link Syntax#EXCHANGE}, the former {@code dev.impersonation.testkit.Opath}) and the script
 * dialect ({@link Syntax#SCRIPT}, the former parser of {@code dev.impersonation.testkit.powershell.Opath}) differ, with
 * the error texts each had.
 */
class OpathReaderTest {

  private static List<Comparison> both(String filter) {
    List<Comparison> exchange = OpathReader.comparisons(filter, Syntax.EXCHANGE);
    assertEquals(exchange, OpathReader.comparisons(filter, Syntax.SCRIPT), filter);
    return exchange;
  }

  private static String exchangeError(String filter) {
    return assertThrows(SyntaxException.class, () -> OpathReader.check(filter)).getMessage();
  }

  private static SyntaxException scriptError(String filter) {
    return assertThrows(SyntaxException.class, () -> OpathReader.comparisons(filter, Syntax.SCRIPT));
  }

  @Nested
  @DisplayName("both dialects")
  class Both {
    @Test
    void readTheFiltersTheProductRenders() {
      String dn = "CN=O'Brien\u2019s \"Rooms\",OU=Groups,DC=contoso,DC=com";
      RecipientFilter two = new RecipientFilter.MemberOfGroups(List.of(
          new RecipientFilter.GroupReference("A", GroupKind.ROOM_LIST, Optional.of(dn)),
          new RecipientFilter.GroupReference("B", GroupKind.DISTRIBUTION, Optional.empty())));
      String opath = two.toOpath(g -> "CN=" + g + ",DC=x");
      assertEquals(List.of(new Comparison("MemberOfGroup", "eq", dn), new Comparison("MemberOfGroup", "eq", "CN=B,DC=x")),
          both(opath));
      // The former script caller (powershell.Opath) and the former Exchange caller (matches) see the same comparisons.
      assertEquals(List.of(new Opath.Comparison("MemberOfGroup", "eq", dn), new Opath.Comparison("MemberOfGroup", "eq", "CN=B,DC=x")),
          Opath.comparisons(opath));
      List<Comparison> asked = new ArrayList<>();
      assertTrue(OpathReader.read(opath, Syntax.EXCHANGE, c -> asked.add(c) && c.value().equals("CN=B,DC=x")));
      assertEquals(both(opath), asked);
    }

    @Test
    void joinNegateAndNestWithCaseInsensitiveKeywords() {
      assertEquals(List.of(new Comparison("A", "eq", "a'b"), new Comparison("B", "like", "c\u2019"),
          new Comparison("C", "ne", "d"), new Comparison("D", "notlike", "*e*")),
          both("(A -EQ 'a''b') -AND -Not (B -like 'c\u2019' -or C -Ne 'd')-and\tD -NOTLIKE '*e*'"));
      assertEquals(List.of(new Comparison("CustomAttribute1", "eq", "")), both("  CustomAttribute1 -eq ''  "));
      assertEquals(List.of(new Comparison("a.b", "eq", "x")), both("a.b -eq 'x'"));
    }

    @Test
    void refuseTheSameBrokenFilters() {
      for (String broken : List.of("", "   ", "Department", "Department -eq", "Department -eq Sales", "Department -eq 'Sales",
          "(Department -eq 'Sales'", "Department -eq 'Sales')", "Department -eq 'a' 'b'", "Department -contains 'Sales'",
          "Department -eqx 'a'", "Department eq 'Sales'", "-not", "A -eq 'a' -and", "A -eq 'a' -andB -eq 'b'", "'a' -eq A")) {
        assertThrows(SyntaxException.class, () -> OpathReader.check(broken), broken);
        assertThrows(SyntaxException.class, () -> OpathReader.comparisons(broken, Syntax.SCRIPT), broken);
        assertThrows(ScriptParseException.class, () -> Opath.values(broken), broken);
      }
    }
  }

  @Nested
  @DisplayName("the fake Exchange's dialect")
  class Exchange {
    @Test
    void takesDoubleQuotesUnicodeNamesAndLineBreaks() {
      assertEquals(List.of(new Comparison("Department", "eq", "Sa\"les'")),
          OpathReader.comparisons("Department -eq \"Sa\"\"les'\"", Syntax.EXCHANGE));
      assertEquals(List.of(new Comparison("Gr\u00F6\u00DFe", "eq", "x"), new Comparison("1.x", "ne", "y")),
          OpathReader.comparisons("Gr\u00F6\u00DFe -eq 'x'\r\n-and\n1.x -ne 'y'", Syntax.EXCHANGE));
    }

    @Test
    void refusesTheComparisonOperatorsItDoesNotEvaluate() {
      for (String op : List.of("lt", "gt", "le", "ge")) {
        assertEquals("Invalid filter syntax: expected -eq, -ne, -like or -notlike after A: A -" + op + " '1'",
            exchangeError("A -" + op + " '1'"));
      }
    }

    @Test
    void keepsItsErrorTexts() {
      assertEquals("Invalid filter syntax at position 10: A -eq 'a' )", exchangeError("A -eq 'a' )"));
      assertEquals("Invalid filter syntax: expected ')' at position 10: (A -eq 'a'", exchangeError("(A -eq 'a'"));
      assertEquals("Invalid filter syntax: expected a property at position 0: -eq 'a'", exchangeError("-eq 'a'"));
      assertEquals("Invalid filter syntax: expected -eq, -ne, -like or -notlike after A: A 'a'", exchangeError("A 'a'"));
      assertEquals("Invalid filter syntax: expected a quoted value at position 6: A -eq a", exchangeError("A -eq a"));
      assertEquals("Invalid filter syntax: unterminated value: A -eq 'a", exchangeError("A -eq 'a"));
    }

    @Test
    void evaluatesEveryComparisonInOrder() {
      List<String> asked = new ArrayList<>();
      Map<String, String> values = Map.of("department", "Sales", "city", "Oslo");
      boolean result = OpathReader.matches("Department -eq 'sales' -or (City -like 'O*' -and -not Title -ne '')",
          p -> {
            asked.add(p);
            return values.get(p.toLowerCase(java.util.Locale.ROOT));
          }, dn -> false);
      assertTrue(result);
      assertEquals(List.of("Department", "City", "Title"), asked, "no short cut: every property is read");
      assertThrows(IllegalStateException.class, () -> OpathReader.matches("A -eq 'x' -or B -eq 'y'",
          p -> {
            if (p.equals("B")) {
              throw new IllegalStateException("unknown property B");
            }
            return "x";
          }, dn -> false));
    }

    @Test
    void evaluatesMemberOfGroupAndWildcards() {
      String dn = "CN=Rooms,DC=x";
      for (String op : List.of("eq", "like", "ne", "notlike")) {
        boolean positive = op.equals("eq") || op.equals("like");
        String filter = "memberofgroup -" + op + " '" + dn + "'";
        assertEquals(positive, OpathReader.matches(filter, p -> "", d -> d.equals(dn)), filter);
        assertEquals(!positive, OpathReader.matches(filter, p -> "", d -> false), filter);
      }
      assertTrue(OpathReader.matches("Name -like 'room*1'", p -> "Room 1", d -> false));
      assertTrue(OpathReader.matches("Name -like '*.?'", p -> "a.?", d -> false), "only * is a wildcard");
      assertFalse(OpathReader.matches("Name -like '*.?'", p -> "a.b", d -> false));
      assertTrue(OpathReader.matches("Title -eq ''", p -> null, d -> false), "no value reads as ''");
      assertTrue(OpathReader.matches("Name -notlike 'x*'", p -> "Room", d -> false));
    }
  }

  @Nested
  @DisplayName("the script dialect")
  class Script {
    @Test
    void takesTheOrderingOperators() {
      assertEquals(List.of(new Comparison("A", "lt", "1"), new Comparison("B", "ge", "2"), new Comparison("C", "gt", "3"),
          new Comparison("D", "le", "4")), OpathReader.comparisons("A -LT '1' -and B -ge '2' -or C -gt '3' -and D -le '4'",
          Syntax.SCRIPT));
      assertThrows(IllegalArgumentException.class, () -> OpathReader.comparisons("A -lt '1'", Syntax.SCRIPT).get(0)
          .test(p -> "0", d -> false), "the fake Exchange does not evaluate -lt");
    }

    @Test
    void refusesWhatOnlyTheExchangeDialectTakes() {
      for (String lenient : List.of("Department -eq \"Sales\"", "Gr\u00F6\u00DFe -eq 'x'", "1x -eq 'y'", ".x -eq 'y'",
          "A -eq 'a'\n-and B -eq 'b'", "A\u2003-eq 'a'")) {
        OpathReader.check(lenient);
        assertThrows(SyntaxException.class, () -> OpathReader.comparisons(lenient, Syntax.SCRIPT), lenient);
      }
    }

    @Test
    void keepsItsReasonsAndPositions() {
      SyntaxException e = scriptError("A -eq 'a\nb' -and B -contains 'b'");
      assertEquals("unsupported operator -contains after B", e.reason());
      assertEquals("OPATH: unsupported operator -contains after B: A -eq 'a\nb' -and B -contains 'b'", e.getMessage());
      assertEquals(2, e.line(), "a line break inside a value starts a line");
      assertEquals(11, e.column());
      assertEquals("expected a value in single quotes (U+0027)", scriptError("A -eq \"a\"").reason());
      assertEquals("unterminated value", scriptError("A -eq 'a").reason());
      assertEquals(7, scriptError("A -eq 'a").column(), "at the opening quote");
      assertEquals("expected a property name", scriptError("-eq 'a'").reason());
      assertEquals("expected an operator such as -eq after A", scriptError("A 'a'").reason());
      assertEquals("expected ')'", scriptError("(A -eq 'a'").reason());
      assertEquals("unexpected ')' in the filter", scriptError("A -eq 'a' )").reason());
      ScriptParseException p = assertThrows(ScriptParseException.class, () -> Opath.values("A -eq 'a' )"));
      assertEquals("OPATH: unexpected ')' in the filter: A -eq 'a' )", p.reason());
      assertEquals(1, p.line());
      assertEquals(11, p.column());
    }
  }
}
