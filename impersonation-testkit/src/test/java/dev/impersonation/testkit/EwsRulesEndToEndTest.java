package dev.impersonation.testkit;

import static dev.impersonation.testkit.Fixtures.ANN;
import static dev.impersonation.testkit.Fixtures.BOB;
import static dev.impersonation.testkit.Fixtures.CEO;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.impersonation.Access;
import dev.impersonation.EwsOptions;
import dev.impersonation.EwsRetiredException;
import dev.impersonation.ImpersonationSetup;
import dev.impersonation.InvalidSetupException;
import dev.impersonation.Principal;
import dev.impersonation.Scope;
import dev.impersonation.TenantTarget;
import dev.impersonation.TransientTenantException;
import dev.impersonation.UnsupportedOnTargetException;
import dev.impersonation.plan.ApplyResult;
import dev.impersonation.plan.Plan;
import dev.impersonation.plan.Step;
import dev.impersonation.plan.Step.StepAction;
import dev.impersonation.spi.EwsRules;
import dev.impersonation.testkit.powershell.ScriptRunner;
import dev.impersonation.verify.Diagnosis;
import dev.impersonation.verify.MailboxAccess.AccessState;
import dev.impersonation.verify.VerificationReport;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The 2026 EWS rules (docs/ews.md) end to end: plan, apply, script, verify and diagnose against a dated fake tenant. */
class EwsRulesEndToEndTest {
  private static final String APP = "5a6b7c8d-9e0f-4a1b-8c2d-3e4f5a6b7c8d";
  private static final String SP = "6b7c8d9e-0f1a-4b2c-9d3e-4f5a6b7c8d9e";
  private static final String OTHER_APP = "11111111-2222-4333-8444-555555555555";
  private static final String EWS_ROLE = "Application EWS.AccessAsApp";

  private static FakeTenant.Builder tenant() {
    return FakeTenant.exchangeOnline(Fixtures.ONLINE).userMailbox(ANN).userMailbox(BOB).userMailbox(CEO)
        .application(APP, SP, "Legacy EWS sync");
  }

  private static ImpersonationSetup.Builder ewsSetup() {
    return ImpersonationSetup.builder().name("EwsSync").target(TenantTarget.exchangeOnline(Fixtures.ONLINE))
        .principal(Principal.application(APP)).scope(Scope.mailEnabledSecurityGroup("EWS Sync").members(ANN, BOB))
        .access(Access.rbacForApplications(EWS_ROLE));
  }

  private static List<Step> stepsOn(Plan plan, String resourcePrefix) {
    return plan.steps().stream().filter(s -> s.resource().startsWith(resourcePrefix)).toList();
  }

  @Test
  void anAppMissingFromANonEmptyAllowListIsShownRefusedAndAddedWhenOptedIn() {
    FakeTenant fake = tenant().organizationEwsEnabled(true).organizationEwsAllowedAppIds(OTHER_APP).build();

    Plan reportOnly = ewsSetup().build().plan(fake.connection());
    Plan.EwsState state = reportOnly.ews().orElseThrow();
    assertEquals(false, state.allowed().orElseThrow(), state.toString());
    assertTrue(state.reason().contains("not on EwsAllowedAppIDs"), state.reason());
    assertEquals(List.of(OTHER_APP), state.allowedAppIds());
    assertEquals(EwsRules.SHUTDOWN, state.shutdown().orElseThrow());
    assertTrue(stepsOn(reportOnly, "EWS allow list").isEmpty(), "report only plans no EWS change");
    assertTrue(reportOnly.warnings().stream().anyMatch(w -> w.startsWith("EWS will REFUSE app " + APP) && w.contains(".allowingEws()")),
        reportOnly::toString);
    assertTrue(reportOnly.warnings().stream().anyMatch(w -> w.contains("shuts down on 2027-04-01, in 129 days")), reportOnly::toString);
    assertTrue(reportOnly.warnings().stream().anyMatch(w -> w.contains("Autodiscover")), reportOnly::toString);
    assertTrue(reportOnly.toString().contains("EWS:       REFUSED on 2026-11-23"), reportOnly::toString);
    assertTrue(reportOnly.toJson().contains("\"organizationEwsEnabled\" : \"True\""), reportOnly::toJson);

    ImpersonationSetup setup = ewsSetup().allowingEws().build();
    Plan plan = setup.plan(fake.connection());
    Step allow = stepsOn(plan, "EWS allow list").get(0);
    assertEquals(StepAction.UPDATE, allow.action(), plan::toString);
    assertTrue(plan.warnings().stream().noneMatch(w -> w.startsWith("EWS will REFUSE")), plan::toString);
    assertTrue(setup.apply(fake.connection()).succeeded());
    assertEquals(List.of(OTHER_APP, APP), fake.ewsSettings().allowedAppIds(), "the ids already listed are kept");
    assertTrue(setup.plan(fake.connection()).isConverged(), "re-plan converges");

    VerificationReport report = fake.advanceUntilVerified(setup, Duration.ofHours(3));
    assertTrue(report.isSatisfied(), report::toString);
    assertTrue(report.notes().stream().anyMatch(n -> n.contains("EWS on 2026-11-23: admits app " + APP)), report::toString);
  }

  @Test
  void turningEwsOnForTheOrganizationAllowListsTheAppFirstAndOnlyWhenAcknowledged() {
    InvalidSetupException unacknowledged = assertThrows(InvalidSetupException.class,
        () -> ewsSetup().ews(EwsOptions.allowListing().enablingOrganization()).build());
    assertTrue(unacknowledged.getMessage().contains("tenant-wide change"), unacknowledged.getMessage());

    FakeTenant fake = tenant().organizationEwsEnabled(null).build();
    ImpersonationSetup setup = ewsSetup().ews(EwsOptions.allowListing().enablingOrganization().acknowledged()).build();
    Plan plan = setup.plan(fake.connection());
    assertTrue(plan.ews().orElseThrow().reason().contains("$null, which has meant off since 2026-10-01"), plan::toString);
    Step allow = stepsOn(plan, "EWS allow list").get(0);
    Step enable = stepsOn(plan, "organization EwsEnabled").get(0);
    assertTrue(allow.number() < enable.number() && enable.dependsOn().contains(allow.number()),
        "the list first, so EWS never opens to every app: " + plan);
    assertTrue(enable.reason().contains("for the allow-listed apps only"), enable.reason());

    ApplyResult result = setup.apply(fake.connection());
    assertTrue(result.succeeded(), result::toString);
    assertEquals(java.util.Optional.of(true), fake.ewsSettings().ewsEnabled());
    assertEquals(List.of(APP), fake.ewsSettings().allowedAppIds());
    assertTrue(fake.advanceUntilVerified(setup, Duration.ofHours(3)).isSatisfied());
  }

  @Test
  void anEmptyAllowListRestrictsNobodySoTheFirstIdNeedsAnAcknowledgement() {
    FakeTenant fake = tenant().organizationEwsEnabled(true).build();
    Plan plan = ewsSetup().allowingEws().build().plan(fake.connection());
    Step allow = stepsOn(plan, "EWS allow list").get(0);
    assertEquals(StepAction.NO_OP, allow.action(), plan::toString);
    assertTrue(allow.reason().contains("would shut every other application out of EWS"), allow.reason());
    assertTrue(plan.ews().orElseThrow().allowed().orElseThrow());

    ImpersonationSetup acknowledged = ewsSetup().ews(EwsOptions.allowListing().acknowledged()).build();
    assertEquals(StepAction.UPDATE, stepsOn(acknowledged.plan(fake.connection()), "EWS allow list").get(0).action());
  }

  @Test
  void afterTheShutdownAnEwsSetupIsRefusedWithTheGraphRolesAndNothingIsWritten() {
    FakeTenant fake = tenant().organizationEwsEnabled(true).build();
    fake.clock().advance(Duration.between(FakeTenant.EPOCH, Instant.parse("2027-04-01T00:00:00Z")));
    EwsRetiredException e = assertThrows(EwsRetiredException.class, () -> ewsSetup().build().apply(fake.connection()));
    assertEquals(EwsRules.GRAPH_REPLACEMENT_ROLES, e.graphRoles());
    assertTrue(e.getMessage().contains("Application Calendars.ReadWrite") && e.getMessage().contains("2027-04-01"), e.getMessage());
    assertTrue(fake.writes().isEmpty());

    Diagnosis d = ewsSetup().build().diagnose(fake.connection());
    assertTrue(d.findings().stream().anyMatch(f -> f.code().equals("D14") && f.severity() == Diagnosis.Severity.ERROR), d::toString);
  }

  @Test
  void theOptionsAreCheckedAtBuild() {
    assertThrows(UnsupportedOnTargetException.class, () -> ImpersonationSetup.builder().name("OnPrem")
        .target(TenantTarget.exchangeServer(Fixtures.SERVER)).principal(Principal.serviceAccount("svc@contoso.com"))
        .scope(Scope.distributionGroup("G").members(ANN)).access(Access.applicationImpersonation())
        .ews(EwsOptions.allowListing(APP)).build());
    InvalidSetupException notEws = assertThrows(InvalidSetupException.class, () -> ImpersonationSetup.builder().name("Graph")
        .target(TenantTarget.exchangeOnline(Fixtures.ONLINE)).principal(Principal.application(APP)).scope(Scope.mailEnabledSecurityGroup("G").members(ANN))
        .access(Access.rbacForApplications("Application Mail.Read")).allowingEws().build());
    assertTrue(notEws.getMessage().contains("does not go through EWS"), notEws.getMessage());
    InvalidSetupException noClientApp = assertThrows(InvalidSetupException.class, () -> ImpersonationSetup.builder().name("Fa")
        .target(TenantTarget.exchangeOnline(Fixtures.ONLINE)).principal(Principal.serviceAccount("svc@contoso.com"))
        .scope(Scope.mailboxes(ANN)).access(Access.fullAccess()).allowingEws().build());
    assertTrue(noClientApp.getMessage().contains("EwsOptions.allowListing(\""), noClientApp.getMessage());
    assertThrows(InvalidSetupException.class, () -> EwsOptions.allowListing("not-a-guid"));
  }

  @Test
  void aFailedReadOfTheEwsSettingsIsUnknownAndBlocksTheChange() {
    FakeTenant fake = tenant().organizationEwsEnabled(true).organizationEwsAllowedAppIds(OTHER_APP).build();
    fake.faults().fail("ewsOrganizationPolicy", 100, () -> new TransientTenantException("503 Service Unavailable"));
    Plan plan = ewsSetup().allowingEws().build().plan(fake.connection());
    assertTrue(plan.ews().orElseThrow().allowed().isEmpty(), plan::toString);
    Step allow = stepsOn(plan, "EWS allow list").get(0);
    assertEquals(StepAction.BLOCKED, allow.action(), plan::toString);
    assertTrue(allow.reason().contains("never taken as absent"), allow.reason());
  }

  @Test
  void theExportedScriptKeepsTheIdsOthersListedAndConvergesWhenRunTwice() {
    FakeTenant fake = tenant().organizationEwsEnabled(true).organizationEwsAllowedAppIds(OTHER_APP).build();
    ImpersonationSetup setup = ewsSetup().allowingEws().build();
    String script = setup.plan(fake.connection()).toPowerShell();
    assertTrue(script.contains("function Add-EwsAllowedApplication"), script);
    assertTrue(script.contains("Add-EwsAllowedApplication -AppId '" + APP + "'"), script);

    ScriptRunner.Result first = ScriptRunner.on(fake).run(script);
    assertEquals(0, first.exitCode(), first.toString());
    assertEquals(List.of(OTHER_APP, APP), fake.ewsSettings().allowedAppIds());
    ScriptRunner.Result again = ScriptRunner.on(fake).run(script);
    assertEquals(0, again.exitCode(), again.toString());
    assertTrue(again.output().stream().anyMatch(o -> o.contains("already on EwsAllowedAppIDs")), again.toString());
    assertEquals(List.of(OTHER_APP, APP), fake.ewsSettings().allowedAppIds());
  }

  @Test
  void diagnoseNamesTheAllowListTheShutdownAndAutodiscover() {
    FakeTenant fake = tenant().organizationEwsEnabled(true).organizationEwsAllowedAppIds(OTHER_APP).build();
    Diagnosis d = ewsSetup().build().diagnose(fake.connection());
    assertTrue(d.findings().stream().anyMatch(f -> f.code().equals("D10") && f.problem().contains("not on EwsAllowedAppIDs")
        && f.fix().contains("Add-EwsAllowedApplication -AppId '" + APP + "'")), d::toString);
    assertTrue(d.findings().stream().anyMatch(f -> f.code().equals("D14") && f.severity() == Diagnosis.Severity.WARNING), d::toString);
    assertTrue(d.findings().stream().anyMatch(f -> f.code().equals("D15")), d::toString);
  }

  @Test
  void verifyReportsAnEwsRefusalAsDeniedWithTheReasonNotAsPropagation() {
    FakeTenant fake = tenant().organizationEwsEnabled(true).organizationEwsAllowedAppIds(OTHER_APP).build();
    ImpersonationSetup setup = ewsSetup().build();
    assertTrue(setup.apply(fake.connection()).succeeded());
    VerificationReport report = setup.verify(fake.connection());
    var ann = report.mailboxes().stream().filter(r -> r.mailbox().equalsIgnoreCase(ANN)).findFirst().orElseThrow();
    assertEquals(AccessState.DENIED, ann.state(), report::toString);
    assertTrue(ann.evidence().contains("EWS refuses") && ann.evidence().contains("not on EwsAllowedAppIDs"), ann.evidence());
    assertFalse(report.isSatisfied());
  }

  @Test
  void exchangeServerIsNotAffectedByTheDatesOrTheList() {
    FakeTenant fake = FakeTenant.exchangeServer(Fixtures.SERVER).userMailbox("svc@contoso.com").userMailbox(ANN).userMailbox(CEO)
        .build();
    fake.clock().advance(Duration.ofDays(365));
    ImpersonationSetup setup = ImpersonationSetup.builder().name("OnPrem").target(TenantTarget.exchangeServer(Fixtures.SERVER))
        .principal(Principal.serviceAccount("svc@contoso.com")).scope(Scope.distributionGroup("G").members(ANN))
        .access(Access.applicationImpersonation()).build();
    Plan plan = setup.plan(fake.connection());
    Plan.EwsState state = plan.ews().orElseThrow();
    assertTrue(state.allowed().orElseThrow(), state.toString());
    assertTrue(state.shutdown().isEmpty());
    assertTrue(plan.warnings().stream().noneMatch(w -> w.contains("shuts down")), plan::toString);
    assertTrue(setup.apply(fake.connection()).succeeded());
    assertTrue(fake.advanceUntilVerified(setup, Duration.ofHours(3)).isSatisfied());
  }
}
