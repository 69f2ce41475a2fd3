package dev.impersonation.internal;

import java.util.Optional;

/**
 * What later steps need of the planned principal.
 *
 * @param ready the step that makes the principal usable; 0 when it already is (or when blocked)
 * @param assigneeId its identity for grants: the service account's UPN, or the app's service principal object id
 * @param resolvable whether grants can be planned for it
 */
record PrincipalSteps(int ready, Optional<String> assigneeId, boolean resolvable) {}
