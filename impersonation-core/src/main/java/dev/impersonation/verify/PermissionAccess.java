package dev.impersonation.verify;

import java.util.Set;

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
