package dev.impersonation;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/** Any cell an RFC 4180 writer quotes comes back as it was: no member is split, merged or dropped. */
class MemberCsvProperties {

  @Provide
  Arbitrary<List<String>> members() {
    Arbitrary<String> cell = Arbitraries.strings().withChars("\",;\t\r\n'\u2019 ").withCharRange('a', 'e').withCharRange('@', 'B')
        .ofMinLength(1).ofMaxLength(20).map(String::strip).filter(s -> !s.isEmpty());
    return cell.list().ofMaxSize(30);
  }

  @Property(tries = 500, seed = "20261203")
  void quotedCellsRoundTrip(@ForAll("members") List<String> members) {
    StringBuilder csv = new StringBuilder("UPN,Note\r\n");
    for (String m : members) {
      csv.append('"').append(m.replace("\"", "\"\"")).append("\",x\r\n");
    }
    assertEquals(members, MemberCsv.parse(csv.toString(), "upn", "generated"));
  }
}
