package dev.impersonation.internal;

import dev.impersonation.AccessMethod;
import dev.impersonation.plan.Step.StepAction;
import dev.impersonation.spi.ExchangeBackend;
import dev.impersonation.spi.Operation;
import dev.impersonation.spi.OrganizationConfig;
import java.util.List;

/**
 * Plans Enable-OrganizationCustomization, the prerequisite of RBAC writes in a dehydrated Exchange Online
 * organization; every RBAC step waits for it.
 */
final class OrganizationCustomization {
  private OrganizationCustomization() {}

  /** Plans the prerequisite; returns its step, 0 when none is needed. */
  static int plan(PlanContext ctx) {
    AccessMethod method = ctx.setup().access().method();
    // The docs name role assignments and role groups (docs/rbac-for-applications.md); access policies are not RBAC objects.
    boolean rbacWrites = method == AccessMethod.RBAC_FOR_APPLICATIONS || method == AccessMethod.APPLICATION_IMPERSONATION;
    if (!ctx.setup().target().isExchangeOnline() || !rbacWrites) {
      return 0;
    }
    String resource = "organization customization";
    if (ctx.rbacThroughGraph()) {
      ctx.noOp(resource, "not read: IsDehydrated needs an Exchange backend, and Graph's Exchange RBAC endpoints work without it");
      ctx.warn("This connection has no Exchange backend, so whether the organization is dehydrated was not checked. "
          + "If Graph refuses the role assignments, run Enable-OrganizationCustomization once (or add an Exchange backend) "
          + "and apply again.");
      return 0;
    }
    Observed<OrganizationConfig> config = ctx.valueFromExchange(ExchangeBackend::organizationConfig);
    if (config.unknown()) {
      return ctx.blocked(resource, config.blockedReason("the organization configuration"));
    }
    if (config.value().dehydrated()) {
      return ctx.add(StepAction.PREREQUISITE, resource,
          "IsDehydrated is True: RBAC changes need Enable-OrganizationCustomization first (docs/diagnostics.md#d6)",
          new Operation.EnableOrganizationCustomization(), List.of());
    }
    ctx.noOp(resource, "already enabled (IsDehydrated is False)");
    return 0;
  }
}
