package dev.impersonation.internal;

import static dev.impersonation.internal.PlanContext.deps;

import dev.impersonation.Access.ApplicationAccessPolicy;
import dev.impersonation.Principal.Application;
import dev.impersonation.Scope.GroupScope;
import dev.impersonation.plan.Step.StepAction;
import dev.impersonation.spi.AccessPolicy;
import dev.impersonation.spi.ApplicationPermissionGrant;
import dev.impersonation.spi.Operation;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * Plans an application access policy (legacy) restricting the app to the scope group's members and, when the setup
 * names Microsoft Graph permissions, their tenant-wide consent, granted only once the policy has had time to become
 * effective.
 */
final class AccessPolicyPlanner {
  /** How long a new application access policy is given to become effective before consent is granted (docs/rbac-for-applications.md). */
  static final Duration ACCESS_POLICY_SETTLE = Duration.ofHours(2);

  private final PlanContext ctx;

  AccessPolicyPlanner(PlanContext ctx) {
    this.ctx = ctx;
  }

  void plan(int org, PrincipalSteps principal, ScopeSteps scope) {
    Application app = (Application) ctx.setup().principal();
    ApplicationAccessPolicy policy = (ApplicationAccessPolicy) ctx.setup().access();
    String resource = "application access policy for " + app.appId();
    Observed<List<AccessPolicy>> existing = ctx.valueFromExchange(x -> x.accessPolicies(app.appId()));
    if (existing.unknown()) {
      ctx.blocked(resource, existing.blockedReason("the access policies"));
      if (!policy.graphPermissions().isEmpty()) {
        ctx.blocked("tenant-wide consent of " + app.appId(), "waits for the blocked access policy: consent is granted only after the policy exists");
      }
      return;
    }
    GroupScope group = (GroupScope) ctx.setup().scope();
    Supplier<Boolean> matches = () -> existing.value().stream().anyMatch(p ->
        p.accessRight().equalsIgnoreCase(policy.accessRight().cmdletValue())
            && (p.scopeGroup().equalsIgnoreCase(scope.policyGroup()) || p.scopeGroup().equalsIgnoreCase(group.name())
            || group.primarySmtpAddress().map(a -> a.equalsIgnoreCase(p.scopeGroup())).orElse(false)));
    int policyStep = 0;
    if (matches.get()) {
      ctx.noOp(resource, policy.accessRight().cmdletValue() + " to '" + group.name() + "' exists");
    } else {
      List<Integer> deps = new ArrayList<>(scope.ready());
      deps.add(org);
      policyStep = ctx.add(StepAction.CREATE, resource, policy.accessRight().cmdletValue() + " to the members of '" + group.name() + "'",
          new Operation.NewApplicationAccessPolicy(app.appId(), scope.policyGroup(), policy.accessRight().cmdletValue(),
              ObjectNames.ownerMarker(ctx.setup())), deps);
    }
    if (!policy.graphPermissions().isEmpty()) {
      Optional<Instant> created = existing.value().stream().map(AccessPolicy::createdAt)
          .filter(Objects::nonNull).max(Instant::compareTo);
      grantConsent(app, policy, policyStep, principal, created);
    }
  }

  /**
   * The Microsoft Graph application permissions an access policy restricts: the app must have them (tenant-wide admin
   * consent). Granted after the policy step, so the restriction exists before the consent does.
   */
  private void grantConsent(Application app, ApplicationAccessPolicy policy, int policyStep, PrincipalSteps principal,
      Optional<Instant> policyCreated) {
    String resource = "tenant-wide consent of " + app.appId();
    Observed<List<ApplicationPermissionGrant>> consent = ctx.consent().grants();
    if (consent.unknown()) {
      ctx.blocked(resource, consent.blockedReason("the app's tenant-wide consent"));
      return;
    }
    List<String> missing = policy.graphPermissions().stream().filter(p -> consent.value().stream()
        .noneMatch(g -> g.resource().equalsIgnoreCase("Microsoft Graph") && g.permission().equalsIgnoreCase(p))).toList();
    if (missing.isEmpty()) {
      ctx.noOp(resource, "Microsoft Graph " + String.join(", ", policy.graphPermissions()) + " already granted");
      return;
    }
    // A new policy takes more than an hour to become effective (docs/rbac-for-applications.md): wait for it before granting, so the
    // consent is never wider than the policy allows.
    int settled = policyStep;
    Instant now = ctx.connection().clock().instant();
    boolean young = policyStep > 0 || policyCreated.map(t -> t.plus(ACCESS_POLICY_SETTLE).isAfter(now)).orElse(false);
    if (young) {
      settled = ctx.add(StepAction.PREREQUISITE, "application access policy for " + app.appId(), "wait until the policy has had "
          + Table.duration(ACCESS_POLICY_SETTLE) + " to become effective before consent is granted (docs/diagnostics.md#d12)",
          new Operation.AwaitAccessPolicy(app.appId(), ACCESS_POLICY_SETTLE), deps(policyStep));
    }
    ctx.add(StepAction.CREATE, resource, "grant tenant-wide consent Microsoft Graph " + String.join(", ", missing)
        + " once the access policy is effective, so the app never holds the permissions beyond the members of '"
        + ((GroupScope) ctx.setup().scope()).name() + "'",
        new Operation.GrantApplicationPermissions(app.appId(), ctx.consent().servicePrincipalId(), missing), deps(settled, principal.ready()));
    ctx.warn("Access policies are known to take longer than " + Table.duration(ACCESS_POLICY_SETTLE) + " at times (reports "
        + "speak of days, docs/diagnostics.md#d12): verify with awaitVerification(...) that the outsider is denied before relying on the restriction.");
  }
}
