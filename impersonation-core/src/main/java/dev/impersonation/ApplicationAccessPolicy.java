package dev.impersonation;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.regex.Pattern;

/**
 * A legacy Exchange Online application access policy: the app's Graph application permissions are limited to
 * the members of a mail-enabled security group. Microsoft advises RBAC for Applications for new setups.
 *
 * <p>A policy only narrows the app's tenant-wide Microsoft Graph application permissions (admin consent); it grants
 * nothing. Declare the permissions the app needs with {@link #withGraphPermissions(String...)} and the plan grants the
 * missing ones, after the policy step: {@code Access.applicationAccessPolicy().withGraphPermissions("Mail.Read")}.
 * Without them the plan grants nothing and the app keeps whatever consent it has.
 *
 * @param accessRight RestrictAccess (only the group) or DenyAccess (everyone but the group)
 * @param graphPermissions Microsoft Graph application permissions to grant tenant-wide, e.g. "Mail.Read" (may be empty)
 */
public record ApplicationAccessPolicy(Right accessRight, List<String> graphPermissions) implements Access {
  private static final Pattern PERMISSION = Pattern.compile("[A-Za-z][A-Za-z0-9_-]*(\\.[A-Za-z0-9_-]+)*");

  public ApplicationAccessPolicy {
    if (accessRight == null) {
      throw new InvalidSetupException("An application access policy needs an access right (RESTRICT_ACCESS or DENY_ACCESS).");
    }
    for (String p : graphPermissions) {
      if (p != null && p.startsWith("Application ")) {
        throw new InvalidSetupException(Names.quoted(p) + " is an Exchange application role, not a Microsoft Graph "
            + "permission: write \"" + p.substring("Application ".length()) + "\".");
      }
      if (p == null || !PERMISSION.matcher(p).matches()) {
        throw new InvalidSetupException("Not a Microsoft Graph application permission: " + Names.quoted(p)
            + ". Permissions are named like \"Mail.Read\" or \"Calendars.ReadWrite\".");
      }
    }
    graphPermissions = List.copyOf(new LinkedHashSet<>(graphPermissions));
  }

  /** A policy with the given right and no permissions to grant. @param accessRight the right */
  public ApplicationAccessPolicy(Right accessRight) {
    this(accessRight, List.of());
  }

  /**
   * This policy, plus Microsoft Graph application permissions the app needs, e.g. {@code "Mail.Read"},
   * {@code "Calendars.ReadWrite"}. The plan grants the missing ones tenant-wide (admin consent) after the policy.
   *
   * @param permissions the permissions (replacing any given before)
   * @return a new policy
   */
  public ApplicationAccessPolicy withGraphPermissions(String... permissions) {
    return new ApplicationAccessPolicy(accessRight, List.of(permissions));
  }

  /** The policy's {@code -AccessRight}. */
  public enum Right {
    RESTRICT_ACCESS("RestrictAccess"), DENY_ACCESS("DenyAccess");

    private final String cmdletValue;

    Right(String cmdletValue) {
      this.cmdletValue = cmdletValue;
    }

    /** The value Exchange expects. */
    public String cmdletValue() {
      return cmdletValue;
    }
  }

  @Override
  public AccessMethod method() {
    return AccessMethod.APPLICATION_ACCESS_POLICY;
  }

  @Override
  public String describe() {
    return "application access policy (" + accessRight.cmdletValue() + ")"
        + (graphPermissions.isEmpty() ? "" : " with Microsoft Graph " + String.join(", ", graphPermissions));
  }
}
