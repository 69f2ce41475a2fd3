package dev.impersonation.testkit;

import dev.impersonation.Application;
import dev.impersonation.Principal;
import dev.impersonation.ServiceAccount;
import dev.impersonation.spi.AccessProbe;
import dev.impersonation.spi.AssigneeType;
import dev.impersonation.spi.ProbeOutcome;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;

/**
 * The effective-access probe of a {@link FakeTenant}: what a real Graph call or EWS impersonation would answer now.
 * Grants count only after their propagation delay (DOMAIN.md §4); an app's access is the union of its tenant-wide
 * consent (narrowed by access policies) and its RBAC assignments.
 */
final class InMemoryProbe implements AccessProbe {
  private static final List<String> MAIL_PERMISSIONS = List.of("Mail.Read", "Mail.ReadBasic", "Mail.ReadWrite", "Calendars.Read",
      "Calendars.ReadWrite", "Contacts.Read", "Contacts.ReadWrite", "MailboxSettings.Read", "MailboxSettings.ReadWrite",
      "full_access_as_app");
  private final TenantState s;
  private final InMemoryExchange exchange;

  InMemoryProbe(TenantState state, InMemoryExchange exchange) {
    this.s = state;
    this.exchange = exchange;
  }

  @Override
  public String name() {
    return "fake-probe";
  }

  @Override
  public ProbeOutcome probe(Principal principal, String mailbox) {
    synchronized (s) {
      s.faults.beforeCall("probe", "probe", false);
      ProbeOutcome outcome = decide(principal, mailbox);
      s.journal.add(new JournalEntry(s.now(), "probe", "probe", principal.displayIdentity() + " -> " + mailbox, false,
          outcome.result().name()));
      return outcome;
    }
  }

  private boolean effective(Optional<Instant> since, java.time.Duration delay) {
    return since.isPresent() && !since.get().plus(delay).isAfter(s.now());
  }

  private ProbeOutcome decide(Principal principal, String mailbox) {
    Optional<TenantState.MailboxObject> m = s.usableMailbox(mailbox);
    if (principal instanceof Application app) {
      String path = "GET /users/" + mailbox + "/calendar";
      if (m.isEmpty()) {
        return new ProbeOutcome(ProbeOutcome.Result.MAILBOX_NOT_READY, path + ": 404 MailboxNotEnabledForRESTAPI REST API is not yet supported for this mailbox.");
      }
      TenantState.AppObject entra = s.apps.get(TenantState.key(app.appId()));
      boolean consent = entra != null && entra.consent.stream().anyMatch(MAIL_PERMISSIONS::contains);
      List<TenantState.PolicyObject> policies = s.policies.stream().filter(p -> p.appId().equalsIgnoreCase(app.appId())).toList();
      boolean consentReaches = consent;
      if (consent && !policies.isEmpty()) {
        // Policies take effect after their delay; until then the old (unrestricted) behaviour holds.
        List<TenantState.PolicyObject> active = policies.stream()
            .filter(p -> effective(Optional.of(p.createdAt()), s.accessPolicyDelay)).toList();
        if (!active.isEmpty()) {
          consentReaches = active.stream().filter(p -> p.right().equals("RestrictAccess")).anyMatch(p -> s.group(p.groupKey())
              .map(g -> s.memberNested(TenantState.key(m.get().smtp), g, new HashSet<>())).orElse(false));
        }
      }
      TenantState.ServicePrincipalObject sp = s.exchangeServicePrincipals.get(TenantState.key(app.appId()));
      boolean rbac = sp != null && s.assignments.values().stream().anyMatch(a -> a.type() == AssigneeType.SERVICE_PRINCIPAL
          && a.assignee().equalsIgnoreCase(sp.objectId()) && s.covers(a, m.get())
          && effective(Optional.of(a.createdAt()), s.propagation(AssigneeType.SERVICE_PRINCIPAL)));
      if (consentReaches || rbac) {
        return new ProbeOutcome(ProbeOutcome.Result.GRANTED, path + ": 200 OK" + (consentReaches && !rbac ? " (via tenant-wide consent)" : ""));
      }
      return new ProbeOutcome(ProbeOutcome.Result.DENIED, path + ": 403 ErrorAccessDenied "
          + (policies.isEmpty() ? "Access is denied. Check credentials and try again." : "Access to OData is disabled."));
    }
    ServiceAccount account = (ServiceAccount) principal;
    String ews = "EWS GetFolder(calendar) impersonating " + mailbox;
    if (m.isEmpty()) {
      return new ProbeOutcome(ProbeOutcome.Result.MAILBOX_NOT_READY, ews + ": ErrorNonExistentMailbox");
    }
    if (s.usableMailbox(account.userPrincipalName()).isEmpty()) {
      return new ProbeOutcome(ProbeOutcome.Result.DENIED, ews + ": 401 the service account has no usable mailbox");
    }
    // DOMAIN.md §1 (MC1015893) and D10: EWS answers only when both the organization and the mailbox allow it.
    boolean accountEws = s.usableMailbox(account.userPrincipalName()).map(a -> a.ewsEnabled).orElse(true);
    if (!m.get().ewsEnabled || !accountEws || Boolean.FALSE.equals(s.ewsEnabled)) {
      return new ProbeOutcome(ProbeOutcome.Result.DENIED, ews + ": ErrorAccessDenied EWS is disabled for "
          + (Boolean.FALSE.equals(s.ewsEnabled) ? "the organization" : !accountEws ? "the service account's mailbox" : "this mailbox")
          + " (EwsEnabled False, D10)");
    }
    java.time.Duration delay = s.propagation(AssigneeType.USER);
    boolean impersonation = effective(exchange.impersonationSince(account.userPrincipalName(), m.get()), delay);
    boolean fullAccess = effective(exchange.fullAccessSince(account.userPrincipalName(), m.get()), delay);
    if (impersonation || fullAccess) {
      return new ProbeOutcome(ProbeOutcome.Result.GRANTED, ews + ": NoError" + (fullAccess && !impersonation ? " (FullAccess)" : ""));
    }
    return new ProbeOutcome(ProbeOutcome.Result.DENIED, ews + ": ErrorImpersonateUserDenied The account does not have "
        + "permission to impersonate the requested user.");
  }
}
