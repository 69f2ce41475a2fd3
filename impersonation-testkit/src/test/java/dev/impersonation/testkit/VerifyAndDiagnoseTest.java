package dev.impersonation.testkit;

import static dev.impersonation.testkit.Fixtures.ANN;
import static dev.impersonation.testkit.Fixtures.BOB;
import static dev.impersonation.testkit.Fixtures.CEO;
import static dev.impersonation.testkit.Fixtures.DAN;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.impersonation.Access;
import dev.impersonation.ImpersonationSetup;
import dev.impersonation.Principal;
import dev.impersonation.Scope;
import dev.impersonation.TenantConnection;
import dev.impersonation.TenantTarget;
import dev.impersonation.TransientTenantException;
import dev.impersonation.plan.ProgressListener.ProgressEvent;
import dev.impersonation.plan.ProgressListener;
import dev.impersonation.verify.Diagnosis.Finding;
import dev.impersonation.verify.Diagnosis.Severity;
import dev.impersonation.verify.Diagnosis;
import dev.impersonation.verify.MailboxAccess.AccessState;
import dev.impersonation.verify.MailboxAccess;
import dev.impersonation.verify.VerificationReport;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/** verify() and diagnose() against FakeTenant (the declare-plan-apply-verify flow steps 4-5, docs/diagnostics.md). */
class VerifyAndDiagnoseTest {
  private static final String APP = "6f1c2a3b-4d5e-4f60-8172-93a4b5c6d7e8";
  private static final String SP = "9a2b3c4d-5e6f-4a7b-8c9d-0e1f2a3b4c5d";

  /** The Quickstart shape: a dehydrated tenant, a calendar-sync app, a MESG of Ann and Bob; the CEO is outside. */
  private static FakeTenant onlineTenant(String... consent) {
    FakeTenant.Builder b = FakeTenant.exchangeOnline(Fixtures.ONLINE).dehydrated()
        .userMailbox(ANN, "Ann Ames").userMailbox(BOB, "Bob Brown").userMailbox(CEO, "Carol CEO")
        .application(APP, SP, "Calendar Sync");
    if (consent.length > 0) {
      b.consent(APP, consent);
    }
    return b.build();
  }

  private static ImpersonationSetup onlineSetup() {
    return onlineSetup(ANN, BOB);
  }

  private static ImpersonationSetup onlineSetup(String... members) {
    return ImpersonationSetup.builder().name("CalendarSync").target(Fixtures.target(TenantTarget.Kind.EXCHANGE_ONLINE))
        .principal(Principal.application(APP))
        .scope(Scope.mailEnabledSecurityGroup("Calendar Sync Users").members(members).hiddenFromAddressLists())
        .access(Access.rbacForApplications("Application Calendars.ReadWrite")).build();
  }

  private static MailboxAccess row(VerificationReport report, String mailbox) {
    return report.mailboxes().stream().filter(m -> m.mailbox().equalsIgnoreCase(mailbox)).findFirst()
        .orElseThrow(() -> new AssertionError("no row for " + mailbox + " in\n" + report));
  }

  @Nested
  @DisplayName("verify")
  class Verify {

    @Test
    @DisplayName("D12: a denial that outlasts the propagation window is DENIED, not pending forever")
    void denialPastTheWindowIsDenied() {
      FakeTenant tenant = FakeTenant.exchangeOnline(Fixtures.ONLINE).propagationDelay(Duration.ofHours(5))
          .userMailbox(ANN).userMailbox(BOB).userMailbox(CEO).application(APP, SP, "Calendar Sync").build();
      ImpersonationSetup setup = onlineSetup();
      assertTrue(setup.apply(tenant.connection()).succeeded());
      tenant.clock().advance(Duration.ofMinutes(90));
      assertEquals(AccessState.PENDING_PROPAGATION, row(setup.verify(tenant.connection()), ANN).state());
      tenant.clock().advance(Duration.ofMinutes(31));
      VerificationReport late = setup.verify(tenant.connection());
      assertEquals(AccessState.DENIED, row(late, ANN).state(), late.toString());
      assertTrue(row(late, ANN).evidence().contains("something else blocks it"), late.toString());
      assertFalse(late.isSatisfied());
      assertFalse(late.isPending());
    }

    @Test
    @DisplayName("An acknowledged organization-wide setup is satisfied without an outsider")
    void organizationWideIsSatisfiedWithoutOutsider() {
      FakeTenant tenant = onlineTenant();
      ImpersonationSetup setup = ImpersonationSetup.builder().name("Everything").target(tenant.target())
          .principal(Principal.application(APP)).scope(Scope.organization().acknowledged())
          .access(Access.rbacForApplications("Application Calendars.Read")).addVerifyMailboxes(ANN, CEO).build();
      assertTrue(setup.apply(tenant.connection()).succeeded());
      tenant.clock().advance(Duration.ofHours(2));
      VerificationReport report = setup.verify(tenant.connection());
      assertTrue(report.organizationWide());
      assertTrue(report.mailboxes().stream().allMatch(MailboxAccess::inScope), report.toString());
      assertTrue(report.isSatisfied(), report.toString());
      assertTrue(report.notes().stream().anyMatch(n -> n.contains("no outsider")), report.toString());
    }

    @Test
    @DisplayName("D12: right after apply RBAC is PENDING_PROPAGATION; after waiting on the clock GRANTED; the outsider DENIED")
    void pendingThenGranted() {
      FakeTenant tenant = onlineTenant();
      TenantConnection connection = tenant.connection();
      ImpersonationSetup setup = onlineSetup();
      assertTrue(setup.apply(connection).succeeded());

      VerificationReport now = setup.verify(connection);
      assertEquals(AccessState.PENDING_PROPAGATION, row(now, ANN).state(), now.toString());
      assertEquals(AccessState.PENDING_PROPAGATION, row(now, BOB).state());
      assertTrue(row(now, ANN).evidence().contains("docs/diagnostics.md#d12"), row(now, ANN).evidence());
      assertEquals(AccessState.DENIED, row(now, CEO).state());
      assertFalse(row(now, CEO).inScope());
      assertTrue(now.isPending());
      assertFalse(now.isSatisfied());

      Instant before = tenant.clock().instant();
      List<ProgressEvent> waits = new ArrayList<>();
      VerificationReport later = setup.awaitVerification(connection, Duration.ofHours(3), waits::add);
      assertTrue(later.isSatisfied(), later.toString());
      assertEquals(AccessState.GRANTED, row(later, ANN).state());
      assertEquals(AccessState.GRANTED, row(later, BOB).state());
      assertEquals(AccessState.DENIED, row(later, CEO).state());
      assertEquals(3, later.mailboxes().size(), later.toString());
      Duration waited = Duration.between(before, tenant.clock().instant());
      assertTrue(waited.compareTo(Duration.ofMinutes(45)) >= 0 && waited.compareTo(Duration.ofHours(3)) <= 0, waited.toString());
      assertFalse(waits.isEmpty());
      assertTrue(waits.stream().allMatch(e -> e.kind() == ProgressEvent.Kind.WAITING && e.delay().isPresent()));
    }

    @Test
    @DisplayName("awaitVerification gives up at its timeout on the fake clock and still reports pending")
    void awaitTimesOut() {
      FakeTenant tenant = FakeTenant.exchangeOnline(Fixtures.ONLINE).propagationDelay(Duration.ofHours(5))
          .userMailbox(ANN).userMailbox(BOB).userMailbox(CEO).application(APP, SP, "Calendar Sync").build();
      ImpersonationSetup setup = onlineSetup();
      assertTrue(setup.apply(tenant.connection()).succeeded());
      Instant before = tenant.clock().instant();
      VerificationReport report = setup.awaitVerification(tenant.connection(), Duration.ofMinutes(30), ProgressListener.none());
      assertFalse(report.isSatisfied());
      assertTrue(report.isPending());
      assertTrue(Duration.between(before, tenant.clock().instant()).compareTo(Duration.ofMinutes(30)) <= 0);
    }

    @Test
    @DisplayName("without a probe, the report says it shows configured state only")
    void withoutProbe() {
      FakeTenant tenant = onlineTenant();
      ImpersonationSetup setup = onlineSetup();
      assertTrue(setup.apply(tenant.connection()).succeeded());
      TenantConnection noProbe = tenant.connectionWithoutProbe();
      VerificationReport report = setup.verify(noProbe);
      assertTrue(report.notes().stream().anyMatch(n -> n.contains("No access probe") && n.contains("configuration")), report.notes().toString());
      assertTrue(report.toString().contains("NOTE:"));
      assertEquals(AccessState.PENDING_PROPAGATION, row(report, ANN).state(), "configured within the 2 h window");
      assertEquals(AccessState.DENIED, row(report, CEO).state());
      assertTrue(tenant.journal().stream().noneMatch(e -> e.backend().equals("probe")), "no probe was called");
      tenant.clock().advance(Duration.ofHours(2));
      VerificationReport later = setup.verify(noProbe);
      assertEquals(AccessState.GRANTED, row(later, ANN).state(), later.toString());
      assertTrue(row(later, ANN).evidence().contains("InScope True"), row(later, ANN).evidence());
    }

    @Test
    @DisplayName("a probe failure gives UNKNOWN, never DENIED")
    void probeFailureIsUnknown() {
      FakeTenant tenant = onlineTenant();
      ImpersonationSetup setup = onlineSetup();
      assertTrue(setup.apply(tenant.connection()).succeeded());
      tenant.clock().advance(Duration.ofHours(3));
      tenant.faults().fail("probe", 100, () -> new TransientTenantException("429 Too Many Requests"));
      VerificationReport report = setup.verify(tenant.connection());
      assertFalse(report.mailboxes().isEmpty());
      assertTrue(report.mailboxes().stream().allMatch(m -> m.state() == AccessState.UNKNOWN), report.toString());
      assertTrue(report.inState(AccessState.DENIED).isEmpty());
      assertTrue(row(report, ANN).evidence().contains("429"), row(report, ANN).evidence());
      assertFalse(report.isSatisfied());
    }

    @Test
    @DisplayName("a failed configuration test plus a probe denial is UNKNOWN for an in-scope mailbox")
    void configurationFailureAndDenialIsUnknown() {
      FakeTenant tenant = onlineTenant();
      ImpersonationSetup setup = onlineSetup();
      assertTrue(setup.apply(tenant.connection()).succeeded());
      tenant.faults().fail("testConfiguredAccess", 100, () -> new TransientTenantException("503"));
      VerificationReport report = setup.verify(tenant.connection());
      assertEquals(AccessState.UNKNOWN, row(report, ANN).state(), report.toString());
      assertNotEquals(AccessState.DENIED, row(report, BOB).state());
    }

    @Test
    @DisplayName("D11 tenant-wide consent: the outsider is GRANTED, so least privilege is not satisfied")
    void consentBreaksLeastPrivilege() {
      FakeTenant tenant = onlineTenant("Calendars.ReadWrite");
      ImpersonationSetup setup = onlineSetup();
      assertTrue(setup.plan(tenant.connection()).warnings().stream().anyMatch(w -> w.contains("docs/diagnostics.md#d11")));
      assertTrue(setup.apply(tenant.connection()).succeeded());
      VerificationReport report = setup.awaitVerification(tenant.connection(), Duration.ofHours(3), ProgressListener.none());
      assertEquals(AccessState.GRANTED, row(report, CEO).state());
      assertFalse(row(report, CEO).asIntended());
      assertFalse(report.isSatisfied());
      assertFalse(report.isPending());
    }

    @Test
    @DisplayName("Exchange Server ApplicationImpersonation is effective at once: GRANTED in scope, outsider DENIED")
    void serverImpersonation() {
      Fixtures.Scenario s = Fixtures.revenueInboxServer();
      FakeTenant tenant = s.tenant().get();
      assertTrue(s.setup().apply(tenant.connection()).succeeded());
      VerificationReport report = s.setup().verify(tenant.connection());
      for (String m : List.of(ANN, BOB, DAN)) {
        assertEquals(AccessState.GRANTED, row(report, m).state(), report.toString());
      }
      assertTrue(report.mailboxes().stream().anyMatch(m -> !m.inScope() && m.state() == AccessState.DENIED), report.toString());
      assertTrue(report.isSatisfied(), report.toString());
    }
  }

  // ------------------------------------------------------------ diagnose (docs/diagnostics.md)

  @Nested
  @DisplayName("diagnose")
  class Diagnose {

    private void assertFinding(Diagnosis d, String code, String subjectPart) {
      List<Finding> found = d.withCode(code);
      assertTrue(found.stream().anyMatch(f -> f.subject().toLowerCase().contains(subjectPart.toLowerCase())),
          code + " about " + subjectPart + " in\n" + d);
      assertTrue(found.stream().allMatch(f -> !f.fix().isBlank()), "every finding has a fix");
      assertTrue(d.checksRun().contains(code), d.checksRun().toString());
    }

    @Test
    @DisplayName("D6: dehydrated organization")
    void dehydrated() {
      FakeTenant tenant = onlineTenant();
      Diagnosis d = onlineSetup().diagnose(tenant.connection());
      assertFinding(d, "D6", "organization");
      assertTrue(d.withCode("D6").get(0).fix().contains("Enable-OrganizationCustomization"));
      assertTrue(tenant.writes().isEmpty(), "diagnose writes nothing");
      assertTrue(onlineSetup().apply(tenant.connection()).succeeded());
      assertTrue(onlineSetup().diagnose(tenant.connection()).withCode("D6").isEmpty(), "gone after apply");
    }

    @Test
    @DisplayName("D9: a member address that does not exist")
    void addressMismatch() {
      FakeTenant tenant = onlineTenant();
      Diagnosis d = onlineSetup(ANN, "anne@contoso.com").diagnose(tenant.connection());
      assertFinding(d, "D9", "anne@contoso.com");
      assertEquals(Severity.ERROR, d.withCode("D9").get(0).severity());
      assertFalse(d.isHealthy());
      assertTrue(d.withCode("D9").stream().noneMatch(f -> f.subject().equals(ANN)), "ann exists");
    }

    @Test
    @DisplayName("D4: an organization-wide ApplicationImpersonation assignment next to the scoped one")
    void organizationWide() {
      FakeTenant tenant = Fixtures.people(TenantTarget.Kind.EXCHANGE_SERVER).userMailbox("svc@contoso.com", "Svc")
          .roleAssignment("OldImpersonation", "ApplicationImpersonation", "svc@contoso.com", "").build();
      ImpersonationSetup setup = ImpersonationSetup.builder().name("Sync").target(Fixtures.target(TenantTarget.Kind.EXCHANGE_SERVER))
          .principal(Principal.serviceAccount("svc@contoso.com")).scope(Scope.distributionGroup("Sync Users").members(ANN, BOB))
          .access(Access.applicationImpersonation()).build();
      assertTrue(setup.apply(tenant.connection()).succeeded());
      Diagnosis d = setup.diagnose(tenant.connection());
      assertFinding(d, "D4", "OldImpersonation");
      assertTrue(d.withCode("D4").stream().anyMatch(f -> f.fix().contains("Remove-ManagementRoleAssignment")), d.toString());
      // and the verification outsider is reachable, which diagnose also reports
      assertTrue(d.withCode("D4").stream().anyMatch(f -> f.problem().contains("least privilege")), d.toString());
    }

    @Test
    @DisplayName("D11: tenant-wide consent of the app")
    void consent() {
      FakeTenant tenant = onlineTenant("Mail.ReadWrite");
      Diagnosis d = onlineSetup().diagnose(tenant.connection());
      assertFinding(d, "D11", APP);
      assertTrue(d.withCode("D11").get(0).problem().contains("Mail.ReadWrite"));
    }

    @Test
    @DisplayName("D10: EWS disabled on an in-scope mailbox, with ApplicationImpersonation")
    void ewsDisabled() {
      FakeTenant tenant = FakeTenant.exchangeServer(Fixtures.SERVER).userMailbox("svc@contoso.com").userMailbox(ANN)
          .userMailboxWithoutEws(BOB).userMailbox(CEO).build();
      ImpersonationSetup setup = ImpersonationSetup.builder().name("Sync").target(Fixtures.target(TenantTarget.Kind.EXCHANGE_SERVER))
          .principal(Principal.serviceAccount("svc@contoso.com")).scope(Scope.distributionGroup("Sync Users").members(ANN, BOB))
          .access(Access.applicationImpersonation()).build();
      Diagnosis d = setup.diagnose(tenant.connection());
      assertFinding(d, "D10", BOB);
      assertTrue(d.withCode("D10").stream().noneMatch(f -> f.subject().equals(ANN)));
      assertTrue(d.withCode("D10").get(0).fix().contains("Set-CASMailbox"), d.toString());
    }

    @Test
    @DisplayName("D10: an in-scope mailbox without EWS is never reported GRANTED by verify")
    void ewsDisabledIsNotGranted() {
      FakeTenant tenant = FakeTenant.exchangeServer(Fixtures.SERVER).userMailbox("svc@contoso.com").userMailbox(ANN)
          .userMailboxWithoutEws(BOB).userMailbox(CEO).build();
      ImpersonationSetup setup = ImpersonationSetup.builder().name("Sync").target(Fixtures.target(TenantTarget.Kind.EXCHANGE_SERVER))
          .principal(Principal.serviceAccount("svc@contoso.com")).scope(Scope.distributionGroup("Sync Users").members(ANN, BOB))
          .access(Access.applicationImpersonation()).build();
      assertTrue(setup.apply(tenant.connection()).succeeded());
      VerificationReport report = setup.verify(tenant.connection());
      assertEquals(AccessState.GRANTED, row(report, ANN).state(), report.toString());
      assertNotEquals(AccessState.GRANTED, row(report, BOB).state(), report.toString());
      assertTrue(row(report, BOB).evidence().contains("EWS refuses: EwsEnabled is False on the mailbox"), row(report, BOB).evidence());
      assertEquals(AccessState.DENIED, row(report, BOB).state(), "EWS off is a refusal, not propagation");
      assertFalse(report.isSatisfied());
    }

    @Test
    @DisplayName("D10: EWS disabled on the service account and on the organization")
    void ewsDisabledOnAccountAndOrganization() {
      FakeTenant tenant = FakeTenant.exchangeServer(Fixtures.SERVER).organizationEwsEnabled(false)
          .userMailboxWithoutEws("svc@contoso.com").userMailbox(ANN).build();
      ImpersonationSetup setup = ImpersonationSetup.builder().name("Sync").target(Fixtures.target(TenantTarget.Kind.EXCHANGE_SERVER))
          .principal(Principal.serviceAccount("svc@contoso.com")).scope(Scope.distributionGroup("Sync Users").members(ANN))
          .access(Access.applicationImpersonation()).build();
      Diagnosis d = setup.diagnose(tenant.connection());
      assertFinding(d, "D10", "svc@contoso.com");
      assertFinding(d, "D10", "organization");
    }

    @Test
    @DisplayName("D12 after apply on EXO, and a clean bill (no errors) once propagated")
    void pendingThenHealthy() {
      FakeTenant tenant = onlineTenant();
      ImpersonationSetup setup = onlineSetup();
      assertTrue(setup.apply(tenant.connection()).succeeded());
      Diagnosis pending = setup.diagnose(tenant.connection());
      assertFinding(pending, "D12", ANN);
      assertTrue(pending.isHealthy(), pending.toString());
      tenant.clock().advance(Duration.ofHours(3));
      Diagnosis healthy = setup.diagnose(tenant.connection());
      assertTrue(healthy.findings().isEmpty(), healthy.toString());
      assertTrue(healthy.checksRun().containsAll(List.of("D3", "D4", "D5", "D6", "D9", "D11", "D12")), healthy.checksRun().toString());
    }

    @Test
    @DisplayName("a failed read during diagnose is reported as 'could not be checked', never as healthy")
    void failedReadIsReported() {
      FakeTenant tenant = onlineTenant();
      tenant.faults().fail("organizationConfig", 100, () -> new TransientTenantException("boom"));
      Diagnosis d = onlineSetup().diagnose(tenant.connection());
      assertTrue(d.withCode("D6").stream().anyMatch(f -> f.problem().contains("could not be checked") && f.problem().contains("boom")),
          d.toString());
    }
  }
}
