package dev.impersonation.exchange;

import dev.impersonation.ObjectNotFoundException;
import dev.impersonation.TenantException;
import dev.impersonation.TenantTarget;
import dev.impersonation.powershell.Cmdlet;
import dev.impersonation.spi.EwsOrganizationPolicy;
import dev.impersonation.spi.Operation;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/**
 * Organization-wide reads and writes over cmdlets: the role list of RBAC for Applications ({@code Get-ManagementRole},
 * docs/migration.md), and the organization's EWS settings (docs/ews.md): read with {@code Get-OrganizationConfig
 * -RetrieveEwsOperationAccessPolicy} in Exchange Online (plain {@code Get-OrganizationConfig} on Exchange Server, which
 * has no allow list), and {@code EwsAllowedAppIDs} written whole: read when the write runs, written back with the app
 * added, so ids others listed in between are kept.
 */
final class OrganizationCmdlets {
  private OrganizationCmdlets() {}

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

  /** {@code Get-ManagementRole}, the names starting with {@code "Application "}; none on Exchange Server. */
  static List<String> applicationRoles(TenantTarget target, Function<Cmdlet, List<Map<String, Object>>> run) {
    if (!target.isExchangeOnline()) {
      return List.of();
    }
    return run.apply(Cmdlet.of("Get-ManagementRole")).stream().map(r -> CmdletRows.str(r, "Name"))
        .filter(n -> n.startsWith("Application ")).sorted().toList();
  }

  /** Whether {@link #execute} performs {@code op} (its cmdlets alone would not do it right). */
  static boolean handles(Operation op) {
    return op instanceof Operation.AllowEwsApplication || op instanceof Operation.RemoveApplicationAccessPolicy
        || op instanceof Operation.RemoveOwnedObject;
  }

  /**
   * Adds an app to the EWS allow list or removes it (read now, written whole), or removes an access policy or another
   * object a setup made, where an object already gone counts as removed.
   */
  static void execute(TenantTarget target, Operation op, List<Cmdlet> actions, Function<Cmdlet, List<Map<String, Object>>> run) {
    if (op instanceof Operation.AllowEwsApplication allow) {
      allow(target, run, allow.appId());
      return;
    }
    if (op instanceof Operation.RemoveOwnedObject r && r.object().kind() == dev.impersonation.spi.OwnedObject.Kind.EWS_ALLOW_LIST_ENTRY) {
      disallow(target, run, r.object().identity());
      return;
    }
    try {
      actions.forEach(run::apply);
    } catch (ObjectNotFoundException alreadyGone) {
      // the removal's goal holds
    }
  }

  /** Removes an app from the allow list, keeping the other ids; the last id stays (an empty list admits every app). */
  static void disallow(TenantTarget target, Function<Cmdlet, List<Map<String, Object>>> run, String appId) {
    EwsOrganizationPolicy policy = read(target, run);
    List<String> left = policy.allowedAppIds().stream().filter(a -> !a.equalsIgnoreCase(appId)).toList();
    if (left.size() == policy.allowedAppIds().size() || left.isEmpty()) {
      return;
    }
    run.apply(Cmdlet.of("Set-OrganizationConfig").text("EwsAllowedAppIDs", String.join(",", left)));
  }
}
