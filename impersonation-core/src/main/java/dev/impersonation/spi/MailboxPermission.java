package dev.impersonation.spi;

import java.util.List;

/**
 * One entry of {@code Get-MailboxPermission}.
 *
 * @param mailbox the mailbox (SMTP address)
 * @param user the trustee (UPN)
 * @param accessRights the rights, e.g. {@code FullAccess}
 * @param deny whether this is a deny entry
 */
public record MailboxPermission(String mailbox, String user, List<String> accessRights, boolean deny) {
  public MailboxPermission {
    accessRights = List.copyOf(accessRights);
  }
}
