package dev.impersonation.verify;

import dev.impersonation.AccessMethod;
import dev.impersonation.InvalidSetupException;
import java.time.Duration;

/**
 * How long a configured grant may take to become effective before a denial counts as real. Inside the window a
 * denial is PENDING_PROPAGATION; after it, DENIED. Defaults (see {@code docs/verification.md}): RBAC for Applications
 * 2 h (Microsoft: the permission cache refreshes in 30 minutes to 2 hours); application access policies 2 h (Microsoft:
 * changes "can take longer than 1 hour"; no upper bound is documented, so this is a chosen bound: raise it when a
 * tenant is known to be slower); mailbox permissions and ApplicationImpersonation 2 h.
 *
 * @param rbacForApplications window for RBAC for Applications assignments
 * @param accessPolicy window for application access policies
 * @param mailboxPermission window for FullAccess and ApplicationImpersonation
 */
public record PropagationWindows(Duration rbacForApplications, Duration accessPolicy, Duration mailboxPermission) {
  public PropagationWindows {
    for (Duration d : new Duration[] {rbacForApplications, accessPolicy, mailboxPermission}) {
      if (d == null || d.isNegative()) {
        throw new InvalidSetupException("A propagation window must be zero or positive, e.g. Duration.ofHours(2); got " + d + ".");
      }
    }
  }

  /** The documented-based defaults: 2 h for each. */
  public static PropagationWindows defaults() {
    return new PropagationWindows(Duration.ofHours(2), Duration.ofHours(2), Duration.ofHours(2));
  }

  /** These windows with another one for access policies. @param window the window @return new windows */
  public PropagationWindows withAccessPolicy(Duration window) {
    return new PropagationWindows(rbacForApplications, window, mailboxPermission);
  }

  /** These windows with another one for RBAC for Applications. @param window the window @return new windows */
  public PropagationWindows withRbacForApplications(Duration window) {
    return new PropagationWindows(window, accessPolicy, mailboxPermission);
  }

  /** The window for one access method. */
  public Duration forMethod(AccessMethod method) {
    return switch (method) {
      case RBAC_FOR_APPLICATIONS -> rbacForApplications;
      case APPLICATION_ACCESS_POLICY -> accessPolicy;
      case APPLICATION_IMPERSONATION, FULL_ACCESS_DELEGATION -> mailboxPermission;
    };
  }
}
