package dev.impersonation.internal;

import dev.impersonation.Access.ApplicationAccessPolicy;
import dev.impersonation.Access.RbacForApplications;
import dev.impersonation.AccessMethod;
import dev.impersonation.ImpersonationSetup;
import dev.impersonation.Principal.Application;
import dev.impersonation.Scope.OrganizationScope;
import dev.impersonation.TenantConnection;
import dev.impersonation.spi.AccessPolicy;
import dev.impersonation.spi.AppPermissions;
import dev.impersonation.spi.ApplicationPermissionGrant;
import dev.impersonation.spi.ConfiguredAccess;
import dev.impersonation.spi.ProbeOutcome;
import dev.impersonation.verify.Diagnosis.Finding;
import dev.impersonation.verify.Diagnosis.Severity;
import dev.impersonation.verify.MailboxAccess.AccessState;
import dev.impersonation.verify.MailboxAccess.GrantSource;
import dev.impersonation.verify.MailboxAccess.PermissionAccess;
import dev.impersonation.verify.MailboxAccess;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Verifies an app's access per mailbox and per permission. Effective access is the union of three grants: RBAC for
 * Applications assignments ({@code Test-ServicePrincipalAuthorization -Resource}, matched on each row's
 * {@code GrantedPermissions}, never on any row's {@code InScope}), tenant-wide Entra consent (the app role assignments
 * of the app's service principal) and application access policies, which narrow that consent
 * ({@code Test-ApplicationAccessPolicy}). {@code Test-ServicePrincipalAuthorization} does not see Entra consent, so
 * both are read. Each permission is then probed with the request that proves it (see {@link AppPermissions}).
 */
final class PermissionVerifier {
  private final ImpersonationSetup setup;
  private final TenantConnection connection;
  private final Verifier verifier;
  private final List<String> notes;
  private final Application app;
  private final Map<String, ConfiguredAccess> rbacCache = new HashMap<>();
  private final Map<String, ConfiguredAccess> policyCache = new HashMap<>();
  private Observed<List<ApplicationPermissionGrant>> consent;
  private Observed<List<AccessPolicy>> policies;
  private Instant consentReadAt;

  PermissionVerifier(ImpersonationSetup setup, TenantConnection connection, Verifier verifier, List<String> notes) {
    this.setup = setup;
    this.connection = connection;
    this.verifier = verifier;
    this.notes = notes;
    this.app = setup.principal() instanceof Application a ? a : null;
  }

  /** The permissions the setup grants: the roles' permissions, or the access policy's declared Graph permissions. */
  List<String> declared() {
    List<String> out = new ArrayList<>();
    if (setup.access() instanceof RbacForApplications rbac) {
      rbac.roles().forEach(r -> AppPermissions.grantedByRole(r).forEach(p -> addDistinct(out, p)));
    } else if (setup.access() instanceof ApplicationAccessPolicy policy) {
      policy.graphPermissions().forEach(p -> addDistinct(out, AppPermissions.canonical(p)));
      if (out.isEmpty() && consent().present()) {
        consent().value().stream().map(ApplicationPermissionGrant::permission).filter(AppPermissions::isMailboxPermission)
            .forEach(p -> addDistinct(out, AppPermissions.canonical(p)));
      }
    }
    return out;
  }

  /** Declared, asked for ({@code verifyPermissions}), and consented mailbox permissions: every one is checked. */
  private List<String> checked() {
    List<String> out = new ArrayList<>(declared());
    setup.verifyPermissions().forEach(p -> addDistinct(out, AppPermissions.canonical(p)));
    if (consent().present()) {
      consent().value().stream().map(ApplicationPermissionGrant::permission).filter(AppPermissions::isMailboxPermission)
          .forEach(p -> addDistinct(out, AppPermissions.canonical(p)));
    }
    return out;
  }

  private static void addDistinct(List<String> list, String p) {
    if (list.stream().noneMatch(x -> x.equalsIgnoreCase(p))) {
      list.add(p);
    }
  }

  MailboxAccess check(String mailbox, boolean inScope) {
    List<String> declared = declared();
    List<PermissionAccess> rows = new ArrayList<>();
    for (String permission : checked()) {
      boolean expected = inScope && AppPermissions.anyImplies(declared, permission);
      rows.add(checkPermission(mailbox, expected, permission));
    }
    if (rows.isEmpty()) {
      return new MailboxAccess(mailbox, inScope, AccessState.UNKNOWN, "no permission to check: the setup declares none and "
          + "the app's consent could not be read (" + consent().error() + ")");
    }
    AccessState state;
    List<PermissionAccess> deciding;
    if (inScope) {
      List<PermissionAccess> mine = rows.stream().filter(PermissionAccess::expected).toList();
      state = mine.isEmpty() ? AccessState.UNKNOWN : worst(mine);
      AccessState s = state;
      deciding = mine.stream().filter(r -> r.state() == s).toList();
    } else {
      state = outsiderState(rows);
      deciding = rows.stream().filter(r -> r.state() == state).toList();
    }
    String evidence = deciding.isEmpty() ? "no declared permission to check"
        : String.join("; ", deciding.stream().map(r -> r.permission() + ": " + r.evidence()).toList());
    return new MailboxAccess(mailbox, inScope, state, evidence, rows);
  }

  /** An in-scope mailbox is granted only when every declared permission is. */
  private static AccessState worst(List<PermissionAccess> rows) {
    for (AccessState s : List.of(AccessState.MAILBOX_NOT_READY, AccessState.DENIED, AccessState.UNKNOWN,
        AccessState.PENDING_PROPAGATION)) {
      if (rows.stream().anyMatch(r -> r.state() == s)) {
        return s;
      }
    }
    return AccessState.GRANTED;
  }

  /** An outsider is denied only when no checked permission reaches it. */
  private static AccessState outsiderState(List<PermissionAccess> rows) {
    for (AccessState s : List.of(AccessState.GRANTED, AccessState.PENDING_PROPAGATION, AccessState.UNKNOWN,
        AccessState.MAILBOX_NOT_READY)) {
      if (rows.stream().anyMatch(r -> r.state() == s)) {
        return s;
      }
    }
    return AccessState.DENIED;
  }

  private PermissionAccess checkPermission(String mailbox, boolean expected, String permission) {
    Set<GrantSource> by = EnumSet.noneOf(GrantSource.class);
    List<String> evidence = new ArrayList<>();
    List<String> unknown = new ArrayList<>();
    Optional<Instant> since = Optional.empty();
    boolean sinceUnknown = false;
    AccessMethod window = AccessMethod.RBAC_FOR_APPLICATIONS;

    // 1. RBAC for Applications (Exchange Online only).
    if (setup.target().isExchangeOnline() && setup.access() instanceof RbacForApplications) {
      Observed<ConfiguredAccess> rbac = rbac(mailbox, expected, permission);
      if (rbac.present()) {
        evidence.add(rbac.value().evidence());
        if (rbac.value().inScope()) {
          by.add(GrantSource.RBAC_FOR_APPLICATIONS);
          since = rbac.value().grantedSince();
          sinceUnknown = since.isEmpty();
        }
      } else {
        unknown.add("RBAC for Applications: " + rbac.error());
      }
    }

    // 2. Entra consent, narrowed by access policies.
    Observed<List<ApplicationPermissionGrant>> grants = consent();
    if (grants.unknown()) {
      unknown.add("Entra consent: " + grants.error());
    } else {
      List<String> consented = grants.value().stream().map(ApplicationPermissionGrant::permission)
          .filter(p -> AppPermissions.implies(p, permission)).toList();
      if (!consented.isEmpty()) {
        Observed<List<AccessPolicy>> mine = policies();
        if (mine.unknown()) {
          unknown.add("access policies: " + mine.error());
        } else if (mine.value().isEmpty()) {
          by.add(GrantSource.ENTRA_CONSENT);
          evidence.add("tenant-wide Entra consent " + consented + " on the app's service principal (read at " + consentReadAt
              + "): every mailbox");
        } else {
          Observed<ConfiguredAccess> policy = policy(mailbox);
          if (policy.present()) {
            evidence.add(policy.value().evidence() + " narrows Entra consent " + consented);
            if (policy.value().inScope()) {
              by.add(GrantSource.ACCESS_POLICY);
              Optional<Instant> p = policy.value().grantedSince();
              if (p.isPresent() && (since.isEmpty() || p.get().isAfter(since.get()))) {
                since = p;
                window = AccessMethod.APPLICATION_ACCESS_POLICY;
              }
            }
          } else {
            unknown.add("Test-ApplicationAccessPolicy: " + policy.error());
          }
        }
      } else {
        evidence.add("no Entra consent for " + permission);
      }
    }

    ConfiguredAccess union = new ConfiguredAccess(!by.isEmpty(), sinceUnknown ? Optional.empty() : since,
        String.join("; ", evidence) + (unknown.isEmpty() ? "" : "; unread: " + String.join("; ", unknown)));
    Observed<ConfiguredAccess> configured = by.isEmpty() && !unknown.isEmpty()
        ? Observed.unknown(String.join("; ", unknown) + (evidence.isEmpty() ? "" : "; " + String.join("; ", evidence)))
        : new Observed<>(Observed.State.PRESENT, union, "");
    String config = configured.present() ? union.evidence() : "configuration test failed: " + configured.error();

    boolean probeable = AppPermissions.isEws(permission) || AppPermissions.graphProbePath(permission).isPresent();
    MailboxAccess decided;
    if (connection.accessProbe().isPresent() && probeable) {
      Observed<ProbeOutcome> probe = Observed.readValue(() -> connection.accessProbe().get().probe(app, mailbox, permission));
      decided = verifier.decide(mailbox, expected, window, configured, config, probe, AppPermissions.isEws(permission));
    } else {
      decided = configuredOnly(mailbox, expected, window, configured, config, probeable, AppPermissions.isEws(permission));
    }
    return new PermissionAccess(permission, expected, decided.state(), by, decided.evidence());
  }

  private MailboxAccess configuredOnly(String mailbox, boolean expected, AccessMethod method, Observed<ConfiguredAccess> configured,
      String config, boolean probeable, boolean ews) {
    String why = probeable ? "" : " (no harmless request proves this permission: configuration only)";
    if (configured.unknown()) {
      return new MailboxAccess(mailbox, expected, AccessState.UNKNOWN, config + why);
    }
    ConfiguredAccess c = configured.value();
    if (!c.inScope()) {
      return new MailboxAccess(mailbox, expected, AccessState.DENIED, config + why);
    }
    if (ews && verifier.ewsRefusal(mailbox).isPresent()) {
      return new MailboxAccess(mailbox, expected, AccessState.DENIED, config + "; but EWS refuses: "
          + verifier.ewsRefusal(mailbox).get() + " (docs/ews.md)");
    }
    java.time.Duration window = verifier.propagationWindow(method);
    if (c.grantedSince().isPresent() && c.grantedSince().get().plus(window).isAfter(connection.clock().instant())) {
      return new MailboxAccess(mailbox, expected, AccessState.PENDING_PROPAGATION, config + "; granted since "
          + c.grantedSince().get() + ": allow up to " + Table.duration(window) + " to take effect (docs/verification.md, docs/diagnostics.md#d12)" + why);
    }
    return new MailboxAccess(mailbox, expected, AccessState.GRANTED, config + why);
  }

  private Observed<ConfiguredAccess> rbac(String mailbox, boolean expected, String permission) {
    String key = mailbox.toLowerCase(Locale.ROOT) + "|" + permission.toLowerCase(Locale.ROOT);
    ConfiguredAccess cached = connection.accessProbe().isPresent() ? rbacCache.get(key) : null;
    if (cached != null) {
      return new Observed<>(Observed.State.PRESENT, cached, "");
    }
    Observed<ConfiguredAccess> read = connection.exchange()
        .map(x -> Observed.readValue(() -> x.testConfiguredAccess(AccessMethod.RBAC_FOR_APPLICATIONS, app, mailbox, permission)))
        .orElseGet(() -> verifier.graphConfigured(mailbox, expected, permission));
    if (read.present()) {
      rbacCache.put(key, stamp(read.value()));
      return new Observed<>(Observed.State.PRESENT, rbacCache.get(key), "");
    }
    return read;
  }

  private Observed<ConfiguredAccess> policy(String mailbox) {
    String key = mailbox.toLowerCase(Locale.ROOT);
    ConfiguredAccess cached = policyCache.get(key);
    if (cached != null) {
      return new Observed<>(Observed.State.PRESENT, cached, "");
    }
    if (connection.exchange().isEmpty()) {
      return Observed.unknown("no Exchange backend to run Test-ApplicationAccessPolicy");
    }
    Observed<ConfiguredAccess> read = Observed.readValue(() -> connection.exchange().get()
        .testConfiguredAccess(AccessMethod.APPLICATION_ACCESS_POLICY, app, mailbox));
    if (read.present()) {
      policyCache.put(key, stamp(read.value()));
      return new Observed<>(Observed.State.PRESENT, policyCache.get(key), "");
    }
    return read;
  }

  private ConfiguredAccess stamp(ConfiguredAccess c) {
    return new ConfiguredAccess(c.inScope(), c.grantedSince(), c.evidence() + " (at " + connection.clock().instant() + ")");
  }

  private Observed<List<ApplicationPermissionGrant>> consent() {
    if (consent == null) {
      consentReadAt = connection.clock().instant();
      if (connection.directory().isEmpty()) {
        consent = Observed.unknown("no directory backend to read the app's Entra consent");
        notes.add("No directory backend: the app's tenant-wide Entra consent was not read, so access it gives is not "
            + "reported (Test-ServicePrincipalAuthorization does not include it).");
      } else {
        consent = Observed.readValue(() -> {
          String spId;
          try {
            spId = verifier.graphServicePrincipalId(app);
          } catch (dev.impersonation.ObjectNotFoundException e) {
            return List.of(); // no service principal in Entra: nothing can be consented
          }
          return connection.directory().get().applicationPermissionGrants(spId);
        });
        if (consent.unknown()) {
          notes.add("Could not read the app's Entra consent (" + consent.error() + "): access it may give is UNKNOWN.");
        }
      }
    }
    return consent;
  }

  private Observed<List<AccessPolicy>> policies() {
    if (policies == null) {
      if (connection.exchange().isEmpty() || !setup.target().isExchangeOnline()) {
        policies = connection.exchange().isEmpty() && setup.access() instanceof RbacForApplications
            ? new Observed<>(Observed.State.PRESENT, List.of(), "")
            : Observed.unknown("no Exchange backend to read application access policies");
        if (policies.present()) {
          notes.add("No Exchange backend: application access policies were not read; Entra consent is taken to reach every mailbox.");
        }
      } else {
        policies = Observed.readValue(() -> connection.exchange().get().accessPolicies(app.appId()));
      }
    }
    return policies;
  }

  /**
   * With an access policy narrowing the consent to its group, consent that grants more than the setup declares
   * ({@code withGraphPermissions(...)}) is still wider than needed inside that group: a least-privilege finding.
   */
  private List<Finding> beyondDeclaredPermissions() {
    if (!(setup.access() instanceof dev.impersonation.Access.ApplicationAccessPolicy policy) || policy.graphPermissions().isEmpty()) {
      return List.of();
    }
    List<String> extra = consent.value().stream().filter(g -> AppPermissions.isMailboxPermission(g.permission()))
        .filter(g -> policy.graphPermissions().stream().noneMatch(d -> AppPermissions.implies(d, g.permission())))
        .map(g -> g.resource() + " " + g.permission()).distinct().toList();
    if (extra.isEmpty()) {
      return List.of();
    }
    return List.of(new Finding("D11", Severity.WARNING, "app " + app.appId(), "Tenant-wide Entra consent " + extra
        + " grants more than the declared permissions " + policy.graphPermissions() + "; the access policy keeps it to its "
        + "group, but inside that group the app can do more than it needs.",
        "Remove the extra consent in Entra (Enterprise applications > Permissions), or declare it with "
            + "Access.applicationAccessPolicy().withGraphPermissions(...) if the app needs it."));
  }

  /** Tenant-wide consent that reaches beyond the declared scope: a least-privilege finding with its fix. */
  List<Finding> findings() {
    if (app == null || consent == null || !consent.present() || setup.scope() instanceof OrganizationScope) {
      return List.of();
    }
    List<String> wide = consent.value().stream().filter(g -> AppPermissions.isMailboxPermission(g.permission()))
        .map(g -> g.resource() + " " + g.permission()).distinct().toList();
    if (wide.isEmpty()) {
      return List.of();
    }
    boolean narrowed = policies != null && policies.present() && !policies.value().isEmpty();
    if (narrowed) {
      return beyondDeclaredPermissions();
    }
    String fix = setup.access() instanceof RbacForApplications
        ? "Remove the consent: declare Access.rbacForApplications(...).removingTenantWideConsent() and apply (or remove "
            + "the app role assignments in Entra, Enterprise applications > Permissions). Roles then give the scoped access."
        : "Apply the access policy (it narrows the consent to its group), or remove the consent.";
    Map<String, String> unique = new LinkedHashMap<>();
    unique.put("wide", "Tenant-wide Entra consent " + wide + " reaches every mailbox of the organization, beyond the declared "
        + "scope (" + setup.scope().describe() + "): effective access is the union of Entra consent and Exchange grants.");
    return List.of(new Finding("D11", Severity.WARNING, "app " + app.appId(), unique.get("wide"), fix));
  }
}
