package dev.impersonation.verify;

/**
 * What grants a permission on a mailbox. An app's effective access is the union of its RBAC for Applications
 * assignments, its tenant-wide Entra consent and (narrowing that consent) application access policies.
 */
public enum GrantSource {
  /** An Exchange {@code Application ...} role assignment whose scope covers the mailbox. */
  RBAC_FOR_APPLICATIONS,
  /** Tenant-wide Entra admin consent (an app role assignment on the app's service principal): every mailbox. */
  ENTRA_CONSENT,
  /** Entra consent narrowed by an application access policy that lets the app reach this mailbox. */
  ACCESS_POLICY,
  /** {@code Add-MailboxPermission -AccessRights FullAccess} for the service account. */
  MAILBOX_PERMISSION,
  /** The {@code ApplicationImpersonation} role (Exchange Server), directly or through a role group. */
  APPLICATION_IMPERSONATION
}
