package dev.impersonation.internal;

import dev.impersonation.Access.RbacForApplications;
import dev.impersonation.ImpersonationSetup;
import dev.impersonation.Scope.AdministrativeUnitScope;
import dev.impersonation.Scope.GroupScope;
import dev.impersonation.Scope.OrganizationScope;
import dev.impersonation.spi.ScopeType;
import java.util.ArrayList;
import java.util.List;

/**
 * How an RBAC-for-Applications setup scopes its role assignments: organization-wide, an administrative unit, each of
 * the scope's groups ({@code -RecipientGroupScope} on Exchange Online), or the setup's management scope. The planner
 * writes assignments with it; the verifier looks for them with it.
 *
 * @param type the scope type
 * @param value the administrative unit id, group name or management scope name; empty when organization-wide
 */
record AppAssignmentScope(ScopeType type, String value) {
  /** The scopes of the setup's assignments: one per group for a group scope on Exchange Online, else one. */
  static List<AppAssignmentScope> of(ImpersonationSetup setup) {
    if (setup.scope() instanceof OrganizationScope) {
      return List.of(new AppAssignmentScope(ScopeType.ORGANIZATION, ""));
    }
    if (setup.scope() instanceof AdministrativeUnitScope au) {
      return List.of(new AppAssignmentScope(ScopeType.ADMINISTRATIVE_UNIT, au.objectId()));
    }
    if (byRecipientGroup(setup)) {
      GroupScope g = (GroupScope) setup.scope();
      List<AppAssignmentScope> out = new ArrayList<>();
      for (int i = 0; i < g.groupCount(); i++) {
        out.add(new AppAssignmentScope(ScopeType.RECIPIENT_GROUP, g.groupName(i)));
      }
      return out;
    }
    return List.of(new AppAssignmentScope(ScopeType.MANAGEMENT_SCOPE, ObjectNames.managementScope(setup)));
  }

  /**
   * Whether RBAC for Applications over this setup's groups uses {@code -RecipientGroupScope} (Exchange Online, a group
   * Exchange knows) instead of a management scope with a {@code MemberOfGroup} DN filter (docs/group-scopes.md).
   */
  static boolean byRecipientGroup(ImpersonationSetup setup) {
    return setup.access() instanceof RbacForApplications && setup.target().isExchangeOnline()
        && setup.scope() instanceof GroupScope g && g.kind().isExchangeKnown();
  }

  /** The assignment name for one role and one of {@code groups} groups: the plain name, numbered when groups split. */
  static String assignmentName(ImpersonationSetup setup, String role, int roleCount, int groupIndex, int groups) {
    String base = ObjectNames.roleAssignment(setup, role, roleCount);
    return groups <= 1 ? base : base + "-" + (groupIndex + 1);
  }
}
