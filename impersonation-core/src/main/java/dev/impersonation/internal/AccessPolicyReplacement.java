package dev.impersonation.internal;

import dev.impersonation.Access.RbacForApplications;
import dev.impersonation.Principal.Application;
import dev.impersonation.Scope.GroupScope;
import dev.impersonation.plan.Step.StepAction;
import dev.impersonation.powershell.Cmdlet;
import dev.impersonation.powershell.ScriptRenderer;
import dev.impersonation.spi.AccessPolicy;
import dev.impersonation.spi.Operation;
import java.util.ArrayList;
import java.util.List;

/**
 * What follows RBAC for Applications' role assignments when the setup removes what they replace (docs/migration.md):
 * with {@link RbacForApplications#replaceAccessPolicies()}, a gate that waits for the assignments to become effective
 * and confirms every direct member of the scope group is in scope, then the consent's revocation, then the app's
 * RestrictAccess policies' removal, each waiting for the one before. DenyAccess policies are reported and kept. With
 * {@link RbacForApplications#removeTenantWideConsent()} alone, the consent goes after the assignments.
 */
final class AccessPolicyReplacement {
  private static final String RESTRICT = "RestrictAccess";

  private AccessPolicyReplacement() {}

  static void plan(PlanContext ctx, RbacForApplications access, PrincipalSteps principal, List<Integer> assignments) {
    if (!access.replaceAccessPolicies()) {
      if (access.removeTenantWideConsent()) {
        TenantWideConsent.revoke(ctx, assignments);
      }
      return;
    }
    Application app = (Application) ctx.setup().principal();
    GroupScope group = (GroupScope) ctx.setup().scope();
    String gate = "confirmation of RBAC for Applications over '" + group.name() + "'";
    Observed<List<AccessPolicy>> policies = ctx.valueFromExchange(x -> x.accessPolicies(app.appId()));
    Observed<List<dev.impersonation.spi.ApplicationPermissionGrant>> consent = ctx.consent().grants();
    boolean nothingLeft = policies.present() && consent.present()
        && policies.value().stream().noneMatch(p -> p.accessRight().equalsIgnoreCase(RESTRICT))
        && consent.value().stream().noneMatch(TenantWideConsent::revocable);
    int confirm;
    if (nothingLeft) {
      ctx.noOp(gate, "nothing left to remove: the app has no RestrictAccess policy and no mailbox-related tenant-wide consent");
      confirm = 0;
    } else if (assignments.contains(-1)) {
      ctx.blocked(gate, "waits for the blocked role assignments: nothing is removed before they exist");
      confirm = -1;
    } else {
      java.time.Duration settle = settle(ctx, access, principal, assignments);
      List<Integer> deps = new ArrayList<>(assignments);
      deps.add(principal.ready());
      confirm = ctx.add(StepAction.PREREQUISITE, gate, "before anything is removed: " + (settle.isZero() ? ""
          : "wait until the role assignments are " + Table.duration(settle) + " old (the RBAC cache, "
          + "docs/rbac-for-applications.md#behaviour), then ") + "check with "
          + "Test-ServicePrincipalAuthorization that every direct member of '" + group.name() + "' is in scope for "
          + String.join(", ", access.roles()) + "; the run stops here if one is not",
          new Operation.ConfirmRbacForApplications(app.appId(), principal.assigneeId().orElseThrow(), access.roles(), group.name(),
              settle), deps);
    }
    int revoked = -1;
    if (confirm < 0) {
      ctx.blocked("tenant-wide consent of " + app.appId(), "waits for the blocked confirmation: consent goes only after it");
    } else {
      revoked = TenantWideConsent.revoke(ctx, List.of(confirm));
    }
    removePolicies(ctx, app, policies, revoked < 0 ? -1 : revoked > 0 ? revoked : confirm);
  }

  /**
   * The wait the gate needs: the RBAC window, or none when every assignment existed before this plan and is older than
   * the window (an unread age counts as young).
   */
  private static java.time.Duration settle(PlanContext ctx, RbacForApplications access, PrincipalSteps principal,
      List<Integer> assignments) {
    java.time.Duration window = ctx.setup().propagationWindows().rbacForApplications();
    if (assignments.stream().anyMatch(a -> a != 0)) {
      return window;
    }
    Observed<List<dev.impersonation.spi.RoleAssignment>> existing = PlanContext.readValueFrom(ctx.rbac(),
        x -> x.roleAssignments(principal.assigneeId().orElseThrow()));
    if (!existing.present()) {
      return window;
    }
    List<java.time.Instant> created = existing.value().stream()
        .filter(a -> access.roles().stream().anyMatch(r -> r.equalsIgnoreCase(a.role()))).map(a -> a.createdAt()).toList();
    boolean old = !created.isEmpty() && created.stream().allMatch(t -> t != null
        && !t.plus(window).isAfter(ctx.connection().clock().instant()));
    return old ? java.time.Duration.ZERO : window;
  }

  private static void removePolicies(PlanContext ctx, Application app, Observed<List<AccessPolicy>> policies, int after) {
    String resource = "access policies of " + app.appId();
    if (policies.unknown()) {
      ctx.blocked(resource, policies.blockedReason("the app's access policies"));
      return;
    }
    List<AccessPolicy> restrict = policies.value().stream().filter(p -> p.accessRight().equalsIgnoreCase(RESTRICT)).toList();
    for (AccessPolicy deny : policies.value().stream().filter(p -> !p.accessRight().equalsIgnoreCase(RESTRICT)).toList()) {
      ctx.warn("The " + deny.accessRight() + " policy '" + deny.identity() + "' of app " + app.appId() + " on '" + deny.scopeGroup()
          + "' is kept: RBAC for Applications has no deny, and removing it is not part of this migration. It narrows only "
          + "the consent this plan removes; remove it yourself once it is no longer needed: "
          + ScriptRenderer.render(Cmdlet.of("Remove-ApplicationAccessPolicy").text("Identity", deny.identity())) + ".");
    }
    if (restrict.isEmpty()) {
      ctx.noOp(resource, "the app has no RestrictAccess policy left to remove");
      return;
    }
    for (AccessPolicy p : restrict) {
      if (after < 0) {
        ctx.blocked("access policy '" + p.identity() + "'", "waits for the blocked steps above: a policy goes only after the consent");
        continue;
      }
      ctx.add(StepAction.REVOKE, "access policy '" + p.identity() + "'", "REMOVES the RestrictAccess policy on '" + p.scopeGroup()
          + "' that RBAC for Applications replaces (replacingAccessPolicies was declared; after the confirmation and the "
          + "consent, as Microsoft's migration recipe orders it; removal takes up to 30 minutes to be effective)",
          new Operation.RemoveApplicationAccessPolicy(p.identity(), app.appId(), p.scopeGroup()), List.of(after));
    }
  }
}
