package dev.impersonation.spi;

import java.util.Optional;

/**
 * The parts of {@code Get-OrganizationConfig} the library needs.
 *
 * @param dehydrated {@code IsDehydrated}: true until {@code Enable-OrganizationCustomization} ran (Exchange Online)
 * @param ewsEnabled the organization's {@code EwsEnabled}; empty when $null
 */
public record OrganizationConfig(boolean dehydrated, Optional<Boolean> ewsEnabled) {}
