package dev.impersonation.testkit;

import dev.impersonation.TenantException;
import dev.impersonation.spi.EwsOrganizationPolicy;
import java.util.List;
import java.util.Map;

/**
 * The simulator's organization-wide cmdlets: {@code Get-OrganizationConfig} (with the EWS allow list when asked),
 * {@code Set-OrganizationConfig -EwsEnabled / -EwsAllowedAppIDs} and {@code Get-ManagementRole} (docs/ews.md,
 * docs/migration.md).
 */
final class ExchangeOrganizationCmdlets {
  private final TenantState s;
  private final InMemoryExchange exchange;

  ExchangeOrganizationCmdlets(TenantState state, InMemoryExchange exchange) {
    this.s = state;
    this.exchange = exchange;
  }

  /** Every role of the organization, the Application ones from the in-memory list, a few built-in ones besides. */
  List<Map<String, Object>> getManagementRoles(CmdletParams p) {
    List<String> names = new java.util.ArrayList<>(List.of("ApplicationImpersonation", "Mail Recipients", "View-Only Configuration"));
    names.addAll(exchange.applicationRoles());
    java.util.Optional<String> identity = p.text("Identity");
    return names.stream().filter(n -> identity.isEmpty() || identity.get().equalsIgnoreCase(n))
        .map(n -> ExchangeRows.row("Identity", n, "Name", n)).toList();
  }

  /** With -RetrieveEwsOperationAccessPolicy (Exchange Online only) the row carries EwsAllowedAppIDs as well. */
  List<Map<String, Object>> getOrganizationConfig(CmdletParams p) {
    if (!p.has("RetrieveEwsOperationAccessPolicy")) {
      return List.of(ExchangeRows.organization(exchange.organizationConfig()));
    }
    s.requireCloud("Get-OrganizationConfig -RetrieveEwsOperationAccessPolicy");
    EwsOrganizationPolicy policy = exchange.ewsOrganizationPolicy();
    Map<String, Object> row = new java.util.LinkedHashMap<>(ExchangeRows.organization(exchange.organizationConfig()));
    row.put("EwsAllowedAppIDs", policy.allowedAppIds());
    return List.of(row);
  }

  /** -EwsEnabled ($true, $false or $null) and -EwsAllowedAppIDs (the whole list, Exchange Online only). */
  List<Map<String, Object>> setOrganizationConfig(CmdletParams p) {
    if (p.has("EwsAllowedAppIDs")) {
      s.requireCloud("Set-OrganizationConfig -EwsAllowedAppIDs");
    }
    String detail = (p.has("EwsEnabled") ? "EwsEnabled=" + p.raw("EwsEnabled") + " " : "")
        + (p.has("EwsAllowedAppIDs") ? "EwsAllowedAppIDs=" + p.raw("EwsAllowedAppIDs") : "");
    return exchange.call("Set-OrganizationConfig", detail.strip(), true, () -> {
      if (p.has("EwsEnabled")) {
        s.ewsEnabled = p.raw("EwsEnabled") == null ? null : p.bool("EwsEnabled");
      }
      if (p.has("EwsAllowedAppIDs")) {
        List<String> ids = EwsOrganizationPolicy.parseAllowedAppIds(p.raw("EwsAllowedAppIDs"));
        for (String id : ids) {
          if (!id.matches("(?i)[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")) {
            throw new TenantException("Cannot bind parameter 'EwsAllowedAppIDs': '" + id + "' is not an application id (GUID).");
          }
        }
        s.setEwsAllowedAppIds(ids);
      }
      return List.of();
    });
  }
}
