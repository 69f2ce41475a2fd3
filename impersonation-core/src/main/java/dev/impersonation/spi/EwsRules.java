package dev.impersonation.spi;

import dev.impersonation.TenantTarget;
import java.time.LocalDate;
import java.util.List;
import java.util.Optional;

/**
 * The rules that decide whether an application may use EWS against a mailbox, on a given date (see {@code docs/ews.md}
 * for the sources). Exchange Server: the organization's and the mailbox's {@code EwsEnabled} must not be False.
 * Exchange Online:
 * <ul>
 *   <li>before {@link #PHASE_OUT} an organization left at {@code $null} allows EWS; from it, {@code $null} counts as
 *       off (Microsoft's phased disablement);</li>
 *   <li>organization True with a non-empty {@code EwsAllowedAppIDs} admits only the listed apps; with an empty list it
 *       admits every app (the list restricts only once it holds an id);</li>
 *   <li>the mailbox's {@code EwsEnabled} (Get-CASMailbox) must not be False either;</li>
 *   <li>on and after {@link #SHUTDOWN} EWS in Exchange Online is gone, whatever the settings.</li>
 * </ul>
 * One implementation, shared by the planner, {@code verify}, {@code diagnose} and the testkit's simulated tenant.
 */
public final class EwsRules {
  /** From this date an organization whose {@code EwsEnabled} is {@code $null} has EWS off (Exchange Online). */
  public static final LocalDate PHASE_OUT = LocalDate.of(2026, 10, 1);
  /** From this date EWS in Exchange Online is shut down, with no exceptions. */
  public static final LocalDate SHUTDOWN = LocalDate.of(2027, 4, 1);
  /** How long a change to {@code EwsAllowedAppIDs} may take to be enforced (Exchange Online's configuration cache). */
  public static final java.time.Duration ALLOW_LIST_PROPAGATION = java.time.Duration.ofHours(24);
  /**
   * The {@code Application …} roles of RBAC for Applications that replace EWS access for a mailbox-sync vendor: mail,
   * calendars, contacts and mailbox settings over Microsoft Graph. ({@code Application Exchange Full Access} bundles
   * them with Mail.Send.)
   */
  public static final List<String> GRAPH_REPLACEMENT_ROLES = List.of("Application Mail.ReadWrite",
      "Application Calendars.ReadWrite", "Application Contacts.ReadWrite", "Application MailboxSettings.ReadWrite");

  private EwsRules() {}

  /**
   * What the rules decide.
   *
   * @param allowed whether EWS is allowed
   * @param reason why, naming the setting that decides, e.g. "organization EwsEnabled is $null: off since 2026-10-01"
   */
  public record Verdict(boolean allowed, String reason) {}

  /** Whether EWS in Exchange Online is gone on {@code date}. */
  public static boolean retired(TenantTarget target, LocalDate date) {
    return target.isExchangeOnline() && !date.isBefore(SHUTDOWN);
  }

  /**
   * The organization's part: may the app use EWS at all in this organization on {@code date}?
   *
   * @param target the tenant's target
   * @param date the date the rules are taken on (the connection's clock)
   * @param policy the organization's EWS settings
   * @param appId the application (client) id; empty when not known (a service account signing in through an app
   *     nobody named), in which case the allow list cannot be checked and a non-empty list denies
   * @return the verdict
   */
  public static Verdict organization(TenantTarget target, LocalDate date, EwsOrganizationPolicy policy, Optional<String> appId) {
    if (retired(target, date)) {
      return new Verdict(false, "EWS in Exchange Online was shut down on " + SHUTDOWN + "; use Microsoft Graph instead");
    }
    Optional<Boolean> enabled = policy.ewsEnabled();
    if (enabled.isPresent() && !enabled.get()) {
      return new Verdict(false, "the organization's EwsEnabled is False: EWS is off for every application");
    }
    if (!target.isExchangeOnline()) {
      return new Verdict(true, "the organization's EwsEnabled is " + policy.ewsEnabledText() + " (Exchange Server)");
    }
    if (enabled.isEmpty()) {
      return date.isBefore(PHASE_OUT)
          ? new Verdict(true, "the organization's EwsEnabled is $null, which allows EWS until " + PHASE_OUT)
          : new Verdict(false, "the organization's EwsEnabled is $null, which has meant off since " + PHASE_OUT
              + " (Microsoft's phased EWS disablement)");
    }
    if (policy.allowedAppIds().isEmpty()) {
      return new Verdict(true, "the organization's EwsEnabled is True and EwsAllowedAppIDs is empty, so no app is restricted");
    }
    if (appId.isEmpty()) {
      return new Verdict(false, "EwsAllowedAppIDs lists " + policy.allowedAppIds().size()
          + " app(s) and the app this principal signs in with is not named, so it cannot be on the list");
    }
    return policy.allowListed(appId.get())
        ? new Verdict(true, "the organization's EwsEnabled is True and app " + appId.get() + " is on EwsAllowedAppIDs")
        : new Verdict(false, "the organization's EwsEnabled is True and app " + appId.get() + " is not on EwsAllowedAppIDs ("
            + policy.allowedAppIds().size() + " app(s) listed)");
  }

  /**
   * The whole rule for one mailbox: the organization's part, then the mailbox's {@code EwsEnabled}.
   *
   * @param target the tenant's target
   * @param date the date the rules are taken on
   * @param policy the organization's EWS settings
   * @param appId the application (client) id, when known
   * @param mailbox the mailbox, for the reason
   * @param mailboxEwsEnabled the mailbox's {@code EwsEnabled} (Get-CASMailbox): false only when explicitly False
   * @return the verdict
   */
  public static Verdict mailbox(TenantTarget target, LocalDate date, EwsOrganizationPolicy policy, Optional<String> appId,
      String mailbox, boolean mailboxEwsEnabled) {
    Verdict org = organization(target, date, policy, appId);
    if (!org.allowed()) {
      return org;
    }
    return mailboxEwsEnabled ? org : new Verdict(false, "EwsEnabled is False on the mailbox " + mailbox + " (Get-CASMailbox)");
  }
}
