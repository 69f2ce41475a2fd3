package dev.impersonation.internal;

import dev.impersonation.ImpersonationSetup;

/**
 * Plans the access grant by the setup's access method: ApplicationImpersonation and RBAC for Applications role
 * assignments ({@link RoleAssignmentPlanner}), an application access policy ({@link AccessPolicyPlanner}) or FullAccess
 * ({@link FullAccessPlanner}); blocked while the principal or the scope is.
 */
final class GrantPlanner implements ConcernPlanner {
  @Override
  public String phase(ImpersonationSetup setup) {
    return "reading the grants: " + setup.access().describe();
  }

  @Override
  public void plan(PlanContext ctx, Groundwork groundwork) {
    int org = groundwork.organization();
    PrincipalSteps principal = groundwork.principal();
    ScopeSteps scope = groundwork.scope();
    if (!scope.ok() || !principal.resolvable() || principal.assigneeId().isEmpty()) {
      ctx.blocked("access grant", "waits for the blocked steps above");
      return;
    }
    switch (ctx.setup().access().method()) {
      case APPLICATION_IMPERSONATION -> new RoleAssignmentPlanner(ctx).impersonation(org, principal, scope);
      case RBAC_FOR_APPLICATIONS -> new RoleAssignmentPlanner(ctx).rbacForApplications(org, principal, scope);
      case APPLICATION_ACCESS_POLICY -> new AccessPolicyPlanner(ctx).plan(org, principal, scope);
      case FULL_ACCESS_DELEGATION -> FullAccessPlanner.plan(ctx, principal, scope);
    }
  }
}
