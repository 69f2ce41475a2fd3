package dev.impersonation.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.impersonation.Access;
import dev.impersonation.ImpersonationSetup;
import dev.impersonation.Principal;
import dev.impersonation.Scope;
import dev.impersonation.TenantTarget;
import dev.impersonation.plan.Plan.ScriptVerification;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Which check and which mailboxes a plan script's verification block uses, per setup. */
class ScriptVerificationsTest {
  private static final String APP = "3c4d5e6f-7a8b-4c9d-8e0f-1a2b3c4d5e6f";

  private static ImpersonationSetup.Builder online() {
    return ImpersonationSetup.builder().name("S").target(TenantTarget.exchangeOnline("contoso.onmicrosoft.com"))
        .principal(Principal.application(APP));
  }

  private static ImpersonationSetup.Builder server() {
    return ImpersonationSetup.builder().name("S").target(TenantTarget.exchangeServer("contoso.com"))
        .principal(Principal.serviceAccount("svc@contoso.com"));
  }

  @Test
  void rbacChecksEveryRoleOnDeclaredMembersCappedAtThreeAfterTheVerifyMailboxes() {
    ScriptVerification v = ScriptVerifications.of(online()
        .scope(Scope.mailEnabledSecurityGroup("G").members("a@contoso.com", "b@contoso.com", "c@contoso.com", "d@contoso.com"))
        .access(Access.rbacForApplications("Application Mail.Read", "Application Calendars.Read"))
        .addVerifyMailboxes("z@contoso.com", "A@contoso.com").build()).orElseThrow();
    assertEquals(ScriptVerification.Check.SERVICE_PRINCIPAL_AUTHORIZATION, v.check());
    assertEquals(APP, v.principal());
    assertEquals(List.of("Application Mail.Read", "Application Calendars.Read"), v.roles());
    assertEquals(List.of("z@contoso.com", "A@contoso.com", "b@contoso.com", "c@contoso.com"), v.granted(),
        "verifyMailboxes first, then three members, duplicates (any case) once");
    assertEquals(List.of(), v.denied());
    assertEquals(Optional.of("G"), v.group());
    assertTrue(v.pickOutsider(), "no outsider named: one is picked outside the group");
  }

  @Test
  void aNamedOutsiderIsCheckedAndNoneIsPicked() {
    ScriptVerification v = ScriptVerifications.of(server().scope(Scope.mailboxes("a@contoso.com", "svc@contoso.com"))
        .access(Access.fullAccess()).outsider("ceo@contoso.com").build()).orElseThrow();
    assertEquals(ScriptVerification.Check.MAILBOX_PERMISSION, v.check());
    assertEquals("svc@contoso.com", v.principal());
    assertEquals(List.of("a@contoso.com"), v.granted(), "the service account's own mailbox is not a target");
    assertEquals(List.of("ceo@contoso.com"), v.denied());
    assertFalse(v.pickOutsider());
  }

  @Test
  void filterScopesCannotPickAnOutsiderAndOrganizationWideHasNone() {
    ScriptVerification filter = ScriptVerifications.of(server().scope(Scope.recipientFilter("Department -eq 'Sales'"))
        .access(Access.applicationImpersonation()).addVerifyMailboxes("a@contoso.com").build()).orElseThrow();
    assertEquals(ScriptVerification.Check.ROLE_ASSIGNMENT, filter.check());
    assertEquals(List.of("ApplicationImpersonation"), filter.roles());
    assertFalse(filter.pickOutsider());
    assertEquals(Optional.empty(), filter.group());

    ScriptVerification org = ScriptVerifications.of(online().scope(Scope.organization().acknowledged())
        .access(Access.rbacForApplications("Application Mail.Read")).outsider("x@contoso.com").build()).orElseThrow();
    assertTrue(org.organizationWide());
    assertEquals(List.of(), org.denied(), "nobody is outside an organization-wide scope");
    assertFalse(org.pickOutsider());
  }

  @Test
  void splitGroupsPickNoOutsider() {
    ScriptVerification v = ScriptVerifications.of(online()
        .scope(Scope.roomList("Rooms").members("r1@contoso.com", "r2@contoso.com", "r3@contoso.com").maxMembersPerGroup(2))
        .access(Access.rbacForApplications("Application Calendars.ReadWrite")).build()).orElseThrow();
    assertFalse(v.pickOutsider(), "a mailbox outside the first room list may be in the second");
    assertEquals(Optional.of("Rooms"), v.group());
  }
}
