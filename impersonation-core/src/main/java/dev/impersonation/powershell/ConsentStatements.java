package dev.impersonation.powershell;

import dev.impersonation.spi.Operation;
import java.util.ArrayList;
import java.util.List;

/**
 * Tenant-wide admin consent (Microsoft Graph application permissions) as Microsoft Graph PowerShell statements: the
 * role ids are looked up by name into script variables, then each app-role assignment is made, or listed for removal.
 */
final class ConsentStatements {
  private ConsentStatements() {}

  /** The script variable holding the id of a Microsoft Graph app role, e.g. {@code graphRole_Mail_Read}. */
  static String appRoleVariable(String permission) {
    return "graphRole_" + permission.replaceAll("[^A-Za-z0-9]", "_");
  }

  /** Reads the Microsoft Graph service principal's id and the app-role ids into script variables. */
  private static List<Statement> graphRoleLookups(List<String> permissions) {
    List<Statement> out = new ArrayList<>();
    out.add(new Statement.Assign("graphSpId", Cmdlet.of("Get-MgServicePrincipal")
        .text("Filter", "appId eq '" + CmdletMapping.MICROSOFT_GRAPH_APP_ID + "'"), "Id"));
    for (String p : permissions) {
      out.add(new Statement.Assign(appRoleVariable(p), Cmdlet.of("Find-MgGraphPermission").text("SearchString", p)
          .text("PermissionType", "Application").flag("ExactMatch"), "Id"));
    }
    return out;
  }

  static List<Statement> grant(Operation.GrantApplicationPermissions g) {
    List<Statement> out = new ArrayList<>();
    out.add(new Statement.Comment("Tenant-wide admin consent for app " + g.appId() + ": Microsoft Graph application permissions "
        + String.join(", ", g.permissions()) + ". The role ids come from Find-MgGraphPermission; an existing grant counts as done."));
    out.addAll(graphRoleLookups(g.permissions()));
    for (String p : g.permissions()) {
      out.add(new Statement.RunIdempotent(Cmdlet.of("New-MgServicePrincipalAppRoleAssignment")
          .text("ServicePrincipalId", g.servicePrincipalObjectId()).text("PrincipalId", g.servicePrincipalObjectId())
          .param("ResourceId", new ParameterValue.Variable("graphSpId"))
          .param("AppRoleId", new ParameterValue.Variable(appRoleVariable(p)))));
    }
    return out;
  }

  static List<Statement> revoke(Operation.RevokeApplicationPermissions r) {
    List<Statement> out = new ArrayList<>();
    String sp = r.servicePrincipalObjectId();
    out.add(new Statement.Comment("REMOVES tenant-wide admin consent of app " + r.appId() + ": Microsoft Graph application "
        + "permissions " + String.join(", ", r.permissions()) + ". The assignment ids are not known before this runs: the "
        + "listing below shows them; for each permission remove the row whose AppRoleId matches (or revoke it in "
        + "Entra admin center > Enterprise applications > Permissions)."));
    out.addAll(graphRoleLookups(r.permissions()));
    out.add(new Statement.Run(Cmdlet.of("Get-MgServicePrincipalAppRoleAssignment").text("ServicePrincipalId", sp).flag("All")));
    for (String p : r.permissions()) {
      out.add(new Statement.Comment(p + " has the AppRoleId held in the variable " + appRoleVariable(p) + "; remove its row with: "
          + "Remove-MgServicePrincipalAppRoleAssignment -ServicePrincipalId " + sp + " -AppRoleAssignmentId <Id of that row>"));
    }
    return out;
  }
}
