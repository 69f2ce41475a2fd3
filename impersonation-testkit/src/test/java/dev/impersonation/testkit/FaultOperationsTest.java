package dev.impersonation.testkit;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** Fault rules name real operations: typos are refused with the nearest names; the list cannot drift from the fakes. */
class FaultOperationsTest {

  @Test
  void aTypoIsRefusedNamingTheNearestOperation() {
    Faults faults = FakeTenant.exchangeOnline("contoso.onmicrosoft.com").build().faults();
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> faults.on("AddGroupMember"));
    assertTrue(e.getMessage().contains("'AddGroupMember'") && e.getMessage().contains("AddGroupMembers")
        && e.getMessage().contains("never fire"), e.getMessage());
    IllegalArgumentException caseOnly = assertThrows(IllegalArgumentException.class, () -> faults.on("findgroup"));
    assertTrue(caseOnly.getMessage().contains("did you mean 'findGroup'"), caseOnly.getMessage());
    assertThrows(IllegalArgumentException.class, () -> faults.allowOnlyWrites("NewManagmentScope"));
    assertThrows(IllegalArgumentException.class, () -> faults.on(" "));
  }

  @Test
  void constantsPrefixesAndTheWildcardAreAccepted() {
    Faults faults = FakeTenant.exchangeOnline("contoso.onmicrosoft.com").build().faults();
    assertDoesNotThrow(() -> faults.on(FaultOperations.ADD_GROUP_MEMBERS).unavailable());
    assertDoesNotThrow(() -> faults.on("exchange." + FaultOperations.FIND_GROUP).unavailable());
    assertDoesNotThrow(() -> faults.on("directory.findUser").unavailable());
    assertDoesNotThrow(() -> faults.on(FaultOperations.ANY).times(0).unavailable());
    assertDoesNotThrow(() -> faults.on("probe").unavailable());
  }

  /** Every operation name the fakes report to the fault hook is known, so no valid rule is refused. */
  @Test
  void everyNameTheFakesUseIsKnown() throws IOException {
    Pattern call = Pattern.compile("(?:call|graphCall|beforeCall)\\(\"(?:probe\", \")?([A-Za-z-]+)\"");
    Set<String> used = new TreeSet<>();
    try (Stream<Path> files = Files.walk(Path.of("src/main/java/dev/impersonation/testkit"))) {
      for (Path f : files.filter(p -> p.toString().endsWith(".java")).toList()) {
        Matcher m = call.matcher(Files.readString(f));
        while (m.find()) {
          used.add(m.group(1));
        }
      }
    }
    used.removeAll(Set.of("exchange", "directory"));
    assertTrue(used.size() > 20, used.toString());
    Set<String> unknown = new TreeSet<>(used);
    unknown.removeAll(FaultOperations.known());
    assertTrue(unknown.isEmpty(), "names the fakes use but FaultOperations does not know: " + unknown);
  }
}
