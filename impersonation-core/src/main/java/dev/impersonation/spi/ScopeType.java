package dev.impersonation.spi;

/** How a role assignment is scoped. */
public enum ScopeType {
  /** No scope: the whole organization. */
  ORGANIZATION,
  /** {@code -CustomRecipientWriteScope} (users, role groups) or {@code -CustomResourceScope} (apps). */
  MANAGEMENT_SCOPE,
  /** {@code -RecipientAdministrativeUnitScope}. */
  ADMINISTRATIVE_UNIT,
  /**
   * {@code -RecipientGroupScope <group>} (Exchange Online, RBAC for Applications): the group's direct members only; the
   * scope value is the group's name. On Graph, {@code directoryScopeId: "/Groups/{id}"} (docs/group-scopes.md).
   */
  RECIPIENT_GROUP
}
