package dev.impersonation.testkit;

import static dev.impersonation.testkit.Fixtures.ANN;
import static dev.impersonation.testkit.Fixtures.BOB;
import static dev.impersonation.testkit.Fixtures.CEO;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.impersonation.Access;
import dev.impersonation.ImpersonationSetup;
import dev.impersonation.InvalidSetupException;
import dev.impersonation.Principal;
import dev.impersonation.Scope;
import dev.impersonation.TenantTarget;
import dev.impersonation.UnsupportedOnTargetException;
import dev.impersonation.migration.EwsMigration;
import dev.impersonation.migration.EwsMigrationReport;
import dev.impersonation.migration.EwsMigrationReport.Verdict;
import dev.impersonation.plan.Plan;
import dev.impersonation.verify.MailboxAccess.AccessState;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** EWS-based access moved to Graph roles beside it (docs/migration.md#ews): both verified, the verdict by date and state. */
class EwsMigrationTest {
  private static final String APP = "5a6b7c8d-9e0f-4a1b-8c2d-3e4f5a6b7c8d";
  private static final String SP = "6b7c8d9e-0f1a-4b2c-9d3e-4f5a6b7c8d9e";
  private static final Instant DECEMBER = Instant.parse("2026-12-03T09:00:00Z");

  private static FakeTenant online() {
    return FakeTenant.exchangeOnline(Fixtures.ONLINE).startingAt(DECEMBER).userMailbox(ANN).userMailbox(BOB).userMailbox(CEO)
        .application(APP, SP, "Legacy EWS Sync").organizationEwsEnabled(true).build();
  }

  private static ImpersonationSetup ewsApp() {
    return ImpersonationSetup.builder().name("EwsSync").target(TenantTarget.exchangeOnline(Fixtures.ONLINE))
        .principal(Principal.application(APP)).scope(Scope.mailEnabledSecurityGroup("EWS Sync Users").members(ANN, BOB))
        .access(Access.rbacForApplications("Application EWS.AccessAsApp")).outsider(CEO).allowingEws().build();
  }

  @Test
  void graphRolesArePlannedBesideEwsAndTheVerdictFollowsPropagationAndTheShutdown() {
    FakeTenant tenant = online();
    assertTrue(ewsApp().apply(tenant.connection()).succeeded());
    tenant.advanceUntilVerified(ewsApp(), Duration.ofHours(30));

    EwsMigration migration = EwsMigration.of(ewsApp()).withGraphRoles("Application Calendars.ReadWrite");
    ImpersonationSetup graph = migration.graphSetup();
    assertEquals("EwsSync-Graph", graph.name());
    assertEquals(ewsApp().scope(), graph.scope(), "the same scope");
    Plan plan = graph.plan(tenant.connection());
    assertTrue(plan.toPowerShell().contains("'Application Calendars.ReadWrite'"), plan::toPowerShell);
    assertTrue(graph.apply(plan, tenant.connection(), dev.impersonation.plan.ProgressListener.none()).succeeded());

    EwsMigrationReport pending = migration.verify(tenant.connection());
    assertEquals(Verdict.KEEP_EWS_UNTIL_GRAPH_EFFECTIVE, pending.verdict(), pending::toString);
    assertTrue(pending.ewsStillNeeded());
    assertTrue(pending.advice().contains("2027-04-01"), pending.advice());

    tenant.clock().advance(Duration.ofHours(2));
    EwsMigrationReport ready = migration.verify(tenant.connection());
    assertEquals(Verdict.GRAPH_READY, ready.verdict(), ready::toString);
    assertFalse(ready.ewsStillNeeded());
    assertEquals(AccessState.GRANTED, ready.ews().orElseThrow().mailbox(ANN).orElseThrow().state(), ready::toString);
    assertEquals(AccessState.DENIED, ready.graph().mailbox(CEO).orElseThrow().state(), "the outsider stays outside");
    assertTrue(ready.toString().contains("GRAPH_READY") && ready.toJson().contains("\"verdict\" : \"GRAPH_READY\""), ready::toJson);

    tenant.clock().advance(Duration.between(tenant.clock().instant(), Instant.parse("2027-04-02T00:00:00Z")));
    EwsMigrationReport after = migration.verify(tenant.connection());
    assertEquals(Verdict.GRAPH_READY, after.verdict(), after::toString);
    assertTrue(after.ews().map(r -> !r.isSatisfied()).orElse(true), "EWS does not work after the shutdown: " + after);
  }

  @Test
  void withoutGraphTheVendorStillNeedsEws() {
    FakeTenant tenant = online();
    ewsApp().apply(tenant.connection());
    tenant.advanceUntilVerified(ewsApp(), Duration.ofHours(30));
    EwsMigrationReport report = EwsMigration.of(ewsApp()).verify(tenant.connection());
    assertEquals(Verdict.KEEP_EWS_FIX_GRAPH, report.verdict(), report::toString);
  }

  @Test
  void aServiceAccountMovesToAnApplicationAndExchangeServerToExchangeOnline() {
    ImpersonationSetup server = ImpersonationSetup.builder().name("Legacy").target(TenantTarget.exchangeServer(Fixtures.SERVER))
        .principal(Principal.serviceAccount("svc@contoso.com")).scope(Scope.distributionGroup("Legacy Users").members(ANN, BOB))
        .access(Access.applicationImpersonation()).outsider(CEO).build();
    EwsMigration migration = EwsMigration.of(server);
    InvalidSetupException noApp = assertThrows(InvalidSetupException.class, migration::graphSetup);
    assertTrue(noApp.getMessage().contains("toApplication("), noApp.getMessage());
    UnsupportedOnTargetException onPremises = assertThrows(UnsupportedOnTargetException.class,
        () -> migration.toApplication(APP).graphSetup());
    assertTrue(onPremises.getMessage().contains("onTarget("), onPremises.getMessage());
    assertThrows(UnsupportedOnTargetException.class, () -> migration.onTarget(TenantTarget.exchangeServer(Fixtures.SERVER)));

    FakeTenant before = FakeTenant.exchangeServer(Fixtures.SERVER).userMailbox("svc@contoso.com").userMailbox(ANN).userMailbox(BOB)
        .userMailbox(CEO).build();
    assertTrue(server.apply(before.connection()).succeeded());
    FakeTenant after = FakeTenant.exchangeOnline(Fixtures.ONLINE).userMailbox(ANN).userMailbox(BOB).userMailbox(CEO)
        .application(APP, SP, "Sync").build();
    EwsMigration moved = migration.toApplication(APP).onTarget(TenantTarget.exchangeOnline(Fixtures.ONLINE))
        .withGraphRoles("Application Mail.Read", "Application Calendars.ReadWrite");
    assertTrue(moved.graphSetup().apply(after.connection()).succeeded());
    after.clock().advance(Duration.ofHours(2));
    before.clock().advance(Duration.ofHours(2));
    EwsMigrationReport report = moved.verify(before.connection(), after.connection());
    assertEquals(Verdict.GRAPH_READY, report.verdict(), report::toString);
    assertTrue(report.ews().orElseThrow().isSatisfied(), "impersonation on Exchange Server still works: " + report);
    assertFalse(report.advice().contains("2027-04-01"), "no Exchange Online deadline for Exchange Server: " + report.advice());
  }

  @Test
  void badInputIsRefusedBeforeAnythingIsRead() {
    ImpersonationSetup graphOnly = ImpersonationSetup.builder().name("G").target(TenantTarget.exchangeOnline(Fixtures.ONLINE))
        .principal(Principal.application(APP)).scope(Scope.mailEnabledSecurityGroup("G").members(ANN))
        .access(Access.rbacForApplications("Application Mail.Read")).build();
    assertThrows(InvalidSetupException.class, () -> EwsMigration.of(graphOnly));
    assertThrows(InvalidSetupException.class, () -> EwsMigration.of(ewsApp()).withGraphRoles("Application EWS.AccessAsApp"));
    assertThrows(InvalidSetupException.class, () -> EwsMigration.of(ewsApp()).withGraphRoles("Mail.Read"));
    assertThrows(InvalidSetupException.class, () -> EwsMigration.of(ewsApp()).withGraphRoles());
  }
}
