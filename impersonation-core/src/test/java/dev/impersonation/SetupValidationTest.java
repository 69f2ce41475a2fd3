package dev.impersonation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.impersonation.Principal.Application;
import dev.impersonation.Scope.GroupScope;
import dev.impersonation.Scope.RecipientFilterScope;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

/** {@code ImpersonationSetup.builder()...build()} and the rules of {@code internal.SetupValidation}. */
class SetupValidationTest {
  static final String APP_ID = "6f1c0a52-1d2e-4c3b-9a8b-0123456789ab";
  static final String SP_ID = "9a2b3c4d-5e6f-4a1b-8c2d-3e4f5a6b7c8d";
  static final TenantTarget EXO = TenantTarget.exchangeOnline("contoso.onmicrosoft.com");
  static final TenantTarget ONPREM = TenantTarget.exchangeServer("contoso.com");

  /** A setup under construction; the strict generated builder allows each attribute once, so build at the end. */
  static final class Draft {
    String name;
    TenantTarget target;
    Principal principal;
    Scope scope;
    Access access;
    String managementScopeName;
    String roleAssignmentName;
    String verifyMailbox;

    Draft name(String v) { name = v; return this; }
    Draft target(TenantTarget v) { target = v; return this; }
    Draft principal(Principal v) { principal = v; return this; }
    Draft scope(Scope v) { scope = v; return this; }
    Draft access(Access v) { access = v; return this; }
    Draft managementScopeName(String v) { managementScopeName = v; return this; }
    Draft roleAssignmentName(String v) { roleAssignmentName = v; return this; }
    Draft addVerifyMailboxes(String v) { verifyMailbox = v; return this; }

    ImpersonationSetup build() {
      ImpersonationSetup.Builder b = ImpersonationSetup.builder();
      b.name(name).target(target).principal(principal).scope(scope).access(access);
      if (managementScopeName != null) {
        b.managementScopeName(managementScopeName);
      }
      if (roleAssignmentName != null) {
        b.roleAssignmentName(roleAssignmentName);
      }
      if (verifyMailbox != null) {
        b.addVerifyMailboxes(verifyMailbox);
      }
      return b.build();
    }
  }

  static Draft rbac() {
    return new Draft().name("RevenueInbox").target(EXO)
        .principal(Principal.application(APP_ID).servicePrincipal(SP_ID))
        .scope(Scope.mailEnabledSecurityGroup("RISG").members("ann@contoso.com", "bob@contoso.com"))
        .access(Access.rbacForApplications("Application Calendars.ReadWrite"));
  }

  static Draft impersonation(TenantTarget target) {
    return new Draft().name("Cronofy").target(target)
        .principal(Principal.serviceAccount("svc@contoso.com"))
        .scope(Scope.distributionGroup("Cronofy Rooms").members("room1@contoso.com"))
        .access(Access.applicationImpersonation());
  }

  static <T extends Throwable> T assertThrowsMentioning(Class<T> type, Executable build, String... fragments) {
    T e = assertThrows(type, build);
    for (String f : fragments) {
      assertTrue(e.getMessage().contains(f), () -> "message lacks \"" + f + "\": " + e.getMessage());
    }
    return e;
  }

  @Test
  void recipientFiltersRejectControlCharactersAsNamesDo() {
    for (String bad : List.of("Department -eq 'Sales'\nRemove-Mailbox x", "Department -eq 'Sales'\r", "Department -eq 'Sa\u0000les'",
        "Department -eq 'Sales'\u0085", "Department -eq 'Sales'\u2028-or Title -eq 'x'", "Department -eq 'Sales'\u2029",
        "Department -eq 'Sa\u001Bles'", "Department -eq 'Sa\u009Bles'")) {
      InvalidSetupException e = assertThrows(InvalidSetupException.class, () -> new RecipientFilterScope(bad));
      assertTrue(e.getMessage().contains("control character U+"), e::getMessage);
      assertInstanceOf(ImpersonationException.class, e);
    }
    assertEquals("Department -eq 'Sales'\t-and Title -like 'x*'",
        new RecipientFilterScope("Department -eq 'Sales'\t-and Title -like 'x*'").filter(), "a tab is whitespace, as in names");
  }

  @Test
  void aCompleteRbacSetupBuilds() {
    ImpersonationSetup s = rbac().build();
    assertEquals("RevenueInbox", s.name());
    assertEquals(AccessMethod.RBAC_FOR_APPLICATIONS, s.access().method());
    assertEquals(List.of("ann@contoso.com", "bob@contoso.com"), ((GroupScope) s.scope()).members());
  }

  @Test
  void applicationImpersonationOnExchangeOnlineNamesTheReplacement() {
    UnsupportedOnTargetException e = assertThrowsMentioning(UnsupportedOnTargetException.class,
        () -> impersonation(EXO).build(), "RBAC for Applications", "rbacForApplications");
    assertInstanceOf(InvalidSetupException.class, e);
  }

  @Test
  void applicationImpersonationOnExchangeServerBuilds() {
    ImpersonationSetup s = impersonation(ONPREM).build();
    assertEquals(AccessMethod.APPLICATION_IMPERSONATION, s.access().method());
    assertFalse(s.target().isExchangeOnline());
  }

  @Test
  void rbacAndAccessPoliciesOnExchangeServerAreUnsupported() {
    assertThrowsMentioning(UnsupportedOnTargetException.class, () -> rbac().target(ONPREM).build(),
        "Exchange Online", "applicationImpersonation()");
    assertThrows(UnsupportedOnTargetException.class, () -> rbac().target(ONPREM)
        .access(Access.applicationAccessPolicy()).build());
  }

  @Test
  void missingAttributesAreNamedInAnInvalidSetupException() {
    Executable build = () -> ImpersonationSetup.builder().name("X").target(EXO).build();
    InvalidSetupException e = assertThrows(InvalidSetupException.class, build);
    assertFalse(e instanceof UnsupportedOnTargetException);
    String missing = e.getMessage().replaceAll("(?s)^ImpersonationSetup is missing (.*?)\\. A complete.*$", "$1");
    assertEquals(List.of("principal", "scope", "access"), List.of(missing.split(",\\s*")), e.getMessage());
    // IllegalStateException from the generated builder never escapes
    try {
      ImpersonationSetup.builder().build();
    } catch (RuntimeException any) {
      assertInstanceOf(InvalidSetupException.class, any);
      assertTrue(any.getMessage().startsWith("ImpersonationSetup is missing name, target, principal, scope, access."),
          any.getMessage());
      return;
    }
    throw new AssertionError("an empty builder built");
  }

  @Test
  void organizationScopeMustBeAcknowledged() {
    assertThrowsMentioning(InvalidSetupException.class, () -> rbac().scope(Scope.organization()).build(),
        "acknowledged()");
    ImpersonationSetup s = rbac().scope(Scope.organization().acknowledged()).build();
    assertEquals("ENTIRE ORGANIZATION", s.scope().describe());
  }

  @Test
  void unknownRoleWithoutPrefixGetsADidYouMeanHint() {
    assertThrowsMentioning(InvalidSetupException.class, () -> rbac().access(Access.rbacForApplications("Mail.Read")).build(),
        "Did you mean \"Application Mail.Read\"?");
    InvalidSetupException e = assertThrows(InvalidSetupException.class,
        () -> Access.rbacForApplications("Application Mail.Reed"));
    assertFalse(e.getMessage().contains("Did you mean"), e.getMessage());
    assertThrows(InvalidSetupException.class, () -> Access.rbacForApplications());
  }

  @Test
  void badIdentifiersAreRejected() {
    assertThrowsMentioning(InvalidSetupException.class,
        () -> rbac().principal(Principal.serviceAccount("not an upn")).build(), "not an upn");
    assertThrows(InvalidSetupException.class, () -> Principal.serviceAccount("svc@contoso"));
    assertThrowsMentioning(InvalidSetupException.class,
        () -> rbac().principal(Principal.application("6f1c0a52-1d2e-4c3b-9a8b-0123456789")).build(), "GUID");
    assertThrows(InvalidSetupException.class, () -> Principal.application(APP_ID).servicePrincipal("{" + SP_ID + "}"));
    assertThrows(InvalidSetupException.class, () -> Scope.administrativeUnit("au"));
    assertThrows(InvalidSetupException.class, () -> TenantTarget.exchangeOnline("contoso"));
    assertThrows(InvalidSetupException.class, () -> Scope.mailEnabledSecurityGroup("G").members("ann"));
  }

  @Test
  void groupNamesWithControlCharactersOrOver64CharactersAreRejected() {
    assertThrowsMentioning(InvalidSetupException.class,
        () -> rbac().scope(Scope.mailEnabledSecurityGroup("Sales\nRemove-Mailbox")).build(), "Sales\\nRemove-Mailbox");
    assertThrows(InvalidSetupException.class, () -> Scope.distributionGroup("a\rb"));
    assertThrowsMentioning(InvalidSetupException.class,
        () -> rbac().scope(Scope.mailEnabledSecurityGroup("G".repeat(65))).build(), "65", "64");
    assertThrows(InvalidSetupException.class, () -> Scope.distributionGroup("   "));
    assertEquals(64, Scope.distributionGroup("G".repeat(64)).name().length());
  }

  @Test
  void setupAndObjectNamesAreChecked() {
    assertThrows(InvalidSetupException.class, () -> rbac().name("x".repeat(33)).build());
    assertThrows(InvalidSetupException.class, () -> rbac().name("-leading").build());
    assertThrows(InvalidSetupException.class, () -> rbac().name("a\nb").build());
    assertEquals(32, rbac().name("x".repeat(32)).build().name().length());
    assertThrows(InvalidSetupException.class, () -> rbac().managementScopeName("s".repeat(65)).build());
    assertThrows(InvalidSetupException.class, () -> rbac().roleAssignmentName("a\tb").build());
    assertThrows(InvalidSetupException.class, () -> rbac().addVerifyMailboxes("ann@contoso.com\nx").build());
    assertThrows(InvalidSetupException.class, () -> rbac().addVerifyMailboxes("ann").build());
  }

  @Test
  void derivedRoleAssignmentNamesFitExchanges64CharacterLimit() {
    // With several roles each assignment is named "<roleAssignmentName>-<role>"; a 60-character prefix would give
    // "<60 chars>-Calendars.ReadWrite" (80 chars), which New-ManagementRoleAssignment rejects.
    Draft d = rbac().roleAssignmentName("A".repeat(60))
        .access(Access.rbacForApplications("Application Calendars.ReadWrite", "Application Mail.Read"));
    InvalidSetupException e = assertThrows(InvalidSetupException.class, d::build);
    assertTrue(e.getMessage().contains("64"), e.getMessage());
    // a single role uses the given name as it is
    assertEquals("A".repeat(64), rbac().roleAssignmentName("A".repeat(64)).build().roleAssignmentName().orElseThrow());
    // the longest default: 32-character setup name + "-Mail-Advanced.ReadWrite.All"
    rbac().name("N".repeat(32)).access(Access.rbacForApplications("Application Mail-Advanced.ReadWrite.All",
        "Application Exchange Full Access")).build();
  }

  @Test
  void mailboxListScopeWorksOnlyWithFullAccess() {
    assertThrowsMentioning(InvalidSetupException.class,
        () -> rbac().scope(Scope.mailboxes("ann@contoso.com")).build(), "Scope.mailboxes(...)", "fullAccess()");
    ImpersonationSetup s = impersonation(EXO).access(Access.fullAccess()).scope(Scope.mailboxes("ann@contoso.com")).build();
    assertEquals("1 listed mailbox", s.scope().describe());
    assertThrows(InvalidSetupException.class, () -> Scope.mailboxes(List.of()));
  }

  @Test
  void existingMembershipCannotDeclareMembers() {
    assertThrowsMentioning(InvalidSetupException.class,
        () -> rbac().scope(Scope.mailEnabledSecurityGroup("RISG").members("ann@contoso.com").existingMembership()).build(),
        "existingMembership()");
    assertThrows(InvalidSetupException.class,
        () -> rbac().scope(Scope.mailEnabledSecurityGroup("RISG").existingMembership().maxMembersPerGroup(10)).build());
    ImpersonationSetup s = rbac().scope(Scope.mailEnabledSecurityGroup("RISG").existingMembership()).build();
    assertEquals(MembershipMode.UNMANAGED, ((GroupScope) s.scope()).membershipMode());
  }

  @Test
  void principalMustMatchTheAccessMethod() {
    assertThrowsMentioning(InvalidSetupException.class,
        () -> rbac().principal(Principal.serviceAccount("svc@contoso.com")).build(), "Principal.application");
    assertThrowsMentioning(InvalidSetupException.class,
        () -> impersonation(ONPREM).principal(Principal.application(APP_ID)).build(), "Principal.serviceAccount");
  }

  @Test
  void groupKindRules() {
    assertThrows(InvalidSetupException.class, () -> rbac().scope(Scope.securityGroup("Entra only")).build());
    assertThrows(UnsupportedOnTargetException.class, () -> impersonation(ONPREM).scope(Scope.microsoft365Group("M")).build());
    assertThrowsMentioning(InvalidSetupException.class, () -> rbac().access(Access.applicationAccessPolicy())
        .scope(Scope.distributionGroup("DL")).build(), "mail-enabled security group");
    assertEquals(AccessMethod.APPLICATION_ACCESS_POLICY, rbac().access(Access.applicationAccessPolicy()).build().access().method());
  }

  @Test
  void strictBuilderRejectsSettingAnAttributeTwice() {
    ImpersonationSetup.Builder b = ImpersonationSetup.builder();
    b.name("One");
    assertThrows(IllegalStateException.class, () -> b.name("Other"));
  }
}
