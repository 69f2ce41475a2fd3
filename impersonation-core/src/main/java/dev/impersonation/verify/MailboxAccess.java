package dev.impersonation.verify;

import java.util.List;

/**
 * The verified access to one mailbox.
 *
 * @param mailbox the mailbox
 * @param inScope whether the setup intends access (false for the least-privilege outsider)
 * @param state the mailbox's overall state: for an in-scope mailbox, over the permissions the setup declares; for an
 *     outsider, GRANTED as soon as any checked permission reaches it
 * @param evidence what was checked and what it answered
 * @param permissions one row per checked permission (empty when the check was not per permission)
 */
public record MailboxAccess(String mailbox, boolean inScope, AccessState state, String evidence,
    List<PermissionAccess> permissions) {
  public MailboxAccess {
    permissions = List.copyOf(permissions);
  }

  /** A row without per-permission detail. */
  public MailboxAccess(String mailbox, boolean inScope, AccessState state, String evidence) {
    this(mailbox, inScope, state, evidence, List.of());
  }

  /** Whether this row is as the setup intends: granted in scope, denied outside. */
  public boolean asIntended() {
    return inScope ? state == AccessState.GRANTED : state == AccessState.DENIED;
  }

  /** The row of one permission, if it was checked. */
  public java.util.Optional<PermissionAccess> permission(String permission) {
    return permissions.stream().filter(p -> p.permission().equalsIgnoreCase(permission)).findFirst();
  }
}
