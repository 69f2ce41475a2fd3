package dev.impersonation.testkit;

import static dev.impersonation.testkit.Fixtures.ANN;
import static dev.impersonation.testkit.Fixtures.BOB;
import static dev.impersonation.testkit.Fixtures.RI_APP;
import static dev.impersonation.testkit.Fixtures.RI_SP;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.impersonation.Access;
import dev.impersonation.ImpersonationSetup;
import dev.impersonation.PlanBlockedException;
import dev.impersonation.Principal;
import dev.impersonation.Scope;
import dev.impersonation.TenantTarget;
import dev.impersonation.plan.ApplyResult;
import dev.impersonation.plan.Plan;
import dev.impersonation.plan.ProgressListener;
import dev.impersonation.plan.Step.StepAction;
import dev.impersonation.plan.Step;
import dev.impersonation.spi.BackendKind;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The backend that runs a step is chosen once, by the planner, and recorded on the step ({@link Step#backendKind()});
 * apply runs the step there and routes nothing again.
 */
class BackendChoiceTest {
  static final String AU = "0f1e2d3c-4b5a-4968-8776-a5b4c3d2e1f0";

  private static FakeTenant tenant() {
    return FakeTenant.exchangeOnline(Fixtures.ONLINE).userMailbox(ANN, "Ann Ames").userMailbox(BOB, "Bob Brown")
        .application(RI_APP, RI_SP, "Revenue Inbox").administrativeUnit(AU, ANN, BOB).build();
  }

  private static ImpersonationSetup setup() {
    return ImpersonationSetup.builder().name("Sync").target(Fixtures.target(TenantTarget.Kind.EXCHANGE_ONLINE))
        .principal(Principal.application(RI_APP)).scope(Scope.administrativeUnit(AU)).addVerifyMailboxes(ANN, BOB)
        .access(Access.rbacForApplications("Application Mail.Read")).build();
  }

  private static List<Step> creates(Plan plan) {
    return plan.steps().stream().filter(s -> s.action() == StepAction.CREATE).toList();
  }

  @Test
  @DisplayName("the plan records the backend kind beside the backend's name; JSON shows the name only, as before")
  void thePlanRecordsTheChoice() {
    FakeTenant tenant = tenant();
    Plan both = setup().plan(tenant.connection());
    assertFalse(creates(both).isEmpty(), both.toString());
    assertTrue(creates(both).stream().allMatch(s -> s.backendKind().equals(Optional.of(BackendKind.EXCHANGE))
        && s.backend().equals("fake-exchange")), both.toString());
    Plan graphOnly = setup().plan(tenant.directoryOnlyConnection());
    assertFalse(creates(graphOnly).isEmpty(), graphOnly.toString());
    assertTrue(creates(graphOnly).stream().allMatch(s -> s.backendKind().equals(Optional.of(BackendKind.DIRECTORY))
        && s.backend().equals("fake-graph")), graphOnly.toString());
    assertTrue(both.steps().stream().filter(s -> s.operation().isEmpty()).allMatch(s -> s.backendKind().isEmpty()),
        "a step without an operation runs nowhere");
    assertFalse(both.toJson().contains("backendKind"), both.toJson());
    assertTrue(both.toJson().contains("\"backend\" : \"fake-exchange\""), both.toJson());
  }

  @Test
  @DisplayName("apply runs each step on the backend the plan chose, even where this connection would route elsewhere")
  void applyUsesTheRecordedChoice() {
    FakeTenant tenant = tenant();
    Plan plan = setup().plan(tenant.directoryOnlyConnection());
    // The full connection routes RBAC for Applications to Exchange first; the plan chose Graph, so Graph writes.
    ApplyResult result = setup().apply(plan, tenant.connection(), ProgressListener.none());
    assertTrue(result.succeeded(), result.toString());
    assertFalse(tenant.writes().isEmpty());
    assertTrue(tenant.writes().stream().allMatch(w -> w.backend().equals("directory")), tenant.writes().toString());
  }

  @Test
  @DisplayName("a connection without the backend the plan chose is refused before any write, naming the steps")
  void aMissingBackendIsRefusedBeforeAnyWrite() {
    FakeTenant tenant = tenant();
    Plan plan = setup().plan(tenant.connection());
    PlanBlockedException e = assertThrows(PlanBlockedException.class,
        () -> setup().apply(plan, tenant.directoryOnlyConnection(), ProgressListener.none()));
    assertTrue(e.getMessage().startsWith("Nothing was applied"), e.getMessage());
    Step first = creates(plan).get(0);
    assertTrue(e.getMessage().contains("[" + first.number() + "] " + first.resource() + ": planned on the Exchange backend "
        + "'fake-exchange', and this connection has no Exchange backend"), e.getMessage());
    assertEquals(plan, e.plan());
    assertTrue(tenant.writes().isEmpty(), tenant.writes().toString());
  }
}
