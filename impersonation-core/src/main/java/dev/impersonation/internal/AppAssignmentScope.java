package dev.impersonation.internal;

import dev.impersonation.AdministrativeUnitScope;
import dev.impersonation.ImpersonationSetup;
import dev.impersonation.OrganizationScope;
import dev.impersonation.spi.ScopeType;

/**
 * How an RBAC-for-Applications setup scopes its role assignments: organization-wide, an administrative unit, or the
 * setup's management scope. The planner writes assignments with it; the verifier looks for them with it.
 *
 * @param type the scope type
 * @param value the administrative unit id or management scope name; empty when organization-wide
 */
record AppAssignmentScope(ScopeType type, String value) {
  static AppAssignmentScope of(ImpersonationSetup setup) {
    if (setup.scope() instanceof OrganizationScope) {
      return new AppAssignmentScope(ScopeType.ORGANIZATION, "");
    }
    if (setup.scope() instanceof AdministrativeUnitScope au) {
      return new AppAssignmentScope(ScopeType.ADMINISTRATIVE_UNIT, au.objectId());
    }
    return new AppAssignmentScope(ScopeType.MANAGEMENT_SCOPE, ObjectNames.managementScope(setup));
  }
}
