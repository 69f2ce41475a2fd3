package dev.impersonation.internal;

import dev.impersonation.Access.RbacForApplications;
import dev.impersonation.ImpersonationSetup;
import java.util.Locale;

/**
 * The management roles of a legacy procedure that an RBAC for Applications setup replaces
 * ({@link RbacForApplications#legacyRoles()}, docs/vendor-procedures.md#legacy-roles): one NO_OP step per role, saying what
 * replaces it in Exchange Online or why nothing needs to, and a warning for a role whose use nothing replaces. Reads
 * nothing.
 */
final class LegacyRolesPlanner implements ConcernPlanner {
  @Override
  public String phase(ImpersonationSetup setup) {
    return "mapping the legacy procedure's roles";
  }

  @Override
  public void plan(PlanContext ctx, Groundwork groundwork) {
    if (!(ctx.setup().access() instanceof RbacForApplications rbac)) {
      return;
    }
    for (String legacy : rbac.legacyRoles()) {
      String resource = "legacy role '" + legacy + "'";
      switch (legacy.toLowerCase(Locale.ROOT)) {
        case "applicationimpersonation" -> ctx.noOp(resource, "replaced by " + String.join(", ", rbac.roles())
            + " (ApplicationImpersonation can no longer be assigned in Exchange Online)");
        case "view-only configuration" -> {
          ctx.noOp(resource, "no application-role equivalent, none needed for mailbox access: application roles grant "
              + "mailbox data only; they get no Autodiscover, so configure the product with "
              + "https://outlook.office365.com/EWS/Exchange.asmx or move it to Graph (docs/diagnostics.md#d15)");
          ctx.warn("The vendor's procedure also grants View-Only Configuration. RBAC for Applications has no equivalent: if "
              + "the product reads organization settings or discovers EWS through Autodiscover with it, configure it with "
              + "https://outlook.office365.com/EWS/Exchange.asmx (docs/diagnostics.md#d15).");
        }
        default -> {
          ctx.noOp(resource, "no application-role equivalent known: the Application roles grant mailbox data only");
          ctx.warn("The legacy role '" + legacy + "' has no RBAC for Applications equivalent: check what the product used "
              + "it for before relying on this setup (docs/vendor-procedures.md#legacy-roles).");
        }
      }
    }
  }
}
