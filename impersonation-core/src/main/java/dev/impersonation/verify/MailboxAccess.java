package dev.impersonation.verify;

/**
 * The verified access to one mailbox.
 *
 * @param mailbox the mailbox
 * @param inScope whether the setup intends access (false for the least-privilege outsider)
 * @param state what was found
 * @param evidence what was checked and what it answered
 */
public record MailboxAccess(String mailbox, boolean inScope, AccessState state, String evidence) {
  /** Whether this row is as the setup intends: granted in scope, denied outside. */
  public boolean asIntended() {
    return inScope ? state == AccessState.GRANTED : state == AccessState.DENIED;
  }
}
