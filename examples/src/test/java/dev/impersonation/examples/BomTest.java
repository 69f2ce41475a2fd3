package dev.impersonation.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** The BOM a consumer imports names every published module, and nothing else. */
class BomTest {
  private static List<String> all(Pattern p, String text) {
    Matcher m = p.matcher(text);
    List<String> out = new java.util.ArrayList<>();
    while (m.find()) {
      out.add(m.group(1));
    }
    return out;
  }

  @Test
  void theBomAlignsEveryPublishedModule() throws Exception {
    Path root = Path.of("..").toAbsolutePath().normalize();
    List<String> modules = all(Pattern.compile("<module>([^<]+)</module>"), Files.readString(root.resolve("pom.xml"))).stream()
        .filter(m -> !m.equals("examples") && !m.equals("impersonation-bom")).sorted().toList();
    String bom = Files.readString(root.resolve("impersonation-bom/pom.xml"));
    String managed = bom.substring(bom.indexOf("<dependencyManagement>"), bom.indexOf("</dependencyManagement>"));
    List<String> pinned = all(Pattern.compile("<artifactId>([^<]+)</artifactId>"), managed).stream().sorted().toList();
    assertEquals(modules, pinned);
    assertTrue(all(Pattern.compile("<groupId>([^<]+)</groupId>"), managed).stream().allMatch("dev.impersonation"::equals),
        "the BOM pins only our own modules");
    assertFalse(modules.isEmpty());
  }
}
