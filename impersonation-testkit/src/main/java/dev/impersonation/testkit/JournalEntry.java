package dev.impersonation.testkit;

import java.time.Instant;

/**
 * One backend call a {@link FakeTenant} received.
 *
 * @param at when, on the fake clock
 * @param backend "exchange", "directory" or "probe"
 * @param operation the operation, e.g. "NewManagementScope" or "findGroup"
 * @param detail its main argument
 * @param write whether it was a write
 * @param outcome "ok" or the error it raised
 */
public record JournalEntry(Instant at, String backend, String operation, String detail, boolean write, String outcome) {
  @Override
  public String toString() {
    return at + " " + backend + " " + (write ? "WRITE " : "read ") + operation + "(" + detail + ") -> " + outcome;
  }
}
