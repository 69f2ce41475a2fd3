package dev.impersonation.spi;

import dev.impersonation.Principal;

/**
 * Tries real access as the principal: an app-only Graph call, or EWS impersonation on-premises. Effective access,
 * which lags configured access by minutes to hours (DOMAIN.md §4).
 */
public interface AccessProbe {
  /** A short name for reports. */
  String name();

  /**
   * Attempts access to {@code mailbox}. Throws a {@link dev.impersonation.TenantException} when the attempt itself
   * failed (the verifier reports UNKNOWN, never DENIED, then).
   */
  ProbeOutcome probe(Principal principal, String mailbox);
}
