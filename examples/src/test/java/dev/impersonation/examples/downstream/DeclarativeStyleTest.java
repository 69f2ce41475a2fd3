package dev.impersonation.examples.downstream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.impersonation.ImpersonationSetup;
import dev.impersonation.TenantConnection;
import dev.impersonation.testkit.FakeClock;
import dev.impersonation.testkit.FakeTenant;
import dev.impersonation.testkit.junit5.FakeTenantTest;
import dev.impersonation.testkit.junit5.TenantSeed;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Documentation by example: the declarative style. The tenant comes from a JSON fixture plus a seed in code, is
 * fresh for every test, and is injected as parameters.
 */
@FakeTenantTest(fixture = "/tenants/contoso-rooms.json", seeds = DeclarativeStyleTest.ThirdRoom.class)
class DeclarativeStyleTest {
  private final RoomSyncOnboarding onboarding = new RoomSyncOnboarding();

  /** Adds a room on top of the fixture. */
  public static final class ThirdRoom implements TenantSeed {
    @Override
    public void seed(FakeTenant.Builder tenant) {
      tenant.roomMailbox("room3@contoso.com", "Room 3");
    }
  }

  @Test
  void grantsTheRoomsAndProvesTheBoardroomIsDenied(FakeTenant tenant, TenantConnection connection, FakeClock clock) {
    ImpersonationSetup setup = onboarding.setupFor(tenant.target(),
        List.of("room1@contoso.com", "room2@contoso.com", "room3@contoso.com"));

    assertTrue(setup.apply(connection).succeeded());
    assertTrue(setup.plan(connection).isConverged());
    assertTrue(tenant.isDehydrated() == false, "the plan enabled organization customization");

    var report = tenant.advanceUntilVerified(setup, Duration.ofHours(3));
    assertTrue(report.isSatisfied(), report::toString);
    assertTrue(clock.instant().isAfter(FakeTenant.EPOCH), "propagation took simulated time");
  }

  @Test
  void eachTestGetsAFreshTenant(FakeTenant tenant) {
    assertTrue(tenant.group("Room Sync Rooms").isEmpty(), "nothing leaks from the other test");
    assertEquals(5, tenant.mailboxes().size());
  }

  @Test
  @FakeTenantTest(exchangeServer = "contoso.com")
  void aMethodAnnotationOverridesTheClassOne(FakeTenant tenant) {
    assertEquals("contoso.com", tenant.target().domain());
    assertTrue(tenant.mailboxes().isEmpty());
  }
}
