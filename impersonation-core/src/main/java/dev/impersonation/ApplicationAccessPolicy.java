package dev.impersonation;

/**
 * A legacy Exchange Online application access policy: the app's Graph application permissions are limited to
 * the members of a mail-enabled security group. Microsoft advises RBAC for Applications for new setups.
 *
 * @param accessRight RestrictAccess (only the group) or DenyAccess (everyone but the group)
 */
public record ApplicationAccessPolicy(Right accessRight) implements Access {
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
    return "application access policy (" + accessRight.cmdletValue() + ")";
  }
}
