package dev.impersonation;

/**
 * Every mailbox in the organization. Never a default: {@code build()} rejects it unless acknowledged, and
 * every plan and report then carries a warning.
 *
 * @param confirmed whether the caller acknowledged organization-wide access
 */
public record OrganizationScope(boolean confirmed) implements Scope {

  /** Acknowledges that the principal will reach every mailbox, including executives' and HR's. */
  public OrganizationScope acknowledged() {
    return new OrganizationScope(true);
  }

  @Override
  public String describe() {
    return "ENTIRE ORGANIZATION";
  }
}
