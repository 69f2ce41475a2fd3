package dev.impersonation.exchange;

import dev.impersonation.TenantException;
import dev.impersonation.TenantTarget;
import dev.impersonation.powershell.Cmdlet;
import dev.impersonation.spi.EwsOrganizationPolicy;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/**
 * The organization's EWS settings over cmdlets (docs/ews.md): read with {@code Get-OrganizationConfig
 * -RetrieveEwsOperationAccessPolicy} in Exchange Online (plain {@code Get-OrganizationConfig} on Exchange Server, which
 * has no allow list), and {@code EwsAllowedAppIDs} written whole: read when the write runs, written back with the app
 * added, so ids others listed in between are kept.
 */
final class EwsSettingsCmdlets {
  private EwsSettingsCmdlets() {}

  static EwsOrganizationPolicy read(TenantTarget target, Function<Cmdlet, List<Map<String, Object>>> run) {
    Cmdlet get = target.isExchangeOnline() ? Cmdlet.of("Get-OrganizationConfig").flag("RetrieveEwsOperationAccessPolicy")
        : Cmdlet.of("Get-OrganizationConfig");
    Map<String, Object> row = run.apply(get).stream().findFirst()
        .orElseThrow(() -> new TenantException(get.name() + " returned no row."));
    Object ews = row.get("EwsEnabled");
    return new EwsOrganizationPolicy(ews == null ? Optional.empty() : Optional.of(CmdletRows.bool(row, "EwsEnabled")),
        target.isExchangeOnline() ? EwsOrganizationPolicy.parseAllowedAppIds(row.get("EwsAllowedAppIDs")) : List.of());
  }

  static void allow(TenantTarget target, Function<Cmdlet, List<Map<String, Object>>> run, String appId) {
    EwsOrganizationPolicy policy = read(target, run);
    if (policy.allowListed(appId)) {
      return;
    }
    List<String> ids = new ArrayList<>(policy.allowedAppIds());
    ids.add(appId);
    run.apply(Cmdlet.of("Set-OrganizationConfig").text("EwsAllowedAppIDs", String.join(",", ids)));
  }
}
