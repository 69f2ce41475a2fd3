package dev.impersonation.powershell;

import dev.impersonation.spi.OwnedObject;
import java.util.List;

/**
 * A setup's objects removed, as an admin script does it (teardown, docs/lifecycle.md): each removal runs only when its
 * object is still there ({@code if (Get-X) { Remove-X }}), so the script can run twice; FullAccess entries are checked
 * with the script's own probe; the EWS allow-list entry goes through the script's function that keeps the other ids.
 */
final class RemovalStatements {
  private RemovalStatements() {}

  static List<Statement> of(OwnedObject o) {
    String id = o.identity();
    return switch (o.kind()) {
      case ROLE_ASSIGNMENT -> List.of(ifFound(Cmdlet.of("Get-ManagementRoleAssignment").text("Identity", id),
          Cmdlet.of("Remove-ManagementRoleAssignment").text("Identity", id).bool("Confirm", false)));
      case MANAGEMENT_SCOPE -> List.of(ifFound(Cmdlet.of("Get-ManagementScope").text("Identity", id),
          Cmdlet.of("Remove-ManagementScope").text("Identity", id).bool("Confirm", false)));
      case ROLE_GROUP -> List.of(ifFound(Cmdlet.of("Get-RoleGroup").text("Identity", id),
          Cmdlet.of("Remove-RoleGroup").text("Identity", id).flag("BypassSecurityGroupManagerCheck").bool("Confirm", false)));
      case EXCHANGE_SERVICE_PRINCIPAL -> List.of(ifFound(Cmdlet.of("Get-ServicePrincipal").text("Identity", id),
          Cmdlet.of("Remove-ServicePrincipal").text("Identity", id).bool("Confirm", false)));
      case ACCESS_POLICY -> List.of(ifFound(Cmdlet.of("Get-ApplicationAccessPolicy").text("Identity", o.detail()),
          Cmdlet.of("Remove-ApplicationAccessPolicy").text("Identity", o.detail()).bool("Confirm", false)));
      case GROUP -> List.of(ifFound(Cmdlet.of("Get-DistributionGroup").text("Identity", id),
          Cmdlet.of("Remove-DistributionGroup").text("Identity", id).flag("BypassSecurityGroupManagerCheck").bool("Confirm", false)));
      case MAILBOX_PERMISSIONS -> o.items().stream().<Statement>map(m -> ifFound(
          Cmdlet.of(ScriptFunctions.FULL_ACCESS_PROBE).text("Identity", m).text("User", id),
          Cmdlet.of("Remove-MailboxPermission").text("Identity", m).text("User", id).text("AccessRights", "FullAccess")
              .text("InheritanceType", "All").bool("Confirm", false))).toList();
      case EWS_ALLOW_LIST_ENTRY -> List.of(new Statement.Run(Cmdlet.of(ScriptFunctions.DISALLOW_EWS_APPLICATION).text("AppId", id)));
      case SERVICE_ACCOUNT, GROUP_MEMBERS, ADMINISTRATIVE_UNIT_MEMBERS, APPLICATION_CONSENT, ORGANIZATION_EWS ->
          List.of(new Statement.Comment("Not removed by this statement: " + o.kind() + " " + id + "."));
    };
  }

  private static Statement ifFound(Cmdlet probe, Cmdlet removal) {
    return new Statement.RunIfFound(probe, List.of(removal));
  }
}
