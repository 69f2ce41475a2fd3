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
    ctx.prefetchRecipients(mailboxes);
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

  /**
   * Plans a recipient-filter scope for FullAccess (Riva's "all user mailboxes except …"): the mailboxes the filter
   * matches, read once through {@code Get-Mailbox -ResultSize Unlimited -Filter}; a failed read blocks, and a filter that
   * matches nothing blocks too (a typo in a property or value is the likely cause). FullAccess is granted per mailbox, so
   * mailboxes that match later are covered only when the setup is applied again: the plan says so.
   */
  static ScopeSteps planFilter(PlanContext ctx, String filter) {
    String resource = "mailboxes matching " + filter;
    Observed<List<Recipient>> matched = ctx.valueFromExchange(x -> x.mailboxesMatching(filter));
    if (matched.unknown()) {
      ctx.blocked(resource, matched.blockedReason("the mailboxes the filter matches"));
      return ScopeSteps.none(false);
    }
    if (matched.value().isEmpty()) {
      ctx.blocked(resource, "the filter matches no mailbox: check its properties and values (Get-Mailbox -Filter)");
      return ScopeSteps.none(false);
    }
    ctx.remember(matched.value());
    List<String> mailboxes = matched.value().stream().map(Recipient::primarySmtpAddress).toList();
    ctx.noOp(resource, mailboxes.size() + " mailbox(es), read in one paged Get-Mailbox -Filter: " + PlanContext.preview(mailboxes));
    ctx.warn("FullAccess is granted mailbox by mailbox: a mailbox that matches the filter " + filter + " later gets it only "
        + "when the setup is applied again (drift reports it).");
    return new ScopeSteps(List.of(), List.of(), "", mailboxes, true);
  }
}
