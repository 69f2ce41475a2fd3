package dev.impersonation.spi;

import dev.impersonation.Principal;

/**
 * Tries real access as the principal: an app-only Graph call, or EWS impersonation on-premises. Effective access,
 * which lags configured access by minutes to hours (docs/rbac-for-applications.md).
 */
public interface AccessProbe {
  /** A short name for reports. */
  String name();

  /**
   * Attempts access to {@code mailbox}. Throws a {@link dev.impersonation.TenantException} when the attempt itself
   * failed (the verifier reports UNKNOWN, never DENIED, then).
   */
  ProbeOutcome probe(Principal principal, String mailbox);

  /**
   * Attempts the access {@code permission} gives on {@code mailbox}: {@code Mail.*} reads a message,
   * {@code Calendars.*} the calendar, {@code Contacts.*} a contact, {@code MailboxSettings.*} the settings, and
   * {@code full_access_as_app} / {@code FullAccess} / {@code ApplicationImpersonation} an EWS {@code GetFolder} (see
   * {@link AppPermissions}). A probe that cannot prove this permission throws (the verifier reports UNKNOWN). The
   * default ignores the permission, for probes written before verification was per permission.
   */
  default ProbeOutcome probe(Principal principal, String mailbox, String permission) {
    return probe(principal, mailbox);
  }

  /**
   * A probe that sends EWS permissions ({@link AppPermissions#isEws}) to {@code ews} and the rest to {@code graph}.
   *
   * @param graph the Graph probe
   * @param ews the EWS probe
   * @return the combined probe
   */
  static AccessProbe routing(AccessProbe graph, AccessProbe ews) {
    java.util.Objects.requireNonNull(graph, "graph");
    java.util.Objects.requireNonNull(ews, "ews");
    return new AccessProbe() {
      @Override
      public String name() {
        return graph.name() + "+" + ews.name();
      }

      @Override
      public ProbeOutcome probe(Principal principal, String mailbox) {
        return (principal instanceof dev.impersonation.Principal.ServiceAccount ? ews : graph).probe(principal, mailbox);
      }

      @Override
      public ProbeOutcome probe(Principal principal, String mailbox, String permission) {
        return (AppPermissions.isEws(permission) ? ews : graph).probe(principal, mailbox, permission);
      }
    };
  }
}
