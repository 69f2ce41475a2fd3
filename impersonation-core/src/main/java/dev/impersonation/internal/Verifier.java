package dev.impersonation.internal;

import dev.impersonation.AccessMethod;
import dev.impersonation.ImpersonationException;
import dev.impersonation.ImpersonationSetup;
import dev.impersonation.Scope.OrganizationScope;
import dev.impersonation.TenantConnection;
import dev.impersonation.plan.ProgressListener.ProgressEvent;
import dev.impersonation.plan.ProgressListener;
import dev.impersonation.spi.AccessProbe;
import dev.impersonation.spi.ConfiguredAccess;
import dev.impersonation.spi.ProbeOutcome;
import dev.impersonation.verify.MailboxAccess.AccessState;
import dev.impersonation.verify.MailboxAccess;
import dev.impersonation.verify.VerificationReport;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * Proves the outcome: each in-scope mailbox is checked against the configuration (cache-free test cmdlets) and, when
 * the connection has one, a real access probe; one mailbox outside the scope must be denied. A failed check is
 * UNKNOWN, never denied.
 */
public final class Verifier {
  private final ImpersonationSetup setup;
  private final TenantConnection connection;
  private final List<String> notes = new ArrayList<>();
  /** Configuration answers already read in this verification; while waiting, only the effective access can change. */
  private final java.util.Map<String, ConfiguredAccess> configuredCache = new java.util.HashMap<>();

  private final PermissionVerifier permissions;
  /** The EWS rules for this verification's principal, read once. */
  private final EwsVerification ews;

  private Verifier(ImpersonationSetup setup, TenantConnection connection) {
    this.setup = setup;
    this.connection = connection;
    this.permissions = new PermissionVerifier(setup, connection, this, notes);
    this.ews = new EwsVerification(setup, connection, notes);
  }

  public static VerificationReport verify(ImpersonationSetup setup, TenantConnection connection) {
    return new Verifier(setup, connection).run();
  }

  /**
   * Verifies until satisfied, no longer pending, or {@code timeout} has passed on the connection's clock. After the
   * first full check only the rows still pending (propagation, provisioning) are checked again; settled rows stand.
   */
  public static VerificationReport await(ImpersonationSetup setup, TenantConnection connection, Duration timeout,
      Duration interval, ProgressListener listener) {
    Instant since = connection.clock().instant();
    Instant deadline = since.plus(timeout);
    Verifier verifier = new Verifier(setup, connection);
    VerificationReport report = verifier.run();
    while (!report.isSatisfied() && report.isPending() && connection.clock().instant().plus(interval).isBefore(deadline.plusMillis(1))) {
      Instant now = connection.clock().instant();
      listener.onEvent(ProgressEvent.waiting(now, Optional.empty(),
          report.inState(AccessState.PENDING_PROPAGATION).size() + " mailbox(es) pending propagation, "
              + report.inState(AccessState.MAILBOX_NOT_READY).size() + " not ready", interval, Duration.between(since, now), deadline));
      try {
        connection.sleeper().sleep(interval);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new ImpersonationException("Interrupted while waiting for propagation.", e);
      }
      List<MailboxAccess> rows = new ArrayList<>();
      for (MailboxAccess row : report.mailboxes()) {
        boolean pending = row.state() == AccessState.PENDING_PROPAGATION || row.state() == AccessState.MAILBOX_NOT_READY;
        rows.add(pending ? verifier.check(row.mailbox(), row.inScope()) : row);
      }
      report = new VerificationReport(report.setupName(), report.principal(), rows, report.notes(), report.organizationWide(),
          connection.clock().instant(), report.findings());
    }
    return report;
  }

  /**
   * The in-scope mailboxes checked one by one: every declared verify mailbox, and the first
   * {@link ImpersonationSetup#verificationSample()} others in the scope's order; all of them when the sample is 0.
   */
  private List<String> sample(List<String> inScope) {
    int size = setup.verificationSample();
    Set<String> declared = new java.util.HashSet<>();
    setup.verifyMailboxes().forEach(m -> declared.add(m.toLowerCase(Locale.ROOT)));
    if (size <= 0 || inScope.size() <= size + declared.size()) {
      return inScope;
    }
    List<String> out = new ArrayList<>();
    int others = 0;
    for (String m : inScope) {
      if (declared.contains(m.toLowerCase(Locale.ROOT))) {
        out.add(m);
      } else if (others < size) {
        out.add(m);
        others++;
      }
    }
    notes.add("Checked " + out.size() + " of " + inScope.size() + " in-scope mailboxes one by one (the declared ones and the "
        + "first " + size + " others); the other " + (inScope.size() - out.size()) + " are in scope by the scope's member list. "
        + "verifyingEveryMailbox() checks each.");
    return out;
  }

  private VerificationReport run() {
    VerifiedMailboxes chosen = new VerifiedMailboxes(setup, connection, notes);
    List<String> inScope = chosen.inScope();
    List<MailboxAccess> rows = new ArrayList<>();
    for (String mailbox : sample(inScope)) {
      rows.add(check(mailbox, true));
    }
    Set<String> scoped = new LinkedHashSet<>();
    inScope.forEach(m -> scoped.add(m.toLowerCase(Locale.ROOT)));
    chosen.outsider(scoped).ifPresent(o -> rows.add(check(o, false)));
    if (connection.accessProbe().isEmpty()) {
      notes.add("No access probe in this connection: states come from the configuration (cache-free test cmdlets); "
          + "effective access was not tried.");
    }
    return new VerificationReport(setup.name(), setup.principal().displayIdentity(), rows, notes,
        setup.scope() instanceof OrganizationScope, connection.clock().instant(), permissions.findings());
  }

  MailboxAccess check(String mailbox, boolean expected) {
    if (setup.principal() instanceof dev.impersonation.Principal.Application && (setup.access().method() == AccessMethod.RBAC_FOR_APPLICATIONS
        || setup.access().method() == AccessMethod.APPLICATION_ACCESS_POLICY)) {
      return permissions.check(mailbox, expected);
    }
    return checkServiceAccount(mailbox, expected);
  }

  /** A service account (ApplicationImpersonation or FullAccess over EWS): one permission, one configuration test. */
  private MailboxAccess checkServiceAccount(String mailbox, boolean expected) {
    AccessMethod method = setup.access().method();
    String permission = method == AccessMethod.FULL_ACCESS_DELEGATION ? dev.impersonation.spi.AppPermissions.FULL_ACCESS
        : dev.impersonation.spi.AppPermissions.APPLICATION_IMPERSONATION;
    dev.impersonation.verify.MailboxAccess.GrantSource source = method == AccessMethod.FULL_ACCESS_DELEGATION
        ? dev.impersonation.verify.MailboxAccess.GrantSource.MAILBOX_PERMISSION : dev.impersonation.verify.MailboxAccess.GrantSource.APPLICATION_IMPERSONATION;
    MailboxAccess row = checkConfiguredAndProbed(mailbox, expected, permission);
    Set<dev.impersonation.verify.MailboxAccess.GrantSource> by = configuredCache.containsKey(mailbox.toLowerCase(Locale.ROOT))
        && configuredCache.get(mailbox.toLowerCase(Locale.ROOT)).inScope() ? Set.of(source) : Set.of();
    return new MailboxAccess(row.mailbox(), row.inScope(), row.state(), row.evidence(),
        List.of(new dev.impersonation.verify.MailboxAccess.PermissionAccess(permission, expected, row.state(), by, row.evidence())));
  }

  private MailboxAccess checkConfiguredAndProbed(String mailbox, boolean expected, String permission) {
    AccessMethod method = setup.access().method();
    ConfiguredAccess cached = connection.accessProbe().isPresent() ? configuredCache.get(mailbox.toLowerCase(Locale.ROOT)) : null;
    Observed<ConfiguredAccess> configured = cached != null ? new Observed<>(Observed.State.PRESENT, cached, "")
        : connection.exchange()
            .map(x -> Observed.readValue(() -> x.testConfiguredAccess(method, setup.principal(), mailbox)))
            .orElseGet(() -> Observed.unknown("no Exchange backend to test the configuration"));
    if (configured.present()) {
      configuredCache.put(mailbox.toLowerCase(Locale.ROOT), configured.value());
    }
    String at = " (at " + connection.clock().instant() + ")";
    String config = configured.present()
        ? configured.value().evidence() + at
        : "configuration test failed: " + configured.error();
    if (connection.accessProbe().isPresent()) {
      Observed<ProbeOutcome> probe = Observed.readValue(() -> connection.accessProbe().get().probe(setup.principal(), mailbox, permission));
      return decide(mailbox, expected, method, configured, config, probe, true);
    }
    if (configured.unknown()) {
      return new MailboxAccess(mailbox, expected, AccessState.UNKNOWN, config);
    }
    ConfiguredAccess c = configured.value();
    if (!c.inScope()) {
      return new MailboxAccess(mailbox, expected, AccessState.DENIED, config);
    }
    if (ewsRefusal(mailbox).isPresent()) {
      return new MailboxAccess(mailbox, expected, AccessState.DENIED, config + "; but EWS refuses: " + ewsRefusal(mailbox).get());
    }
    Duration window = propagationWindow(method);
    if (c.grantedSince().isPresent() && c.grantedSince().get().plus(window).isAfter(connection.clock().instant())) {
      return new MailboxAccess(mailbox, expected, AccessState.PENDING_PROPAGATION, config + "; granted since " + c.grantedSince().get()
          + ": allow up to " + Table.duration(window) + " to take effect (docs/verification.md, docs/diagnostics.md#d12)");
    }
    return new MailboxAccess(mailbox, expected, AccessState.GRANTED, config);
  }

  /** Combines a configuration answer and a probe's answer into one state (shared by the per-permission check). */
  MailboxAccess decide(String mailbox, boolean expected, AccessMethod method, Observed<ConfiguredAccess> configured, String config,
      Observed<ProbeOutcome> probe, boolean ews) {
    String at = " (at " + connection.clock().instant() + ")";
    if (probe.unknown()) {
      return new MailboxAccess(mailbox, expected, AccessState.UNKNOWN, "probe failed: " + probe.error() + at + "; " + config);
    }
    ProbeOutcome outcome = probe.value();
    String probed = connection.accessProbe().map(AccessProbe::name).orElse("probe") + " " + outcome.evidence() + at;
    switch (outcome.result()) {
      case GRANTED:
        return new MailboxAccess(mailbox, expected, AccessState.GRANTED, probed + "; " + config);
      case MAILBOX_NOT_READY:
        return new MailboxAccess(mailbox, expected, AccessState.MAILBOX_NOT_READY, probed + " (docs/diagnostics.md#d1)");
      default:
        if (ews && ewsRefusal(mailbox).isPresent()) {
          return new MailboxAccess(mailbox, expected, AccessState.DENIED, probed + "; EWS refuses: " + ewsRefusal(mailbox).get()
              + " (docs/ews.md); " + config);
        }
        if (configured.present() && configured.value().inScope()) {
          Duration window = propagationWindow(method);
          Optional<Instant> since = configured.value().grantedSince();
          if (since.isPresent() && !since.get().plus(window).isAfter(connection.clock().instant())) {
            return new MailboxAccess(mailbox, expected, AccessState.DENIED, probed + "; although " + config
                + " since " + since.get() + ", more than " + Table.duration(window) + " ago: something else blocks it "
                + "(EWS disabled, missing consent, a deny entry; run diagnose)");
          }
          return new MailboxAccess(mailbox, expected, AccessState.PENDING_PROPAGATION, probed + "; but " + config
              + since.map(t -> " since " + t).orElse("") + ": not effective yet, allow up to " + Table.duration(window)
              + " (docs/verification.md, docs/diagnostics.md#d12)");
        }
        if (configured.unknown() && expected) {
          return new MailboxAccess(mailbox, expected, AccessState.UNKNOWN, probed + "; " + config
              + " (cannot tell denied from pending)");
        }
        return new MailboxAccess(mailbox, expected, AccessState.DENIED, probed + "; " + config);
    }
  }

  /**
   * Without an Exchange backend, RBAC for Applications is read through Graph's Exchange RBAC endpoints: the setup's
   * roles assigned to the app with the setup's scope count as configured for an in-scope mailbox (Graph cannot test one
   * mailbox against a scope as Test-ServicePrincipalAuthorization does, nor say since when an assignment exists).
   */
  Observed<ConfiguredAccess> graphConfigured(String mailbox, boolean expected, String permission) {
    Optional<dev.impersonation.spi.ExchangeRbacReader> rbac = connection.directory()
        .filter(d -> d instanceof dev.impersonation.spi.ExchangeRbacReader && setup.target().isExchangeOnline())
        .map(dev.impersonation.spi.ExchangeRbacReader.class::cast);
    if (rbac.isEmpty() || !(setup.access() instanceof dev.impersonation.Access.RbacForApplications access)
        || !(setup.principal() instanceof dev.impersonation.Principal.Application app)) {
      return Observed.unknown("no Exchange backend to test the configuration");
    }
    return Observed.readValue(() -> {
      String spId = graphServicePrincipalId(app);
      List<AppAssignmentScope> targets = AppAssignmentScope.of(setup);
      List<dev.impersonation.spi.RoleAssignment> assignments = rbac.get().roleAssignments(spId);
      String where = targets.get(0).type() == dev.impersonation.spi.ScopeType.ORGANIZATION ? "organization-wide"
          : "scoped to " + targets.stream().map(AppAssignmentScope::value).toList();
      String legacyScope = ObjectNames.managementScope(setup);
      // Only the setup's own roles with the setup's own scope are known to cover an in-scope mailbox; an
      // organization-wide assignment covers every mailbox.
      List<dev.impersonation.spi.RoleAssignment> granting = assignments.stream()
          .filter(a -> dev.impersonation.spi.AppPermissions.anyImplies(dev.impersonation.spi.AppPermissions.grantedByRole(a.role()), permission))
          .filter(a -> a.isOrganizationWide() || (expected && access.roles().stream().anyMatch(r -> r.equalsIgnoreCase(a.role()))
              && (targets.stream().anyMatch(t -> a.scopeType() == t.type() && a.scope().equalsIgnoreCase(t.value()))
                  // a group scope made by an earlier version with a MemberOfGroup management scope still counts
                  || AppAssignmentScope.byRecipientGroup(setup) && a.scopeType() == dev.impersonation.spi.ScopeType.MANAGEMENT_SCOPE
                      && a.scope().equalsIgnoreCase(legacyScope))))
          .toList();
      if (granting.isEmpty()) {
        return new ConfiguredAccess(false, Optional.empty(), "Graph /beta/roleManagement/exchange/roleAssignments lists no "
            + "assignment granting " + permission + (expected ? " " + where : " that covers this mailbox"));
      }
      Optional<Instant> since = granting.stream().map(dev.impersonation.spi.RoleAssignment::createdAt)
          .filter(java.util.Objects::nonNull).min(Instant::compareTo);
      return new ConfiguredAccess(true, since, "Graph /beta/roleManagement/exchange/roleAssignments lists "
          + granting.stream().map(dev.impersonation.spi.RoleAssignment::role).distinct().toList() + " granting " + permission + " "
          + (granting.stream().anyMatch(dev.impersonation.spi.RoleAssignment::isOrganizationWide) ? "organization-wide" : where)
          + (since.isEmpty() ? " (Graph does not say since when)" : ""));
    });
  }

  String graphServicePrincipalId(dev.impersonation.Principal.Application app) {
    if (app.servicePrincipalObjectId().isPresent()) {
      return app.servicePrincipalObjectId().get();
    }
    return connection.directory().orElseThrow().findServicePrincipal(app.appId())
        .orElseThrow(() -> new dev.impersonation.ObjectNotFoundException(app.appId(), "The app " + app.appId()
            + " has no service principal in this tenant.")).objectId();
  }

  /** Why EWS refuses the principal in this organization (see {@link EwsVerification#organization()}). */
  Optional<String> ewsRefusal() {
    return ews.organization();
  }

  /** Why EWS refuses the principal for {@code mailbox} (see {@link EwsVerification#mailbox(String)}). */
  Optional<String> ewsRefusal(String mailbox) {
    return ews.mailbox(mailbox);
  }

  /**
   * How long a configured grant may take to become effective before a denial counts as real: the setup's
   * {@link dev.impersonation.verify.PropagationWindows} (defaults and sources in {@code docs/verification.md}).
   */
  Duration propagationWindow(AccessMethod method) {
    return setup.propagationWindows().forMethod(method);
  }
}
