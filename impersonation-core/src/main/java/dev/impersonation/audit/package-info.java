/**
 * Who holds mailbox access in a tenant, whoever made it (docs/audit.md): {@link dev.impersonation.audit.MailboxAccessAudit}
 * reads the organization's role assignments, access policies, FullAccess grants and tenant-wide consent in paged
 * inventory reads and says what each reaches.
 */
package dev.impersonation.audit;
