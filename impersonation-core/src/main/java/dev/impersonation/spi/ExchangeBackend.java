package dev.impersonation.spi;

import dev.impersonation.AccessMethod;
import dev.impersonation.Principal;
import java.util.List;
import java.util.Optional;

/**
 * Exchange administration (cmdlets): organization, recipients, mail groups, RBAC, service principals, access
 * policies and mailbox permissions. Reads return {@link Optional#empty()} only when the service said the object
 * does not exist; any failure to read throws, so the planner can tell ABSENT from UNKNOWN.
 */
public interface ExchangeBackend extends Backend, ExchangeRbacReader, MailboxReader {
  /** {@code Get-OrganizationConfig}. */
  OrganizationConfig organizationConfig();

  /**
   * {@code Get-OrganizationConfig -RetrieveEwsOperationAccessPolicy}: the organization's {@code EwsEnabled} and
   * {@code EwsAllowedAppIDs} (Exchange Online; on Exchange Server the list is empty).
   */
  EwsOrganizationPolicy ewsOrganizationPolicy();

  /**
   * The roles of RBAC for Applications this organization offers ({@code Get-ManagementRole}, the names starting with
   * {@code "Application "}): Microsoft adds to the list, so a migration reads it rather than trusting a built-in one.
   * Empty on Exchange Server.
   */
  List<String> applicationRoles();

  /** {@code Get-Recipient -Identity}: a mailbox or group by UPN, SMTP address or name. */
  Optional<Recipient> findRecipient(String identity);

  /** A mailbox is a recipient whose type is a mailbox: {@link #findRecipient} filtered. */
  @Override
  default Optional<Recipient> findMailbox(String identity) {
    return findRecipient(identity).filter(r -> r.type().isMailbox());
  }

  /** {@code Get-Recipient -RecipientTypeDetails UserMailbox,...}: up to {@code limit} mailboxes, in a stable order. */
  @Override
  List<Recipient> listMailboxes(int limit);

  /**
   * Recipients by identity, in bulk: a real backend asks for them in filter chunks ({@code Get-Recipient -Filter
   * "(PrimarySmtpAddress -eq 'a') -or …"}), not one call each. The map is keyed by each identity as given, lower-cased;
   * an identity it has no entry for was not found in bulk (it may still be a UPN or alias: look it up with
   * {@link #findRecipient}). The default looks each one up.
   *
   * @param identities the identities, typically primary SMTP addresses
   * @return the recipients found, by identity
   */
  default java.util.Map<String, Recipient> findRecipients(List<String> identities) {
    java.util.Map<String, Recipient> out = new java.util.LinkedHashMap<>();
    for (String identity : identities) {
      findRecipient(identity).ifPresent(r -> out.put(identity.toLowerCase(java.util.Locale.ROOT), r));
    }
    return out;
  }

  /**
   * {@code Get-Mailbox -ResultSize Unlimited -Filter <opathFilter>}: every mailbox the filter matches, read in pages by
   * the service (one paged read, no call per mailbox). The default is for backends written before: it cannot evaluate
   * a filter, which a planner reports as an unknown read, never as "no mailbox".
   *
   * @param opathFilter an OPATH filter, e.g. {@code "(RecipientTypeDetails -eq 'UserMailbox') -and (Alias -ne 'Admin')"}
   * @return the matching mailboxes
   */
  default List<Recipient> mailboxesMatching(String opathFilter) {
    throw new UnsupportedOperationException(getClass().getSimpleName() + " cannot read the mailboxes a recipient filter "
        + "matches (Get-Mailbox -Filter)");
  }

  /**
   * {@code Get-ManagementRoleAssignment -ResultSize Unlimited}: every role assignment of the organization, in one paged
   * read (the audit's inventory). The default is for backends written before: it cannot list them.
   *
   * @return every assignment
   */
  default List<RoleAssignment> allRoleAssignments() {
    throw new UnsupportedOperationException(getClass().getSimpleName() + " cannot list every role assignment");
  }

  /**
   * {@code Get-ApplicationAccessPolicy}: every application access policy (Exchange Online). The default lists none it
   * could read: it throws.
   *
   * @return every policy
   */
  default List<AccessPolicy> allAccessPolicies() {
    throw new UnsupportedOperationException(getClass().getSimpleName() + " cannot list every access policy");
  }

  /**
   * Every explicit (not inherited) FullAccess grant of the organization in one paged read: on Exchange Online
   * {@code Get-EXOMailboxPermission -ResultSize Unlimited}, whose default parameter set takes no identity. Exchange
   * Server lists mailbox permissions only per mailbox, so a backend for it throws rather than make a call per mailbox.
   * Read by the audit's inventory and by the plan of FullAccess over a recipient filter (one read instead of one per
   * matched mailbox; on {@link UnsupportedOperationException} the plan reads per mailbox).
   *
   * @return the grants, one per mailbox and holder
   */
  default List<MailboxPermission> fullAccessGrants() {
    throw new UnsupportedOperationException(getClass().getSimpleName() + " cannot list every FullAccess grant in one read");
  }

  /** {@code Get-DistributionGroup} / {@code Get-Group}: a group by name or SMTP address. */
  Optional<MailGroup> findGroup(String identity);

  /** {@code Get-DistributionGroupMember -ResultSize Unlimited}: direct members. */
  List<Recipient> groupMembers(String groupIdentity);

  /** {@code Get-ManagementScope}. */
  @Override
  Optional<ManagementScope> findManagementScope(String name);

  /** {@code Get-ManagementRoleAssignment -RoleAssignee}: every assignment of this assignee. */
  @Override
  List<RoleAssignment> roleAssignments(String assignee);

  /** {@code Get-RoleGroup}. */
  Optional<RoleGroup> findRoleGroup(String name);

  /** {@code Get-MailboxPermission -Identity}: explicit (non-inherited) entries. */
  List<MailboxPermission> mailboxPermissions(String mailbox);

  /** {@code Get-ServicePrincipal -Identity <appId>}. */
  Optional<ExchangeServicePrincipal> findServicePrincipal(String appId);

  /** {@code Get-ApplicationAccessPolicy}, filtered to one app. */
  List<AccessPolicy> accessPolicies(String appId);

  /**
   * The cache-free configuration test for one principal and mailbox under {@code method}
   * ({@code Test-ServicePrincipalAuthorization -Resource}, {@code Test-ApplicationAccessPolicy},
   * {@code Get-MailboxPermission}, or the effective ApplicationImpersonation assignments).
   */
  ConfiguredAccess testConfiguredAccess(AccessMethod method, Principal principal, String mailbox);

  /**
   * The configuration test for one permission: with RBAC for Applications, only a
   * {@code Test-ServicePrincipalAuthorization -Resource} row whose {@code GrantedPermissions} gives {@code permission}
   * (see {@link AppPermissions#implies}) and whose {@code InScope} is True counts; other methods answer as
   * {@link #testConfiguredAccess(AccessMethod, Principal, String)}. The default (for backends written before) ignores
   * the permission.
   */
  default ConfiguredAccess testConfiguredAccess(AccessMethod method, Principal principal, String mailbox, String permission) {
    return testConfiguredAccess(method, principal, mailbox);
  }
}
