package dev.impersonation;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The EWS ApplicationImpersonation role for a service account, assigned directly
 * ({@code New-ManagementRoleAssignment}) or through a role group ({@code New-RoleGroup}) that may carry extra
 * roles such as {@code View-Only Configuration}. Exchange Server only: Exchange Online no longer accepts new
 * assignments, and {@code build()} rejects it there, naming {@link RbacForApplications} as the replacement.
 *
 * @param roleGroup the role group to use, if any
 * @param extraRoles further roles for the role group
 */
public record ApplicationImpersonation(Optional<String> roleGroup, List<String> extraRoles) implements Access {
  /** The role's name in Exchange. */
  public static final String ROLE = "ApplicationImpersonation";

  public ApplicationImpersonation {
    roleGroup = roleGroup.map(n -> Names.requireName(n, "The role group name"));
    extraRoles = List.copyOf(extraRoles);
    extraRoles.forEach(r -> Names.requireName(r, "An extra role"));
    if (roleGroup.isEmpty() && !extraRoles.isEmpty()) {
      throw new InvalidSetupException("Extra roles need a role group: call viaRoleGroup(\"<name>\") before withExtraRoles(...).");
    }
  }

  static ApplicationImpersonation direct() {
    return new ApplicationImpersonation(Optional.empty(), List.of());
  }

  /** Assign the role through this role group (created if absent), with the service account as a member. */
  public ApplicationImpersonation viaRoleGroup(String name) {
    return new ApplicationImpersonation(Optional.of(name), extraRoles);
  }

  /** Extra roles for the role group, e.g. {@code "View-Only Configuration"}. */
  public ApplicationImpersonation withExtraRoles(String... roles) {
    List<String> all = new ArrayList<>(extraRoles);
    all.addAll(List.of(roles));
    return new ApplicationImpersonation(roleGroup, all);
  }

  /** All roles granted: ApplicationImpersonation first, then the extra roles. */
  public List<String> roles() {
    List<String> all = new ArrayList<>();
    all.add(ROLE);
    all.addAll(extraRoles);
    return List.copyOf(all);
  }

  @Override
  public AccessMethod method() {
    return AccessMethod.APPLICATION_IMPERSONATION;
  }

  @Override
  public String describe() {
    return roleGroup.map(g -> "ApplicationImpersonation via role group '" + g + "'" + (extraRoles.isEmpty() ? "" : " + " + extraRoles))
        .orElse("ApplicationImpersonation (direct assignment)");
  }
}
