package dev.impersonation.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.impersonation.Access;
import dev.impersonation.Cloud;
import dev.impersonation.GroupKind;
import dev.impersonation.ImpersonationSetup;
import dev.impersonation.ObjectNotFoundException;
import dev.impersonation.Principal;
import dev.impersonation.Scope;
import dev.impersonation.ThrottledException;
import dev.impersonation.TransientTenantException;
import dev.impersonation.spi.ExchangeBackend;
import dev.impersonation.spi.Operation;
import dev.impersonation.spi.RecipientType;
import dev.impersonation.spi.ScopeType;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The testkit's own API: fixtures, fault rules, read-after-write lag, journal assertions, clock helpers. */
class TestkitApiTest {
  private static final String APP = "6f1c2a3b-4d5e-4f60-8172-93a4b5c6d7e8";

  @Nested
  class Fixtures {
    @Test
    void aJsonFixtureSeedsEveryKindOfObject() {
      FakeTenant tenant = FakeTenant.fromFixtureResource("/fixtures/full.json").build();
      assertEquals(Optional.of(Cloud.GCC_HIGH), tenant.target().cloud());
      assertTrue(tenant.isDehydrated());
      assertEquals(RecipientType.ROOM_MAILBOX, tenant.mailbox("room1@contoso.com").orElseThrow().type());
      assertEquals(RecipientType.SHARED_MAILBOX, tenant.mailbox("shared@contoso.com").orElseThrow().type());
      assertFalse(tenant.mailbox("eve@contoso.com").orElseThrow().ewsEnabled());
      assertTrue(tenant.directoryUser("new@contoso.com").isPresent());
      assertTrue(tenant.mailbox("new@contoso.com").isEmpty());
      var risg = tenant.group("RISG").orElseThrow();
      assertEquals(GroupKind.MAIL_ENABLED_SECURITY, risg.kind());
      assertEquals(List.of("svc@contoso.com"), risg.managedBy());
      assertFalse(risg.memberJoinClosed());
      assertEquals(GroupKind.MICROSOFT_365, tenant.group("Team").orElseThrow().kind());
      assertEquals(2, tenant.members("Team").size());
      assertTrue(tenant.hasExchangeServicePrincipal(APP));
      assertEquals(ScopeType.MANAGEMENT_SCOPE, tenant.roleAssignments().get(0).scopeType());
      assertTrue(tenant.managementScope("Old").isPresent());
      ExchangeBackend exchange = tenant.connection().exchange().orElseThrow();
      assertEquals(Optional.of(false), exchange.organizationConfig().ewsEnabled());
    }

    @Test
    void anUnknownKeyIsAnErrorNotASilentlySmallerTenant() {
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
          () -> FakeTenant.fromFixtureResource("/fixtures/typo.json"));
      assertTrue(e.getMessage().contains("unknown key \"mailbox\""), e.getMessage());
      assertTrue(e.getMessage().contains("mailboxes"), e.getMessage());
    }

    @Test
    void errorsNameTheJsonPath(@TempDir Path dir) throws Exception {
      Path json = dir.resolve("tenant.json");
      Files.writeString(json, "{\"exchangeOnline\": \"contoso.onmicrosoft.com\", \"groups\": ["
          + "{\"kind\": \"DISTRIBUTION\", \"name\": \"A\"}, {\"kind\": \"DISTRO\", \"name\": \"B\"}]}");
      IllegalArgumentException kind = assertThrows(IllegalArgumentException.class, () -> TenantFixture.load(json));
      assertTrue(kind.getMessage().contains("$.groups[1].kind is \"DISTRO\"") && kind.getMessage().contains("MAIL_ENABLED_SECURITY"),
          kind.getMessage());
      Files.writeString(json, "{\"exchangeOnline\": \"contoso.onmicrosoft.com\", \"mailboxes\": [{\"address\": \"a@contoso.com\"},"
          + "{\"address\": \"b@contoso.com\", \"typ\": \"room\"}]}");
      IllegalArgumentException key = assertThrows(IllegalArgumentException.class, () -> TenantFixture.load(json));
      assertTrue(key.getMessage().contains("unknown key \"typ\" in $.mailboxes[1]"), key.getMessage());
      Files.writeString(json, "{\"exchangeOnline\": \"contoso.onmicrosoft.com\", \"mailboxes\": [{\"address\": \"a@contoso.com\"}],"
          + "\"groups\": [{\"kind\": \"DISTRIBUTION\", \"name\": \"Sync Users\", \"members\": [\"a@contoso.com\"]}],"
          + "\"applications\": [{\"appId\": \"3c4d5e6f-7a8b-4c9d-8e0f-1a2b3c4d5e6f\", \"servicePrincipalId\": \"4d5e6f7a-8b9c-4d0e-9f1a-2b3c4d5e6f70\","
          + "\"exchangeServicePrincipal\": true}],"
          + "\"roleAssignments\": [{\"name\": \"S\", \"role\": \"Application Mail.Read\", \"app\": \"3c4d5e6f-7a8b-4c9d-8e0f-1a2b3c4d5e6f\", \"group\": \"Sync Users\"}]}");
      FakeTenant tenant = TenantFixture.load(json).build();
      assertEquals(ScopeType.RECIPIENT_GROUP, tenant.roleAssignments().get(0).scopeType());
      assertEquals("Sync Users", tenant.roleAssignments().get(0).scope());
    }

    @Test
    void aMissingFixtureSaysWhereItLooked() {
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> FakeTenant.fromFixtureResource("nope.json"));
      assertTrue(e.getMessage().contains("/nope.json"), e.getMessage());
    }

    @Test
    void mailboxesFromCsv(@TempDir Path dir) throws Exception {
      Path csv = dir.resolve("mailboxes.csv");
      Files.writeString(csv, "\uFEFFAddress,Name,Type,Department\n"
          + "ann@contoso.com,\"Ames, Ann\",user,Sales\nroom1@contoso.com,Room 1,room,\n\nbob@contoso.com,,,\n");
      FakeTenant tenant = FakeTenant.exchangeServer("contoso.com").mailboxesFromCsv(csv).build();
      assertEquals("Ames, Ann", tenant.mailbox("ann@contoso.com").orElseThrow().name());
      assertEquals(RecipientType.ROOM_MAILBOX, tenant.mailbox("room1@contoso.com").orElseThrow().type());
      assertEquals("bob", tenant.mailbox("bob@contoso.com").orElseThrow().name());
      assertEquals(3, tenant.mailboxes().size());
    }
  }

  @Nested
  class FaultRules {
    private final FakeTenant tenant = FakeTenant.exchangeOnline("contoso.onmicrosoft.com").userMailbox("ann@contoso.com").build();
    private final ExchangeBackend exchange = tenant.connection().exchange().orElseThrow();

    @Test
    void aRuleCanTargetTheNthCall() {
      tenant.faults().on("findRecipient").onCall(2).times(2).throttle(Duration.ofSeconds(7));
      assertTrue(exchange.findRecipient("ann@contoso.com").isPresent());
      ThrottledException e = assertThrows(ThrottledException.class, () -> exchange.findRecipient("ann@contoso.com"));
      assertEquals(Optional.of(Duration.ofSeconds(7)), e.retryAfter());
      assertThrows(ThrottledException.class, () -> exchange.findRecipient("ann@contoso.com"));
      assertTrue(exchange.findRecipient("ann@contoso.com").isPresent());
      assertEquals(2, tenant.faults().injectedCount());
    }

    @Test
    void aQualifiedNameTargetsOneBackend() {
      tenant.faults().on("directory.findGroup").timeout();
      assertTrue(exchange.findGroup("nothing").isEmpty(), "the Exchange backend is not affected");
      TransientTenantException e = assertThrows(TransientTenantException.class,
          () -> tenant.connection().directory().orElseThrow().findGroup("nothing"));
      assertTrue(e.getMessage().contains("timed out"));
    }

    @Test
    void randomTransientFaultsAreReproducibleFromTheSeed() {
      List<Boolean> first = pattern(42L);
      assertEquals(first, pattern(42L));
      assertTrue(first.contains(true) && first.contains(false), first.toString());
    }

    private List<Boolean> pattern(long seed) {
      FakeTenant t = FakeTenant.exchangeServer("contoso.com").userMailbox("ann@contoso.com").build();
      t.faults().randomTransient(seed, 0.3);
      ExchangeBackend x = t.connection().exchange().orElseThrow();
      return java.util.stream.IntStream.range(0, 40).mapToObj(i -> {
        try {
          x.findRecipient("ann@contoso.com");
          return false;
        } catch (dev.impersonation.TenantException e) {
          assertTrue(e.isTransient());
          return true;
        }
      }).toList();
    }

    @Test
    void readAfterWriteLagHidesNewObjectsForSomeReads() {
      tenant.faults().readAfterWriteLag(2);
      exchange.execute(new Operation.NewDistributionGroup("Lagging", GroupKind.DISTRIBUTION, Optional.empty(),
          Optional.empty(), List.of(), ""));
      assertTrue(exchange.findGroup("Lagging").isEmpty());
      ObjectNotFoundException e = assertThrows(ObjectNotFoundException.class, () -> exchange.execute(
          new Operation.AddGroupMembers("Lagging", GroupKind.DISTRIBUTION, List.of("ann@contoso.com"))));
      assertTrue(e.getMessage().contains("couldn't be found on"), e.getMessage());
      assertTrue(exchange.findGroup("Lagging").isPresent());
    }

    @Test
    void strictModeFailsOnAnUnexpectedWriteBeforeItHappens() {
      tenant.faults().allowOnlyWrites("AddGroupMembers");
      AssertionError e = assertThrows(AssertionError.class, () -> exchange.execute(new Operation.NewDistributionGroup("G",
          GroupKind.DISTRIBUTION, Optional.empty(), Optional.empty(), List.of(), "")));
      assertTrue(e.getMessage().contains("Unexpected write exchange.NewDistributionGroup"), e.getMessage());
      assertTrue(tenant.group("G").isEmpty());
    }

    @Test
    void readAfterWriteLagOnTheClock() {
      tenant.faults().readAfterWriteLag(Duration.ofMinutes(2));
      exchange.execute(new Operation.NewDistributionGroup("Slow", GroupKind.DISTRIBUTION, Optional.empty(), Optional.empty(),
          List.of(), ""));
      assertTrue(exchange.findGroup("Slow").isEmpty());
      assertTrue(exchange.findGroup("Slow").isEmpty());
      tenant.clock().advance(Duration.ofMinutes(2));
      assertTrue(exchange.findGroup("Slow").isPresent());
    }
  }

  @Nested
  class Journal {
    @Test
    void wroteExactlyListsWhatWasMissingAndUnexpected() {
      FakeTenant tenant = FakeTenant.exchangeServer("contoso.com").userMailbox("svc@contoso.com").userMailbox("ann@contoso.com").build();
      ImpersonationSetup setup = ImpersonationSetup.builder().name("J").target(tenant.target())
          .principal(Principal.serviceAccount("svc@contoso.com")).scope(Scope.distributionGroup("G").members("ann@contoso.com"))
          .access(Access.applicationImpersonation()).build();
      setup.apply(tenant.connection());
      // The group is created with its member (New-DistributionGroup -Members): no separate AddGroupMembers.
      tenant.assertJournal().wroteExactly("NewDistributionGroup", "NewManagementScope",
          "NewManagementRoleAssignment").onlyTouched("G", "J-Scope", "J-ApplicationImpersonation");
      AssertionError e = assertThrows(AssertionError.class,
          () -> tenant.assertJournal().wroteExactly("NewDistributionGroup", "NewRoleGroup", "NewManagementScope"));
      assertTrue(e.getMessage().contains("missing:    NewRoleGroup x1"), e.getMessage());
      assertTrue(e.getMessage().contains("unexpected: NewManagementRoleAssignment x1"), e.getMessage());
      AssertionError stray = assertThrows(AssertionError.class, () -> tenant.assertJournal().onlyTouched("J-Scope"));
      assertTrue(stray.getMessage().contains("NewDistributionGroup"), stray.getMessage());
      assertThrows(AssertionError.class, () -> tenant.assertJournal().neverTouched("ann@contoso.com"));
      tenant.clearJournal().assertJournal().noWrites();
    }

    @Test
    void aMissWithNoWritesSaysSo() {
      FakeTenant tenant = FakeTenant.exchangeServer("contoso.com").build();
      AssertionError e = assertThrows(AssertionError.class, () -> tenant.assertJournal().wrote("NewManagementScope"));
      assertTrue(e.getMessage().contains("no writes at all"), e.getMessage());
    }
  }

  @Nested
  class Clock {
    @Test
    void advanceUntilFailsWithTheSimulatedTime() {
      FakeTenant tenant = FakeTenant.exchangeServer("contoso.com").build();
      Duration passed = tenant.advanceUntil(() -> tenant.clock().instant().isAfter(FakeTenant.EPOCH.plusSeconds(599)),
          Duration.ofMinutes(1), Duration.ofHours(1));
      assertEquals(Duration.ofMinutes(10), passed);
      AssertionError e = assertThrows(AssertionError.class, () -> tenant.advanceUntil(() -> false, Duration.ofMinutes(5),
          Duration.ofMinutes(15)));
      assertTrue(e.getMessage().contains("PT15M"), e.getMessage());
    }
  }
}
