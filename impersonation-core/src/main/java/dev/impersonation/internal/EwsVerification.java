package dev.impersonation.internal;

import dev.impersonation.ImpersonationSetup;
import dev.impersonation.Principal.ServiceAccount;
import dev.impersonation.TenantConnection;
import dev.impersonation.spi.EwsOrganizationPolicy;
import dev.impersonation.spi.EwsRules;
import dev.impersonation.spi.Recipient;
import java.time.LocalDate;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * The EWS rules (docs/ews.md) during one verification: the organization's settings read once and their verdict noted
 * in the report, and each mailbox's {@code EwsEnabled} read at most once. A failed read refuses nothing: the probe
 * then decides.
 */
final class EwsVerification {
  private final ImpersonationSetup setup;
  private final TenantConnection connection;
  private final List<String> notes;
  private final Map<String, Boolean> mailboxEnabled = new HashMap<>();
  /** Why EWS refuses the principal in this organization; null until read. */
  private Optional<String> organization;

  EwsVerification(ImpersonationSetup setup, TenantConnection connection, List<String> notes) {
    this.setup = setup;
    this.connection = connection;
    this.notes = notes;
  }

  /**
   * The organization's EWS settings, read through the connection's Exchange backend: with the allow list on Exchange
   * Online, from {@code Get-OrganizationConfig} on Exchange Server; nothing is read after the shutdown.
   */
  static Observed<EwsOrganizationPolicy> readSettings(ImpersonationSetup setup, TenantConnection connection, LocalDate today) {
    if (EwsRules.retired(setup.target(), today)) {
      return new Observed<>(Observed.State.PRESENT, new EwsOrganizationPolicy(Optional.empty(), List.of()), "");
    }
    if (connection.exchange().isEmpty()) {
      return Observed.unknown("this connection has no Exchange backend to read them");
    }
    if (setup.target().isExchangeOnline()) {
      return Observed.readValue(() -> connection.exchange().get().ewsOrganizationPolicy());
    }
    return Observed.readValue(() -> connection.exchange().get().organizationConfig())
        .map(c -> new EwsOrganizationPolicy(c.ewsEnabled(), List.of()));
  }

  /**
   * Why EWS refuses the principal in this organization on the connection's date; empty when the setup does not use
   * EWS, EWS admits it, or the settings could not be read (a note says so).
   */
  Optional<String> organization() {
    if (organization == null) {
      organization = readOrganization();
    }
    return organization;
  }

  /**
   * Why EWS refuses the principal for {@code mailbox}: the organization's part, then the mailbox's and (for a service
   * account) its own mailbox's {@code EwsEnabled}.
   */
  Optional<String> mailbox(String mailbox) {
    Optional<String> org = organization();
    if (org.isPresent() || EwsUse.of(setup).isEmpty() || connection.exchange().isEmpty()) {
      return org;
    }
    if (!enabledOn(mailbox)) {
      return Optional.of("EwsEnabled is False on the mailbox " + mailbox + " (Get-CASMailbox)");
    }
    if (setup.principal() instanceof ServiceAccount account && !enabledOn(account.userPrincipalName())) {
      return Optional.of("EwsEnabled is False on the service account's mailbox " + account.userPrincipalName() + " (Get-CASMailbox)");
    }
    return Optional.empty();
  }

  private boolean enabledOn(String mailbox) {
    return mailboxEnabled.computeIfAbsent(mailbox.toLowerCase(Locale.ROOT), m -> {
      Observed<Recipient> r = Observed.read(() -> connection.exchange().get().findRecipient(mailbox));
      return !r.present() || r.value().ewsEnabled();
    });
  }

  private Optional<String> readOrganization() {
    if (EwsUse.of(setup).isEmpty()) {
      return Optional.empty();
    }
    LocalDate today = EwsPlanner.today(connection);
    Observed<EwsOrganizationPolicy> policy = readSettings(setup, connection, today);
    if (policy.unknown()) {
      notes.add("EWS: the organization's EWS settings could not be read (" + policy.error() + "); the probe decides.");
      return Optional.empty();
    }
    EwsRules.Verdict v = EwsRules.organization(setup.target(), today, policy.value(), EwsUse.appId(setup));
    notes.add("EWS on " + today + ": " + (v.allowed() ? "admits " : "REFUSES ") + EwsUse.appId(setup).map(id -> "app " + id)
        .orElse(setup.principal().displayIdentity()) + ": " + v.reason() + ".");
    return v.allowed() ? Optional.empty() : Optional.of(v.reason());
  }
}
