package dev.impersonation.internal;

import dev.impersonation.spi.Recipient;
import java.util.ArrayList;
import java.util.List;

/** Plans a mailbox list scope: every listed mailbox must exist and be a mailbox; nothing is written for the scope itself. */
final class MailboxListPlanner {
  private MailboxListPlanner() {}

  static ScopeSteps plan(PlanContext ctx, List<String> mailboxes) {
    List<String> missing = new ArrayList<>();
    List<String> notMailboxes = new ArrayList<>();
    List<String> unreadable = new ArrayList<>();
    for (String m : mailboxes) {
      Observed<Recipient> r = ctx.recipient(m);
      if (r.unknown()) {
        unreadable.add(m + " (" + r.error() + ")");
      } else if (r.absent()) {
        missing.add(m);
      } else if (!r.value().type().isMailbox()) {
        notMailboxes.add(m + " (" + r.value().type().value() + ")");
      }
    }
    String resource = "listed mailboxes";
    if (!unreadable.isEmpty()) {
      ctx.blocked(resource, "could not look up " + unreadable + "; a failed read is never taken as absent: plan again");
    }
    if (!missing.isEmpty()) {
      ctx.blocked(resource, "no mailbox found for " + missing + " (docs/diagnostics.md#d9): fix the addresses");
    }
    if (!notMailboxes.isEmpty()) {
      ctx.blocked(resource, notMailboxes + " are not mailboxes (docs/diagnostics.md#d2): list the member mailboxes instead");
    }
    return new ScopeSteps(List.of(), List.of(), "", mailboxes, unreadable.isEmpty() && missing.isEmpty() && notMailboxes.isEmpty());
  }
}
