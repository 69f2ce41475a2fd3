package dev.impersonation.examples;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.impersonation.Access;
import dev.impersonation.ImpersonationSetup;
import dev.impersonation.Principal;
import dev.impersonation.Scope;
import dev.impersonation.TenantTarget;
import dev.impersonation.plan.ApplyResult;
import dev.impersonation.testkit.FakeTenant;
import dev.impersonation.verify.VerificationReport;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The test shown in the README's "Testing your integration" section, kept compiling and passing here. */
class ReadmeIntegrationTest {
  static final String APP_ID = "11111111-2222-4333-8444-555555555555";
  static final String SP_OBJECT_ID = "66666666-7777-4888-9999-000000000000";

  /** Stands in for a vendor's onboarding code under test. */
  static final class MyOnboarding {
    ImpersonationSetup setupFor(TenantTarget target) {
      return ImpersonationSetup.builder().name("RoomSync").target(target)
          .principal(Principal.application(APP_ID))
          .scope(Scope.roomList("Room Sync Rooms").members("room1@contoso.com", "room2@contoso.com"))
          .access(Access.rbacForApplications("Application Calendars.ReadWrite"))
          .build();
    }
  }

  private final MyOnboarding myOnboarding = new MyOnboarding();

  @Test
  void onboardingGrantsTheSyncAppItsRooms() {
    FakeTenant tenant = FakeTenant.exchangeOnline("contoso.onmicrosoft.com").dehydrated()
        .roomMailbox("room1@contoso.com", "Room 1").roomMailbox("room2@contoso.com", "Room 2")
        .roomMailbox("boardroom@contoso.com", "Board Room")
        .application(APP_ID, SP_OBJECT_ID, "Room Sync")
        .build();
    ImpersonationSetup setup = myOnboarding.setupFor(tenant.target());   // your code under test

    ApplyResult result = setup.apply(tenant.connection());
    assertTrue(result.succeeded(), result::toString);
    assertTrue(setup.plan(tenant.connection()).isConverged());

    tenant.clock().advance(Duration.ofHours(2));                        // RBAC takes effect after a delay
    VerificationReport report = setup.verify(tenant.connection());
    assertTrue(report.isSatisfied(), report::toString);                 // rooms granted, the boardroom denied
  }
}
