package dev.impersonation.verify;

import java.util.List;
import java.util.Set;

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

  /** The state of the principal's access to one mailbox. */
  public enum AccessState {
    /** Access works (probed), or is configured when no probe is available (see the evidence). */
    GRANTED,
    /** Access is refused and the configuration does not grant it. */
    DENIED,
    /** Configured but not effective yet: role assignments take up to 2 h, access policies more than 1 h. */
    PENDING_PROPAGATION,
    /** The mailbox does not exist or is not provisioned yet. */
    MAILBOX_NOT_READY,
    /** Could not be determined: a read or probe failed. Never treated as denied or granted. */
    UNKNOWN
  }

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

  /**
   * The verified state of one permission on one mailbox.
   *
   * @param permission the permission, e.g. {@code Mail.Read}, {@code Calendars.ReadWrite}, {@code full_access_as_app}
   * @param expected whether the setup intends the principal to hold it on this mailbox
   * @param state what was found
   * @param grantedBy which grants give it, by configuration (empty when none does)
   * @param evidence which cmdlets and probes answered what, and when
   */
  public record PermissionAccess(String permission, boolean expected, AccessState state, Set<GrantSource> grantedBy,
      String evidence) {
    public PermissionAccess {
      grantedBy = Set.copyOf(grantedBy);
    }

    /** Whether this row is as the setup intends: granted when expected, denied otherwise. */
    public boolean asIntended() {
      return expected ? state == AccessState.GRANTED : state == AccessState.DENIED;
    }
  }
}
