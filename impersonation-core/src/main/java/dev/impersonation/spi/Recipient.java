package dev.impersonation.spi;

/**
 * An Exchange recipient as {@code Get-Recipient} shows it.
 *
 * @param name the recipient's name
 * @param primarySmtpAddress its primary SMTP address
 * @param distinguishedName its DN, as read (never built)
 * @param type its RecipientTypeDetails
 * @param ewsEnabled whether EWS is enabled for the mailbox ({@code Get-CASMailbox EwsEnabled})
 */
public record Recipient(String name, String primarySmtpAddress, String distinguishedName, RecipientType type,
    boolean ewsEnabled) {}
