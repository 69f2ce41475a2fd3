package dev.impersonation;

import dev.impersonation.Principal.Application;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/** How the principal is given access. Each factory method names one {@link AccessMethod}. */
public sealed interface Access
    permits Access.ApplicationImpersonation, Access.RbacForApplications, Access.ApplicationAccessPolicy, Access.FullAccessDelegation {

  /** The legacy EWS ApplicationImpersonation role, assigned directly to the service account (Exchange Server). */
  static ApplicationImpersonation applicationImpersonation() {
    return ApplicationImpersonation.direct();
  }

  /** RBAC for Applications with the given {@code Application ...} roles (Exchange Online). */
  static RbacForApplications rbacForApplications(String... roles) {
    return RbacForApplications.of(List.of(roles));
  }

  /** A legacy application access policy (Exchange Online; prefer RBAC for Applications). */
  static ApplicationAccessPolicy applicationAccessPolicy() {
    return new ApplicationAccessPolicy(ApplicationAccessPolicy.Right.RESTRICT_ACCESS);
  }

  /** FullAccess delegation per mailbox, without Outlook auto-mapping. */
  static FullAccessDelegation fullAccess() {
    return new FullAccessDelegation();
  }

  /** The method this access uses. */
  AccessMethod method();

  /** A short description for plans and reports. */
  String describe();

  /**
   * The EWS ApplicationImpersonation role for a service account, assigned directly
   * ({@code New-ManagementRoleAssignment}) or through a role group ({@code New-RoleGroup}) that may carry extra
   * roles such as {@code View-Only Configuration}. Exchange Server only: Exchange Online no longer accepts new
   * assignments, and {@code build()} rejects it there, naming {@link RbacForApplications} as the replacement.
   *
   * @param roleGroup the role group to use, if any
   * @param extraRoles further roles for the role group
   */
  public record ApplicationImpersonation(Optional<String> roleGroup, List<String> extraRoles) implements Access {
    /** The role's name in Exchange. */
    public static final String ROLE = "ApplicationImpersonation";

    public ApplicationImpersonation {
      roleGroup = roleGroup.map(n -> Names.requireName(n, "The role group name"));
      extraRoles = List.copyOf(extraRoles);
      extraRoles.forEach(r -> Names.requireName(r, "An extra role"));
      if (roleGroup.isEmpty() && !extraRoles.isEmpty()) {
        throw new InvalidSetupException("Extra roles need a role group: call viaRoleGroup(\"<name>\") before withExtraRoles(...).");
      }
    }

    static ApplicationImpersonation direct() {
      return new ApplicationImpersonation(Optional.empty(), List.of());
    }

    /** Assign the role through this role group (created if absent), with the service account as a member. */
    public ApplicationImpersonation viaRoleGroup(String name) {
      return new ApplicationImpersonation(Optional.of(name), extraRoles);
    }

    /** Extra roles for the role group, e.g. {@code "View-Only Configuration"}. */
    public ApplicationImpersonation withExtraRoles(String... roles) {
      List<String> all = new ArrayList<>(extraRoles);
      all.addAll(List.of(roles));
      return new ApplicationImpersonation(roleGroup, all);
    }

    /** All roles granted: ApplicationImpersonation first, then the extra roles. */
    public List<String> roles() {
      List<String> all = new ArrayList<>();
      all.add(ROLE);
      all.addAll(extraRoles);
      return List.copyOf(all);
    }

    @Override
    public AccessMethod method() {
      return AccessMethod.APPLICATION_IMPERSONATION;
    }

    @Override
    public String describe() {
      return roleGroup.map(g -> "ApplicationImpersonation via role group '" + g + "'" + (extraRoles.isEmpty() ? "" : " + " + extraRoles))
          .orElse("ApplicationImpersonation (direct assignment)");
    }
  }

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
   * @param replaceAccessPolicies whether these assignments replace the app's application access policies: once they are
   *     confirmed, the consent and the app's RestrictAccess policies are removed (docs/migration.md)
   * @param legacyRoles the management roles of the legacy procedure these assignments replace (e.g. a vendor's role group
   *     with {@code ApplicationImpersonation} and {@code View-Only Configuration}): each appears in the plan with what
   *     replaces it or why nothing needs to (docs/vendor-procedures.md#legacy-roles); never dropped silently
   */
  public record RbacForApplications(List<String> roles, boolean removeTenantWideConsent, boolean replaceAccessPolicies,
      List<String> legacyRoles) implements Access {
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
      legacyRoles = legacyRoles == null ? List.of() : List.copyOf(new LinkedHashSet<>(legacyRoles));
      for (String legacy : legacyRoles) {
        if (legacy.isBlank() || legacy.startsWith("Application ")) {
          throw new InvalidSetupException("Legacy role " + Names.quoted(legacy) + " is not a management role of a legacy "
              + "procedure (such as \"ApplicationImpersonation\" or \"View-Only Configuration\"): application roles go in "
              + "rbacForApplications(...).");
        }
      }
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
      if (replaceAccessPolicies && !removeTenantWideConsent) {
        throw new InvalidSetupException("Replacing the app's access policies without removing its tenant-wide consent would "
            + "open every mailbox to it (the policy is what narrows the consent): use replacingAccessPolicies(), which removes "
            + "both once the role assignments are confirmed.");
      }
    }

    /** Roles only; tenant-wide consent is left alone (and warned about). @param roles the application roles */
    public RbacForApplications(List<String> roles) {
      this(roles, false, false, List.of());
    }

    /**
     * Roles, consent and access policies, with no legacy roles.
     *
     * @param roles the application roles
     * @param removeTenantWideConsent whether the plan revokes the app's mailbox-related tenant-wide Graph consent
     * @param replaceAccessPolicies whether these assignments replace the app's application access policies
     */
    public RbacForApplications(List<String> roles, boolean removeTenantWideConsent, boolean replaceAccessPolicies) {
      this(roles, removeTenantWideConsent, replaceAccessPolicies, List.of());
    }

    /**
     * Roles, and whether the consent goes.
     *
     * @param roles the application roles
     * @param removeTenantWideConsent whether the plan revokes the app's mailbox-related tenant-wide Graph consent
     */
    public RbacForApplications(List<String> roles, boolean removeTenantWideConsent) {
      this(roles, removeTenantWideConsent, false, List.of());
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
      return new RbacForApplications(roles, true, replaceAccessPolicies, legacyRoles);
    }

    /**
     * These assignments replace a legacy procedure's management roles, e.g. a vendor's on-premises role group with
     * {@code ApplicationImpersonation} and {@code View-Only Configuration}: the plan lists each with what replaces it in
     * Exchange Online or why nothing needs to (View-Only Configuration has no application-role equivalent, and application
     * roles get no Autodiscover), so no step of the vendor's procedure is dropped without a word.
     *
     * @param roles the legacy management roles
     * @return a new access with the legacy roles
     */
    public RbacForApplications replacingLegacyRoles(String... roles) {
      List<String> all = new ArrayList<>(legacyRoles);
      all.addAll(List.of(roles));
      return new RbacForApplications(this.roles, removeTenantWideConsent, replaceAccessPolicies, all);
    }

    /**
     * These roles replace the app's application access policies (Microsoft's migration recipe, docs/migration.md): after
     * the role assignments, the plan waits until they can be effective, confirms with {@code Test-ServicePrincipalAuthorization}
     * that every direct member of the scope group is in scope, and only then revokes the app's mailbox-related
     * tenant-wide consent and removes its RestrictAccess policies. DenyAccess policies are reported and kept. Destructive,
     * so opt in; the scope must be the policy's group (AccessPolicyMigration in the migration package proposes it).
     *
     * @return a new access with the opt-in set
     */
    public RbacForApplications replacingAccessPolicies() {
      return new RbacForApplications(roles, true, true, legacyRoles);
    }

    @Override
    public AccessMethod method() {
      return AccessMethod.RBAC_FOR_APPLICATIONS;
    }

    @Override
    public String describe() {
      return "RBAC for Applications " + roles + (replaceAccessPolicies ? ", replacing the app's access policies and consent"
          : removeTenantWideConsent ? ", removing tenant-wide consent" : "")
          + (legacyRoles.isEmpty() ? "" : ", replacing the legacy roles " + legacyRoles);
    }
  }

  /**
   * A legacy Exchange Online application access policy: the app's Graph application permissions are limited to
   * the members of a mail-enabled security group. Microsoft advises RBAC for Applications for new setups.
   *
   * <p>A policy only narrows the app's tenant-wide Microsoft Graph application permissions (admin consent); it grants
   * nothing. Declare the permissions the app needs with {@link #withGraphPermissions(String...)} and the plan grants the
   * missing ones, after the policy step: {@code Access.applicationAccessPolicy().withGraphPermissions("Mail.Read")}.
   * Without them the plan grants nothing and the app keeps whatever consent it has.
   *
   * @param accessRight RestrictAccess (only the group) or DenyAccess (everyone but the group)
   * @param graphPermissions Microsoft Graph application permissions to grant tenant-wide, e.g. "Mail.Read" (may be empty)
   */
  public record ApplicationAccessPolicy(Right accessRight, List<String> graphPermissions) implements Access {
    private static final Pattern PERMISSION = Pattern.compile("[A-Za-z][A-Za-z0-9_-]*(\\.[A-Za-z0-9_-]+)*");

    public ApplicationAccessPolicy {
      if (accessRight == null) {
        throw new InvalidSetupException("An application access policy needs an access right (RESTRICT_ACCESS or DENY_ACCESS).");
      }
      for (String p : graphPermissions) {
        if (p != null && p.startsWith("Application ")) {
          throw new InvalidSetupException(Names.quoted(p) + " is an Exchange application role, not a Microsoft Graph "
              + "permission: write \"" + p.substring("Application ".length()) + "\".");
        }
        if (p == null || !PERMISSION.matcher(p).matches()) {
          throw new InvalidSetupException("Not a Microsoft Graph application permission: " + Names.quoted(p)
              + ". Permissions are named like \"Mail.Read\" or \"Calendars.ReadWrite\".");
        }
      }
      graphPermissions = List.copyOf(new LinkedHashSet<>(graphPermissions));
    }

    /** A policy with the given right and no permissions to grant. @param accessRight the right */
    public ApplicationAccessPolicy(Right accessRight) {
      this(accessRight, List.of());
    }

    /**
     * This policy, plus Microsoft Graph application permissions the app needs, e.g. {@code "Mail.Read"},
     * {@code "Calendars.ReadWrite"}. The plan grants the missing ones tenant-wide (admin consent) after the policy.
     *
     * @param permissions the permissions (replacing any given before)
     * @return a new policy
     */
    public ApplicationAccessPolicy withGraphPermissions(String... permissions) {
      return new ApplicationAccessPolicy(accessRight, List.of(permissions));
    }

    /** The policy's {@code -AccessRight}. */
    public enum Right {
      RESTRICT_ACCESS("RestrictAccess"), DENY_ACCESS("DenyAccess");

      private final String cmdletValue;

      Right(String cmdletValue) {
        this.cmdletValue = cmdletValue;
      }

      /** The value Exchange expects. */
      public String cmdletValue() {
        return cmdletValue;
      }
    }

    @Override
    public AccessMethod method() {
      return AccessMethod.APPLICATION_ACCESS_POLICY;
    }

    @Override
    public String describe() {
      return "application access policy (" + accessRight.cmdletValue() + ")"
          + (graphPermissions.isEmpty() ? "" : " with Microsoft Graph " + String.join(", ", graphPermissions));
    }
  }

  /**
   * {@code FullAccess} on each in-scope mailbox for the service account, with Outlook auto-mapping off. Note that
   * FullAccess exposes private items, and Exchange allows at most 500 entries per mailbox.
   */
  public record FullAccessDelegation() implements Access {
    @Override
    public AccessMethod method() {
      return AccessMethod.FULL_ACCESS_DELEGATION;
    }

    @Override
    public String describe() {
      return "FullAccess delegation (AutoMapping off)";
    }
  }
}
