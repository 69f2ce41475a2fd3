package dev.impersonation.spi;

import java.time.Instant;
import java.util.Optional;

/**
 * What the tenant's configuration says about one principal and one mailbox, from a cache-free test cmdlet
 * ({@code Test-ServicePrincipalAuthorization}, {@code Test-ApplicationAccessPolicy}, {@code Get-MailboxPermission},
 * effective role assignments). Configured is not yet effective: see {@link AccessProbe}.
 *
 * @param inScope whether the configuration grants access to the mailbox
 * @param grantedSince when the grant that covers it was made, if known (start of the propagation window)
 * @param evidence what was checked, for reports
 */
public record ConfiguredAccess(boolean inScope, Optional<Instant> grantedSince, String evidence) {}
