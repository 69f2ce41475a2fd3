package dev.impersonation.exchange.internal;

import java.util.Locale;

/**
 * Which Exchange management role (and the built-in role groups that hold it) a cmdlet needs, so an access-denied answer
 * can tell the admin what to grant. The role names are Exchange's built-in management roles; which role holds which
 * cmdlet is listed by {@code Get-ManagementRoleEntry "*\<cmdlet>"} in a tenant, and the mapping here is our reading of
 * the defaults ({@code docs/exchange-admin-rest.md}, "Access denied"), so messages say "typically".
 */
public final class CmdletRoles {
  private CmdletRoles() {}

  /** A sentence naming the role and role groups {@code cmdlet} typically needs. */
  public static String needed(String cmdlet) {
    String c = cmdlet == null ? "" : cmdlet.toLowerCase(Locale.ROOT);
    String noun = c.contains("-") ? c.substring(c.indexOf('-') + 1) : c;
    String role;
    String groups;
    if (noun.startsWith("managementscope") || noun.startsWith("managementroleassignment") || noun.startsWith("rolegroup")
        || noun.startsWith("serviceprincipal") || noun.equals("serviceprincipalauthorization")) {
      role = "Role Management";
      groups = "Organization Management";
    } else if (noun.startsWith("organizationcustomization") || noun.startsWith("organizationconfig")
        || noun.startsWith("applicationaccesspolicy")) {
      role = "Organization Configuration";
      groups = "Organization Management";
    } else if (noun.startsWith("distributiongroup") || noun.startsWith("group") || noun.startsWith("unifiedgroup")) {
      role = "Distribution Groups";
      groups = "Recipient Management or Organization Management";
    } else if (noun.startsWith("mailboxpermission") || noun.startsWith("mailbox") || noun.startsWith("casmailbox")
        || noun.startsWith("recipient") || noun.startsWith("user")) {
      role = "Mail Recipients";
      groups = "Recipient Management or Organization Management";
    } else {
      return "Check the cmdlet's name and that the caller's roles include it (Get-ManagementRoleEntry \"*\\" + cmdlet
          + "\" lists the roles that do).";
    }
    return cmdlet + " typically needs the '" + role + "' management role (held by the " + groups + " role group); for "
        + "an app, add its service principal to such a role group or give it the Entra role Exchange Administrator.";
  }
}
