package dev.impersonation.examples;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** The README's main command prints the plan, applies, re-plans to no-ops, verifies and prints the script. */
class QuickstartTest {

  @Test
  void runsTheWholeCycle() {
    PrintStream original = System.out;
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
    try {
      Quickstart.main(new String[0]);
    } finally {
      System.setOut(original);
    }
    String text = out.toString(StandardCharsets.UTF_8);
    assertTrue(text.contains("PREREQUISITE  organization customization"), text);
    assertTrue(text.contains("Apply succeeded"), text);
    assertTrue(text.contains("Converged: nothing to do."), text);
    assertTrue(text.contains("PENDING_PROPAGATION"), "right after apply, RBAC is not effective yet");
    assertTrue(text.contains(": SATISFIED"), text);
    assertTrue(text.contains("denied (outsider)  DENIED"), text);
    assertTrue(text.contains("New-ManagementRoleAssignment -Name 'CalendarSync-Calendars.ReadWrite'"), text);
  }
}
