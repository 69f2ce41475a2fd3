package dev.impersonation.spi;

import java.time.Instant;
import java.util.Objects;

/**
 * A management role assignment ({@code Get-ManagementRoleAssignment}).
 *
 * @param name the assignment's name
 * @param role the role, e.g. {@code ApplicationImpersonation} or {@code Application Mail.Read}
 * @param assignee the assignee: UPN for users, role-group name, or service-principal object id
 * @param assigneeType the kind of assignee
 * @param scopeType how it is scoped
 * @param scope the management scope name, administrative-unit id or group name; empty when organization-wide
 * @param createdAt when the assignment was created, if the backend knows (for the propagation window)
 */
public record RoleAssignment(String name, String role, String assignee, AssigneeType assigneeType, ScopeType scopeType,
    String scope, Instant createdAt) {
  public RoleAssignment {
    Objects.requireNonNull(scope, "scope (empty string when organization-wide)");
  }

  /** Whether this assignment reaches every mailbox. */
  public boolean isOrganizationWide() {
    return scopeType == ScopeType.ORGANIZATION;
  }
}
