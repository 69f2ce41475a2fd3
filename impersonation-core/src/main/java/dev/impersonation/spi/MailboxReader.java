package dev.impersonation.spi;

import java.util.List;
import java.util.Optional;

/**
 * Tells whether a user's mailbox exists and is usable. Every {@link ExchangeBackend} can ({@code Get-Recipient}); a
 * {@link DirectoryBackend} can when it reads mailboxes through Microsoft Graph ({@code GET /users/{id}/mailboxSettings},
 * docs/graph.md), so waiting for a new service account's mailbox does not need an Exchange backend.
 */
public interface MailboxReader {
  /**
   * The mailbox of a user, by UPN or SMTP address: empty when the user has none yet (or no such user exists); a failure
   * to read throws.
   */
  Optional<Recipient> findMailbox(String identity);

  /**
   * Up to {@code limit} mailboxes in a stable order, for picking a mailbox outside the scope. Exchange lists mailboxes;
   * Graph lists mail-enabled users, which may include some without a mailbox: check a candidate with
   * {@link #findMailbox} before relying on it.
   */
  List<Recipient> listMailboxes(int limit);
}
