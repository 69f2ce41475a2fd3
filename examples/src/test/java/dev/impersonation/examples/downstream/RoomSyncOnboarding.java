package dev.impersonation.examples.downstream;

import dev.impersonation.Access;
import dev.impersonation.ImpersonationSetup;
import dev.impersonation.Principal;
import dev.impersonation.Scope;
import dev.impersonation.TenantTarget;
import java.util.List;

/** Stands in for a vendor's onboarding code: the thing a downstream team tests against the FakeTenant. */
final class RoomSyncOnboarding {
  static final String APP_ID = "11111111-2222-4333-8444-555555555555";

  ImpersonationSetup setupFor(TenantTarget target, List<String> rooms) {
    return ImpersonationSetup.builder().name("RoomSync").target(target)
        .principal(Principal.application(APP_ID))
        .scope(Scope.roomList("Room Sync Rooms").members(rooms).hiddenFromAddressLists())
        .access(Access.rbacForApplications("Application Calendars.ReadWrite"))
        .outsider("boardroom@contoso.com")
        .build();
  }
}
