package dev.impersonation;

/** How access is granted (the concepts of the public API), with where each method works (docs/timeline.md). */
public enum AccessMethod {
  /** Legacy EWS impersonation role; Exchange Server only (retired in Exchange Online). */
  APPLICATION_IMPERSONATION,
  /** Exchange Online RBAC for Applications: scoped {@code Application ...} roles assigned to an app. */
  RBAC_FOR_APPLICATIONS,
  /** Exchange Online application access policy limiting an app's Graph permissions to a group. Legacy. */
  APPLICATION_ACCESS_POLICY,
  /** {@code Add-MailboxPermission -AccessRights FullAccess -AutoMapping $false} per mailbox. */
  FULL_ACCESS_DELEGATION
}
