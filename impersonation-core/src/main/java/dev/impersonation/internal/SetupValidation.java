package dev.impersonation.internal;

import dev.impersonation.Access;
import dev.impersonation.Access.ApplicationImpersonation;
import dev.impersonation.Access.RbacForApplications;
import dev.impersonation.AccessMethod;
import dev.impersonation.EwsOptions;
import dev.impersonation.GroupKind;
import dev.impersonation.ImpersonationSetup;
import dev.impersonation.InvalidSetupException;
import dev.impersonation.MembershipMode;
import dev.impersonation.Principal.Application;
import dev.impersonation.Principal.ServiceAccount;
import dev.impersonation.Scope.AdministrativeUnitScope;
import dev.impersonation.Scope.GroupScope;
import dev.impersonation.Scope.MailboxListScope;
import dev.impersonation.Scope.OrganizationScope;
import dev.impersonation.Scope.RecipientFilterScope;
import dev.impersonation.Scope;
import dev.impersonation.UnsupportedOnTargetException;

/** The rules {@code ImpersonationSetup.build()} enforces (docs/timeline.md, docs/cmdlets.md). */
public final class SetupValidation {
  private static final int MAX_SETUP_NAME = 32;
  private static final int MAX_GROUP_MEMBERS = 10_000;
  private static final int MAX_EXCHANGE_NAME = 64;

  private SetupValidation() {}

  public static void validate(ImpersonationSetup s) {
    name(s.name());
    s.managementScopeName().ifPresent(n -> exchangeName(n, "managementScopeName"));
    s.roleAssignmentName().ifPresent(n -> exchangeName(n, "roleAssignmentName"));
    for (String m : s.verifyMailboxes()) {
      if (!m.contains("@") || m.chars().anyMatch(c -> c < 0x20)) {
        throw new InvalidSetupException("verifyMailboxes(...) takes SMTP addresses, but got \"" + m.replace("\n", "\\n") + "\".");
      }
    }
    AccessMethod method = s.access().method();
    boolean online = s.target().isExchangeOnline();
    if (method == AccessMethod.APPLICATION_IMPERSONATION && online) {
      throw new UnsupportedOnTargetException("ApplicationImpersonation can no longer be assigned in Exchange Online "
          + "(retired 2024-2025; EWS itself shuts down there on 2027-04-01). Use its modern equivalent, RBAC for Applications, "
          + "with an Entra app: .principal(Principal.application(\"<appId>\")).access(Access.rbacForApplications("
          + "\"Application Calendars.ReadWrite\", \"Application Mail.ReadWrite\")" + legacyRolesAdvice(s.access())
          + ") and keep the same scope; \"Application EWS.AccessAsApp\" covers EWS clients until the shutdown. Or target "
          + "TenantTarget.exchangeServer(...) for on-premises Exchange, where ApplicationImpersonation still works.");
    }
    if (!online && (method == AccessMethod.RBAC_FOR_APPLICATIONS || method == AccessMethod.APPLICATION_ACCESS_POLICY)) {
      throw new UnsupportedOnTargetException(method + " exists only in Exchange Online. On Exchange Server use "
          + "Access.applicationImpersonation() with Principal.serviceAccount(\"svc@contoso.com\") and the same scope.");
    }
    boolean needsAccount = method == AccessMethod.APPLICATION_IMPERSONATION || method == AccessMethod.FULL_ACCESS_DELEGATION;
    if (needsAccount && !(s.principal() instanceof ServiceAccount)) {
      throw new InvalidSetupException(method + " is granted to a service-account mailbox: use "
          + ".principal(Principal.serviceAccount(\"svc@contoso.com\")), or Access.rbacForApplications(...) for an app.");
    }
    if (!needsAccount && !(s.principal() instanceof Application)) {
      throw new InvalidSetupException(method + " is granted to an Entra application: use "
          + ".principal(Principal.application(\"<appId>\")), or Access.fullAccess() for a service account.");
    }
    if (s.access() instanceof RbacForApplications r) {
      for (String role : r.roles()) {
        String assignment = ObjectNames.roleAssignment(s, role, r.roles().size());
        if (assignment.length() > MAX_EXCHANGE_NAME) {
          throw new InvalidSetupException("The role assignment for " + role + " would be named \"" + assignment + "\" ("
              + assignment.length() + " characters), but Exchange names hold at most " + MAX_EXCHANGE_NAME
              + ": shorten roleAssignmentName(...), which prefixes one assignment per role.");
        }
      }
    }
    scope(s.scope(), method, online);
    ews(s, online);
    if (s.access() instanceof RbacForApplications r && r.replaceAccessPolicies()
        && !(s.scope() instanceof GroupScope g && g.kind() == GroupKind.MAIL_ENABLED_SECURITY)) {
      throw new InvalidSetupException("replacingAccessPolicies() migrates an application access policy, whose scope is a "
          + "mail-enabled security group: scope the setup to that group, Scope.mailEnabledSecurityGroup(\"<the policy's group>\") "
          + "(AccessPolicyMigration.read(connection, appId) proposes the whole setup).");
    }
  }

  /**
   * For a role group with extra roles (e.g. Reschedge's {@code View-Only Configuration}), the call that carries them into
   * an RBAC for Applications plan, where each is listed with what replaces it (docs/vendor-procedures.md#legacy-roles), so
   * moving the setup to Exchange Online drops none of them without a word; empty otherwise.
   */
  private static String legacyRolesAdvice(Access access) {
    if (!(access instanceof ApplicationImpersonation a) || a.extraRoles().isEmpty()) {
      return "";
    }
    StringBuilder roles = new StringBuilder();
    for (String role : a.roles()) {
      roles.append(roles.length() == 0 ? "" : ", ").append('"').append(role).append('"');
    }
    return ".replacingLegacyRoles(" + roles + ") (the plan then says, for each of the role group's roles, what replaces it "
        + "in Exchange Online or why nothing needs to)";
  }

  /** The EWS options fit the setup: it uses EWS, the allow list is Exchange Online's, tenant-wide changes are acknowledged. */
  private static void ews(ImpersonationSetup s, boolean online) {
    EwsOptions o = s.ews();
    if (o.isReportOnly()) {
      return;
    }
    if (EwsUse.of(s).isEmpty()) {
      throw new InvalidSetupException("ews(" + o.describe() + ") was set, but this setup's access (" + s.access().describe()
          + ") does not go through EWS: remove .ews(...), or use \"Application EWS.AccessAsApp\" if the product calls EWS.");
    }
    if (o.allowList() && !online) {
      throw new UnsupportedOnTargetException("EwsAllowedAppIDs exists only in Exchange Online; Exchange Server has no EWS "
          + "app allow list to add to. Remove .ews(EwsOptions.allowListing()) (EWS on Exchange Server needs only EwsEnabled "
          + "not False for the organization and the mailbox).");
    }
    if (o.allowList() && s.principal() instanceof ServiceAccount && o.clientAppId().isEmpty()) {
      throw new InvalidSetupException("A service account signs in to EWS through the vendor's app, whose id the allow "
          + "list needs: write .ews(EwsOptions.allowListing(\"<the product's application (client) id>\")).");
    }
    if (s.principal() instanceof Application app && o.clientAppId().isPresent() && !o.clientAppId().get().equals(app.appId())) {
      throw new InvalidSetupException("EwsOptions.allowListing(\"" + o.clientAppId().get() + "\") names another app than the "
          + "principal " + app.appId() + ": an application principal is allow-listed itself, write EwsOptions.allowListing().");
    }
    if (o.enableOrganization() && !o.tenantWideChangesAcknowledged()) {
      throw new InvalidSetupException("Turning EWS on for the whole organization (Set-OrganizationConfig -EwsEnabled $true) "
          + "is a tenant-wide change: write .ews(EwsOptions.allowListing().enablingOrganization().acknowledged()) if you "
          + "mean it, or ask the tenant's admin to decide.");
    }
  }

  private static void name(String name) {
    if (name.isBlank() || name.length() > MAX_SETUP_NAME || !name.matches("[A-Za-z0-9][A-Za-z0-9 ._-]*")) {
      throw new InvalidSetupException("The setup name \"" + name.replace("\n", "\\n") + "\" must be 1-" + MAX_SETUP_NAME
          + " characters of letters, digits, space, '.', '_' or '-', starting with a letter or digit; created objects are "
          + "named after it (e.g. \"RevenueInbox-Scope\").");
    }
  }

  private static void exchangeName(String name, String what) {
    if (name.isBlank() || name.length() > 64 || name.chars().anyMatch(c -> c < 0x20)) {
      throw new InvalidSetupException(what + " must be 1-64 characters without control characters, but got \""
          + name.replace("\n", "\\n") + "\".");
    }
  }

  private static void scope(Scope scope, AccessMethod method, boolean online) {
    if (scope instanceof OrganizationScope o && !o.confirmed()) {
      throw new InvalidSetupException("Scope.organization() gives access to EVERY mailbox. If that is really intended, "
          + "write Scope.organization().acknowledged(); otherwise scope the access to a group, e.g. "
          + "Scope.mailEnabledSecurityGroup(\"SyncUsers\").members(...).");
    }
    if (scope instanceof RecipientFilterScope f && f.reachesOrganization() && !f.organizationWideAcknowledged()) {
      throw new InvalidSetupException("The recipient filter \"" + f.filter() + "\" selects by recipient type "
          + "only, so it reaches EVERY such mailbox in the organization except those it excludes. If that is intended, write "
          + "Scope.recipientFilter(...).acknowledged(); otherwise narrow it, e.g. \"(" + f.filter() + ") -and (Department -eq "
          + "'Sales')\".");
    }
    String name = method.name();
    if (scope instanceof GroupScope g) {
      if (!online && (g.kind() == GroupKind.MICROSOFT_365 || g.kind() == GroupKind.SECURITY)) {
        throw new UnsupportedOnTargetException("A " + g.kind().label() + " exists only in Microsoft 365; on Exchange Server "
            + "use Scope.distributionGroup(...), Scope.mailEnabledSecurityGroup(...) or Scope.roomList(...).");
      }
      if (g.kind() == GroupKind.SECURITY && method != AccessMethod.FULL_ACCESS_DELEGATION) {
        throw new InvalidSetupException("Exchange filters cannot see a non-mail security group, so " + name + " cannot be "
            + "scoped to one: use Scope.mailEnabledSecurityGroup(\"" + g.name() + "\") instead.");
      }
      if (method == AccessMethod.APPLICATION_ACCESS_POLICY && g.kind() != GroupKind.MAIL_ENABLED_SECURITY) {
        throw new InvalidSetupException("An application access policy accepts only a mail-enabled security group (not a "
            + g.kind().label() + "): use Scope.mailEnabledSecurityGroup(\"" + g.name() + "\").");
      }
      if (method == AccessMethod.APPLICATION_ACCESS_POLICY && g.groupCount() > 1) {
        throw new InvalidSetupException("An application access policy takes one group: drop maxMembersPerGroup(...).");
      }
      if (g.membershipMode() == MembershipMode.UNMANAGED && (!g.members().isEmpty() || g.maxMembersPerGroup().isPresent())) {
        throw new InvalidSetupException("existingMembership() leaves the group's members as they are, so members(...) and "
            + "maxMembersPerGroup(...) cannot be used with it: drop them, or use the default ADD_ONLY membership.");
      }
      int perGroup = g.maxMembersPerGroup().orElse(g.members().size());
      if (perGroup > MAX_GROUP_MEMBERS) {
        throw new InvalidSetupException("A group holds at most " + MAX_GROUP_MEMBERS + " members: split them with "
            + "maxMembersPerGroup(" + MAX_GROUP_MEMBERS + ") or fewer.");
      }
      if (g.groupCount() > 100) {
        throw new InvalidSetupException("The members would need " + g.groupCount() + " groups; raise maxMembersPerGroup(...).");
      }
      String lastGroup = g.groupName(g.groupCount() - 1);
      if (lastGroup.length() > MAX_EXCHANGE_NAME) {
        throw new InvalidSetupException("Split into " + g.groupCount() + " groups, the last group would be named \""
            + lastGroup + "\" (" + lastGroup.length() + " characters), but Exchange names hold at most " + MAX_EXCHANGE_NAME
            + ": shorten the group name to " + (MAX_EXCHANGE_NAME - (lastGroup.length() - g.name().length())) + " characters.");
      }
    } else if (scope instanceof MailboxListScope && method != AccessMethod.FULL_ACCESS_DELEGATION) {
      throw new InvalidSetupException("Scope.mailboxes(...) works only with Access.fullAccess(); for " + name
          + " put the mailboxes in a group: Scope.mailEnabledSecurityGroup(\"Name\").members(...).");
    } else if (scope instanceof RecipientFilterScope && method == AccessMethod.APPLICATION_ACCESS_POLICY) {
      throw new InvalidSetupException("A recipient filter scopes role assignments and FullAccess only; " + name
          + " needs a mail-enabled security group.");
    } else if (scope instanceof AdministrativeUnitScope && method != AccessMethod.RBAC_FOR_APPLICATIONS) {
      throw new InvalidSetupException("An administrative unit scopes RBAC for Applications only; " + name
          + " needs a group scope.");
    } else if (scope instanceof AdministrativeUnitScope au) {
      administrativeUnit(au);
    } else if (scope instanceof OrganizationScope && (method == AccessMethod.FULL_ACCESS_DELEGATION
        || method == AccessMethod.APPLICATION_ACCESS_POLICY)) {
      throw new InvalidSetupException(name + " cannot be organization-wide in this library: list the mailboxes or use a group.");
    }
  }

  private static void administrativeUnit(AdministrativeUnitScope au) {
    if (au.membershipMode() == MembershipMode.UNMANAGED && !au.members().isEmpty()) {
      throw new InvalidSetupException("existingMembership() leaves the administrative unit's members as they are, so "
          + "members(...) cannot be used with it: drop the members, or use the default ADD_ONLY membership.");
    }
    if (au.membershipMode() == MembershipMode.EXACT && au.members().isEmpty()) {
      throw new InvalidSetupException("exactMembership() on administrative unit " + au.objectId() + " without declared "
          + "members would remove every member of the unit: declare them with members(...), or drop exactMembership().");
    }
  }
}
