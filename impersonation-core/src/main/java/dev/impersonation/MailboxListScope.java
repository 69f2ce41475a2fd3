package dev.impersonation;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * An explicit list of mailboxes, for FullAccess delegation.
 *
 * @param mailboxes the mailboxes' UPNs or primary SMTP addresses
 */
public record MailboxListScope(List<String> mailboxes) implements Scope {
  public MailboxListScope {
    if (mailboxes.isEmpty()) {
      throw new InvalidSetupException("Scope.mailboxes(...) needs at least one mailbox.");
    }
    LinkedHashSet<String> seen = new LinkedHashSet<>();
    mailboxes = mailboxes.stream()
        .map(m -> Names.requireSmtp(m, "A mailbox in Scope.mailboxes(...)"))
        .filter(m -> seen.add(m.toLowerCase(Locale.ROOT)))
        .collect(Collectors.toUnmodifiableList());
  }

  static MailboxListScope of(List<String> mailboxes) {
    return new MailboxListScope(mailboxes);
  }

  @Override
  public String describe() {
    return mailboxes.size() + " listed mailbox" + (mailboxes.size() == 1 ? "" : "es");
  }
}
