package dev.impersonation.spi;

/** How a role assignment is scoped. */
public enum ScopeType {
  /** No scope: the whole organization. */
  ORGANIZATION,
  /** {@code -CustomRecipientWriteScope} (users, role groups) or {@code -CustomResourceScope} (apps). */
  MANAGEMENT_SCOPE,
  /** {@code -RecipientAdministrativeUnitScope}. */
  ADMINISTRATIVE_UNIT
}
