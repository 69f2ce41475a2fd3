package dev.impersonation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.impersonation.Scope.GroupScope;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class GroupScopeTest {

  static List<String> members(int n) {
    return IntStream.rangeClosed(1, n).mapToObj(i -> "room" + i + "@contoso.com").toList();
  }

  @Test
  void splits160MembersIntoThreeGroupsOfAtMost75() {
    GroupScope g = Scope.roomList("X").members(members(160)).maxMembersPerGroup(75);
    assertEquals(3, g.groupCount());
    assertEquals(List.of("X", "X 2", "X 3"), IntStream.range(0, g.groupCount()).mapToObj(g::groupName).toList());
    assertEquals("room list 'X' (+2 more)", g.describe());
  }

  @Test
  void groupCountBoundaries() {
    assertEquals(1, Scope.roomList("X").groupCount());
    assertEquals(1, Scope.roomList("X").maxMembersPerGroup(75).groupCount());
    assertEquals(1, Scope.roomList("X").members(members(75)).maxMembersPerGroup(75).groupCount());
    assertEquals(2, Scope.roomList("X").members(members(76)).maxMembersPerGroup(75).groupCount());
    assertEquals(2, Scope.roomList("X").members(members(150)).maxMembersPerGroup(75).groupCount());
    assertEquals(3, Scope.roomList("X").members(members(151)).maxMembersPerGroup(75).groupCount());
    assertEquals(1, Scope.roomList("X").members(members(500)).groupCount());
    assertEquals(5, Scope.roomList("X").members(members(5)).maxMembersPerGroup(1).groupCount());
    assertEquals("room list 'X'", Scope.roomList("X").members(members(5)).describe());
  }

  @Test
  void membersAreDeduplicatedCaseInsensitivelyAndValidated() {
    GroupScope g = Scope.distributionGroup("G").members("Ann@contoso.com", "ann@CONTOSO.com", "bob@contoso.com");
    assertEquals(List.of("Ann@contoso.com", "bob@contoso.com"), g.members());
    assertThrows(InvalidSetupException.class, () -> Scope.distributionGroup("G").members("not-an-address"));
    assertThrows(InvalidSetupException.class, () -> Scope.distributionGroup("G").maxMembersPerGroup(0));
    assertThrows(InvalidSetupException.class, () -> Scope.distributionGroup("G").alias("has space"));
    assertThrows(InvalidSetupException.class, () -> Scope.distributionGroup("G").alias(".dot"));
    assertEquals("cronofy.resource.list", Scope.roomList("G").alias("cronofy.resource.list").alias().orElseThrow());
  }

  @Test
  void fluentMethodsReturnNewValues() {
    GroupScope base = Scope.mailEnabledSecurityGroup("G");
    GroupScope more = base.members("a@contoso.com").owner("svc@contoso.com").hiddenFromAddressLists().exactMembership();
    assertTrue(base.members().isEmpty());
    assertEquals(MembershipMode.ADD_ONLY, base.membershipMode());
    assertEquals(MembershipMode.EXACT, more.membershipMode());
    assertEquals(List.of("svc@contoso.com"), more.owners());
    assertTrue(more.hiddenFromAddressListsEnabled());
    assertTrue(more.closedMembership());
  }

  @Test
  void splitGroupsNeedingMoreThan100GroupsAreRejected() {
    SetupValidationTest.Draft d = SetupValidationTest.rbac()
        .scope(Scope.mailEnabledSecurityGroup("G").members(members(101)).maxMembersPerGroup(1));
    assertThrows(InvalidSetupException.class, d::build);
    assertThrows(InvalidSetupException.class, () -> SetupValidationTest.rbac().access(Access.applicationAccessPolicy())
        .scope(Scope.mailEnabledSecurityGroup("G").members(members(3)).maxMembersPerGroup(2)).build());
  }

  @Test
  void everySplitGroupNameFitsExchanges64CharacterLimit() {
    // A 63-character name is valid on its own, but its partitions would be named "<name> 2" and "<name> 3" (65 chars),
    // which New-DistributionGroup rejects; build() must catch this before any call to a tenant.
    String name = "R".repeat(63);
    SetupValidationTest.Draft d = SetupValidationTest.impersonation(TenantTarget.exchangeServer("contoso.com"))
        .scope(Scope.roomList(name).members(members(160)).maxMembersPerGroup(75));
    InvalidSetupException e = assertThrows(InvalidSetupException.class, d::build);
    assertTrue(e.getMessage().contains("64"), e.getMessage());
    // the same name without splitting, and a short name with splitting, are fine
    SetupValidationTest.impersonation(TenantTarget.exchangeServer("contoso.com"))
        .scope(Scope.roomList(name).members(members(75)).maxMembersPerGroup(75)).build();
    SetupValidationTest.impersonation(TenantTarget.exchangeServer("contoso.com"))
        .scope(Scope.roomList("R".repeat(62)).members(members(160)).maxMembersPerGroup(75)).build();
  }
}
