package dev.impersonation;

/**
 * {@code FullAccess} on each in-scope mailbox for the service account, with Outlook auto-mapping off. Note that
 * FullAccess exposes private items, and Exchange allows at most 500 entries per mailbox.
 */
public record FullAccessDelegation() implements Access {
  @Override
  public AccessMethod method() {
    return AccessMethod.FULL_ACCESS_DELEGATION;
  }

  @Override
  public String describe() {
    return "FullAccess delegation (AutoMapping off)";
  }
}
