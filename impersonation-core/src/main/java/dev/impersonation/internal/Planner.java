package dev.impersonation.internal;

import dev.impersonation.AccessMethod;
import dev.impersonation.AdministrativeUnitScope;
import dev.impersonation.Application;
import dev.impersonation.ApplicationAccessPolicy;
import dev.impersonation.ApplicationImpersonation;
import dev.impersonation.GroupScope;
import dev.impersonation.ImpersonationSetup;
import dev.impersonation.MailboxListScope;
import dev.impersonation.OrganizationScope;
import dev.impersonation.RbacForApplications;
import dev.impersonation.RecipientFilterScope;
import dev.impersonation.plan.Plan;
import dev.impersonation.plan.Step;
import dev.impersonation.plan.StepAction;
import dev.impersonation.powershell.Cmdlet;
import dev.impersonation.powershell.ScriptRenderer;
import dev.impersonation.spi.ApplicationPermissionGrant;
import dev.impersonation.spi.AssigneeType;
import dev.impersonation.spi.ExchangeBackend;
import dev.impersonation.spi.ExchangeRbacReader;
import dev.impersonation.spi.ManagementScope;
import dev.impersonation.spi.Operation;
import dev.impersonation.spi.RecipientFilter;
import dev.impersonation.spi.RoleAssignment;
import dev.impersonation.spi.RoleGroup;
import dev.impersonation.spi.ScopeType;
import dev.impersonation.spi.TenantConnection;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads the tenant through the connection's backends and diffs it against the setup. Every read that fails makes
 * the dependent step BLOCKED; nothing is written here.
 */
public final class Planner {
  private static final Logger LOG = LoggerFactory.getLogger(Planner.class);
  /** How long a new application access policy is given to become effective before consent is granted (docs/rbac-for-applications.md). */
  static final java.time.Duration ACCESS_POLICY_SETTLE = java.time.Duration.ofHours(2);

  private final ImpersonationSetup setup;
  /** What the concerns of this plan share: the connection, its backends, the steps and warnings so far. */
  private final PlanContext ctx;
  private final TenantConnection connection;
  private final Optional<ExchangeRbacReader> rbac;
  private final boolean rbacThroughGraph;
  private final List<Step> steps;
  private final List<String> warnings;

  private Planner(PlanContext ctx) {
    this.ctx = ctx;
    this.setup = ctx.setup();
    this.connection = ctx.connection();
    this.rbac = ctx.rbac();
    this.rbacThroughGraph = ctx.rbacThroughGraph();
    this.steps = ctx.steps();
    this.warnings = ctx.warnings();
  }

  /** Plans {@code setup} against the tenant behind {@code connection}. */
  public static Plan plan(ImpersonationSetup setup, TenantConnection connection) {
    return plan(setup, connection, dev.impersonation.plan.ProgressListener.none());
  }

  /** Plans {@code setup}, reporting each phase of reading the tenant to {@code listener} as INFO events. */
  public static Plan plan(ImpersonationSetup setup, TenantConnection connection, dev.impersonation.plan.ProgressListener listener) {
    if (!connection.target().equals(setup.target())) {
      throw new dev.impersonation.InvalidSetupException("The setup targets " + setup.target() + " but the connection is for "
          + connection.target() + ": use a connection to the same tenant.");
    }
    Planner planner = new Planner(new PlanContext(setup, connection, listener));
    planner.run();
    planner.info("planned " + planner.steps.size() + " step(s), " + planner.steps.stream()
        .filter(s -> s.action() == StepAction.BLOCKED).count() + " blocked");
    Plan plan = new Plan(setup.name(), setup.target(), setup.principal().displayIdentity(), setup.scope().describe(),
        setup.access().describe(), planner.steps, planner.warnings, connection.clock().instant(), ScriptVerifications.of(setup));
    LOG.debug("Planned '{}': {} steps, {} blocked", setup.name(), plan.steps().size(), plan.blockedSteps().size());
    return plan;
  }

  // ---------------------------------------------------------------- reads

  private static <S, T> Observed<T> readFrom(Optional<S> source, java.util.function.Function<S, Optional<T>> read) {
    return PlanContext.readFrom(source, read);
  }

  private static <S, T> Observed<T> readValueFrom(Optional<S> source, java.util.function.Function<S, T> read) {
    return PlanContext.readValueFrom(source, read);
  }

  private <T> Observed<T> fromExchange(java.util.function.Function<ExchangeBackend, Optional<T>> read) {
    return ctx.fromExchange(read);
  }

  private <T> Observed<T> valueFromExchange(java.util.function.Function<ExchangeBackend, T> read) {
    return ctx.valueFromExchange(read);
  }

  // ---------------------------------------------------------------- steps

  private int add(StepAction action, String resource, String reason, Operation op, List<Integer> deps) {
    return ctx.add(action, resource, reason, op, deps);
  }

  private int noOp(String resource, String reason) {
    return ctx.noOp(resource, reason);
  }

  private int blocked(String resource, String reason) {
    return ctx.blocked(resource, reason);
  }

  private static List<Integer> deps(Integer... numbers) {
    return PlanContext.deps(numbers);
  }

  // ---------------------------------------------------------------- the plan

  private void run() {
    AccessMethod method = setup.access().method();
    if (setup.scope() instanceof OrganizationScope) {
      warnings.add("ORGANIZATION-WIDE ACCESS: " + setup.principal().displayIdentity()
          + " will reach every mailbox in " + setup.target().domain() + ", including executives' and HR's (acknowledged).");
    }
    if (method == AccessMethod.APPLICATION_ACCESS_POLICY) {
      warnings.add("Application access policies are legacy; Microsoft advises RBAC for Applications for new setups. "
          + "A policy takes more than an hour to become effective.");
    }
    if (method == AccessMethod.FULL_ACCESS_DELEGATION) {
      warnings.add("FullAccess exposes private items, and Exchange allows at most 500 permission entries per mailbox.");
    }
    info("reading the organization");
    int org = OrganizationCustomization.plan(ctx);
    info("reading the principal " + setup.principal().displayIdentity());
    PrincipalSteps principal = new PrincipalPlanner(ctx).plan(org);
    info("reading the scope: " + setup.scope().describe());
    ScopeSteps scope = scope(method, principal);
    info("reading the grants: " + setup.access().describe());
    grant(method, org, principal, scope);
  }

  private void info(String message) {
    ctx.info(message);
  }

  // ---------------------------------------------------------------- scope

  /**
   * The scope by kind. An organization or recipient filter scope has no steps of its own: the grant's management scope
   * (or none, organization-wide) carries it.
   */
  private ScopeSteps scope(AccessMethod method, PrincipalSteps principal) {
    if (setup.scope() instanceof GroupScope group) {
      return new GroupScopePlanner(ctx, group, principal).plan();
    } else if (setup.scope() instanceof MailboxListScope list) {
      return MailboxListPlanner.plan(ctx, list.mailboxes());
    } else if (setup.scope() instanceof AdministrativeUnitScope au) {
      return new AdministrativeUnitPlanner(ctx).plan(au);
    }
    return ScopeSteps.none(true);
  }

  private static String preview(List<String> values) {
    return PlanContext.preview(values);
  }

  // ---------------------------------------------------------------- grants

  private void grant(AccessMethod method, int org, PrincipalSteps principal, ScopeSteps scope) {
    if (!scope.ok() || !principal.resolvable() || principal.assigneeId().isEmpty()) {
      blocked("access grant", "waits for the blocked steps above");
      return;
    }
    switch (method) {
      case APPLICATION_IMPERSONATION -> impersonation(org, principal, scope);
      case RBAC_FOR_APPLICATIONS -> rbacForApplications(org, principal, scope);
      case APPLICATION_ACCESS_POLICY -> accessPolicy(org, principal, scope);
      case FULL_ACCESS_DELEGATION -> fullAccess(principal, scope);
    }
  }

  /** The management scope for filter-based scopes; returns its step (0 when none is needed) or -1 when blocked. */
  private int managementScope(int org, ScopeSteps scope) {
    RecipientFilter filter;
    if (setup.scope() instanceof GroupScope) {
      filter = new RecipientFilter.MemberOfGroups(scope.groups());
    } else if (setup.scope() instanceof RecipientFilterScope f) {
      filter = new RecipientFilter.Custom(f.filter());
    } else {
      return 0;
    }
    String name = ObjectNames.managementScope(setup);
    String resource = "management scope '" + name + "'";
    if (rbacThroughGraph && filter.needsResolution()) {
      blocked(resource, "a MemberOfGroup filter needs the group's Exchange DistinguishedName, which Microsoft Graph cannot "
          + "read: add an Exchange backend (impersonation-powershell), or scope by an administrative unit "
          + "(Scope.administrativeUnit(id)), which Graph can assign to");
      return -1;
    }
    Observed<ManagementScope> existing = readFrom(rbac, x -> x.findManagementScope(name));
    if (existing.unknown()) {
      blocked(resource, existing.blockedReason("the management scope"));
      return -1;
    }
    if (existing.present()) {
      if (!filter.needsResolution() && RecipientFilter.equivalent(existing.value().recipientFilter(), filter.toOpath(g -> "")) ) {
        noOp(resource, "exists with the same filter");
        return 0;
      }
      blocked(resource, "exists with filter " + existing.value().recipientFilter() + " but the setup needs "
          + (filter.needsResolution() ? "the DN of a group this plan creates" : filter.toOpath(g -> ""))
          + " (a stale DN? docs/diagnostics.md#d5). It is not changed automatically because other assignments may use it: fix or remove it, "
          + "or give the setup another managementScopeName(...)");
      return -1;
    }
    List<Integer> deps = new ArrayList<>(scope.ready());
    deps.add(org);
    return add(StepAction.CREATE, resource, "absent; restricts the grant to " + setup.scope().describe(),
        new Operation.NewManagementScope(name, filter), deps);
  }

  private void impersonation(int org, PrincipalSteps principal, ScopeSteps scope) {
    int scopeStep = managementScope(org, scope);
    if (scopeStep < 0) {
      blocked("access grant", "waits for the blocked management scope");
      return;
    }
    boolean orgWide = setup.scope() instanceof OrganizationScope;
    String scopeName = orgWide ? "" : ObjectNames.managementScope(setup);
    ApplicationImpersonation access = (ApplicationImpersonation) setup.access();
    String upn = principal.assigneeId().get();
    if (access.roleGroup().isPresent()) {
      roleGroup(access, upn, scopeName, principal, scopeStep, org);
      return;
    }
    String name = ObjectNames.roleAssignment(setup, ApplicationImpersonation.ROLE, 1);
    assignment(name, ApplicationImpersonation.ROLE, upn, AssigneeType.USER,
        orgWide ? ScopeType.ORGANIZATION : ScopeType.MANAGEMENT_SCOPE, scopeName, deps(principal.ready(), scopeStep, org));
  }

  private void roleGroup(ApplicationImpersonation access, String upn, String scopeName, PrincipalSteps principal,
      int scopeStep, int org) {
    String name = access.roleGroup().get();
    String resource = "role group '" + name + "'";
    Observed<RoleGroup> existing = fromExchange(x -> x.findRoleGroup(name));
    if (existing.unknown()) {
      blocked(resource, existing.blockedReason("the role group"));
      return;
    }
    if (existing.absent()) {
      add(StepAction.CREATE, resource, "absent; roles " + access.roles() + " with write scope "
          + (scopeName.isEmpty() ? "Default (organization-wide)" : "'" + scopeName + "'") + ", member " + upn,
          new Operation.NewRoleGroup(name, access.roles(), List.of(upn), scopeName, ObjectNames.ownerMarker(setup)),
          deps(principal.ready(), scopeStep, org));
      return;
    }
    RoleGroup rg = existing.value();
    if (!rg.customRecipientWriteScope().equalsIgnoreCase(scopeName)) {
      blocked(resource, "exists with write scope " + (rg.customRecipientWriteScope().isEmpty() ? "Default (organization-wide, docs/diagnostics.md#d4)"
          : "'" + rg.customRecipientWriteScope() + "'") + " but the setup needs " + (scopeName.isEmpty() ? "Default" : "'" + scopeName + "'")
          + ": it is not changed automatically; use another role group name or fix it by hand");
      return;
    }
    boolean changed = false;
    for (String role : access.roles()) {
      if (rg.roles().stream().noneMatch(r -> r.equalsIgnoreCase(role))) {
        add(StepAction.CREATE, resource + " role " + role, "the role group lacks this role",
            new Operation.NewManagementRoleAssignment(role + "-" + name, role, name, AssigneeType.SECURITY_GROUP,
                scopeName.isEmpty() ? ScopeType.ORGANIZATION : ScopeType.MANAGEMENT_SCOPE, scopeName), deps(scopeStep, org));
        changed = true;
      }
    }
    if (rg.members().stream().noneMatch(m -> m.equalsIgnoreCase(upn))) {
      add(StepAction.ADD_MEMBERS, resource, "add " + upn + " as a member",
          new Operation.AddRoleGroupMember(name, upn), deps(principal.ready(), org));
      changed = true;
    }
    if (!changed) {
      noOp(resource, "has the roles, the write scope and the member");
    }
  }

  /** Plans one role assignment; returns its step (0 when it exists) or -1 when blocked. */
  private int assignment(String name, String role, String assignee, AssigneeType type, ScopeType scopeType, String scope,
      List<Integer> deps) {
    String resource = "role assignment '" + name + "'";
    Observed<List<RoleAssignment>> existing = readValueFrom(rbac, x -> x.roleAssignments(assignee));
    if (existing.unknown()) {
      blocked(resource, existing.blockedReason("the role assignments of " + assignee));
      return -1;
    }
    for (RoleAssignment a : existing.value()) {
      if (a.role().equalsIgnoreCase(role) && a.isOrganizationWide() && scopeType != ScopeType.ORGANIZATION) {
        warnings.add("An organization-wide assignment '" + a.name() + "' of " + role + " to " + assignee
            + " already exists, so the scope has no effect until you remove it (docs/diagnostics.md#d4). Not removed automatically: "
            + ScriptRenderer.render(Cmdlet.of("Remove-ManagementRoleAssignment").text("Identity", a.name())) + ".");
      }
    }
    Optional<RoleAssignment> same = existing.value().stream()
        .filter(a -> a.role().equalsIgnoreCase(role) && a.scopeType() == scopeType && a.scope().equalsIgnoreCase(scope))
        .findFirst();
    if (same.isPresent()) {
      noOp(resource, "exists" + (same.get().name().equalsIgnoreCase(name) ? "" : " as '" + same.get().name() + "'"));
      return 0;
    }
    if (existing.value().stream().anyMatch(a -> a.name().equalsIgnoreCase(name))) {
      blocked(resource, "an assignment with this name exists with another role or scope: remove it or set roleAssignmentName(...)");
      return -1;
    }
    return add(StepAction.CREATE, resource, role + " for " + assignee + switch (scopeType) {
          case ORGANIZATION -> " ORGANIZATION-WIDE";
          case ADMINISTRATIVE_UNIT -> " scoped to administrative unit " + scope;
          case RECIPIENT_GROUP -> " scoped to the direct members of group '" + scope + "' (-RecipientGroupScope)";
          case MANAGEMENT_SCOPE -> " scoped to '" + scope + "'";
        },
        new Operation.NewManagementRoleAssignment(name, role, assignee, type, scopeType, scope), deps);
  }

  private void rbacForApplications(int org, PrincipalSteps principal, ScopeSteps scope) {
    if (AppAssignmentScope.byRecipientGroup(setup)) {
      rbacForApplicationsOverGroups(org, principal, scope);
      return;
    }
    int scopeStep = managementScope(org, scope);
    if (scopeStep < 0) {
      blocked("access grant", "waits for the blocked management scope");
      return;
    }
    AppAssignmentScope target = AppAssignmentScope.of(setup).get(0);
    RbacForApplications access = (RbacForApplications) setup.access();
    List<String> roles = access.roles();
    List<Integer> assignments = new ArrayList<>();
    for (String role : roles) {
      assignments.add(assignment(ObjectNames.roleAssignment(setup, role, roles.size()), role, principal.assigneeId().get(),
          AssigneeType.SERVICE_PRINCIPAL, target.type(), target.value(), administrativeUnitReady(deps(principal.ready(), scopeStep, org), scope)));
    }
    if (access.removeTenantWideConsent()) {
      TenantWideConsent.revoke(ctx, assignments);
    }
  }

  /**
   * RBAC for Applications over groups on Exchange Online: one assignment per role and group with
   * {@code -RecipientGroupScope} (Graph: {@code /Groups/{id}}), no management scope and no DistinguishedName, so the
   * scope survives a tenant relocation (docs/group-scopes.md). An assignment of the role with the setup's management scope
   * (a {@code MemberOfGroup} DN filter made by an earlier version) still satisfies the role: it is kept, not duplicated.
   */
  private void rbacForApplicationsOverGroups(int org, PrincipalSteps principal, ScopeSteps scope) {
    RbacForApplications access = (RbacForApplications) setup.access();
    List<String> roles = access.roles();
    String sp = principal.assigneeId().get();
    String legacyScope = ObjectNames.managementScope(setup);
    Observed<List<RoleAssignment>> existing = readValueFrom(rbac, x -> x.roleAssignments(sp));
    List<String> groups = scope.groups().stream().map(RecipientFilter.GroupReference::identity).toList();
    List<Integer> assignments = new ArrayList<>();
    if (existing.unknown()) {
      // Without the app's assignments the plan can tell neither a missing assignment nor one made by an earlier version.
      for (String role : roles) {
        for (int i = 0; i < groups.size(); i++) {
          assignments.add(blocked("role assignment '" + AppAssignmentScope.assignmentName(setup, role, roles.size(), i, groups.size())
              + "'", existing.blockedReason("the role assignments of " + sp)));
        }
      }
      return;
    }
    for (String role : roles) {
      Optional<RoleAssignment> legacy = existing.present() ? existing.value().stream().filter(a -> a.role().equalsIgnoreCase(role)
          && a.scopeType() == ScopeType.MANAGEMENT_SCOPE && a.scope().equalsIgnoreCase(legacyScope)).findFirst() : Optional.empty();
      if (legacy.isPresent()) {
        noOp("role assignment '" + legacy.get().name() + "'", "exists with the management scope '" + legacyScope
            + "' (a MemberOfGroup filter made by an earlier version), which keeps granting " + role + "; -RecipientGroupScope "
            + "also survives a tenant relocation: to move to it, remove this assignment and plan again (docs/group-scopes.md)");
        assignments.add(0);
        continue;
      }
      for (int i = 0; i < groups.size(); i++) {
        List<Integer> deps = new ArrayList<>(scope.ready());
        deps.add(principal.ready());
        deps.add(org);
        assignments.add(assignment(AppAssignmentScope.assignmentName(setup, role, roles.size(), i, groups.size()), role, sp,
            AssigneeType.SERVICE_PRINCIPAL, ScopeType.RECIPIENT_GROUP, groups.get(i), deps));
      }
    }
    if (access.removeTenantWideConsent()) {
      TenantWideConsent.revoke(ctx, assignments);
    }
  }

  /** An administrative unit's member steps join a grant's dependencies: the grant waits until the unit is filled. */
  private List<Integer> administrativeUnitReady(List<Integer> deps, ScopeSteps scope) {
    if (!(setup.scope() instanceof AdministrativeUnitScope) || scope.ready().isEmpty()) {
      return deps;
    }
    List<Integer> all = new ArrayList<>(deps);
    all.addAll(scope.ready());
    return all;
  }

  private void accessPolicy(int org, PrincipalSteps principal, ScopeSteps scope) {
    Application app = (Application) setup.principal();
    ApplicationAccessPolicy policy = (ApplicationAccessPolicy) setup.access();
    String resource = "application access policy for " + app.appId();
    Observed<List<dev.impersonation.spi.AccessPolicy>> existing = valueFromExchange(x -> x.accessPolicies(app.appId()));
    if (existing.unknown()) {
      blocked(resource, existing.blockedReason("the access policies"));
      if (!policy.graphPermissions().isEmpty()) {
        blocked("tenant-wide consent of " + app.appId(), "waits for the blocked access policy: consent is granted only after the policy exists");
      }
      return;
    }
    GroupScope group = (GroupScope) setup.scope();
    Supplier<Boolean> matches = () -> existing.value().stream().anyMatch(p ->
        p.accessRight().equalsIgnoreCase(policy.accessRight().cmdletValue())
            && (p.scopeGroup().equalsIgnoreCase(scope.policyGroup()) || p.scopeGroup().equalsIgnoreCase(group.name())
            || group.primarySmtpAddress().map(a -> a.equalsIgnoreCase(p.scopeGroup())).orElse(false)));
    int policyStep = 0;
    if (matches.get()) {
      noOp(resource, policy.accessRight().cmdletValue() + " to '" + group.name() + "' exists");
    } else {
      List<Integer> deps = new ArrayList<>(scope.ready());
      deps.add(org);
      policyStep = add(StepAction.CREATE, resource, policy.accessRight().cmdletValue() + " to the members of '" + group.name() + "'",
          new Operation.NewApplicationAccessPolicy(app.appId(), scope.policyGroup(), policy.accessRight().cmdletValue(),
              ObjectNames.ownerMarker(setup)), deps);
    }
    if (!policy.graphPermissions().isEmpty()) {
      java.util.Optional<java.time.Instant> created = existing.value().stream().map(dev.impersonation.spi.AccessPolicy::createdAt)
          .filter(java.util.Objects::nonNull).max(java.time.Instant::compareTo);
      grantConsent(app, policy, policyStep, principal, created);
    }
  }

  /**
   * The Microsoft Graph application permissions an access policy restricts: the app must have them (tenant-wide admin
   * consent). Granted after the policy step, so the restriction exists before the consent does.
   */
  private void grantConsent(Application app, ApplicationAccessPolicy policy, int policyStep, PrincipalSteps principal,
      java.util.Optional<java.time.Instant> policyCreated) {
    String resource = "tenant-wide consent of " + app.appId();
    Observed<List<ApplicationPermissionGrant>> consent = ctx.consent().grants();
    if (consent.unknown()) {
      blocked(resource, consent.blockedReason("the app's tenant-wide consent"));
      return;
    }
    List<String> missing = policy.graphPermissions().stream().filter(p -> consent.value().stream()
        .noneMatch(g -> g.resource().equalsIgnoreCase("Microsoft Graph") && g.permission().equalsIgnoreCase(p))).toList();
    if (missing.isEmpty()) {
      noOp(resource, "Microsoft Graph " + String.join(", ", policy.graphPermissions()) + " already granted");
      return;
    }
    // A new policy takes more than an hour to become effective (docs/rbac-for-applications.md): wait for it before granting, so the
    // consent is never wider than the policy allows.
    int settled = policyStep;
    java.time.Instant now = connection.clock().instant();
    boolean young = policyStep > 0 || policyCreated.map(t -> t.plus(ACCESS_POLICY_SETTLE).isAfter(now)).orElse(false);
    if (young) {
      settled = add(StepAction.PREREQUISITE, "application access policy for " + app.appId(), "wait until the policy has had "
          + Table.duration(ACCESS_POLICY_SETTLE) + " to become effective before consent is granted (docs/diagnostics.md#d12)",
          new Operation.AwaitAccessPolicy(app.appId(), ACCESS_POLICY_SETTLE), deps(policyStep));
    }
    add(StepAction.CREATE, resource, "grant tenant-wide consent Microsoft Graph " + String.join(", ", missing)
        + " once the access policy is effective, so the app never holds the permissions beyond the members of '"
        + ((GroupScope) setup.scope()).name() + "'",
        new Operation.GrantApplicationPermissions(app.appId(), ctx.consent().servicePrincipalId(), missing), deps(settled, principal.ready()));
    warnings.add("Access policies are known to take longer than " + Table.duration(ACCESS_POLICY_SETTLE) + " at times (reports "
        + "speak of days, docs/diagnostics.md#d12): verify with awaitVerification(...) that the outsider is denied before relying on the restriction.");
  }

  private void fullAccess(PrincipalSteps principal, ScopeSteps scope) {
    String user = principal.assigneeId().get();
    String resource = "FullAccess for " + user;
    List<String> missing = new ArrayList<>();
    List<String> unreadable = new ArrayList<>();
    for (String mailbox : scope.mailboxes()) {
      if (mailbox.equalsIgnoreCase(user)) {
        continue;
      }
      Observed<List<dev.impersonation.spi.MailboxPermission>> perms = valueFromExchange(x -> x.mailboxPermissions(mailbox));
      if (perms.unknown()) {
        unreadable.add(mailbox + " (" + perms.error() + ")");
      } else if (perms.value().stream().noneMatch(p -> p.user().equalsIgnoreCase(user) && !p.deny()
          && p.accessRights().stream().anyMatch(r -> r.equalsIgnoreCase("FullAccess")))) {
        missing.add(mailbox);
      }
    }
    if (!unreadable.isEmpty()) {
      blocked(resource, "could not read the permissions of " + unreadable + "; plan again");
      return;
    }
    if (missing.isEmpty()) {
      noOp(resource, "granted on all " + scope.mailboxes().size() + " mailbox(es)");
      return;
    }
    List<Integer> deps = new ArrayList<>(scope.ready());
    deps.add(principal.ready());
    add(StepAction.ADD_MEMBERS, resource, "grant FullAccess (AutoMapping off) on " + missing.size() + " mailbox(es): "
        + preview(missing), new Operation.AddMailboxPermissions(user, missing), deps);
  }
}
