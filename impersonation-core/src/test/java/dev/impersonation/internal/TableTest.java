package dev.impersonation.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class TableTest {

  @Test
  void alignsColumnsUnderARule() {
    String t = new Table("#", "Action", "Resource").row("1", "CREATE", "scope 'S'").row("10", "NO_OP", "").render();
    assertEquals("#   Action  Resource\n"
        + "--  ------  ---------\n"
        + "1   CREATE  scope 'S'\n"
        + "10  NO_OP\n", t);
  }

  @Test
  void cellsStayOnOneLineAndAreShortened() {
    String t = new Table("A", "B").row("x\ny\r\nz\u2028w\tv", "b".repeat(100)).row(null, "c").render();
    List<String> lines = t.lines().toList();
    assertEquals(4, lines.size(), t);
    assertTrue(lines.get(2).startsWith("x y z w v  "), t);
    assertTrue(lines.get(2).endsWith("b".repeat(71) + "\u2026"), t);
    assertEquals(11 + 72, lines.get(2).length(), t);
    assertEquals(" ".repeat(11) + "c", lines.get(3));
    assertFalse(t.contains("\t"));
  }

  @Test
  void rowMustMatchTheHeader() {
    assertThrows(IllegalArgumentException.class, () -> new Table("A", "B").row("only one"));
  }

  @Test
  void formatsShortDurations() {
    assertEquals("0s", Table.duration(Duration.ZERO));
    assertEquals("250ms", Table.duration(Duration.ofMillis(250)));
    assertEquals("15m", Table.duration(Duration.ofMinutes(15)));
    assertEquals("1h30m", Table.duration(Duration.ofMinutes(90)));
    assertEquals("2h5s", Table.duration(Duration.ofSeconds(7205)));
    assertEquals("1m1s", Table.duration(Duration.ofMillis(61_500)));
  }
}
