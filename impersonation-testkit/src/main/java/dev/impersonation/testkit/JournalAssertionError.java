package dev.impersonation.testkit;

import java.util.List;

/**
 * A failed {@link JournalAssertions} check: an {@link AssertionError} (so any test framework reports it as a failure)
 * that also carries what was expected and the writes that were made, for tools that want more than the message.
 */
public final class JournalAssertionError extends AssertionError {
  private static final long serialVersionUID = 1L;

  private final String check;
  private final List<JournalEntry> offending;
  private final List<JournalEntry> writes;

  JournalAssertionError(String check, String message, List<JournalEntry> offending, List<JournalEntry> writes) {
    super(message);
    this.check = check;
    this.offending = List.copyOf(offending);
    this.writes = List.copyOf(writes);
  }

  /** The assertion that failed, e.g. {@code wrote NewManagementScope 'Sync-Scope'} or {@code neverTouched}. */
  public String check() {
    return check;
  }

  /** The writes that broke the assertion (for {@code wrote}: the nearest misses), possibly empty. */
  public List<JournalEntry> offending() {
    return offending;
  }

  /** Every successful write the tenant received. */
  public List<JournalEntry> writes() {
    return writes;
  }
}
