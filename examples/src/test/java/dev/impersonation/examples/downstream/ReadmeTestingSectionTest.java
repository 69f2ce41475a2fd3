package dev.impersonation.examples.downstream;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.impersonation.ImpersonationSetup;
import dev.impersonation.TenantConnection;
import dev.impersonation.plan.ApplyResult;
import dev.impersonation.testkit.FakeTenant;
import dev.impersonation.testkit.FaultOperations;
import dev.impersonation.testkit.Faults;
import dev.impersonation.testkit.junit5.FakeTenantTest;
import dev.impersonation.verify.VerificationReport;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The test shown in the README's "Testing your integration" section, verbatim. */
@FakeTenantTest(fixture = "/tenants/contoso-rooms.json")         // a fresh tenant per test, from a JSON fixture
class ReadmeTestingSectionTest {
  @Test
  void grantsTheRoomsAndProvesTheBoardroomIsDenied(FakeTenant tenant, TenantConnection connection, Faults faults) {
    ImpersonationSetup setup = new RoomSyncOnboarding().setupFor(tenant.target(),   // your code under test
        List.of("room1@contoso.com", "room2@contoso.com"));
    faults.on(FaultOperations.ADD_GROUP_MEMBERS).onCall(2).throttle(Duration.ofSeconds(30));  // "server busy" once

    ApplyResult result = setup.apply(connection);

    assertTrue(result.succeeded(), result::toString);
    assertTrue(setup.plan(connection).isConverged());
    tenant.assertJournal()
        .wrote("NewManagementRoleAssignment", "Room Sync Rooms")
        .neverTouched("boardroom@contoso.com");
    VerificationReport report = tenant.advanceUntilVerified(setup, Duration.ofHours(3));  // RBAC propagates
    assertTrue(report.isSatisfied(), report::toString);              // the rooms granted, the boardroom denied
  }
}
