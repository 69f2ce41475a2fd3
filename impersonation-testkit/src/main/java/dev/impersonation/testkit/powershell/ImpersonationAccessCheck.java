package dev.impersonation.testkit.powershell;

import dev.impersonation.TenantException;
import dev.impersonation.testkit.FakeTenant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** The runner's models of the script's checks: Test-MailboxFullAccess and Test-ImpersonationAccess (GRANTED / DENIED). */
final class ImpersonationAccessCheck {
  private final FakeTenant tenant;
  private final List<String> output;

  ImpersonationAccessCheck(FakeTenant tenant, List<String> output) {
    this.tenant = tenant;
    this.output = output;
  }

  /** Test-MailboxFullAccess: a FullAccess row of Get-MailboxPermission that is not a Deny entry. */
  boolean fullAccess(String mailbox, String user) {
    List<Map<String, Object>> rows;
    try {
      rows = tenant.invokeExchangeCmdlet("Get-MailboxPermission", Map.of("Identity", mailbox, "User", user));
    } catch (TenantException e) {
      return false;
    }
    return rows.stream().anyMatch(r -> ScriptRunner.str(r, "AccessRights").contains("FullAccess") && !ScriptRunner.str(r, "Deny").equalsIgnoreCase("True"));
  }

  /** Test-ImpersonationAccess: picks missing mailboxes, checks each, prints GRANTED / DENIED, exits 1 on a failure. */
  void verify(ParsedCommand c) {
    String check = c.text("Check");
    String principal = c.text("Principal");
    List<String> roles = c.has("Roles") ? c.texts("Roles") : List.of();
    List<String> granted = new ArrayList<>(c.has("Granted") ? c.texts("Granted") : List.of());
    List<String> denied = new ArrayList<>(c.has("Denied") ? c.texts("Denied") : List.of());
    boolean membersDenied = c.has("GroupMembersDenied");
    List<String> members = new ArrayList<>();
    if (c.has("Group")) {
      List<Map<String, Object>> list;
      try {
        list = tenant.invokeExchangeCmdlet("Get-DistributionGroupMember", Map.of("Identity", c.text("Group"), "ResultSize", "Unlimited"));
      } catch (TenantException e) {
        list = tenant.invokeExchangeCmdlet("Get-UnifiedGroupLinks", Map.of("Identity", c.text("Group"), "LinkType", "Members",
            "ResultSize", "Unlimited"));
      }
      list.forEach(r -> members.add(ScriptRunner.str(r, "PrimarySmtpAddress")));
      if (!members.isEmpty()) {
        if (membersDenied && denied.isEmpty()) {
          denied.add(members.get(0));
        } else if (!membersDenied && granted.isEmpty()) {
          granted.add(members.get(0));
        }
      }
    }
    if (c.has("PickOutsider")) {
      List<String> known = new ArrayList<>();
      for (List<String> l : List.of(granted, denied, members, List.of(principal))) {
        l.forEach(x -> known.add(x.toLowerCase(Locale.ROOT)));
      }
      for (Map<String, Object> m : tenant.invokeExchangeCmdlet("Get-Mailbox", Map.of("RecipientTypeDetails", "UserMailbox",
          "ResultSize", "1000"))) {
        String address = ScriptRunner.str(m, "PrimarySmtpAddress");
        if (!known.contains(address.toLowerCase(Locale.ROOT))) {
          (membersDenied ? granted : denied).add(address);
          break;
        }
      }
    }
    boolean failed = false;
    output.add("Verification with " + check + " for " + principal + ":");
    for (String m : granted) {
      String state = state(check, principal, roles, m);
      output.add(state.equals("GRANTED") ? "  GRANTED  " + m + " (in scope, as intended)"
          : "  " + state + "  " + m + " (in scope: should be GRANTED)");
      failed |= !state.equals("GRANTED");
    }
    for (String m : denied) {
      String state = state(check, principal, roles, m);
      output.add(state.equals("DENIED") ? "  DENIED   " + m + " (outside the scope, as intended)"
          : "  " + state + "  " + m + " (outside the scope: should be DENIED)");
      failed |= !state.equals("DENIED");
    }
    if (granted.isEmpty()) {
      output.add("WARNING: No mailbox in the scope was checked");
    }
    if (denied.isEmpty() && !c.has("OrganizationWide")) {
      output.add("WARNING: No mailbox outside the scope was checked");
    }
    if (failed) {
      output.add("Least privilege is NOT proven");
      throw new ScriptExit(1);
    }
    output.add("Verified: every checked mailbox is as intended.");
  }

  private String state(String check, String principal, List<String> roles, String mailbox) {
    int hits = 0;
    switch (check) {
      case "ServicePrincipalAuthorization" -> {
        List<Map<String, Object>> rows = tenant.invokeExchangeCmdlet("Test-ServicePrincipalAuthorization",
            Map.of("Identity", principal, "Resource", mailbox));
        for (String role : roles) {
          String permission = role.replace("Application ", "");
          for (Map<String, Object> row : rows) {
            boolean grants = ScriptRunner.str(row, "RoleName").equalsIgnoreCase(role)
                || List.of(ScriptRunner.str(row, "GrantedPermissions").split("[, ]")).stream().anyMatch(permission::equalsIgnoreCase);
            if (grants && ScriptRunner.str(row, "InScope").equalsIgnoreCase("True")) {
              hits++;
              break;
            }
          }
        }
      }
      case "ApplicationAccessPolicy" -> {
        Map<String, Object> row = tenant.invokeExchangeCmdlet("Test-ApplicationAccessPolicy",
            Map.of("Identity", mailbox, "AppId", principal)).get(0);
        return ScriptRunner.str(row, "AccessCheckResult").equalsIgnoreCase("Granted") ? "GRANTED" : "DENIED";
      }
      case "MailboxPermission" -> {
        return fullAccess(mailbox, principal) ? "GRANTED" : "DENIED";
      }
      default -> {
        for (String role : roles) {
          List<Map<String, Object>> rows;
          try {
            rows = tenant.invokeExchangeCmdlet("Get-ManagementRoleAssignment",
                Map.of("Role", role, "RoleAssignee", principal, "WritableRecipient", mailbox));
          } catch (TenantException e) {
            rows = List.of();
          }
          if (!rows.isEmpty()) {
            hits++;
          }
        }
      }
    }
    return hits == 0 ? "DENIED" : hits == roles.size() ? "GRANTED" : "PARTIAL";
  }
}
