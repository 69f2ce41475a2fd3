package dev.impersonation.exchange.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.impersonation.GroupKind;
import dev.impersonation.powershell.Cmdlet;
import dev.impersonation.powershell.ParameterValue;
import dev.impersonation.spi.RecipientFilter;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import org.junit.jupiter.api.Test;

class PowerShellFramesTest {
  private static String frame(WipeableBuffer b) throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    b.writeLineTo(out);
    return out.toString(StandardCharsets.UTF_8);
  }

  @Test
  void invokeFramesCarryEveryParameterKindAndTheSecretsAsciiOnly() throws Exception {
    Map<String, List<String>> table = new LinkedHashMap<>();
    table.put("Add", List.of("a\u00e9"));
    Cmdlet c = Cmdlet.of("Set-DistributionGroup").text("Identity", "O\u2019Brien").bool("B", false).flag("Confirm")
        .list("L", List.of("x", "y")).param("ManagedBy", new ParameterValue.Table(table));
    WipeableBuffer b = new WipeableBuffer();
    PowerShellFrames.writeInvoke(b, 7, c, Map.of("Password", "s\u00e9cret".toCharArray()));
    String line = frame(b);
    assertTrue(line.endsWith("}\n"));
    assertTrue(line.chars().allMatch(ch -> ch < 128), line);
    assertEquals("{\"id\":7,\"op\":\"invoke\",\"cmdlet\":\"Set-DistributionGroup\",\"parameters\":{\"Identity\":\"O\\u2019Brien\","
        + "\"B\":false,\"Confirm\":true,\"L\":[\"x\",\"y\"],\"ManagedBy\":{\"@odata.type\":\"#Exchange.GenericHashTable\","
        + "\"Add\":[\"a\\u00E9\"]}},\"secrets\":{\"Password\":\"s\\u00E9cret\"}}\n", line);
    b.wipe();
    assertEquals(0, b.size());
  }

  @Test
  void filtersAreSentAsOpathAndScriptOnlyValuesAreRejected() throws Exception {
    RecipientFilter unresolved = new RecipientFilter.MemberOfGroups(List.of(
        new RecipientFilter.GroupReference("g", GroupKind.DISTRIBUTION, Optional.empty())));
    RecipientFilter known = new RecipientFilter.MemberOfGroups(List.of(
        new RecipientFilter.GroupReference("g", GroupKind.DISTRIBUTION, Optional.of("CN=O'Brien,DC=x"))));
    WipeableBuffer ok = new WipeableBuffer();
    PowerShellFrames.writeInvoke(ok, 1, Cmdlet.of("New-ManagementScope")
        .param("RecipientRestrictionFilter", new ParameterValue.Filter(known, Map.of())), Map.of());
    assertEquals("MemberOfGroup -eq 'CN=O''Brien,DC=x'",
        PowerShellFrames.parse(frame(ok)).path("parameters").path("RecipientRestrictionFilter").asText(),
        "OPATH layer only: no PowerShell quoting on the wire");
    RecipientFilter f = unresolved;
    WipeableBuffer b = new WipeableBuffer();
    assertThrows(IllegalArgumentException.class, () -> PowerShellFrames.writeInvoke(b, 1,
        Cmdlet.of("New-ManagementScope").param("RecipientRestrictionFilter", new ParameterValue.Filter(f, Map.of())), Map.of()));
    assertThrows(IllegalArgumentException.class, () -> PowerShellFrames.writeInvoke(b, 1,
        Cmdlet.of("New-Mailbox").param("Password", new ParameterValue.SecretPrompt("p", true)), Map.of()));
    assertThrows(IllegalArgumentException.class, () -> PowerShellFrames.writeInvoke(b, 1,
        Cmdlet.of("New-Mailbox").text("Name", "a").text("name", "b"), Map.of()));
    assertThrows(IllegalArgumentException.class, () -> PowerShellFrames.writeInvoke(b, 1,
        Cmdlet.of("New-Mailbox"), Map.of("Pass word", new char[] {'x'})));
  }

  @Test
  void connectAndExitFrames() throws Exception {
    WipeableBuffer b = new WipeableBuffer();
    PowerShellFrames.writeConnect(b, 1, "ExchangeServer", Map.of("ConnectionUri", "http://ex01/PowerShell/"), Map.of());
    assertEquals("{\"id\":1,\"op\":\"connect\",\"connect\":{\"kind\":\"ExchangeServer\",\"ConnectionUri\":"
        + "\"http://ex01/PowerShell/\"},\"secrets\":{}}\n", frame(b));
    WipeableBuffer e = new WipeableBuffer();
    PowerShellFrames.writeExit(e);
    assertEquals("{\"op\":\"exit\"}\n", frame(e));
  }

  @Test
  void responsesAndNoise() {
    assertNull(PowerShellFrames.parse("WARNING: hello"));
    assertNull(PowerShellFrames.parse("{\"id\":1,\"ok\":tru"));
    assertNull(PowerShellFrames.parse("[1,2]"));
    assertNull(PowerShellFrames.parse(""));
    JsonNode r = PowerShellFrames.parse("{\"id\":3,\"ok\":true,\"rows\":[{\"A\":1,\"B\":[\"x\"]},\"bare\"]}");
    List<Map<String, Object>> rows = PowerShellFrames.rows(r);
    assertEquals(List.of(Map.of("A", 1, "B", List.of("x")), Map.of("Value", "bare")), rows);
    assertEquals(List.of(Map.of("A", 1)), PowerShellFrames.rows(PowerShellFrames.parse("{\"id\":3,\"ok\":true,\"rows\":{\"A\":1}}")));
    assertEquals(List.of(), PowerShellFrames.rows(PowerShellFrames.parse("{\"id\":3,\"ok\":true,\"rows\":null}")));
  }

  @Property(tries = 200)
  void anyTextSurvivesTheFrameAsAsciiOnlyJson(@ForAll String text) throws Exception {
    WipeableBuffer b = new WipeableBuffer();
    PowerShellFrames.writeInvoke(b, 1, Cmdlet.of("Get-Recipient").text("Identity", text), Map.of("Password", (text + "x").toCharArray()));
    String line = frame(b);
    assertTrue(line.chars().allMatch(ch -> ch < 128));
    assertEquals(1, line.chars().filter(ch -> ch == '\n').count(), "one frame is one line");
    JsonNode n = PowerShellFrames.parse(line);
    assertEquals(text, n.path("parameters").path("Identity").asText());
    assertEquals(text + "x", n.path("secrets").path("Password").asText());
  }

  @Test
  void redactorMasksInFlightSecretsUntilCleared() {
    SecretRedactor r = new SecretRedactor();
    r.add("hunter2".toCharArray());
    assertEquals("pw=<redacted>; again <redacted>", r.redact("pw=hunter2; again hunter2"));
    r.clear();
    assertEquals("pw=hunter2", r.redact("pw=hunter2"));
    assertNull(r.redact(null));
    assertFalse(new SecretRedactor().redact("x").isEmpty());
  }
}
