package dev.impersonation.exchange;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.impersonation.powershell.Cmdlet;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.Size;
import org.junit.jupiter.api.Test;

/** Recipients in filter chunks (docs/exchange-admin-rest.md#bulk). */
class BulkRecipientsTest {
  @Property(tries = 200)
  void everyAddressIsOneOpathLiteralWithQuotesDoubled(@ForAll @Size(min = 1, max = 5) List<String> addresses) {
    String filter = BulkRecipients.filter(addresses);
    for (String a : addresses) {
      assertTrue(filter.contains("(PrimarySmtpAddress -eq '" + a.replace("'", "''") + "')"), filter);
    }
    assertTrue(filter.startsWith("(PrimarySmtpAddress -eq '") && filter.endsWith("')"), filter);
  }

  @Test
  void twoCallsPerChunkAndOnlyPrimaryAddressesMatch() {
    List<String> ids = new ArrayList<>();
    for (int i = 0; i < 120; i++) {
      ids.add("user" + i + "@contoso.com");
    }
    ids.add("o'brien@contoso.com");
    List<Cmdlet> sent = new ArrayList<>();
    Map<String, dev.impersonation.spi.Recipient> found = BulkRecipients.find(ids, c -> {
      sent.add(c);
      if (c.name().equals("Get-Recipient")) {
        return List.of(Map.of("Name", "O'Brien", "PrimarySmtpAddress", "O'Brien@contoso.com", "DistinguishedName", "CN=O'Brien",
            "RecipientTypeDetails", "UserMailbox"));
      }
      return List.of(Map.of("PrimarySmtpAddress", "o'brien@contoso.com", "EwsEnabled", false));
    });
    assertEquals(6, sent.size(), "3 chunks of at most 50, two cmdlets each: " + sent);
    assertEquals(1, found.size());
    assertEquals(false, found.get("o'brien@contoso.com").ewsEnabled(), "EwsEnabled from Get-CASMailbox");
  }
}
