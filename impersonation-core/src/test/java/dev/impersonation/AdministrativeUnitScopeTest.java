package dev.impersonation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.impersonation.Principal.Application;
import dev.impersonation.Scope.AdministrativeUnitScope;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AdministrativeUnitScopeTest {
  private static final String AU = "0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d";
  private static final String APP = "6f1c2a3b-4d5e-4f60-8172-93a4b5c6d7e8";

  private static ImpersonationSetup.Builder setup(Scope scope) {
    return ImpersonationSetup.builder().name("AuSync").target(TenantTarget.exchangeOnline("contoso.onmicrosoft.com"))
        .principal(Principal.application(APP)).scope(scope).access(Access.rbacForApplications("Application Mail.Read"));
  }

  @Test
  void theSingleArgumentFormStaysAsItWas() {
    AdministrativeUnitScope au = Scope.administrativeUnit(AU);
    assertEquals(AU, au.objectId());
    assertTrue(au.members().isEmpty());
    assertEquals(MembershipMode.ADD_ONLY, au.membershipMode());
    assertFalse(au.managesMembers());
    assertEquals("administrative unit " + AU, au.describe());
    assertEquals(au, new AdministrativeUnitScope(AU.toUpperCase()));
  }

  @Test
  void membersAreDeduplicatedCaseInsensitivelyAndValidatedLikeAGroupsMembers() {
    AdministrativeUnitScope au = Scope.administrativeUnit(AU).members("Ann@contoso.com", "ann@CONTOSO.com")
        .members(List.of("bob@contoso.com"));
    assertEquals(List.of("Ann@contoso.com", "bob@contoso.com"), au.members());
    InvalidSetupException e = assertThrows(InvalidSetupException.class, () -> Scope.administrativeUnit(AU).members("not-an-address"));
    assertTrue(e.getMessage().contains("A member of administrative unit " + AU), e.getMessage());
    assertTrue(e.getMessage().contains("\"not-an-address\""), e.getMessage());
  }

  @Test
  void fluentMethodsReturnNewValuesAndDescribeTheDeclaredMembers() {
    AdministrativeUnitScope base = Scope.administrativeUnit(AU);
    AdministrativeUnitScope exact = base.members("ann@contoso.com", "bob@contoso.com").exactMembership();
    assertTrue(base.members().isEmpty());
    assertEquals(MembershipMode.ADD_ONLY, base.membershipMode());
    assertEquals(MembershipMode.EXACT, exact.membershipMode());
    assertTrue(exact.managesMembers());
    assertEquals("administrative unit " + AU + " (2 declared member(s), exact)", exact.describe());
    assertEquals("administrative unit " + AU + " (2 declared member(s))",
        exact.membershipMode(MembershipMode.ADD_ONLY).describe());
    assertEquals(MembershipMode.UNMANAGED, base.existingMembership().membershipMode());
    assertFalse(base.existingMembership().managesMembers());
  }

  @Test
  void membersComeFromAnAdminsCsvAsForAGroup(@TempDir Path dir) throws Exception {
    Path csv = dir.resolve("members.csv");
    Files.writeString(csv, "UserPrincipalName,DisplayName\nann@contoso.com,Ann\nbob@contoso.com,Bob\n", StandardCharsets.UTF_8);
    assertEquals(List.of("ann@contoso.com", "bob@contoso.com"),
        Scope.administrativeUnit(AU).members(MemberCsv.read(csv, "UserPrincipalName")).members());
  }

  @Test
  void buildRefusesMembersWithExistingMembershipAndExactMembershipWithoutMembers() {
    InvalidSetupException unmanaged = assertThrows(InvalidSetupException.class,
        () -> setup(Scope.administrativeUnit(AU).members("ann@contoso.com").existingMembership()).build());
    assertTrue(unmanaged.getMessage().contains("existingMembership()"), unmanaged.getMessage());
    InvalidSetupException exact = assertThrows(InvalidSetupException.class,
        () -> setup(Scope.administrativeUnit(AU).exactMembership()).build());
    assertTrue(exact.getMessage().contains("would remove every member"), exact.getMessage());
    setup(Scope.administrativeUnit(AU).existingMembership()).build();
    setup(Scope.administrativeUnit(AU).members("ann@contoso.com").exactMembership()).build();
  }
}
