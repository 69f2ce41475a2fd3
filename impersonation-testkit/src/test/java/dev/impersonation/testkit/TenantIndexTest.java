package dev.impersonation.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.impersonation.spi.MailGroup;
import dev.impersonation.spi.OwnedObject;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The fake's indexes (seeding is linear: 100,000 mailboxes seed in about a second, docs/benchmarks.md): every identity
 * a scan found is found through them, the first object wins a shared key, DNs stay unique, and a removed group frees
 * its keys.
 */
class TenantIndexTest {
  @Test
  void aLargeTenantSeedsAndEveryIdentityResolves() {
    FakeTenant.Builder b = FakeTenant.exchangeOnline(Fixtures.ONLINE);
    for (int i = 0; i < 100_000; i++) {
      b.userMailbox(String.format("user%06d@contoso.com", i), String.format("User %06d", i));
    }
    FakeTenant tenant = b.distributionGroup("Sales").build();
    assertEquals(100_000, tenant.mailboxes().size());
    assertEquals("user099999@contoso.com", tenant.mailbox("User 099999").orElseThrow().primarySmtpAddress(), "by name");
    assertEquals("user000000@contoso.com", tenant.mailbox("USER000000@CONTOSO.COM").orElseThrow().primarySmtpAddress());
    MailGroup sales = tenant.group("Sales").orElseThrow();
    assertEquals(sales, tenant.group(sales.primarySmtpAddress()).orElseThrow(), "by address");
    assertEquals(sales, tenant.group(sales.distinguishedName()).orElseThrow(), "by DN");
    assertEquals(sales, tenant.group(sales.id()).orElseThrow(), "by id");
  }

  @Test
  void sameNamesGetDistinctDnsAndARemovedGroupFreesItsKeys() {
    FakeTenant tenant = FakeTenant.exchangeServer(Fixtures.SERVER).userMailbox("sales@contoso.com", "Sales Team").build();
    tenant.invokeExchangeCmdlet("New-DistributionGroup", java.util.Map.of("Name", "Sales Team2", "Alias", "salesteam2"));
    MailGroup group = tenant.group("Sales Team2").orElseThrow();
    assertNotEquals(tenant.mailbox("sales@contoso.com").orElseThrow().distinguishedName(), group.distinguishedName());
    tenant.connection().exchange().orElseThrow().execute(new dev.impersonation.spi.Operation.RemoveOwnedObject(
        new OwnedObject(OwnedObject.Kind.GROUP, "Sales Team2", "DISTRIBUTION", List.of())));
    assertTrue(tenant.group(group.primarySmtpAddress()).isEmpty(), "its address is free again");
    assertTrue(tenant.group(group.distinguishedName()).isEmpty());
  }
}
