package dev.impersonation.spi;

import java.util.List;
import java.util.Optional;

/**
 * Reads the Exchange objects of RBAC for Applications: management scopes and role assignments. Every
 * {@link ExchangeBackend} can (cmdlets); a {@link DirectoryBackend} can too when it reaches the Exchange RBAC endpoints of
 * Microsoft Graph ({@code /beta/roleManagement/exchange/customAppScopes} and {@code /roleAssignments}, docs/rbac-for-applications.md),
 * which lets a connection without an Exchange backend plan and apply RBAC for Applications. Like every read of the SPI,
 * {@link Optional#empty()} means the service said the object does not exist; a failure to read throws.
 */
public interface ExchangeRbacReader {
  /** A management scope by name ({@code Get-ManagementScope}; Graph: a customAppScope by display name). */
  Optional<ManagementScope> findManagementScope(String name);

  /**
   * Every role assignment of one assignee ({@code Get-ManagementRoleAssignment -RoleAssignee}; Graph: role
   * assignments whose principal is {@code /ServicePrincipals/<assignee>}).
   *
   * @param assignee a UPN, a role group name, or a service principal's object id
   */
  List<RoleAssignment> roleAssignments(String assignee);
}
