package dev.impersonation.migration;

import dev.impersonation.Access.RbacForApplications;
import dev.impersonation.Access;
import dev.impersonation.ImpersonationSetup;
import dev.impersonation.InvalidSetupException;
import dev.impersonation.MembershipMode;
import dev.impersonation.Principal;
import dev.impersonation.Scope;
import dev.impersonation.TenantConnection;
import dev.impersonation.TenantTarget;
import dev.impersonation.internal.Json;
import dev.impersonation.internal.Table;
import dev.impersonation.spi.AccessPolicy;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * What moving one app from an application access policy to RBAC for Applications involves in one tenant, read once
 * (Microsoft's recipe, docs/migration.md): the app's policies, the RestrictAccess policy's group, the mailboxes it
 * reaches directly and those it reaches only through nested groups (which RBAC does not count), the app's tenant-wide
 * consent and the {@code Application …} roles that match it in this organization's role list.
 * <pre>{@code
 * AccessPolicyMigration migration = AccessPolicyMigration.read(connection, appId);
 * System.out.println(migration);                       // what was found, and what would fall out
 * ImpersonationSetup setup = migration.flatteningNestedMembers().removingConsentAndPolicyWhenConfirmed().toSetup("Sync");
 * setup.apply(connection);                            // plan, apply and verify like any other setup
 * }</pre>
 * Nothing is written by reading. {@link #toSetup(String)} refuses to propose a setup when a read failed, when the app
 * has no or several RestrictAccess policies, or when no consented permission has a matching role.
 *
 * @param target the tenant
 * @param appId the application
 * @param restrictPolicies the app's RestrictAccess policies
 * @param denyPolicies the app's DenyAccess policies: reported and kept, never dropped silently
 * @param scopeGroup the group of the single RestrictAccess policy; empty when there is none or several
 * @param directMembers the mailboxes that are direct members of that group (RBAC counts these)
 * @param nestedOnly the mailboxes the policy reaches only through nested groups (RBAC would not)
 * @param consentedPermissions the app's mailbox-related tenant-wide consent (Microsoft Graph, and full_access_as_app)
 * @param roles the {@code Application …} roles that grant those permissions
 * @param unmatchedPermissions consented mailbox permissions no role of this organization grants
 * @param roleListFromExchange whether {@link #roles()} were matched against Exchange's role list (else the built-in one)
 * @param unknowns the reads that failed, each with its error
 * @param flattenNested whether {@link #toSetup(String)} adds {@link #nestedOnly()} to the group as direct members
 * @param removeWhenConfirmed whether {@link #toSetup(String)} removes the consent and the policy once the roles are confirmed
 */
public record AccessPolicyMigration(TenantTarget target, String appId, List<AccessPolicy> restrictPolicies,
    List<AccessPolicy> denyPolicies, Optional<String> scopeGroup, List<String> directMembers, List<NestedMember> nestedOnly,
    List<String> consentedPermissions, List<String> roles, List<String> unmatchedPermissions, boolean roleListFromExchange,
    List<String> unknowns, boolean flattenNested, boolean removeWhenConfirmed) {

  /**
   * A mailbox the policy reaches only through a nested group.
   *
   * @param mailbox the mailbox's primary SMTP address
   * @param via the nested group it is a member of
   */
  public record NestedMember(String mailbox, String via) {}

  public AccessPolicyMigration {
    restrictPolicies = List.copyOf(restrictPolicies);
    denyPolicies = List.copyOf(denyPolicies);
    directMembers = List.copyOf(directMembers);
    nestedOnly = List.copyOf(nestedOnly);
    consentedPermissions = List.copyOf(consentedPermissions);
    roles = List.copyOf(roles);
    unmatchedPermissions = List.copyOf(unmatchedPermissions);
    unknowns = List.copyOf(unknowns);
  }

  /**
   * Reads what the app's access policy grants in the tenant behind {@code connection}: its policies and their group
   * (with nested groups), through the Exchange backend; its tenant-wide consent, through the directory backend; the
   * role list, through Exchange. Writes nothing; a failed read is listed in {@link #unknowns()}, never taken as empty.
   *
   * @param connection a connection with an Exchange backend, and a directory backend for the consent
   * @param appId the application (client) id
   * @return what was found
   * @throws InvalidSetupException when the app id is not a GUID or the target is not Exchange Online
   */
  public static AccessPolicyMigration read(TenantConnection connection, String appId) {
    String id = Principal.application(appId).appId();
    if (!connection.target().isExchangeOnline()) {
      throw new InvalidSetupException("Application access policies and RBAC for Applications exist only in Exchange Online; "
          + connection.target() + " is Exchange Server.");
    }
    return MigrationReads.read(connection, id);
  }

  /** This migration, adding the mailboxes reached only through nested groups to the group (ADD_ONLY). */
  public AccessPolicyMigration flatteningNestedMembers() {
    return new AccessPolicyMigration(target, appId, restrictPolicies, denyPolicies, scopeGroup, directMembers, nestedOnly,
        consentedPermissions, roles, unmatchedPermissions, roleListFromExchange, unknowns, true, removeWhenConfirmed);
  }

  /**
   * This migration, removing the app's mailbox-related tenant-wide consent and its RestrictAccess policy once the new
   * roles are confirmed for every direct member of the group ({@link RbacForApplications#replacingAccessPolicies()}).
   */
  public AccessPolicyMigration removingConsentAndPolicyWhenConfirmed() {
    return new AccessPolicyMigration(target, appId, restrictPolicies, denyPolicies, scopeGroup, directMembers, nestedOnly,
        consentedPermissions, roles, unmatchedPermissions, roleListFromExchange, unknowns, flattenNested, true);
  }

  /**
   * The RBAC for Applications setup that replaces the policy: the app, the policy's group as its scope (by group,
   * {@code -RecipientGroupScope}), the matching roles, the group's membership left as it is or, when flattening, the
   * nested-only mailboxes added, and, when asked, the removal of the consent and the policy after the confirmation.
   *
   * @param name the setup's name (names the role assignments)
   * @return the setup, to plan, apply and verify
   * @throws InvalidSetupException when the migration cannot be proposed, saying why
   */
  public ImpersonationSetup toSetup(String name) {
    if (!unknowns.isEmpty()) {
      throw new InvalidSetupException("Some of the tenant could not be read, so no migration is proposed: "
          + String.join("; ", unknowns) + ". Fix the connection and read again.");
    }
    if (restrictPolicies.isEmpty()) {
      throw new InvalidSetupException("App " + appId + " has no RestrictAccess application access policy to migrate"
          + (denyPolicies.isEmpty() ? "." : " (only DenyAccess ones, which RBAC for Applications cannot express).")
          + " Declare its RBAC for Applications setup directly.");
    }
    if (scopeGroup.isEmpty()) {
      throw new InvalidSetupException("App " + appId + " has " + restrictPolicies.size() + " RestrictAccess policies; this "
          + "migration moves one group. Merge them into one group first, or declare the setup with a group of your choice.");
    }
    if (roles.isEmpty()) {
      throw new InvalidSetupException("None of the app's tenant-wide permissions " + consentedPermissions + " has a matching "
          + "Application role, so the policy scopes nothing RBAC for Applications can take over.");
    }
    Scope.GroupScope group = Scope.mailEnabledSecurityGroup(scopeGroup.get()).membershipMode(MembershipMode.ADD_ONLY);
    if (flattenNested && !nestedOnly.isEmpty()) {
      group = group.members(nestedOnly.stream().map(NestedMember::mailbox).distinct().toList());
    }
    RbacForApplications access = Access.rbacForApplications(roles.toArray(String[]::new));
    return ImpersonationSetup.builder().name(name).target(target).principal(Principal.application(appId)).scope(group)
        .access(removeWhenConfirmed ? access.replacingAccessPolicies() : access).build();
  }

  /** The findings as indented JSON. */
  public String toJson() {
    return Json.indented(this, "the migration");
  }

  /** A readable table of what was found, with what would fall out and what is kept. */
  @Override
  public String toString() {
    Table table = new Table("FOUND", "DETAIL");
    restrictPolicies.forEach(p -> table.row("RestrictAccess policy", p.identity() + " on '" + p.scopeGroup() + "'"));
    denyPolicies.forEach(p -> table.row("DenyAccess policy (kept)", p.identity() + " on '" + p.scopeGroup() + "'"));
    table.row("direct members", directMembers.size() + preview(directMembers));
    List<String> nested = new ArrayList<>();
    nestedOnly.forEach(n -> nested.add(n.mailbox() + " via " + n.via()));
    table.row("only through nested groups", nestedOnly.size() + preview(nested) + (nestedOnly.isEmpty() ? ""
        : flattenNested ? " (added to the group)" : " (would FALL OUT: flatteningNestedMembers() adds them)"));
    table.row("tenant-wide consent", consentedPermissions.isEmpty() ? "none" : String.join(", ", consentedPermissions));
    table.row("roles", (roles.isEmpty() ? "none" : String.join(", ", roles)) + (roleListFromExchange ? ""
        : " (matched against the built-in list: Exchange's role list was not read)"));
    if (!unmatchedPermissions.isEmpty()) {
      table.row("no matching role", String.join(", ", unmatchedPermissions));
    }
    unknowns.forEach(u -> table.row("UNKNOWN", u));
    table.row("after confirmation", removeWhenConfirmed ? "remove the consent and the RestrictAccess policy"
        : "keep the consent and the policy (removingConsentAndPolicyWhenConfirmed() removes them)");
    return "Migration of app " + appId + " from an application access policy to RBAC for Applications in " + target + "\n"
        + table.render();
  }

  private static String preview(List<String> values) {
    return values.isEmpty() ? "" : ": " + String.join(", ", values.subList(0, Math.min(5, values.size())))
        + (values.size() > 5 ? ", +" + (values.size() - 5) + " more" : "");
  }
}
