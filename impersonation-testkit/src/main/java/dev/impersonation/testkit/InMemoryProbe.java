package dev.impersonation.testkit;

import dev.impersonation.Principal.Application;
import dev.impersonation.Principal.ServiceAccount;
import dev.impersonation.Principal;
import dev.impersonation.spi.AccessProbe;
import dev.impersonation.spi.AppPermissions;
import dev.impersonation.spi.AssigneeType;
import dev.impersonation.spi.EwsRules;
import dev.impersonation.spi.ProbeOutcome;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;

/**
 * The effective-access probe of a {@link FakeTenant}: what a real Graph call or EWS impersonation would answer now.
 * Grants count only after their propagation delay (docs/rbac-for-applications.md); an app's access to one permission is the union of
 * its tenant-wide consent that gives that permission (narrowed by access policies) and its RBAC assignments whose role
 * grants it ({@code Application Mail.Read} reads mail, not calendars; {@code Application Mail Full Access} gives
 * {@code Mail.ReadWrite} and {@code Mail.Send}; {@code Application EWS.AccessAsApp} gives {@code full_access_as_app}).
 */
final class InMemoryProbe implements AccessProbe {
  /** What the two-argument probe checks: the calendar, as {@code GET /users/{id}/calendar} did before per-permission probes. */
  static final String DEFAULT_PERMISSION = "Calendars.Read";
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
    return probe(principal, mailbox, principal instanceof Application ? DEFAULT_PERMISSION : null);
  }

  @Override
  public ProbeOutcome probe(Principal principal, String mailbox, String permission) {
    synchronized (s) {
      s.faults.beforeCall("probe", "probe", false);
      ProbeOutcome outcome = decide(principal, mailbox, permission == null ? DEFAULT_PERMISSION : AppPermissions.canonical(permission));
      s.journal.add(new JournalEntry(s.now(), "probe", "probe", principal.displayIdentity() + " -> " + mailbox
          + (principal instanceof Application ? " " + permission : ""), false, outcome.result().name()));
      return outcome;
    }
  }

  private java.time.LocalDate today() {
    return java.time.LocalDate.ofInstant(s.now(), java.time.ZoneOffset.UTC);
  }

  private boolean effective(Optional<Instant> since, java.time.Duration delay) {
    return since.isPresent() && !since.get().plus(delay).isAfter(s.now());
  }

  private ProbeOutcome decide(Principal principal, String mailbox, String permission) {
    Optional<TenantState.MailboxObject> m = s.usableMailbox(mailbox);
    if (principal instanceof Application app) {
      boolean ews = AppPermissions.isEws(permission);
      String path = ews ? "EWS GetFolder(msgfolderroot) as app " + app.appId() + " impersonating " + mailbox
          : "GET /users/" + mailbox + "/" + AppPermissions.graphProbePath(permission).orElse("(no probe for " + permission + ")");
      if (m.isEmpty()) {
        return new ProbeOutcome(ProbeOutcome.Result.MAILBOX_NOT_READY, ews ? path + ": ErrorNonExistentMailbox"
            : path + ": 404 MailboxNotEnabledForRESTAPI REST API is not yet supported for this mailbox.");
      }
      if (ews) {
        EwsRules.Verdict verdict = EwsRules.mailbox(s.target, today(), s.enforcedEwsPolicy(), Optional.of(app.appId()),
            m.get().smtp, m.get().ewsEnabled);
        if (!verdict.allowed()) {
          return new ProbeOutcome(ProbeOutcome.Result.DENIED, path + ": 403 EWS refused the request: " + verdict.reason()
              + " (docs/ews.md)");
        }
      }
      TenantState.AppObject entra = s.apps.get(TenantState.key(app.appId()));
      boolean consent = entra != null && entra.consent.stream().anyMatch(c -> AppPermissions.implies(c, permission));
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
      boolean rbac = sp != null && exchange.rbacGrants(sp.objectId(), m.get(), permission)
          .anyMatch(a -> effective(Optional.of(a.createdAt()), s.propagation(AssigneeType.SERVICE_PRINCIPAL)));
      if (consentReaches || rbac) {
        return new ProbeOutcome(ProbeOutcome.Result.GRANTED, path + (ews ? ": NoError" : ": 200 OK")
            + (consentReaches && !rbac ? " (via tenant-wide consent)" : ""));
      }
      if (ews) {
        return new ProbeOutcome(ProbeOutcome.Result.DENIED, path + ": ErrorImpersonateUserDenied The account does not have "
            + "permission to impersonate the requested user.");
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
    // docs/timeline.md (MC1015893) and docs/diagnostics.md#d10: EWS answers only when both the organization and the mailbox allow it.
    // A service account signs in through a product whose app id the fake does not know: a non-empty allow list refuses it.
    boolean accountEws = s.usableMailbox(account.userPrincipalName()).map(a -> a.ewsEnabled).orElse(true);
    EwsRules.Verdict verdict = EwsRules.mailbox(s.target, today(), s.enforcedEwsPolicy(), Optional.empty(), m.get().smtp,
        m.get().ewsEnabled);
    if (verdict.allowed() && !accountEws) {
      verdict = new EwsRules.Verdict(false, "EwsEnabled is False on the service account's mailbox " + account.userPrincipalName());
    }
    if (!verdict.allowed()) {
      return new ProbeOutcome(ProbeOutcome.Result.DENIED, ews + ": ErrorAccessDenied EWS refused the request: " + verdict.reason()
          + " (docs/diagnostics.md#d10)");
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
