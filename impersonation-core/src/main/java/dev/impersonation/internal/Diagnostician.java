package dev.impersonation.internal;

import dev.impersonation.Access.ApplicationImpersonation;
import dev.impersonation.Access.RbacForApplications;
import dev.impersonation.AccessMethod;
import dev.impersonation.ImpersonationSetup;
import dev.impersonation.Principal.Application;
import dev.impersonation.Principal.ServiceAccount;
import dev.impersonation.Scope.GroupScope;
import dev.impersonation.Scope.OrganizationScope;
import dev.impersonation.powershell.Cmdlet;
import dev.impersonation.powershell.ScriptRenderer;
import dev.impersonation.spi.ApplicationPermissionGrant;
import dev.impersonation.spi.DirectoryUser;
import dev.impersonation.spi.EntraServicePrincipal;
import dev.impersonation.powershell.ScriptFunctions;
import dev.impersonation.spi.EwsOrganizationPolicy;
import dev.impersonation.spi.EwsRules;
import dev.impersonation.spi.ExchangeBackend;
import dev.impersonation.spi.MailGroup;
import dev.impersonation.spi.ManagementScope;
import dev.impersonation.spi.OrganizationConfig;
import dev.impersonation.spi.Recipient;
import dev.impersonation.spi.RecipientFilter;
import dev.impersonation.spi.RoleAssignment;
import dev.impersonation.verify.Diagnosis.Finding;
import dev.impersonation.verify.Diagnosis.Severity;
import dev.impersonation.verify.Diagnosis;
import dev.impersonation.verify.MailboxAccess.AccessState;
import dev.impersonation.verify.VerificationReport;
import java.time.LocalDate;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * The vendors' common-issues checklist (docs/diagnostics.md), run against the tenant. Each finding says what is
 * wrong and how to fix it; nothing is changed here. A check whose read fails reports that, never a clean bill.
 */
public final class Diagnostician {
  private final ImpersonationSetup setup;
  private final dev.impersonation.TenantConnection connection;
  private final List<Finding> findings = new ArrayList<>();
  private final List<String> checks = new ArrayList<>();

  private Diagnostician(ImpersonationSetup setup, dev.impersonation.TenantConnection connection) {
    this.setup = setup;
    this.connection = connection;
  }

  public static Diagnosis diagnose(ImpersonationSetup setup, dev.impersonation.TenantConnection connection) {
    Diagnostician d = new Diagnostician(setup, connection);
    d.run();
    d.findings.sort(Comparator.comparing(Finding::severity));
    return new Diagnosis(setup.name(), d.findings, d.checks);
  }

  private void find(String code, Severity severity, String subject, String problem, String fix) {
    findings.add(new Finding(code, severity, subject, problem, fix));
  }

  private void unreadable(String code, String subject, String error) {
    find(code, Severity.WARNING, subject, "could not be checked: " + error, "fix the connection's permissions and diagnose again");
  }

  private void run() {
    Optional<ExchangeBackend> exchange = connection.exchange();
    if (exchange.isEmpty()) {
      find("D13", Severity.ERROR, "connection", "no Exchange backend: Exchange objects cannot be checked",
          "add an Exchange backend (impersonation-powershell: REST admin API, no Basic auth or WinRM needed)");
      return;
    }
    ExchangeBackend x = exchange.get();
    AccessMethod method = setup.access().method();
    organization(x, method);
    principal(x);
    scope(x);
    assignments(x, method);
    consent(method);
    propagation();
  }

  private boolean usesEws() {
    return EwsUse.of(setup).isPresent();
  }

  private void organization(ExchangeBackend x, AccessMethod method) {
    checks.add("D6");
    Observed<OrganizationConfig> config = Observed.readValue(x::organizationConfig);
    if (config.unknown()) {
      unreadable("D6", "organization", config.error());
    } else if (setup.target().isExchangeOnline() && config.value().dehydrated() && method != AccessMethod.FULL_ACCESS_DELEGATION) {
      find("D6", Severity.WARNING, "organization", "the organization is dehydrated (IsDehydrated True): RBAC writes fail",
          "run Enable-OrganizationCustomization once (the plan does this for you); the error may linger for a while after");
    }
    if (usesEws()) {
      ews();
    }
  }

  /** D10 (EWS off for the organization or the app not allow-listed), D14 (the shutdown), D15 (Autodiscover). */
  private void ews() {
    checks.add("D10");
    boolean online = setup.target().isExchangeOnline();
    LocalDate today = EwsPlanner.today(connection);
    Optional<String> appId = EwsUse.appId(setup);
    Observed<EwsOrganizationPolicy> policy = EwsVerification.readSettings(setup, connection, today);
    if (policy.unknown()) {
      unreadable("D10", "organization", policy.error());
    } else if (!EwsRules.retired(setup.target(), today)) {
      EwsRules.Verdict v = EwsRules.organization(setup.target(), today, policy.value(), appId);
      if (!v.allowed()) {
        boolean listProblem = policy.value().ewsEnabled().orElse(false) && !policy.value().allowedAppIds().isEmpty();
        find("D10", Severity.ERROR, listProblem ? appId.map(id -> "app " + id).orElse("EWS allow list") : "organization",
            "EWS refuses " + appId.map(id -> "app " + id).orElse(setup.principal().displayIdentity()) + ": " + v.reason(),
            listProblem ? (appId.isPresent() ? "add it to the list, keeping the ids already there: "
                + ScriptRenderer.render(Cmdlet.of(ScriptFunctions.ALLOW_EWS_APPLICATION).text("AppId", appId.get()))
                + " (a function of the exported script), or plan it with .allowingEws()"
                : "name the product's client app with .ews(EwsOptions.allowListing(\"<client app id>\"))")
                : "Set-OrganizationConfig -EwsEnabled $true (a tenant-wide change; "
                    + (online ? "with an empty EwsAllowedAppIDs it admits every app, so allow-list this app first; " : "")
                    + "or plan both with .ews(EwsOptions.allowListing().enablingOrganization().acknowledged()))");
      }
    }
    if (!online) {
      return;
    }
    checks.add("D14");
    long days = ChronoUnit.DAYS.between(today, EwsRules.SHUTDOWN);
    String replacement = "move to Microsoft Graph with " + String.join(", ", EwsRules.GRAPH_REPLACEMENT_ROLES)
        + " (Access.rbacForApplications(...), same scope)";
    if (days <= 0) {
      find("D14", Severity.ERROR, "EWS", "EWS in Exchange Online was shut down on " + EwsRules.SHUTDOWN
          + ": this access cannot work any more", replacement);
    } else if (days <= 180) {
      find("D14", Severity.WARNING, "EWS", "EWS in Exchange Online shuts down on " + EwsRules.SHUTDOWN + ", in " + days
          + " days, with no exceptions", replacement);
    } else {
      find("D14", Severity.INFO, "EWS", "EWS in Exchange Online shuts down on " + EwsRules.SHUTDOWN, replacement);
    }
    if (setup.access() instanceof RbacForApplications) {
      checks.add("D15");
      find("D15", Severity.WARNING, "Autodiscover", "Autodiscover does not work for apps authorised by RBAC for "
          + "Applications (Microsoft's FAQ): a product that discovers its EWS URL fails to connect",
          "configure the product with https://outlook.office365.com/EWS/Exchange.asmx instead of discovering it");
    }
  }

  private void principal(ExchangeBackend x) {
    if (!(setup.principal() instanceof ServiceAccount account)) {
      return;
    }
    checks.add("D1");
    String upn = account.userPrincipalName();
    Observed<Recipient> r = Observed.read(() -> x.findRecipient(upn));
    if (r.unknown()) {
      unreadable("D1", upn, r.error());
    } else if (r.absent()) {
      Optional<DirectoryUser> user = connection.directory()
          .flatMap(d -> Optional.ofNullable(Observed.read(() -> d.findUser(upn)).value()));
      if (user.isPresent()) {
        checks.add("D7");
        find("D7", Severity.WARNING, upn, "the user exists but has no mailbox yet" + (user.get().licenseSkuIds().isEmpty()
            ? " and no licence (docs/diagnostics.md#d1)" : ""), user.get().licenseSkuIds().isEmpty()
            ? "set usageLocation, assign a licence with Exchange Online, then wait about 15 minutes"
            : "wait: Exchange Online takes about 15 minutes to provision a mailbox after licensing");
      } else {
        find("D1", Severity.ERROR, upn, "the service account has no mailbox",
            "create it (or declare createIfMissing(...) so the plan does), licensed for Exchange");
      }
    } else if (!r.value().type().isMailbox()) {
      checks.add("D2");
      find("D2", Severity.ERROR, upn, "the principal is a " + r.value().type().value() + ", not a mailbox",
          "use a user mailbox as the service account");
    } else if (usesEws() && !r.value().ewsEnabled()) {
      find("D10", Severity.ERROR, upn, "EWS is disabled on the service account's mailbox",
          ScriptRenderer.render(Cmdlet.of("Set-CASMailbox").text("Identity", upn).bool("EwsEnabled", true)));
    }
  }

  private void scope(ExchangeBackend x) {
    if (!(setup.scope() instanceof GroupScope g)) {
      return;
    }
    checks.add("D2");
    checks.add("D5");
    checks.add("D9");
    for (String member : g.members()) {
      Observed<Recipient> r = Observed.read(() -> x.findRecipient(member));
      if (r.unknown()) {
        unreadable("D9", member, r.error());
      } else if (r.absent()) {
        find("D9", Severity.ERROR, member, "no recipient has this address", "compare with the mailbox's PrimarySmtpAddress/UPN and fix the input");
      } else if (!r.value().type().isMailbox()) {
        find("D2", Severity.ERROR, member, "is a " + r.value().type().value() + ", not a mailbox",
            "list its member mailboxes instead: MemberOfGroup counts direct members only");
      } else if (usesEws() && !r.value().ewsEnabled()) {
        find("D10", Severity.ERROR, member, "EWS is disabled on this mailbox",
            ScriptRenderer.render(Cmdlet.of("Set-CASMailbox").text("Identity", member).bool("EwsEnabled", true)));
      }
    }
    if (!g.kind().isExchangeKnown()) {
      return;
    }
    Observed<MailGroup> group = Observed.read(() -> x.findGroup(g.name()));
    if (group.unknown()) {
      unreadable("D5", g.name(), group.error());
      return;
    }
    if (group.absent()) {
      find("D5", Severity.ERROR, g.name(), "the scope group does not exist", "apply the setup to create it");
      return;
    }
    Observed<List<Recipient>> members = Observed.readValue(() -> x.groupMembers(g.name()));
    if (members.present()) {
      members.value().stream().filter(m -> m.type().isGroup()).forEach(m -> find("D5", Severity.WARNING, g.name(),
          "contains the nested group " + m.primarySmtpAddress() + ", whose members are NOT in scope (MemberOfGroup and -RecipientGroupScope count direct members only)",
          "add the nested group's mailboxes directly"));
    }
    if (!(setup.access() instanceof ApplicationImpersonation || setup.access() instanceof RbacForApplications)) {
      return;
    }
    String scopeName = ObjectNames.managementScope(setup);
    Observed<ManagementScope> scope = Observed.read(() -> x.findManagementScope(scopeName));
    if (scope.present() && g.groupCount() == 1) {
      String expected = new RecipientFilter.MemberOfGroups(List.of(new RecipientFilter.GroupReference(g.name(), g.kind(),
          Optional.of(group.value().distinguishedName())))).toOpath(n -> "");
      if (!RecipientFilter.equivalent(scope.value().recipientFilter(), expected)) {
        find("D5", Severity.ERROR, "management scope '" + scopeName + "'", "its filter " + scope.value().recipientFilter()
            + " does not match the group's current DN (stale DN or another group)",
            ScriptRenderer.render(Cmdlet.of("Set-ManagementScope").text("Identity", scopeName))
                + " -RecipientRestrictionFilter with the DN read from Get-DistributionGroup");
      }
    } else if (scope.unknown()) {
      unreadable("D5", scopeName, scope.error());
    }
  }

  private void assignments(ExchangeBackend x, AccessMethod method) {
    if (method == AccessMethod.FULL_ACCESS_DELEGATION || method == AccessMethod.APPLICATION_ACCESS_POLICY) {
      return;
    }
    checks.add("D3");
    checks.add("D4");
    String assignee = assignee();
    Observed<List<RoleAssignment>> all = Observed.readValue(() -> x.roleAssignments(assignee));
    if (all.unknown()) {
      unreadable("D3", assignee, all.error());
      return;
    }
    List<String> roles = setup.access() instanceof RbacForApplications r ? r.roles() : List.of(ApplicationImpersonation.ROLE);
    boolean viaRoleGroup = setup.access() instanceof ApplicationImpersonation ai && ai.roleGroup().isPresent();
    for (String role : roles) {
      List<RoleAssignment> forRole = all.value().stream().filter(a -> a.role().equalsIgnoreCase(role)).toList();
      if (forRole.isEmpty() && !viaRoleGroup) {
        find("D3", Severity.ERROR, assignee, "has no " + role + " assignment", "apply the setup (or assign the role to this exact principal)");
      }
      if (!(setup.scope() instanceof OrganizationScope)) {
        forRole.stream().filter(RoleAssignment::isOrganizationWide).forEach(a -> find("D4", Severity.ERROR,
            "role assignment '" + a.name() + "'", role + " is assigned organization-wide: every mailbox is reachable",
            ScriptRenderer.render(Cmdlet.of("Remove-ManagementRoleAssignment").text("Identity", a.name()).bool("Confirm", false))
                + " (the scoped assignment stays)"));
      }
    }
    if (viaRoleGroup) {
      String rg = ((ApplicationImpersonation) setup.access()).roleGroup().get();
      Observed<dev.impersonation.spi.RoleGroup> group = Observed.read(() -> x.findRoleGroup(rg));
      if (group.present() && group.value().customRecipientWriteScope().isEmpty() && !(setup.scope() instanceof OrganizationScope)) {
        find("D4", Severity.ERROR, "role group '" + rg + "'", "its write scope is Default: organization-wide",
            "use a role group created with -CustomRecipientWriteScope (give the setup another role group name), then remove this one");
      } else if (group.present() && group.value().members().stream().noneMatch(m -> m.equalsIgnoreCase(assignee))) {
        find("D3", Severity.ERROR, "role group '" + rg + "'", assignee + " is not a member",
            ScriptRenderer.render(Cmdlet.of("Add-RoleGroupMember").text("Identity", rg).text("Member", assignee)));
      } else if (group.absent()) {
        find("D3", Severity.ERROR, "role group '" + rg + "'", "does not exist", "apply the setup");
      }
    }
  }

  /** The identity role assignments name: the service account's UPN, or the app's service principal object id. */
  private String assignee() {
    if (setup.principal() instanceof ServiceAccount a) {
      return a.userPrincipalName();
    }
    Application app = (Application) setup.principal();
    return app.servicePrincipalObjectId()
        .or(() -> connection.directory().flatMap(d -> Optional.ofNullable(Observed.read(() -> d.findServicePrincipal(app.appId())).value()))
            .map(EntraServicePrincipal::objectId))
        .orElse(app.appId());
  }

  private void consent(AccessMethod method) {
    if (!(setup.principal() instanceof Application app) || connection.directory().isEmpty()
        || method == AccessMethod.APPLICATION_ACCESS_POLICY) {
      return;
    }
    checks.add("D11");
    Observed<EntraServicePrincipal> sp = Observed.read(() -> connection.directory().get().findServicePrincipal(app.appId()));
    if (!sp.present()) {
      if (sp.unknown()) {
        unreadable("D11", app.appId(), sp.error());
      }
      return;
    }
    Observed<List<ApplicationPermissionGrant>> grants =
        Observed.readValue(() -> connection.directory().get().applicationPermissionGrants(sp.value().objectId()));
    if (grants.unknown()) {
      unreadable("D11", app.appId(), grants.error());
    } else if (!grants.value().isEmpty()) {
      for (ApplicationPermissionGrant g : grants.value()) {
        find("D11", Severity.ERROR, app.displayIdentity(), "has tenant-wide consent " + g.resource() + " " + g.permission()
            + ", which reaches every mailbox whatever the Exchange scope", "remove that admin consent in Entra > Enterprise applications > Permissions");
      }
    }
  }

  private void propagation() {
    checks.add("D12");
    VerificationReport report = Verifier.verify(setup, connection);
    for (var row : report.mailboxes()) {
      if (row.state() == AccessState.PENDING_PROPAGATION) {
        find("D12", Severity.INFO, row.mailbox(), "configured but not effective yet", "wait: up to 2 h for RBAC, more than 1 h for access policies");
      } else if (!row.inScope() && row.state() == AccessState.GRANTED) {
        find("D4", Severity.ERROR, row.mailbox(), "is outside the scope but reachable: least privilege is broken",
            "look for organization-wide assignments or tenant-wide consent (docs/diagnostics.md#d4, docs/diagnostics.md#d11)");
      } else if (row.inScope() && row.state() == AccessState.DENIED) {
        find("D8", Severity.ERROR, row.mailbox(), "is in scope but access is denied", "check the role assignment and the scope (docs/diagnostics.md#d3, docs/diagnostics.md#d5)");
      }
    }
  }
}
