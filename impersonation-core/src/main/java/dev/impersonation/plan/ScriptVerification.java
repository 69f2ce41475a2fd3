package dev.impersonation.plan;

import java.util.List;
import java.util.Optional;

/**
 * What the closing verification block of a plan's admin script checks, taken from the setup: which check proves the
 * access method, for which principal and roles, and which mailboxes should be GRANTED or DENIED. Mailboxes the setup
 * does not name are picked while the script runs (a member of {@link #group()}, and a mailbox outside the scope when
 * {@link #pickOutsider()}).
 *
 * @param check the check that proves this access method
 * @param principal the app id (application methods) or the service account's UPN
 * @param roles the roles whose grant is checked (RBAC for Applications, ApplicationImpersonation); empty otherwise
 * @param granted mailboxes that must be GRANTED
 * @param denied mailboxes that must be DENIED
 * @param group the Exchange group of the scope, to pick a member from at run time when none is named
 * @param groupMembersDenied true when the group's members must be DENIED (an access policy with DenyAccess)
 * @param pickOutsider whether the script picks a mailbox outside the scope at run time
 * @param organizationWide whether the scope is the whole organization (no outsider exists)
 */
public record ScriptVerification(Check check, String principal, List<String> roles, List<String> granted,
    List<String> denied, Optional<String> group, boolean groupMembersDenied, boolean pickOutsider,
    boolean organizationWide) {
  public ScriptVerification {
    roles = List.copyOf(roles);
    granted = List.copyOf(granted);
    denied = List.copyOf(denied);
  }

  /** The cmdlet that proves an access method, read without the service's permission cache. */
  public enum Check {
    /** {@code Test-ServicePrincipalAuthorization -Identity <app> -Resource <mailbox>} (RBAC for Applications). */
    SERVICE_PRINCIPAL_AUTHORIZATION("ServicePrincipalAuthorization"),
    /** {@code Test-ApplicationAccessPolicy -Identity <mailbox> -AppId <app>}. */
    APPLICATION_ACCESS_POLICY("ApplicationAccessPolicy"),
    /** {@code Get-MailboxPermission -Identity <mailbox> -User <account>}: FullAccess, not denied. */
    MAILBOX_PERMISSION("MailboxPermission"),
    /** {@code Get-ManagementRoleAssignment -Role <role> -RoleAssignee <account> -WritableRecipient <mailbox>}. */
    ROLE_ASSIGNMENT("RoleAssignment");

    private final String scriptName;

    Check(String scriptName) {
      this.scriptName = scriptName;
    }

    /** The value the script's verification function takes for {@code -Check}. */
    public String scriptName() {
      return scriptName;
    }
  }
}
