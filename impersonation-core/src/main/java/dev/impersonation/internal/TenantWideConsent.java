package dev.impersonation.internal;

import dev.impersonation.Principal.Application;
import dev.impersonation.plan.Step.StepAction;
import dev.impersonation.spi.ApplicationPermissionGrant;
import dev.impersonation.spi.Operation;
import java.util.List;
import java.util.stream.Collectors;

/**
 * The app's tenant-wide Microsoft Graph consent (Entra admin consent), which defeats any Exchange scope: which of it
 * reaches mailboxes, and its revocation after RBAC for Applications' scoped role assignments (step 5 of the recipe).
 */
final class TenantWideConsent {
  private TenantWideConsent() {}

  /**
   * Recipe R step 5, only when the setup opted in: revokes the app's mailbox-related tenant-wide Microsoft Graph
   * consent after the role assignments, so consent is removed only once the scoped assignments exist (they still take
   * up to 2 h to propagate, which the plan's warning says).
   */
  static int revoke(PlanContext ctx, List<Integer> assignments) {
    // Answers the revocation's step, 0 when nothing is to revoke, -1 when blocked.
    Application app = (Application) ctx.setup().principal();
    String resource = "tenant-wide consent of " + app.appId();
    if (assignments.contains(-1)) {
      ctx.blocked(resource, "waits for the blocked role assignments: consent is revoked only once the scoped assignments exist");
      return -1;
    }
    Observed<List<ApplicationPermissionGrant>> consent = ctx.consent().grants();
    if (consent.unknown()) {
      ctx.blocked(resource, consent.blockedReason("the app's tenant-wide consent"));
      return -1;
    }
    List<String> revoke = consent.value().stream().filter(TenantWideConsent::revocable).map(ApplicationPermissionGrant::permission)
        .distinct().toList();
    if (revoke.isEmpty()) {
      ctx.noOp(resource, "no mailbox-related Microsoft Graph consent to remove");
      return 0;
    }
    return ctx.add(StepAction.REVOKE, resource, "REMOVES consent that existed: revoke Microsoft Graph " + String.join(", ", revoke)
        + ", which reaches every mailbox whatever the scope (docs/diagnostics.md#d11, step 5 of the RBAC for Applications recipe, docs/rbac-for-applications.md#recipe; removingTenantWideConsent was declared)",
        new Operation.RevokeApplicationPermissions(app.appId(), ctx.consent().servicePrincipalId(), revoke), assignments);
  }

  /** Mailbox-related Microsoft Graph application permissions: the ones tenant-wide consent defeats a scope with. */
  static boolean revocable(ApplicationPermissionGrant g) {
    return g.resource().equalsIgnoreCase("Microsoft Graph") && mailboxPermission(g.permission());
  }

  private static boolean mailboxPermission(String permission) {
    return List.of("Mail.", "Mail-", "Calendars.", "Contacts.", "MailboxSettings.", "MailboxFolder.", "MailboxItem.",
        "MailboxConfigItem.").stream().anyMatch(prefix -> permission.regionMatches(true, 0, prefix, 0, prefix.length()));
  }

  /** The grants as the plan's warnings list them: resource and permission. */
  static String describe(List<ApplicationPermissionGrant> grants) {
    return grants.stream().map(g -> g.resource() + " " + g.permission()).collect(Collectors.joining(", "));
  }
}
