package dev.impersonation.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.impersonation.Access.RbacForApplications;
import dev.impersonation.Access;
import dev.impersonation.ImpersonationSetup;
import dev.impersonation.InvalidSetupException;
import dev.impersonation.Principal;
import dev.impersonation.Scope;
import dev.impersonation.TenantTarget;
import dev.impersonation.TransientTenantException;
import dev.impersonation.spi.AppPermissions;
import dev.impersonation.verify.Diagnosis.Finding;
import dev.impersonation.verify.MailboxAccess.AccessState;
import dev.impersonation.verify.MailboxAccess.GrantSource;
import dev.impersonation.verify.MailboxAccess.PermissionAccess;
import dev.impersonation.verify.MailboxAccess;
import dev.impersonation.verify.PropagationWindows;
import dev.impersonation.verify.VerificationReport;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * verify() per mailbox and per permission: effective access is the union of RBAC for Applications (per granted
 * permission), tenant-wide Entra consent and access policies; consent that widens the scope is a finding.
 */
class PerPermissionVerificationTest {
  private static final String DOMAIN = "contoso.onmicrosoft.com";
  private static final String APP = "6f1c2a3b-4d5e-4f60-8172-93a4b5c6d7e8";
  private static final String SP = "9a2b3c4d-5e6f-4a7b-8c9d-0e1f2a3b4c5d";
  private static final String ANN = "ann@contoso.com";
  private static final String BOB = "bob@contoso.com";
  private static final String CEO = "ceo@contoso.com";

  private static FakeTenant tenant(String... consent) {
    FakeTenant.Builder b = FakeTenant.exchangeOnline(DOMAIN).userMailbox(ANN).userMailbox(BOB).userMailbox(CEO)
        .application(APP, SP, "Mail Sync");
    if (consent.length > 0) {
      b.consent(APP, consent);
    }
    return b.build();
  }

  private static ImpersonationSetup.Builder setup(RbacForApplications access) {
    ImpersonationSetup.Builder b = ImpersonationSetup.builder();
    b.name("MailSync").target(TenantTarget.exchangeOnline(DOMAIN)).principal(Principal.application(APP))
        .scope(Scope.mailEnabledSecurityGroup("Mail Sync Users").members(ANN, BOB)).access(access)
        .addVerifyPermissions("Calendars.Read");
    return b;
  }

  private static PermissionAccess perm(VerificationReport r, String mailbox, String permission) {
    MailboxAccess m = r.mailbox(mailbox).orElseThrow(() -> new AssertionError("no " + mailbox + " in\n" + r));
    return m.permission(permission).orElseThrow(() -> new AssertionError("no " + permission + " for " + mailbox + " in\n" + r));
  }

  @Test
  void mailReadOnlyGrantsMailNotCalendarAndTheOutsiderIsDenied() {
    FakeTenant tenant = tenant();
    ImpersonationSetup setup = setup(Access.rbacForApplications("Application Mail.Read")).build();
    assertTrue(setup.apply(tenant.connection()).succeeded());
    tenant.clock().advance(Duration.ofHours(2));
    VerificationReport r = setup.verify(tenant.connection());
    assertTrue(r.isSatisfied(), r.toString());
    for (String m : List.of(ANN, BOB)) {
      assertEquals(AccessState.GRANTED, r.mailbox(m).orElseThrow().state(), r.toString());
      assertEquals(AccessState.GRANTED, perm(r, m, "Mail.Read").state());
      assertEquals(Set.of(GrantSource.RBAC_FOR_APPLICATIONS), perm(r, m, "Mail.Read").grantedBy());
      assertEquals(AccessState.DENIED, perm(r, m, "Calendars.Read").state(), r.toString());
      assertFalse(perm(r, m, "Calendars.Read").expected());
      assertTrue(perm(r, m, "Calendars.Read").asIntended());
    }
    assertEquals(AccessState.DENIED, r.mailbox(CEO).orElseThrow().state());
    assertEquals(AccessState.DENIED, perm(r, CEO, "Mail.Read").state());
    assertTrue(r.findings().isEmpty(), r.toString());
    // Evidence names the cmdlet, the probe and when (the connection's clock).
    String evidence = perm(r, ANN, "Mail.Read").evidence();
    assertTrue(evidence.contains("fake-probe GET /users/ann@contoso.com/messages?$top=1"), evidence);
    assertTrue(evidence.contains("Test-ServicePrincipalAuthorization -Resource ann@contoso.com: Application Mail.Read grants Mail.Read"),
        evidence);
    assertTrue(evidence.contains("at " + tenant.clock().instant()), evidence);
    String calendar = perm(r, ANN, "Calendars.Read").evidence();
    assertTrue(calendar.contains("/calendar") && calendar.contains("403 ErrorAccessDenied"), calendar);
    String table = r.toString();
    assertTrue(table.contains("Per permission:") && table.contains("RBAC_FOR_APPLICATIONS"), table);
  }

  @Test
  void tenantWideConsentWidensTheScopeAndIsAFindingWithItsFix() {
    FakeTenant tenant = tenant("Calendars.Read");
    ImpersonationSetup setup = setup(Access.rbacForApplications("Application Mail.Read")).build();
    assertTrue(setup.apply(tenant.connection()).succeeded());
    tenant.clock().advance(Duration.ofHours(2));
    VerificationReport r = setup.verify(tenant.connection());
    assertEquals(AccessState.GRANTED, perm(r, ANN, "Mail.Read").state());
    PermissionAccess calendar = perm(r, ANN, "Calendars.Read");
    assertEquals(AccessState.GRANTED, calendar.state(), "consent reaches the calendar: the union, as Exchange answers");
    assertEquals(Set.of(GrantSource.ENTRA_CONSENT), calendar.grantedBy());
    assertFalse(calendar.asIntended());
    assertEquals(AccessState.GRANTED, r.mailbox(CEO).orElseThrow().state(), "the outsider's calendar is open\n" + r);
    assertEquals(AccessState.DENIED, perm(r, CEO, "Mail.Read").state());
    assertFalse(r.isSatisfied());
    Finding f = r.findings().get(0);
    assertEquals("D11", f.code());
    assertTrue(f.problem().contains("Microsoft Graph Calendars.Read") && f.problem().contains("every mailbox"), f.problem());
    assertTrue(f.fix().contains("removingTenantWideConsent()"), f.fix());
    assertTrue(r.toString().contains("FINDING D11"), r.toString());

    // The fix: remove the consent, and the outsider is denied again.
    ImpersonationSetup fixed = setup(Access.rbacForApplications("Application Mail.Read").removingTenantWideConsent()).build();
    assertTrue(fixed.apply(tenant.connection()).succeeded());
    VerificationReport after = fixed.verify(tenant.connection());
    assertTrue(after.isSatisfied(), after.toString());
    assertTrue(after.findings().isEmpty());
    assertEquals(AccessState.DENIED, perm(after, ANN, "Calendars.Read").state());
  }

  @Test
  void compositeRolesGrantEachOfTheirPermissionsAndUnprobeablePermissionsRestOnConfiguration() {
    FakeTenant tenant = tenant();
    ImpersonationSetup setup = setup(Access.rbacForApplications("Application Mail Full Access")).build();
    assertTrue(setup.apply(tenant.connection()).succeeded());
    tenant.clock().advance(Duration.ofHours(2));
    VerificationReport r = setup.verify(tenant.connection());
    assertTrue(r.isSatisfied(), r.toString());
    assertEquals(AccessState.GRANTED, perm(r, ANN, "Mail.ReadWrite").state());
    PermissionAccess send = perm(r, ANN, "Mail.Send");
    assertEquals(AccessState.GRANTED, send.state());
    assertTrue(send.evidence().contains("configuration only"), send.evidence());
    assertEquals(AccessState.DENIED, perm(r, CEO, "Mail.Send").state());
  }

  @Test
  void ewsAccessAsAppIsProbedOverEws() {
    FakeTenant tenant = tenant();
    ImpersonationSetup setup = setup(Access.rbacForApplications("Application EWS.AccessAsApp")).build();
    assertTrue(setup.apply(tenant.connection()).succeeded());
    tenant.clock().advance(Duration.ofHours(2));
    VerificationReport r = setup.verify(tenant.connection());
    assertTrue(r.isSatisfied(), r.toString());
    PermissionAccess ews = perm(r, ANN, AppPermissions.FULL_ACCESS_AS_APP);
    assertTrue(ews.evidence().contains("EWS GetFolder(msgfolderroot)") && ews.evidence().contains("NoError"), ews.evidence());
    assertTrue(perm(r, CEO, AppPermissions.FULL_ACCESS_AS_APP).evidence().contains("ErrorImpersonateUserDenied"));
  }

  @Test
  void aFailedProbeIsUnknownNeverDenied() {
    FakeTenant tenant = tenant();
    ImpersonationSetup setup = setup(Access.rbacForApplications("Application Mail.Read")).build();
    assertTrue(setup.apply(tenant.connection()).succeeded());
    tenant.clock().advance(Duration.ofHours(2));
    tenant.faults().fail("probe", 1000, () -> new TransientTenantException("503 Service Unavailable"));
    VerificationReport r = setup.verify(tenant.connection());
    assertTrue(r.mailboxes().stream().allMatch(m -> m.state() == AccessState.UNKNOWN), r.toString());
    assertTrue(perm(r, ANN, "Mail.Read").evidence().contains("probe failed"), r.toString());
  }

  @Test
  void aFailedConsentReadIsNotedAndTheProbeStillDecides() {
    FakeTenant tenant = tenant();
    ImpersonationSetup setup = setup(Access.rbacForApplications("Application Mail.Read")).build();
    assertTrue(setup.apply(tenant.connection()).succeeded());
    tenant.clock().advance(Duration.ofHours(2));
    tenant.faults().fail("directory.applicationPermissionGrants", 1000, () -> new TransientTenantException("Graph timed out"));
    VerificationReport r = setup.verify(tenant.connection());
    // In scope, RBAC grants Mail.Read whatever the consent says; for the outsider the probe's 403 is the proof.
    assertEquals(AccessState.GRANTED, perm(r, ANN, "Mail.Read").state(), r.toString());
    assertEquals(AccessState.DENIED, perm(r, CEO, "Mail.Read").state(), "the probe itself was denied: " + r);
    assertTrue(r.notes().stream().anyMatch(n -> n.contains("Could not read the app's Entra consent")), r.toString());
    assertTrue(r.findings().isEmpty(), "an unread consent is no finding");
  }

  @Test
  void thePropagationWindowIsConfigurable() {
    FakeTenant tenant = FakeTenant.exchangeOnline(DOMAIN).propagationDelay(Duration.ofHours(5)).userMailbox(ANN).userMailbox(BOB)
        .userMailbox(CEO).application(APP, SP, "Mail Sync").build();
    ImpersonationSetup patient = setup(Access.rbacForApplications("Application Mail.Read"))
        .propagationWindows(PropagationWindows.defaults().withRbacForApplications(Duration.ofHours(6))).build();
    assertTrue(patient.apply(tenant.connection()).succeeded());
    tenant.clock().advance(Duration.ofMinutes(150));
    assertEquals(AccessState.PENDING_PROPAGATION, patient.verify(tenant.connection()).mailbox(ANN).orElseThrow().state());
    ImpersonationSetup documented = setup(Access.rbacForApplications("Application Mail.Read")).build();
    VerificationReport r = documented.verify(tenant.connection());
    assertEquals(AccessState.DENIED, r.mailbox(ANN).orElseThrow().state(), "past the documented 2 h: " + r);
    assertEquals(Duration.ofHours(2), PropagationWindows.defaults().accessPolicy());
    assertThrows(InvalidSetupException.class, () -> PropagationWindows.defaults().withAccessPolicy(Duration.ofMinutes(-1)));
  }

  @Test
  void anAccessPolicyNarrowsTheConsentAndIsNamedAsTheGrant() {
    FakeTenant tenant = tenant();
    ImpersonationSetup policy = ImpersonationSetup.builder().name("LegacySync").target(TenantTarget.exchangeOnline(DOMAIN))
        .principal(Principal.application(APP)).scope(Scope.mailEnabledSecurityGroup("Sync Users").members(ANN, BOB))
        .access(Access.applicationAccessPolicy().withGraphPermissions("Mail.Read")).addVerifyPermissions("Calendars.Read").build();
    assertTrue(policy.apply(tenant.connection()).succeeded());
    tenant.clock().advance(Duration.ofHours(3));
    VerificationReport r = policy.verify(tenant.connection());
    assertTrue(r.isSatisfied(), r.toString());
    assertEquals(Set.of(GrantSource.ACCESS_POLICY), perm(r, ANN, "Mail.Read").grantedBy(), r.toString());
    assertTrue(perm(r, ANN, "Mail.Read").evidence().contains("Test-ApplicationAccessPolicy"), r.toString());
    assertEquals(AccessState.DENIED, perm(r, CEO, "Mail.Read").state());
    assertEquals(AccessState.DENIED, perm(r, ANN, "Calendars.Read").state());
    assertTrue(r.findings().isEmpty(), "a consent narrowed by a policy is the design, not a finding: " + r);
  }

  @Test
  void consentBeyondTheDeclaredPermissionsIsAFindingEvenWhenAPolicyNarrowsIt() {
    FakeTenant tenant = tenant("Calendars.ReadWrite");
    ImpersonationSetup policy = ImpersonationSetup.builder().name("LegacySync").target(TenantTarget.exchangeOnline(DOMAIN))
        .principal(Principal.application(APP)).scope(Scope.mailEnabledSecurityGroup("Sync Users").members(ANN, BOB))
        .access(Access.applicationAccessPolicy().withGraphPermissions("Mail.Read")).build();
    assertTrue(policy.apply(tenant.connection()).succeeded());
    tenant.clock().advance(Duration.ofHours(3));
    VerificationReport r = policy.verify(tenant.connection());
    assertEquals(1, r.findings().size(), r.toString());
    var finding = r.findings().get(0);
    assertEquals("D11", finding.code());
    assertTrue(finding.problem().contains("Microsoft Graph Calendars.ReadWrite") && finding.problem().contains("[Mail.Read]"),
        finding.problem());
    assertTrue(finding.fix().contains("withGraphPermissions"), finding.fix());
    // Declaring what the consent gives, or consent that a declared permission implies, is no finding.
    ImpersonationSetup declared = ImpersonationSetup.builder().name("LegacySync").target(TenantTarget.exchangeOnline(DOMAIN))
        .principal(Principal.application(APP)).scope(Scope.mailEnabledSecurityGroup("Sync Users").members(ANN, BOB))
        .access(Access.applicationAccessPolicy().withGraphPermissions("Mail.Read", "Calendars.ReadWrite")).build();
    assertTrue(declared.verify(tenant.connection()).findings().isEmpty());
  }

  @Test
  void routingSendsEwsPermissionsToTheEwsProbe() {
    java.util.List<String> calls = new java.util.ArrayList<>();
    dev.impersonation.spi.AccessProbe graph = new dev.impersonation.spi.AccessProbe() {
      public String name() {
        return "graph";
      }

      public dev.impersonation.spi.ProbeOutcome probe(Principal p, String m) {
        calls.add("graph " + m);
        return new dev.impersonation.spi.ProbeOutcome(dev.impersonation.spi.ProbeOutcome.Result.GRANTED, "g");
      }
    };
    dev.impersonation.spi.AccessProbe ews = new dev.impersonation.spi.AccessProbe() {
      public String name() {
        return "ews";
      }

      public dev.impersonation.spi.ProbeOutcome probe(Principal p, String m) {
        calls.add("ews " + m);
        return new dev.impersonation.spi.ProbeOutcome(dev.impersonation.spi.ProbeOutcome.Result.DENIED, "e");
      }
    };
    dev.impersonation.spi.AccessProbe both = dev.impersonation.spi.AccessProbe.routing(graph, ews);
    both.probe(Principal.application(APP), ANN, "Mail.Read");
    both.probe(Principal.application(APP), ANN, "EWS.AccessAsApp");
    both.probe(Principal.serviceAccount("svc@contoso.com"), BOB, "FullAccess");
    assertEquals(List.of("graph " + ANN, "ews " + ANN, "ews " + BOB), calls);
    assertEquals("graph+ews", both.name());
  }

  @Test
  void badPermissionNamesAreRefusedAtBuild() {
    InvalidSetupException e = assertThrows(InvalidSetupException.class,
        () -> setup(Access.rbacForApplications("Application Mail.Read")).addVerifyPermissions("Mail Read").build());
    assertTrue(e.getMessage().contains("verifyPermissions"), e.getMessage());
  }

  @Test
  void rolesMapToTheirPermissions() {
    assertEquals(List.of("Mail.ReadWrite", "Mail.Send"), AppPermissions.grantedByRole("Application Mail Full Access"));
    assertEquals(List.of("Mail.ReadWrite", "Mail.Send", "MailboxSettings.ReadWrite", "Calendars.ReadWrite", "Contacts.ReadWrite"),
        AppPermissions.grantedByRole("Application Exchange Full Access"));
    assertEquals(List.of("full_access_as_app"), AppPermissions.grantedByRole("Application EWS.AccessAsApp"));
    assertEquals(List.of("MailboxItem.Read.All"), AppPermissions.grantedByRole("Application MailboxItem.Read"));
    assertEquals(List.of(), AppPermissions.grantedByRole("ApplicationImpersonation"));
    assertTrue(AppPermissions.implies("Calendars.ReadWrite", "Calendars.Read"));
    assertFalse(AppPermissions.implies("Calendars.Read", "Calendars.ReadWrite"));
    assertTrue(AppPermissions.implies("Mail.Read", "Mail.ReadBasic"));
    assertFalse(AppPermissions.implies("Mail.ReadWrite", "Mail.Send"));
    assertFalse(AppPermissions.implies("full_access_as_app", "Mail.Read"), "EWS access is not Graph access");
    assertEquals(List.of("Mail.ReadWrite", "Mail.Send"), AppPermissions.parseGranted("Mail.ReadWrite, Mail.Send"));
  }
}
