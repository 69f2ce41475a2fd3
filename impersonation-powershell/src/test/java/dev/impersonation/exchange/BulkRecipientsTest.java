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

  private static List<String> users(int n) {
    List<String> ids = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      ids.add("user" + i + "@contoso.com");
    }
    return ids;
  }

  private static List<Map<String, Object>> rows(int n, boolean cas) {
    List<Map<String, Object>> out = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      out.add(cas ? Map.of("PrimarySmtpAddress", "user" + i + "@contoso.com", "EwsEnabled", i != 7)
          : Map.of("Name", "User " + i, "PrimarySmtpAddress", "user" + i + "@contoso.com", "DistinguishedName", "CN=User " + i,
              "RecipientTypeDetails", "UserMailbox"));
    }
    return out;
  }

  @Test
  void aThousandIdentitiesInATenantSmallEnoughAreReadByListingIt() {
    List<Cmdlet> sent = new ArrayList<>();
    // The tenant has 1,200 mailboxes: fewer than 20 per identity, so the listing is complete.
    Map<String, dev.impersonation.spi.Recipient> found = BulkRecipients.find(users(1000), c -> {
      sent.add(c);
      return rows(1200, c.name().equals("Get-CASMailbox"));
    });
    assertEquals(List.of("Get-Recipient", "Get-CASMailbox"), sent.stream().map(Cmdlet::name).toList());
    assertEquals("20000", ((dev.impersonation.powershell.ParameterValue.Text) sent.get(0).get("ResultSize").orElseThrow()).value());
    assertEquals(1000, found.size());
    assertEquals(false, found.get("user7@contoso.com").ewsEnabled());
  }

  @Test
  void aTenantTooLargeToListFallsBackToChunks() {
    List<String> names = new ArrayList<>();
    Map<String, dev.impersonation.spi.Recipient> found = BulkRecipients.find(users(1000), c -> {
      names.add(c.name());
      if (c.get("Filter").isPresent()) {
        return List.of();
      }
      return rows(20000, false); // a full answer: the tenant may be larger, so nothing is taken from it
    });
    assertEquals("Get-Recipient", names.get(0));
    assertEquals(1 + 20, names.size(), "the listing, then 20 chunks (none matched, so no Get-CASMailbox): " + names);
    assertTrue(found.isEmpty());
  }
}
