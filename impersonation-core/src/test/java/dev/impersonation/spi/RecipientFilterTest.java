package dev.impersonation.spi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.impersonation.GroupKind;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class RecipientFilterTest {

  @ParameterizedTest
  @CsvSource(delimiter = '|', quoteCharacter = '"', value = {
      "MemberOfGroup -eq 'CN=Sales,DC=x' | memberofgroup -EQ 'CN=Sales,DC=x'",
      "MemberOfGroup -eq 'CN=Sales,DC=x' | MemberOfGroup   -eq    'CN=Sales,DC=x'",
      "MemberOfGroup -eq 'CN=Sales,DC=x' | (MemberOfGroup -eq 'CN=Sales,DC=x')",
      "MemberOfGroup -eq 'CN=Sales,DC=x' | ((MemberOfGroup -eq 'CN=Sales,DC=x'))",
      "(MemberOfGroup -eq 'a') -or (MemberOfGroup -eq 'b') | MEMBEROFGROUP -EQ 'a' -OR MEMBEROFGROUP -EQ 'b'",
      "Department -eq 'O''Brien' | department -eq 'O''Brien'",
      "Department -like 'Sales*' | ( Department -LIKE 'Sales*' )",
      "(A -eq 'a' -or B -eq 'b') -or C -eq 'c' | A -eq 'a' -or (B -eq 'b' -or C -eq 'c')",
      "Department -eq \"O'Brien\" | Department -eq 'O''Brien'"})
  void equivalentIgnoresCaseWhitespaceAndParenthesesOutsideValues(String a, String b) {
    assertTrue(RecipientFilter.equivalent(a, b), a + " ~ " + b);
    assertTrue(RecipientFilter.equivalent(b, a), b + " ~ " + a);
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', quoteCharacter = '"', value = {
      "MemberOfGroup -eq 'CN=Sales,DC=x' | MemberOfGroup -eq 'cn=sales,dc=x'",
      "MemberOfGroup -eq 'CN=Sales Team' | MemberOfGroup -eq 'CN=Sales  Team'",
      "MemberOfGroup -eq 'CN=(Sales)' | MemberOfGroup -eq 'CN=Sales'",
      "MemberOfGroup -eq 'CN=O''Brien' | MemberOfGroup -eq 'CN=O''brien'",
      "MemberOfGroup -eq 'CN=O''Brien' | MemberOfGroup -eq 'CN=O\u2019Brien'",
      "MemberOfGroup -eq 'a' | MemberOfGroup -ne 'a'",
      "MemberOfGroup -eq 'a' | Department -eq 'a'",
      "(MemberOfGroup -eq 'a') -or (MemberOfGroup -eq 'b') | (MemberOfGroup -eq 'a') -and (MemberOfGroup -eq 'b')",
      "(Department -eq 'a' -or Office -eq 'b') -and Title -eq 'c' | Department -eq 'a' -or (Office -eq 'b' -and Title -eq 'c')",
      "-not (Department -eq 'a' -or Office -eq 'b') | -not Department -eq 'a' -or Office -eq 'b'",
      "Department -eq \"Sales\" | Department -eq \"sales\""})
  void equivalentComparesValuesExactly(String a, String b) {
    assertFalse(RecipientFilter.equivalent(a, b), a + " !~ " + b);
    assertFalse(RecipientFilter.equivalent(b, a), b + " !~ " + a);
  }

  @Test
  void tabsAndLineBreaksOutsideValuesCountAsWhitespace() {
    assertTrue(RecipientFilter.equivalent("MemberOfGroup -eq 'CN=Sales,DC=x'", "\tMemberOfGroup\r\n-eq 'CN=Sales,DC=x'\n"));
    assertFalse(RecipientFilter.equivalent("MemberOfGroup -eq 'CN=Sales,DC=x'", "MemberOfGroup -eq 'CN=Sales,\nDC=x'"));
  }

  @Test
  void generatedFilterIsEquivalentToANormalisedStoredCopy() {
    RecipientFilter f = new RecipientFilter.MemberOfGroups(List.of(
        new RecipientFilter.GroupReference("A", GroupKind.DISTRIBUTION, Optional.of("CN=O'Brien\u2019s,DC=x")),
        new RecipientFilter.GroupReference("B", GroupKind.ROOM_LIST, Optional.empty())));
    String opath = f.toOpath(g -> "CN=" + g + " Rooms,DC=x");
    assertEquals("(MemberOfGroup -eq 'CN=O''Brien\u2019s,DC=x') -or (MemberOfGroup -eq 'CN=B Rooms,DC=x')", opath);
    assertTrue(f.needsResolution());
    assertTrue(RecipientFilter.equivalent(opath,
        "((memberofgroup -eq 'CN=O''Brien\u2019s,DC=x') -or (memberofgroup -eq 'CN=B Rooms,DC=x'))"));
  }

  @Test
  void opathLiteralDoublesOnlyAsciiQuotes() {
    assertEquals("'a''b\u2018\u2019\u201A\u201Bc\\,d'", RecipientFilter.opathLiteral("a'b\u2018\u2019\u201A\u201Bc\\,d"));
    assertEquals("''", RecipientFilter.opathLiteral(""));
  }

  @Test
  void customFilterIsUsedAsGiven() {
    RecipientFilter f = new RecipientFilter.Custom("Department -eq 'Sales'");
    assertFalse(f.needsResolution());
    assertEquals("Department -eq 'Sales'", f.toOpath(g -> {
      throw new AssertionError();
    }));
  }
}
