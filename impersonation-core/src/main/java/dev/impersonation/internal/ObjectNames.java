package dev.impersonation.internal;

import dev.impersonation.ImpersonationSetup;

/** The names of the Exchange objects a setup owns, derived from its name unless given. */
public final class ObjectNames {
  private ObjectNames() {}

  /** The ownership marker written to notes / descriptions of created objects. */
  public static String ownerMarker(ImpersonationSetup setup) {
    return "Managed by Impersonation Setup for Java: " + setup.name();
  }

  public static String managementScope(ImpersonationSetup setup) {
    return setup.managementScopeName().orElse(setup.name() + "-Scope");
  }

  /** The assignment name for one role: the given name (single role), else {@code <name>-<role>}. */
  public static String roleAssignment(ImpersonationSetup setup, String role, int roleCount) {
    if (setup.roleAssignmentName().isPresent() && roleCount == 1) {
      return setup.roleAssignmentName().get();
    }
    String base = setup.roleAssignmentName().orElse(setup.name());
    return base + "-" + role.replaceFirst("^Application ", "").replace(' ', '-');
  }
}
