package dev.impersonation.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.impersonation.Access;
import dev.impersonation.ImpersonationSetup;
import dev.impersonation.PlanBlockedException;
import dev.impersonation.Principal;
import dev.impersonation.Scope.AdministrativeUnitScope;
import dev.impersonation.Scope;
import dev.impersonation.TenantConnection;
import dev.impersonation.TenantTarget;
import dev.impersonation.TransientTenantException;
import dev.impersonation.plan.ApplyResult;
import dev.impersonation.plan.Plan;
import dev.impersonation.plan.ProgressListener;
import dev.impersonation.plan.Step.StepAction;
import dev.impersonation.plan.Step;
import dev.impersonation.spi.Capability;
import dev.impersonation.spi.DirectoryBackend;
import dev.impersonation.spi.Operation;
import dev.impersonation.verify.MailboxAccess.AccessState;
import dev.impersonation.verify.MailboxAccess;
import dev.impersonation.verify.VerificationReport;
import java.time.Duration;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** Administrative-unit membership: planned, applied, re-planned and verified against FakeTenant. */
class AdministrativeUnitMembershipTest {
  private static final String DOMAIN = "contoso.onmicrosoft.com";
  private static final String APP = "6f1c2a3b-4d5e-4f60-8172-93a4b5c6d7e8";
  private static final String SP = "9a2b3c4d-5e6f-4a7b-8c9d-0e1f2a3b4c5d";
  private static final String AU = "0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d";
  private static final String ANN = "ann@contoso.com";
  private static final String BOB = "bob@contoso.com";
  private static final String CAROL = "carol@contoso.com";
  private static final String CEO = "ceo@contoso.com";
  private static final String MEMBERS = "administrative unit " + AU + " members";

  /** Ann and Carol are in the unit; Bob is not yet; the CEO never is. */
  private static FakeTenant tenant() {
    return FakeTenant.exchangeOnline(DOMAIN).userMailbox(ANN).userMailbox(BOB).userMailbox(CAROL).userMailbox(CEO)
        .application(APP, SP, "Sync").administrativeUnit(AU, ANN, CAROL).build();
  }

  private static ImpersonationSetup setup(AdministrativeUnitScope scope) {
    return ImpersonationSetup.builder().name("AuSync").target(TenantTarget.exchangeOnline(DOMAIN))
        .principal(Principal.application(APP)).scope(scope).access(Access.rbacForApplications("Application Mail.Read")).build();
  }

  private static List<Step> steps(Plan plan, String resource) {
    return plan.steps().stream().filter(s -> s.resource().equals(resource)).toList();
  }

  private static Step grant(Plan plan) {
    return plan.steps().stream().filter(s -> s.operation().orElse(null) instanceof Operation.NewManagementRoleAssignment)
        .findFirst().orElseThrow(() -> new AssertionError("no role assignment step in\n" + plan));
  }

  private static AccessState state(VerificationReport report, String mailbox) {
    return report.mailboxes().stream().filter(m -> m.mailbox().equalsIgnoreCase(mailbox)).map(MailboxAccess::state)
        .findFirst().orElseThrow(() -> new AssertionError(mailbox + " not in\n" + report));
  }

  @Test
  @DisplayName("ADD_ONLY adds the missing members, says how many others it leaves, and the grant waits for it")
  void addOnlyAddsTheMissingMembers() {
    FakeTenant tenant = tenant();
    ImpersonationSetup setup = setup(Scope.administrativeUnit(AU).members(ANN, BOB));
    Plan plan = setup.plan(tenant.connection());

    List<Step> members = steps(plan, MEMBERS);
    assertEquals(1, members.size(), plan::toString);
    Step add = members.get(0);
    assertEquals(StepAction.ADD_MEMBERS, add.action());
    assertEquals("fake-graph", add.backend());
    assertEquals(new Operation.AddAdministrativeUnitMembers(AU, List.of(BOB)), add.operation().orElseThrow());
    assertTrue(add.reason().contains("add 1 member(s): " + BOB), add.reason());
    assertTrue(add.reason().contains("1 undeclared member(s) left as they are"), add.reason());
    assertTrue(grant(plan).dependsOn().contains(add.number()), "the grant waits for the members:\n" + plan);
    assertTrue(plan.steps().stream().noneMatch(s -> s.action() == StepAction.REMOVE_MEMBERS), plan::toString);
    assertTrue(plan.warnings().stream().noneMatch(w -> w.contains("REMOVES")), plan.warnings()::toString);
    assertTrue(plan.toJson().contains("\"type\" : \"AddAdministrativeUnitMembers\""), plan.toJson());

    ApplyResult result = setup.apply(plan, tenant.connection(), ProgressListener.none());
    assertTrue(result.succeeded(), result::toString);
    assertEquals(Set.of(ANN, BOB, CAROL), Set.copyOf(tenant.administrativeUnitMembers(AU)));
    tenant.assertJournal().wrote("AddAdministrativeUnitMembers", BOB).neverTouched(CAROL, CEO);

    Plan again = setup.plan(tenant.connection());
    assertTrue(again.isConverged(), again::toString);
    assertTrue(steps(again, MEMBERS).get(0).reason().contains("all declared members present; 1 undeclared member(s) left"),
        again::toString);
  }

  @Test
  @DisplayName("EXACT removes the undeclared members in a REMOVE_MEMBERS step, with a warning, and converges")
  void exactRemovesTheUndeclaredMembers() {
    FakeTenant tenant = tenant();
    ImpersonationSetup setup = setup(Scope.administrativeUnit(AU).members(ANN, BOB).exactMembership());
    Plan plan = setup.plan(tenant.connection());

    List<Step> members = steps(plan, MEMBERS);
    assertEquals(List.of(StepAction.ADD_MEMBERS, StepAction.REMOVE_MEMBERS), members.stream().map(Step::action).toList(),
        plan::toString);
    Step remove = members.get(1);
    assertEquals(new Operation.RemoveAdministrativeUnitMembers(AU, List.of(CAROL)), remove.operation().orElseThrow());
    assertTrue(remove.reason().startsWith("EXACT membership: remove 1 undeclared member(s): " + CAROL), remove.reason());
    assertTrue(plan.warnings().stream().anyMatch(w -> w.startsWith("REMOVES EXISTING MEMBERS") && w.contains(CAROL)),
        plan.warnings()::toString);
    assertTrue(grant(plan).dependsOn().containsAll(List.of(members.get(0).number(), remove.number())), plan::toString);

    assertTrue(setup.apply(plan, tenant.connection(), ProgressListener.none()).succeeded());
    assertEquals(List.of(ANN, BOB), tenant.administrativeUnitMembers(AU).stream().sorted().toList());
    tenant.assertJournal().wrote("RemoveAdministrativeUnitMembers", CAROL).neverTouched(CEO);
    Plan again = setup.plan(tenant.connection());
    assertTrue(again.isConverged(), again::toString);
    assertTrue(again.warnings().stream().noneMatch(w -> w.contains("REMOVES")), again.warnings()::toString);
  }

  @Test
  @DisplayName("existingMembership() and a unit without declared members plan no member change")
  void unmanagedLeavesTheMembersAlone() {
    FakeTenant tenant = tenant();
    for (AdministrativeUnitScope scope : List.of(Scope.administrativeUnit(AU).existingMembership(), Scope.administrativeUnit(AU))) {
      Plan plan = setup(scope).plan(tenant.connection());
      assertTrue(steps(plan, MEMBERS).isEmpty(), plan::toString);
      Step unit = steps(plan, "administrative unit " + AU).get(0);
      assertEquals(StepAction.NO_OP, unit.action());
      assertTrue(unit.reason().startsWith("exists with 2 member(s)"), unit.reason());
      assertTrue(plan.steps().stream().noneMatch(s -> s.action() == StepAction.ADD_MEMBERS || s.action() == StepAction.REMOVE_MEMBERS));
    }
    assertTrue(steps(setup(Scope.administrativeUnit(AU).existingMembership()).plan(tenant.connection()), "administrative unit " + AU)
        .get(0).reason().contains("existingMembership(): its members are left as they are"));
    assertTrue(setup(Scope.administrativeUnit(AU).existingMembership()).apply(tenant.connection()).succeeded());
    tenant.assertJournal().didNotWrite("AddAdministrativeUnitMembers", "").didNotWrite("RemoveAdministrativeUnitMembers", "");
    assertEquals(List.of(ANN, CAROL), tenant.administrativeUnitMembers(AU));
  }

  @Test
  @DisplayName("a failed read of the unit blocks it, and apply writes nothing")
  void unknownReadBlocks() {
    FakeTenant tenant = tenant();
    tenant.faults().fail("administrativeUnitMembers", 100, () -> new TransientTenantException("boom: 503 from Graph"));
    ImpersonationSetup setup = setup(Scope.administrativeUnit(AU).members(ANN, BOB).exactMembership());
    Plan plan = setup.plan(tenant.connection());
    Step blocked = steps(plan, "administrative unit " + AU).get(0);
    assertEquals(StepAction.BLOCKED, blocked.action(), plan::toString);
    assertTrue(blocked.reason().contains("boom: 503 from Graph") && blocked.reason().contains("never taken as absent"),
        blocked.reason());
    assertTrue(plan.steps().stream().noneMatch(s -> s.action() == StepAction.ADD_MEMBERS || s.action() == StepAction.REMOVE_MEMBERS),
        plan::toString);
    PlanBlockedException e = assertThrows(PlanBlockedException.class,
        () -> setup.apply(plan, tenant.connection(), ProgressListener.none()));
    assertTrue(e.getMessage().contains("Nothing was applied"), e.getMessage());
    assertTrue(tenant.writes().isEmpty(), tenant.writes()::toString);
  }

  @Test
  @DisplayName("a failed look-up of a member to add blocks the member step instead of skipping the member")
  void unknownMemberLookupBlocks() {
    FakeTenant tenant = tenant();
    tenant.faults().fail("findUser", 100, () -> new TransientTenantException("boom"));
    Plan plan = setup(Scope.administrativeUnit(AU).members(ANN, BOB)).plan(tenant.connection());
    Step blocked = steps(plan, MEMBERS).get(0);
    assertEquals(StepAction.BLOCKED, blocked.action(), plan::toString);
    assertTrue(blocked.reason().startsWith("could not look up [" + BOB + " (") && blocked.reason().contains("boom"),
        blocked.reason());
    assertTrue(plan.steps().stream().noneMatch(s -> s.action() == StepAction.ADD_MEMBERS), plan::toString);
    assertEquals("access grant", plan.blockedSteps().get(plan.blockedSteps().size() - 1).resource());
  }

  @Test
  @DisplayName("a member that is no directory user blocks the plan (docs/diagnostics.md#d9), as for a group")
  void unknownMemberBlocks() {
    FakeTenant tenant = tenant();
    Plan plan = setup(Scope.administrativeUnit(AU).members(ANN, "nobody@contoso.com")).plan(tenant.connection());
    Step blocked = steps(plan, MEMBERS).get(0);
    assertEquals(StepAction.BLOCKED, blocked.action(), plan::toString);
    assertTrue(blocked.reason().contains("no directory user found for [nobody@contoso.com] (docs/diagnostics.md#d9"), blocked.reason());
  }

  @Test
  @DisplayName("an absent unit blocks with the existing message")
  void absentUnitBlocks() {
    FakeTenant tenant = FakeTenant.exchangeOnline(DOMAIN).userMailbox(ANN).application(APP, SP, "Sync").build();
    Plan plan = setup(Scope.administrativeUnit(AU).members(ANN)).plan(tenant.connection());
    Step blocked = steps(plan, "administrative unit " + AU).get(0);
    assertEquals(StepAction.BLOCKED, blocked.action());
    assertTrue(blocked.reason().startsWith("no such administrative unit: create it in Entra"), blocked.reason());
    assertTrue(steps(plan, MEMBERS).isEmpty(), plan::toString);
  }

  @Test
  @DisplayName("without a backend that can write unit membership, the member step is blocked and names what to add")
  void noCapableBackendBlocks() {
    FakeTenant tenant = tenant();
    DirectoryBackend directory = tenant.connection().directory().orElseThrow();
    DirectoryBackend readOnly = (DirectoryBackend) java.lang.reflect.Proxy.newProxyInstance(getClass().getClassLoader(),
        new Class<?>[] {DirectoryBackend.class}, (proxy, method, args) -> method.getName().equals("capabilities")
            ? EnumSet.of(Capability.DIRECTORY_USERS) : method.invoke(directory, args));
    TenantConnection connection = TenantConnection.builder(tenant.target()).exchange(tenant.connection().exchange().orElseThrow())
        .directory(readOnly).clock(tenant.clock(), tenant.clock()).build();
    Plan plan = setup(Scope.administrativeUnit(AU).members(ANN, BOB)).plan(connection);
    Step blocked = steps(plan, MEMBERS).get(0);
    assertEquals(StepAction.BLOCKED, blocked.action(), plan::toString);
    assertTrue(blocked.reason().startsWith("no backend of this connection can write administrative unit membership: "
        + "add a directory (Graph) backend"), blocked.reason());
  }

  @Test
  @DisplayName("a throttled write is retried after Retry-After on the fake clock, and repeats nothing")
  void throttledWriteIsRetried() {
    FakeTenant tenant = tenant();
    tenant.faults().on("AddAdministrativeUnitMembers").onCall(1).throttle(Duration.ofSeconds(30));
    ApplyResult result = setup(Scope.administrativeUnit(AU).members(ANN, BOB)).apply(tenant.connection());
    assertTrue(result.succeeded(), result::toString);
    assertEquals(Set.of(ANN, BOB, CAROL), Set.copyOf(tenant.administrativeUnitMembers(AU)));
    assertEquals(1, tenant.writes().stream().filter(w -> w.operation().equals("AddAdministrativeUnitMembers")).count());
  }

  @Test
  @DisplayName("after propagation the declared members are granted and the outsider is denied")
  void verifiesInScopeGrantedAndOutsiderDenied() {
    FakeTenant tenant = tenant();
    ImpersonationSetup setup = setup(Scope.administrativeUnit(AU).members(ANN, BOB).exactMembership());
    assertTrue(setup.apply(tenant.connection()).succeeded());
    VerificationReport early = setup.verify(tenant.connection());
    assertFalse(early.isSatisfied(), early::toString);
    VerificationReport report = tenant.advanceUntilVerified(setup, Duration.ofHours(3));
    assertEquals(AccessState.GRANTED, state(report, ANN));
    assertEquals(AccessState.GRANTED, state(report, BOB));
    assertTrue(report.mailboxes().stream().anyMatch(m -> m.state() == AccessState.DENIED), report::toString);
    assertTrue(report.mailboxes().stream().noneMatch(m -> m.mailbox().equalsIgnoreCase(CAROL) && m.state() == AccessState.GRANTED),
        "Carol was removed from the unit:\n" + report);
  }
}
