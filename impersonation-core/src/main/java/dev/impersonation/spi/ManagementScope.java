package dev.impersonation.spi;

/**
 * A management scope ({@code Get-ManagementScope}).
 *
 * @param name the scope's name
 * @param recipientFilter its RecipientFilter as stored (Exchange may normalise it; compare parsed)
 * @param exclusive whether it is an exclusive scope
 */
public record ManagementScope(String name, String recipientFilter, boolean exclusive) {}
