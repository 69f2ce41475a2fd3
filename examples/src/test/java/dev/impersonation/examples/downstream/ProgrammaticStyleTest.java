package dev.impersonation.examples.downstream;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.impersonation.ImpersonationSetup;
import dev.impersonation.testkit.FakeTenant;
import dev.impersonation.testkit.junit5.FakeTenantExtension;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Documentation by example: the programmatic style with a fresh tenant per test (instance field). */
class ProgrammaticStyleTest {
  private static final List<String> ROOMS = List.of("room1@contoso.com", "room2@contoso.com");

  @RegisterExtension
  final FakeTenantExtension fake = FakeTenantExtension.of(() -> FakeTenant.exchangeOnline("contoso.onmicrosoft.com")
      .roomMailbox("room1@contoso.com", "Room 1").roomMailbox("room2@contoso.com", "Room 2")
      .roomMailbox("boardroom@contoso.com", "Board Room")
      .application(RoomSyncOnboarding.APP_ID, "66666666-7777-4888-9999-000000000000", "Room Sync"));

  @Test
  void onboardsThroughTheExtensionsAccessors() {
    ImpersonationSetup setup = new RoomSyncOnboarding().setupFor(fake.tenant().target(), ROOMS);
    assertTrue(setup.apply(fake.connection()).succeeded());
    fake.clock().advance(Duration.ofHours(2));
    assertTrue(setup.verify(fake.connection()).isSatisfied());
    fake.assertJournal().wrote("NewManagementRoleAssignment", "Room Sync Rooms").neverTouched("boardroom@contoso.com");
  }

  @Test
  void theTenantIsResetForEveryTest() {
    assertTrue(fake.tenant().writes().isEmpty());
    assertTrue(fake.tenant().group("Room Sync Rooms").isEmpty());
  }
}
