package dev.impersonation;

import java.util.Collection;
import java.util.List;

/**
 * Which mailboxes the principal may reach. Factory methods name each kind; least privilege is the default, and
 * the whole organization is never implied: {@link #organization()} must be acknowledged explicitly.
 */
public sealed interface Scope
    permits GroupScope, MailboxListScope, RecipientFilterScope, AdministrativeUnitScope, OrganizationScope {

  /** A distribution group (written through Exchange). */
  static GroupScope distributionGroup(String name) {
    return GroupScope.of(GroupKind.DISTRIBUTION, name);
  }

  /** A mail-enabled security group (written through Exchange; the only group an access policy accepts). */
  static GroupScope mailEnabledSecurityGroup(String name) {
    return GroupScope.of(GroupKind.MAIL_ENABLED_SECURITY, name);
  }

  /** A room list, the distribution group of room mailboxes (written through Exchange). */
  static GroupScope roomList(String name) {
    return GroupScope.of(GroupKind.ROOM_LIST, name);
  }

  /** A Microsoft 365 group (written through Graph; Exchange knows it, so MemberOfGroup filters work). */
  static GroupScope microsoft365Group(String name) {
    return GroupScope.of(GroupKind.MICROSOFT_365, name);
  }

  /** A non-mail Entra security group (written through Graph). Exchange filters cannot use it; FullAccess only. */
  static GroupScope securityGroup(String name) {
    return GroupScope.of(GroupKind.SECURITY, name);
  }

  /** An explicit list of mailboxes (FullAccess delegation only). */
  static MailboxListScope mailboxes(Collection<String> mailboxes) {
    return MailboxListScope.of(List.copyOf(mailboxes));
  }

  /** An explicit list of mailboxes (FullAccess delegation only). */
  static MailboxListScope mailboxes(String... mailboxes) {
    return MailboxListScope.of(List.of(mailboxes));
  }

  /** A custom OPATH recipient filter, e.g. {@code "Department -eq 'Sales'"}. */
  static RecipientFilterScope recipientFilter(String opathFilter) {
    return RecipientFilterScope.of(opathFilter);
  }

  /** An existing Entra administrative unit, by object id (RBAC for Applications only). */
  static AdministrativeUnitScope administrativeUnit(String objectId) {
    return AdministrativeUnitScope.of(objectId);
  }

  /** Every mailbox in the organization. {@code build()} fails unless you call {@code acknowledged()} on it. */
  static OrganizationScope organization() {
    return new OrganizationScope(false);
  }

  /** A short description for plans and reports. */
  String describe();
}
