package dev.impersonation.spi;

import java.util.Optional;

/**
 * Tells whether a user's mailbox exists and is usable. Every {@link ExchangeBackend} can ({@code Get-Recipient}); a
 * {@link DirectoryBackend} can when it reads mailboxes through Microsoft Graph ({@code GET /users/{id}/mailboxSettings},
 * DOMAIN.md §5), so waiting for a new service account's mailbox does not need an Exchange backend.
 */
public interface MailboxReader {
  /**
   * The mailbox of a user, by UPN or SMTP address: empty when the user has none yet (or no such user exists); a failure
   * to read throws.
   */
  Optional<Recipient> findMailbox(String identity);
}
