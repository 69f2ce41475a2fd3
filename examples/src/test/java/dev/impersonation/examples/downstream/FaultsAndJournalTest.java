package dev.impersonation.examples.downstream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.impersonation.ImpersonationSetup;
import dev.impersonation.TenantConnection;
import dev.impersonation.plan.ApplyResult.StepResult;
import dev.impersonation.plan.ApplyResult;
import dev.impersonation.plan.Plan;
import dev.impersonation.plan.ProgressListener.ProgressEvent;
import dev.impersonation.testkit.FakeTenant;
import dev.impersonation.testkit.Faults;
import dev.impersonation.testkit.junit5.FakeTenantTest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Documentation by example: fault injection and journal assertions in a downstream test. */
@FakeTenantTest(fixture = "/tenants/contoso-rooms.json")
class FaultsAndJournalTest {
  private static final List<String> ROOMS = List.of("room1@contoso.com", "room2@contoso.com");
  private final RoomSyncOnboarding onboarding = new RoomSyncOnboarding();

  @Test
  void survivesThrottlingOfTheCreateAndReportsTheWait(FakeTenant tenant, TenantConnection connection, Faults faults) {
    ImpersonationSetup setup = onboarding.setupFor(tenant.target(), ROOMS);
    faults.on("NewDistributionGroup").onCall(1).throttle(Duration.ofSeconds(30));
    List<ProgressEvent> events = new ArrayList<>();

    ApplyResult result = setup.apply(connection, events::add);

    assertTrue(result.succeeded(), result::toString);
    // The room list is created with its two rooms in one call; the throttled first attempt is retried after Retry-After.
    StepResult create = result.results().stream().filter(r -> r.step().action() == dev.impersonation.plan.Step.StepAction.CREATE
        && r.step().resource().startsWith("room list")).findFirst().orElseThrow();
    assertEquals(2, create.attempts(), "one create plus one retry");
    assertEquals(Duration.ofSeconds(30), create.waited());
    assertTrue(events.stream().anyMatch(e -> e.kind() == ProgressEvent.Kind.RETRYING
        && e.delay().equals(java.util.Optional.of(Duration.ofSeconds(30)))));
  }

  @Test
  void convergesThroughReplicationLag(FakeTenant tenant, TenantConnection connection, Faults faults) {
    ImpersonationSetup setup = onboarding.setupFor(tenant.target(), ROOMS);
    faults.readAfterWriteLag(2);   // every new object misses its next two reads
    assertTrue(setup.apply(connection).succeeded());
    assertTrue(faults.injectedCount() == 0, "lag is not an injected error");
    tenant.advanceUntilConverged(setup, Duration.ofHours(1));
  }

  @Test
  void writesOnlyWhatTheSetupOwns(FakeTenant tenant, TenantConnection connection) {
    ImpersonationSetup setup = onboarding.setupFor(tenant.target(), ROOMS);
    tenant.clearJournal();
    setup.apply(connection);
    tenant.assertJournal()
        .wroteExactly("EnableOrganizationCustomization", "NewServicePrincipal", "NewDistributionGroup", "SetGroup",
            "NewManagementRoleAssignment")
        .neverTouched("boardroom@contoso.com", "ann@contoso.com")
        .everyWrite("is on the Exchange backend", e -> e.backend().equals("exchange"));
  }

  @Test
  void aMissedExpectationExplainsTheNearestWrite(FakeTenant tenant, TenantConnection connection) {
    onboarding.setupFor(tenant.target(), ROOMS).apply(connection);
    dev.impersonation.testkit.JournalAssertionError error = assertThrows(dev.impersonation.testkit.JournalAssertionError.class,
        () -> tenant.assertJournal().wrote("NewManagementRoleAssignment", "Room Sync Room5"));
    assertTrue(error instanceof AssertionError, "any test framework reports it as a failure");
    assertEquals("wrote NewManagementRoleAssignment 'Room Sync Room5'", error.check());
    assertEquals("NewManagementRoleAssignment", error.offending().get(0).operation(), "the nearest miss first");
    assertFalse(error.writes().isEmpty());
    assertTrue(error.getMessage().contains("Nearest writes:"), error.getMessage());
    assertTrue(error.getMessage().contains("same operation"), error.getMessage());
    assertTrue(error.getMessage().contains("closest: 'Room Sync Rooms'"), error.getMessage());
  }

  @Test
  void aCrashMidwayIsRecoveredByApplyingAgain(FakeTenant tenant, TenantConnection connection, Faults faults) {
    ImpersonationSetup setup = onboarding.setupFor(tenant.target(), ROOMS);
    Plan plan = setup.plan(connection);
    faults.crashAfterWrites(4);
    assertThrows(dev.impersonation.testkit.SimulatedCrashException.class,
        () -> setup.apply(plan, connection, dev.impersonation.plan.ProgressListener.none()));
    assertTrue(setup.apply(connection).succeeded());
    assertTrue(setup.plan(connection).isConverged());
    assertEquals(2, tenant.members("Room Sync Rooms").size());
  }
}
