package dev.impersonation;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Exchange Online RBAC for Applications: one scoped role assignment per {@code Application ...} role, e.g.
 * {@code "Application Calendars.ReadWrite"} or {@code "Application EWS.AccessAsApp"} (until EWS retires).
 *
 * <p>Access is the union of these assignments and the app's tenant-wide Entra consent (docs/rbac-for-applications.md), so consent
 * such as Microsoft Graph {@code Mail.ReadWrite} defeats the scope (docs/diagnostics.md#d11). By default the plan only warns about it:
 * nothing that exists is removed unless asked. {@link #removingTenantWideConsent()} opts in to step 5 of the RBAC for Applications recipe, docs/rbac-for-applications.md#recipe: the
 * plan then revokes the app's mailbox-related Microsoft Graph application permissions after the role assignments.
 *
 * @param roles the application roles
 * @param removeTenantWideConsent whether the plan revokes the app's mailbox-related tenant-wide Graph consent
 */
public record RbacForApplications(List<String> roles, boolean removeTenantWideConsent) implements Access {
  /** The application roles Exchange Online offers (docs/rbac-for-applications.md). */
  public static final Set<String> KNOWN_ROLES = Set.of(
      "Application Mail.Read", "Application Mail.ReadBasic", "Application Mail.ReadWrite", "Application Mail.Send",
      "Application MailboxSettings.Read", "Application MailboxSettings.ReadWrite",
      "Application Calendars.Read", "Application Calendars.ReadWrite",
      "Application Contacts.Read", "Application Contacts.ReadWrite",
      "Application MailboxFolder.Read", "Application MailboxFolder.ReadWrite",
      "Application MailboxItem.Read", "Application MailboxItem.ReadWrite", "Application MailboxItem.Export",
      "Application MailboxItem.ImportExport", "Application SMTP.SendAsApp", "Application MailboxConfigItem.Read",
      "Application MailboxConfigItem.ReadWrite", "Application MailTips.ReadBasic.All",
      "Application Mail-Advanced.ReadWrite.All", "Application Mail Full Access", "Application Exchange Full Access",
      "Application EWS.AccessAsApp");

  public RbacForApplications {
    if (roles.isEmpty()) {
      throw new InvalidSetupException("Access.rbacForApplications(...) needs at least one role, e.g. "
          + "\"Application Calendars.ReadWrite\".");
    }
    for (String role : roles) {
      if (!KNOWN_ROLES.contains(role)) {
        String hint = role != null && !role.startsWith("Application ") && KNOWN_ROLES.contains("Application " + role)
            ? " Did you mean \"Application " + role + "\"?" : "";
        throw new InvalidSetupException("Unknown application role " + Names.quoted(role) + "." + hint
            + " Application roles are named like \"Application Mail.Read\"; see RbacForApplications.KNOWN_ROLES.");
      }
    }
    roles = List.copyOf(new LinkedHashSet<>(roles));
  }

  /** Roles only; tenant-wide consent is left alone (and warned about). @param roles the application roles */
  public RbacForApplications(List<String> roles) {
    this(roles, false);
  }

  static RbacForApplications of(List<String> roles) {
    return new RbacForApplications(roles);
  }

  /**
   * These roles, and the plan also revokes the app's mailbox-related tenant-wide Microsoft Graph application
   * permissions (admin consent, e.g. {@code Mail.ReadWrite}) once the role assignments are in place (step 5 of the RBAC for Applications recipe, docs/rbac-for-applications.md#recipe).
   * Destructive: anything else that relies on that consent loses access to the mailboxes outside the scope.
   *
   * @return a new access with the opt-in set
   */
  public RbacForApplications removingTenantWideConsent() {
    return new RbacForApplications(roles, true);
  }

  @Override
  public AccessMethod method() {
    return AccessMethod.RBAC_FOR_APPLICATIONS;
  }

  @Override
  public String describe() {
    return "RBAC for Applications " + roles + (removeTenantWideConsent ? ", removing tenant-wide consent" : "");
  }
}
