package dev.impersonation.internal;

import dev.impersonation.spi.RecipientFilter;
import java.util.List;

/**
 * What grants need of the planned scope.
 *
 * @param ready the steps the grant waits for (groups created or updated, their DNs resolved, members added or removed)
 * @param groups the scope's groups as a management scope's filter refers to them
 * @param policyGroup the group an application access policy names
 * @param mailboxes the mailboxes in scope, for FullAccess
 * @param ok false when a step of the scope is blocked
 */
record ScopeSteps(List<Integer> ready, List<RecipientFilter.GroupReference> groups, String policyGroup,
    List<String> mailboxes, boolean ok) {

  /** A scope with no steps of its own: {@code ok} tells whether it is usable. */
  static ScopeSteps none(boolean ok) {
    return new ScopeSteps(List.of(), List.of(), "", List.of(), ok);
  }
}
