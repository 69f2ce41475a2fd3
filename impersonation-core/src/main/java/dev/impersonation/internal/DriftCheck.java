package dev.impersonation.internal;

import dev.impersonation.Access.RbacForApplications;
import dev.impersonation.EwsRetiredException;
import dev.impersonation.ImpersonationSetup;
import dev.impersonation.MembershipMode;
import dev.impersonation.Principal.Application;
import dev.impersonation.Scope.GroupScope;
import dev.impersonation.TenantConnection;
import dev.impersonation.plan.Plan;
import dev.impersonation.plan.SetupRecord;
import dev.impersonation.plan.Step.StepAction;
import dev.impersonation.plan.Step;
import dev.impersonation.spi.ApplicationPermissionGrant;
import dev.impersonation.spi.Operation;
import dev.impersonation.spi.OwnedObject;
import dev.impersonation.spi.Recipient;
import dev.impersonation.verify.DriftReport.Drift;
import dev.impersonation.verify.DriftReport.Kind;
import dev.impersonation.verify.DriftReport;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;

/**
 * Drift (docs/lifecycle.md): the setup is planned again (reads only), and every step that is not a no-op is read as
 * what moved since the apply, against the record; then what a plan does not show: members added outside the declared
 * list (against the record's baseline), tenant-wide consent added, the EWS verdict changed. Failed reads are UNKNOWN.
 */
public final class DriftCheck {
  private final ImpersonationSetup setup;
  private final TenantConnection connection;
  private final SetupRecord record;
  private final Consumer<Drift> onDrift;
  private final List<Drift> findings = new ArrayList<>();

  private DriftCheck(ImpersonationSetup setup, TenantConnection connection, SetupRecord record, Consumer<Drift> onDrift) {
    this.setup = setup;
    this.connection = connection;
    this.record = record;
    this.onDrift = onDrift;
  }

  public static DriftReport check(ImpersonationSetup setup, TenantConnection connection, SetupRecord record,
      Consumer<Drift> onDrift) {
    SetupRecords.requireOf(setup, record);
    DriftCheck check = new DriftCheck(setup, connection, record, onDrift);
    check.run();
    return new DriftReport(setup.name(), connection.clock().instant(), check.findings);
  }

  private void found(Kind kind, String subject, String detail, boolean repaired) {
    Drift d = new Drift(kind, subject, detail, repaired);
    findings.add(d);
    onDrift.accept(d);
  }

  private void run() {
    Plan plan;
    try {
      plan = Planner.plan(setup, connection);
    } catch (EwsRetiredException e) {
      found(Kind.EWS_CHANGED, "EWS", e.getMessage(), false);
      return;
    }
    for (Step step : plan.steps()) {
      if (step.action() != StepAction.NO_OP) {
        step(step);
      }
    }
    plan.warnings().stream().filter(w -> w.contains("reached only through them are left out"))
        .forEach(w -> found(Kind.NOT_COVERED, "scope group", w, false));
    plan.warnings().stream().filter(w -> w.startsWith("An organization-wide assignment"))
        .forEach(w -> found(Kind.ORGANIZATION_WIDE_ASSIGNMENT, "role assignments", w, false));
    membersAddedOutside();
    consentAdded();
    Optional<Boolean> ewsNow = plan.ews().flatMap(Plan.EwsState::allowed);
    if (record.ewsAllowedAfterApply().isPresent() && ewsNow.isPresent() && !ewsNow.equals(record.ewsAllowedAfterApply())) {
      found(Kind.EWS_CHANGED, "EWS", "EWS " + (ewsNow.get() ? "now admits" : "no longer admits") + " the principal: "
          + plan.ews().get().reason(), setup.ews().allowList() && !ewsNow.get());
    }
  }

  private boolean recorded(OwnedObject.Kind kind, String identity) {
    return record.objects(kind).stream().anyMatch(o -> o.identity().equalsIgnoreCase(identity));
  }

  /** One step of the new plan, read as drift. */
  private void step(Step step) {
    if (step.action() == StepAction.BLOCKED) {
      if (step.reason().startsWith("could not read") || step.reason().contains("a failed read is never taken as absent")) {
        found(Kind.UNKNOWN, step.resource(), step.reason(), false);
      } else if (step.resource().startsWith("role assignment") && step.reason().contains("another role or scope")) {
        found(Kind.ROLE_ASSIGNMENT_RESCOPED, step.resource(), step.reason(), false);
      } else if (step.resource().startsWith("management scope")) {
        found(Kind.SCOPE_CHANGED, step.resource(), step.reason(), false);
      } else {
        found(Kind.OTHER_CHANGE, step.resource(), step.reason(), false);
      }
      return;
    }
    Operation op = step.operation().orElse(null);
    if (op instanceof Operation.NewManagementRoleAssignment a) {
      found(recorded(OwnedObject.Kind.ROLE_ASSIGNMENT, a.name()) ? Kind.ROLE_ASSIGNMENT_REMOVED : Kind.OTHER_CHANGE, step.resource(),
          "missing: " + step.reason(), true);
    } else if (op instanceof Operation.NewManagementScope) {
      found(Kind.SCOPE_CHANGED, step.resource(), "missing: " + step.reason(), true);
    } else if (op instanceof Operation.AddGroupMembers a) {
      a.members().forEach(m -> found(Kind.MEMBER_LEFT, m, "no longer a member of '" + a.group() + "'", true));
    } else if (op instanceof Operation.AddAdministrativeUnitMembers a) {
      a.members().forEach(m -> found(Kind.MEMBER_LEFT, m, "no longer a member of administrative unit " + a.administrativeUnitId(), true));
    } else if (op instanceof Operation.AddMailboxPermissions a) {
      Set<String> granted = new HashSet<>();
      record.objects(OwnedObject.Kind.MAILBOX_PERMISSIONS).forEach(o -> o.items().forEach(m -> granted.add(m.toLowerCase(Locale.ROOT))));
      for (String m : a.mailboxes()) {
        boolean before = granted.contains(m.toLowerCase(Locale.ROOT));
        found(before ? Kind.OBJECT_REMOVED : Kind.NOT_COVERED, "FullAccess of " + a.user() + " on " + m, before
            ? "the setup granted it; it was removed since" : "in scope but without FullAccess (a mailbox new to the scope?)", true);
      }
    } else if (op instanceof Operation.NewDistributionGroup || op instanceof Operation.CreateDirectoryGroup
        || op instanceof Operation.NewServicePrincipal || op instanceof Operation.NewApplicationAccessPolicy
        || op instanceof Operation.NewRoleGroup) {
      found(Kind.OBJECT_REMOVED, step.resource(), "missing: " + step.reason(), true);
    } else if (op instanceof Operation.AllowEwsApplication || op instanceof Operation.EnableOrganizationEws) {
      found(Kind.EWS_CHANGED, step.resource(), step.reason(), true);
    } else if (step.action() != StepAction.PREREQUISITE) {
      found(Kind.OTHER_CHANGE, step.resource(), step.action() + ": " + step.reason(), true);
    }
  }

  /** Members of the scope group that are neither declared nor in the record's baseline. */
  private void membersAddedOutside() {
    if (!(setup.scope() instanceof GroupScope g) || g.membershipMode() == MembershipMode.UNMANAGED || g.members().isEmpty()
        || connection.exchange().isEmpty() || !g.kind().isExchangeKnown()) {
      return;
    }
    Set<String> declared = new HashSet<>();
    g.members().forEach(m -> declared.add(m.toLowerCase(Locale.ROOT)));
    for (int i = 0; i < g.groupCount(); i++) {
      String name = g.groupName(i);
      List<String> baseline = record.groupMembers().get(name);
      if (baseline == null) {
        continue;
      }
      Set<String> known = new HashSet<>(declared);
      baseline.forEach(m -> known.add(m.toLowerCase(Locale.ROOT)));
      Observed<List<Recipient>> now = Observed.readValue(() -> connection.exchange().get().groupMembers(name));
      if (now.unknown()) {
        found(Kind.UNKNOWN, "members of '" + name + "'", now.error(), false);
        continue;
      }
      now.value().stream().filter(r -> !known.contains(r.primarySmtpAddress().toLowerCase(Locale.ROOT)))
          .forEach(r -> found(Kind.MEMBER_ADDED_OUTSIDE, r.primarySmtpAddress(), "added to '" + name + "' outside the setup's "
              + "declared members" + (g.membershipMode() == MembershipMode.EXACT ? " (EXACT: applying again removes it)"
                  : " (ADD_ONLY keeps it: it is in scope now)"), g.membershipMode() == MembershipMode.EXACT));
    }
  }

  /** Mailbox-related tenant-wide consent the app did not have right after the apply. */
  private void consentAdded() {
    if (!(setup.principal() instanceof Application app) || record.consentAfterApply().isEmpty() || connection.directory().isEmpty()) {
      return;
    }
    Observed<List<String>> now = Observed.readValue(() -> connection.directory().get().findServicePrincipal(app.appId())
        .map(sp -> connection.directory().get().applicationPermissionGrants(sp.objectId()).stream()
            .filter(TenantWideConsent::revocable).map(ApplicationPermissionGrant::permission).toList()).orElse(List.of()));
    if (now.unknown()) {
      found(Kind.UNKNOWN, "tenant-wide consent of " + app.appId(), now.error(), false);
      return;
    }
    boolean removes = setup.access() instanceof RbacForApplications r && r.removeTenantWideConsent();
    now.value().stream().filter(p -> record.consentAfterApply().get().stream().noneMatch(p::equalsIgnoreCase))
        .forEach(p -> found(Kind.CONSENT_ADDED, "Microsoft Graph " + p + " for " + app.appId(), "tenant-wide consent added "
            + "since the apply: it reaches every mailbox whatever the scope (docs/diagnostics.md#d11)", removes));
  }
}
