package dev.impersonation.internal;

import static dev.impersonation.internal.PlanContext.deps;

import dev.impersonation.Access.ApplicationImpersonation;
import dev.impersonation.Access.RbacForApplications;
import dev.impersonation.Scope.AdministrativeUnitScope;
import dev.impersonation.Scope.GroupScope;
import dev.impersonation.Scope.OrganizationScope;
import dev.impersonation.Scope.RecipientFilterScope;
import dev.impersonation.plan.Step.StepAction;
import dev.impersonation.powershell.Cmdlet;
import dev.impersonation.powershell.ScriptRenderer;
import dev.impersonation.spi.AssigneeType;
import dev.impersonation.spi.ManagementScope;
import dev.impersonation.spi.Operation;
import dev.impersonation.spi.RecipientFilter;
import dev.impersonation.spi.RoleAssignment;
import dev.impersonation.spi.RoleGroup;
import dev.impersonation.spi.ScopeType;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Plans the Exchange RBAC grants: the management scope of a filter-based scope (a group's {@code MemberOfGroup} or a
 * recipient filter), the ApplicationImpersonation role assignment or role group, and RBAC for Applications' role
 * assignments (scoped by management scope, administrative unit or {@code -RecipientGroupScope}), followed by the
 * revocation of tenant-wide consent when the setup opted in.
 */
final class RoleAssignmentPlanner {
  private final PlanContext ctx;

  RoleAssignmentPlanner(PlanContext ctx) {
    this.ctx = ctx;
  }

  /** The management scope for filter-based scopes; returns its step (0 when none is needed) or -1 when blocked. */
  private int managementScope(int org, ScopeSteps scope) {
    RecipientFilter filter;
    if (ctx.setup().scope() instanceof GroupScope) {
      filter = new RecipientFilter.MemberOfGroups(scope.groups());
    } else if (ctx.setup().scope() instanceof RecipientFilterScope f) {
      filter = new RecipientFilter.Custom(f.filter());
    } else {
      return 0;
    }
    String name = ObjectNames.managementScope(ctx.setup());
    String resource = "management scope '" + name + "'";
    if (ctx.rbacThroughGraph() && filter.needsResolution()) {
      ctx.blocked(resource, "a MemberOfGroup filter needs the group's Exchange DistinguishedName, which Microsoft Graph cannot "
          + "read: add an Exchange backend (impersonation-powershell), or scope by an administrative unit "
          + "(Scope.administrativeUnit(id)), which Graph can assign to");
      return -1;
    }
    Observed<ManagementScope> existing = PlanContext.readFrom(ctx.rbac(), x -> x.findManagementScope(name));
    if (existing.unknown()) {
      ctx.blocked(resource, existing.blockedReason("the management scope"));
      return -1;
    }
    if (existing.present()) {
      if (!filter.needsResolution() && RecipientFilter.equivalent(existing.value().recipientFilter(), filter.toOpath(g -> "")) ) {
        ctx.noOp(resource, "exists with the same filter");
        return 0;
      }
      ctx.blocked(resource, "exists with filter " + existing.value().recipientFilter() + " but the setup needs "
          + (filter.needsResolution() ? "the DN of a group this plan creates" : filter.toOpath(g -> ""))
          + " (a stale DN? docs/diagnostics.md#d5). It is not changed automatically because other assignments may use it: fix or remove it, "
          + "or give the setup another managementScopeName(...)");
      return -1;
    }
    List<Integer> deps = new ArrayList<>(scope.ready());
    deps.add(org);
    return ctx.add(StepAction.CREATE, resource, "absent; restricts the grant to " + ctx.setup().scope().describe(),
        new Operation.NewManagementScope(name, filter), deps);
  }

  void impersonation(int org, PrincipalSteps principal, ScopeSteps scope) {
    int scopeStep = managementScope(org, scope);
    if (scopeStep < 0) {
      ctx.blocked("access grant", "waits for the blocked management scope");
      return;
    }
    boolean orgWide = ctx.setup().scope() instanceof OrganizationScope;
    String scopeName = orgWide ? "" : ObjectNames.managementScope(ctx.setup());
    ApplicationImpersonation access = (ApplicationImpersonation) ctx.setup().access();
    String upn = principal.assigneeId().get();
    if (access.roleGroup().isPresent()) {
      roleGroup(access, upn, scopeName, principal, scopeStep, org);
      return;
    }
    String name = ObjectNames.roleAssignment(ctx.setup(), ApplicationImpersonation.ROLE, 1);
    assignment(name, ApplicationImpersonation.ROLE, upn, AssigneeType.USER,
        orgWide ? ScopeType.ORGANIZATION : ScopeType.MANAGEMENT_SCOPE, scopeName, deps(principal.ready(), scopeStep, org));
  }

  private void roleGroup(ApplicationImpersonation access, String upn, String scopeName, PrincipalSteps principal,
      int scopeStep, int org) {
    String name = access.roleGroup().get();
    String resource = "role group '" + name + "'";
    Observed<RoleGroup> existing = ctx.fromExchange(x -> x.findRoleGroup(name));
    if (existing.unknown()) {
      ctx.blocked(resource, existing.blockedReason("the role group"));
      return;
    }
    if (existing.absent()) {
      ctx.add(StepAction.CREATE, resource, "absent; roles " + access.roles() + " with write scope "
          + (scopeName.isEmpty() ? "Default (organization-wide)" : "'" + scopeName + "'") + ", member " + upn,
          new Operation.NewRoleGroup(name, access.roles(), List.of(upn), scopeName, ObjectNames.ownerMarker(ctx.setup())),
          deps(principal.ready(), scopeStep, org));
      return;
    }
    RoleGroup rg = existing.value();
    if (!rg.customRecipientWriteScope().equalsIgnoreCase(scopeName)) {
      ctx.blocked(resource, "exists with write scope " + (rg.customRecipientWriteScope().isEmpty() ? "Default (organization-wide, docs/diagnostics.md#d4)"
          : "'" + rg.customRecipientWriteScope() + "'") + " but the setup needs " + (scopeName.isEmpty() ? "Default" : "'" + scopeName + "'")
          + ": it is not changed automatically; use another role group name or fix it by hand");
      return;
    }
    boolean changed = false;
    for (String role : access.roles()) {
      if (rg.roles().stream().noneMatch(r -> r.equalsIgnoreCase(role))) {
        ctx.add(StepAction.CREATE, resource + " role " + role, "the role group lacks this role",
            new Operation.NewManagementRoleAssignment(role + "-" + name, role, name, AssigneeType.SECURITY_GROUP,
                scopeName.isEmpty() ? ScopeType.ORGANIZATION : ScopeType.MANAGEMENT_SCOPE, scopeName), deps(scopeStep, org));
        changed = true;
      }
    }
    if (rg.members().stream().noneMatch(m -> m.equalsIgnoreCase(upn))) {
      ctx.add(StepAction.ADD_MEMBERS, resource, "add " + upn + " as a member",
          new Operation.AddRoleGroupMember(name, upn), deps(principal.ready(), org));
      changed = true;
    }
    if (!changed) {
      ctx.noOp(resource, "has the roles, the write scope and the member");
    }
  }

  /** Plans one role assignment; returns its step (0 when it exists) or -1 when blocked. */
  private int assignment(String name, String role, String assignee, AssigneeType type, ScopeType scopeType, String scope,
      List<Integer> deps) {
    String resource = "role assignment '" + name + "'";
    Observed<List<RoleAssignment>> existing = PlanContext.readValueFrom(ctx.rbac(), x -> x.roleAssignments(assignee));
    if (existing.unknown()) {
      ctx.blocked(resource, existing.blockedReason("the role assignments of " + assignee));
      return -1;
    }
    for (RoleAssignment a : existing.value()) {
      if (a.role().equalsIgnoreCase(role) && a.isOrganizationWide() && scopeType != ScopeType.ORGANIZATION) {
        ctx.warn("An organization-wide assignment '" + a.name() + "' of " + role + " to " + assignee
            + " already exists, so the scope has no effect until you remove it (docs/diagnostics.md#d4). Not removed automatically: "
            + ScriptRenderer.render(Cmdlet.of("Remove-ManagementRoleAssignment").text("Identity", a.name())) + ".");
      }
    }
    Optional<RoleAssignment> same = existing.value().stream()
        .filter(a -> a.role().equalsIgnoreCase(role) && a.scopeType() == scopeType && a.scope().equalsIgnoreCase(scope))
        .findFirst();
    if (same.isPresent()) {
      ctx.noOp(resource, "exists" + (same.get().name().equalsIgnoreCase(name) ? "" : " as '" + same.get().name() + "'"));
      return 0;
    }
    if (existing.value().stream().anyMatch(a -> a.name().equalsIgnoreCase(name))) {
      ctx.blocked(resource, "an assignment with this name exists with another role or scope: remove it or set roleAssignmentName(...)");
      return -1;
    }
    return ctx.add(StepAction.CREATE, resource, role + " for " + assignee + switch (scopeType) {
          case ORGANIZATION -> " ORGANIZATION-WIDE";
          case ADMINISTRATIVE_UNIT -> " scoped to administrative unit " + scope;
          case RECIPIENT_GROUP -> " scoped to the direct members of group '" + scope + "' (-RecipientGroupScope)";
          case MANAGEMENT_SCOPE -> " scoped to '" + scope + "'";
        },
        new Operation.NewManagementRoleAssignment(name, role, assignee, type, scopeType, scope), deps);
  }

  void rbacForApplications(int org, PrincipalSteps principal, ScopeSteps scope) {
    if (AppAssignmentScope.byRecipientGroup(ctx.setup())) {
      rbacForApplicationsOverGroups(org, principal, scope);
      return;
    }
    int scopeStep = managementScope(org, scope);
    if (scopeStep < 0) {
      ctx.blocked("access grant", "waits for the blocked management scope");
      return;
    }
    AppAssignmentScope target = AppAssignmentScope.of(ctx.setup()).get(0);
    RbacForApplications access = (RbacForApplications) ctx.setup().access();
    List<String> roles = access.roles();
    List<Integer> assignments = new ArrayList<>();
    for (String role : roles) {
      assignments.add(assignment(ObjectNames.roleAssignment(ctx.setup(), role, roles.size()), role, principal.assigneeId().get(),
          AssigneeType.SERVICE_PRINCIPAL, target.type(), target.value(), administrativeUnitReady(deps(principal.ready(), scopeStep, org), scope)));
    }
    AccessPolicyReplacement.plan(ctx, access, principal, assignments);
  }

  /**
   * RBAC for Applications over groups on Exchange Online: one assignment per role and group with
   * {@code -RecipientGroupScope} (Graph: {@code /Groups/{id}}), no management scope and no DistinguishedName, so the
   * scope survives a tenant relocation (docs/group-scopes.md). An assignment of the role with the setup's management scope
   * (a {@code MemberOfGroup} DN filter made by an earlier version) still satisfies the role: it is kept, not duplicated.
   */
  private void rbacForApplicationsOverGroups(int org, PrincipalSteps principal, ScopeSteps scope) {
    RbacForApplications access = (RbacForApplications) ctx.setup().access();
    List<String> roles = access.roles();
    String sp = principal.assigneeId().get();
    String legacyScope = ObjectNames.managementScope(ctx.setup());
    Observed<List<RoleAssignment>> existing = PlanContext.readValueFrom(ctx.rbac(), x -> x.roleAssignments(sp));
    List<String> groups = scope.groups().stream().map(RecipientFilter.GroupReference::identity).toList();
    List<Integer> assignments = new ArrayList<>();
    if (existing.unknown()) {
      // Without the app's assignments the plan can tell neither a missing assignment nor one made by an earlier version.
      for (String role : roles) {
        for (int i = 0; i < groups.size(); i++) {
          assignments.add(ctx.blocked("role assignment '" + AppAssignmentScope.assignmentName(ctx.setup(), role, roles.size(), i, groups.size())
              + "'", existing.blockedReason("the role assignments of " + sp)));
        }
      }
      return;
    }
    for (String role : roles) {
      Optional<RoleAssignment> legacy = existing.present() ? existing.value().stream().filter(a -> a.role().equalsIgnoreCase(role)
          && a.scopeType() == ScopeType.MANAGEMENT_SCOPE && a.scope().equalsIgnoreCase(legacyScope)).findFirst() : Optional.empty();
      if (legacy.isPresent()) {
        ctx.noOp("role assignment '" + legacy.get().name() + "'", "exists with the management scope '" + legacyScope
            + "' (a MemberOfGroup filter made by an earlier version), which keeps granting " + role + "; -RecipientGroupScope "
            + "also survives a tenant relocation: to move to it, remove this assignment and plan again (docs/group-scopes.md)");
        assignments.add(0);
        continue;
      }
      for (int i = 0; i < groups.size(); i++) {
        List<Integer> deps = new ArrayList<>(scope.ready());
        deps.add(principal.ready());
        deps.add(org);
        assignments.add(assignment(AppAssignmentScope.assignmentName(ctx.setup(), role, roles.size(), i, groups.size()), role, sp,
            AssigneeType.SERVICE_PRINCIPAL, ScopeType.RECIPIENT_GROUP, groups.get(i), deps));
      }
    }
    AccessPolicyReplacement.plan(ctx, access, principal, assignments);
  }

  /** An administrative unit's member steps join a grant's dependencies: the grant waits until the unit is filled. */
  private List<Integer> administrativeUnitReady(List<Integer> deps, ScopeSteps scope) {
    if (!(ctx.setup().scope() instanceof AdministrativeUnitScope) || scope.ready().isEmpty()) {
      return deps;
    }
    List<Integer> all = new ArrayList<>(deps);
    all.addAll(scope.ready());
    return all;
  }
}
