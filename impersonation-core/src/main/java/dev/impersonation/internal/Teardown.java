package dev.impersonation.internal;

import dev.impersonation.GroupKind;
import dev.impersonation.ImpersonationSetup;
import dev.impersonation.TenantConnection;
import dev.impersonation.plan.Plan;
import dev.impersonation.plan.ProgressListener;
import dev.impersonation.plan.SetupRecord;
import dev.impersonation.plan.Step.StepAction;
import dev.impersonation.spi.ApplicationPermissionGrant;
import dev.impersonation.spi.MailGroup;
import dev.impersonation.spi.MailboxPermission;
import dev.impersonation.spi.Operation;
import dev.impersonation.spi.OwnedObject.Kind;
import dev.impersonation.spi.OwnedObject;
import dev.impersonation.spi.RoleAssignment;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The teardown plan (docs/lifecycle.md): what a setup's record lists, removed in reverse order of dependency, each
 * removal planned only when its object is still there (read now; a failed read blocks the step). Grants go first (EWS
 * allow-list entry, role assignments, role groups, access policies, FullAccess, consent the setup granted), then what
 * they hang on (management scopes, the Exchange service principal pointer unless other assignments use it), then groups
 * the setup created (only while they still carry its marker) and the members it added to groups it did not create.
 * A service-account mailbox and the organization's EWS switch are kept, and the plan says so.
 */
public final class Teardown {
  private final ImpersonationSetup setup;
  private final SetupRecord record;
  private final PlanContext ctx;
  private final List<Integer> grants = new ArrayList<>();
  private final List<Integer> holders = new ArrayList<>();
  private final Set<String> groupsDeleted = new HashSet<>();
  private final Set<String> groupsKept = new HashSet<>();
  private final Map<String, Observed<List<String>>> usedByOthers = new HashMap<>();

  private Teardown(ImpersonationSetup setup, TenantConnection connection, SetupRecord record) {
    this.setup = setup;
    this.record = record;
    this.ctx = new PlanContext(setup, connection, ProgressListener.none());
  }

  public static Plan plan(ImpersonationSetup setup, TenantConnection connection, SetupRecord record) {
    SetupRecords.requireOf(setup, record);
    Teardown t = new Teardown(setup, connection, record);
    t.run();
    return new Plan(setup.name(), setup.target(), setup.principal().displayIdentity(), "TEARDOWN of " + setup.scope().describe(),
        "remove what '" + setup.name() + "' made (" + record.objects().size() + " recorded object(s))", t.ctx.steps(),
        t.ctx.warnings(), connection.clock().instant());
  }

  private void run() {
    record.objects(Kind.EWS_ALLOW_LIST_ENTRY).forEach(this::ewsEntry);
    record.objects(Kind.ROLE_ASSIGNMENT).forEach(this::roleAssignment);
    record.objects(Kind.ROLE_GROUP).forEach(o -> exists(o, "role group '" + o.identity() + "'",
        x -> x.findRoleGroup(o.identity()).isPresent(), grants));
    record.objects(Kind.ACCESS_POLICY).forEach(o -> exists(o, "access policy of " + o.identity() + " on " + o.items(),
        x -> x.accessPolicies(o.identity()).stream().anyMatch(p -> p.identity().equalsIgnoreCase(o.detail())), grants));
    record.objects(Kind.MAILBOX_PERMISSIONS).forEach(this::mailboxPermissions);
    record.objects(Kind.APPLICATION_CONSENT).forEach(this::consent);
    record.objects(Kind.MANAGEMENT_SCOPE).forEach(o -> exists(o, "management scope '" + o.identity() + "'",
        x -> x.findManagementScope(o.identity()).isPresent(), holders));
    record.objects(Kind.EXCHANGE_SERVICE_PRINCIPAL).forEach(this::servicePrincipal);
    record.objects(Kind.GROUP).forEach(this::group);
    record.objects(Kind.GROUP_MEMBERS).forEach(this::groupMembers);
    record.objects(Kind.ADMINISTRATIVE_UNIT_MEMBERS).forEach(this::unitMembers);
    record.objects(Kind.SERVICE_ACCOUNT).forEach(o -> {
      ctx.noOp("service account " + o.identity(), "kept: deleting a mailbox deletes its data; remove it yourself if no longer needed");
      ctx.warn("The service account " + o.identity() + " this setup created is kept (a mailbox holds data): remove it yourself.");
    });
    record.objects(Kind.ORGANIZATION_EWS).forEach(o -> {
      ctx.noOp("organization EwsEnabled", "kept True: a tenant-wide switch other applications may rely on now");
      ctx.warn("The organization's EwsEnabled, which this setup turned on, is left as it is: other apps may use EWS now.");
    });
    if (record.objects().isEmpty()) {
      ctx.warn("The record lists nothing this setup made (everything existed before it): nothing to remove.");
    }
  }

  /** A REVOKE step for {@code o} when {@code present} finds it; a NO_OP when it is gone; BLOCKED when unread. */
  private void exists(OwnedObject o, String resource, java.util.function.Function<dev.impersonation.spi.ExchangeBackend, Boolean> present,
      List<Integer> into) {
    Observed<Boolean> there = ctx.valueFromExchange(present);
    if (there.unknown()) {
      into.add(ctx.blocked(resource, there.blockedReason(resource)));
    } else if (!there.value()) {
      ctx.noOp(resource, "already gone");
    } else {
      into.add(ctx.add(StepAction.REVOKE, resource, "REMOVES what '" + setup.name() + "' made (recorded)",
          new Operation.RemoveOwnedObject(o), dependsOnGrantsIf(into == holders)));
    }
  }

  private List<Integer> dependsOnGrantsIf(boolean after) {
    return after ? grants.stream().filter(n -> n > 0).toList() : List.of();
  }

  private void ewsEntry(OwnedObject o) {
    String resource = "EWS allow list entry of " + o.identity();
    Observed<dev.impersonation.spi.EwsOrganizationPolicy> policy = ctx.valueFromExchange(x -> x.ewsOrganizationPolicy());
    if (policy.unknown()) {
      grants.add(ctx.blocked(resource, policy.blockedReason("the EWS allow list")));
    } else if (!policy.value().allowListed(o.identity())) {
      ctx.noOp(resource, "not on EwsAllowedAppIDs any more");
    } else if (policy.value().allowedAppIds().size() == 1) {
      ctx.noOp(resource, "kept: it is the only id, and an empty allow list admits every application to EWS");
      ctx.warn("App " + o.identity() + " stays on EwsAllowedAppIDs: removing the only id would open EWS to every application.");
    } else {
      grants.add(ctx.add(StepAction.REVOKE, resource, "REMOVES the app from EwsAllowedAppIDs, keeping the "
          + (policy.value().allowedAppIds().size() - 1) + " other id(s)", new Operation.RemoveOwnedObject(o), List.of()));
    }
  }

  private void roleAssignment(OwnedObject o) {
    String resource = "role assignment '" + o.identity() + "'";
    String assignee = o.items().isEmpty() ? "" : o.items().get(0);
    Observed<List<RoleAssignment>> existing = PlanContext.readValueFrom(ctx.rbac(), x -> x.roleAssignments(assignee));
    if (existing.unknown()) {
      grants.add(ctx.blocked(resource, existing.blockedReason("the role assignments of " + assignee)));
    } else if (existing.value().stream().noneMatch(a -> a.name().equalsIgnoreCase(o.identity()))) {
      ctx.noOp(resource, "already gone");
    } else {
      grants.add(ctx.add(StepAction.REVOKE, resource, "REMOVES " + o.detail() + " for " + assignee + " (recorded)",
          new Operation.RemoveOwnedObject(o), List.of()));
    }
  }

  private void mailboxPermissions(OwnedObject o) {
    List<String> still = new ArrayList<>();
    for (String mailbox : o.items()) {
      Observed<List<MailboxPermission>> perms = ctx.valueFromExchange(x -> x.mailboxPermissions(mailbox));
      if (perms.unknown()) {
        grants.add(ctx.blocked("FullAccess of " + o.identity() + " on " + mailbox, perms.blockedReason("its permissions")));
        return;
      }
      if (perms.value().stream().anyMatch(p -> p.user().equalsIgnoreCase(o.identity()) && !p.deny())) {
        still.add(mailbox);
      }
    }
    String resource = "FullAccess of " + o.identity();
    if (still.isEmpty()) {
      ctx.noOp(resource, "already gone on every recorded mailbox");
    } else {
      grants.add(ctx.add(StepAction.REVOKE, resource, "REMOVES FullAccess on " + still.size() + " mailbox(es) the setup granted: "
          + PlanContext.preview(still), new Operation.RemoveOwnedObject(new OwnedObject(o.kind(), o.identity(), "", still)), List.of()));
    }
  }

  private void consent(OwnedObject o) {
    String resource = "tenant-wide consent granted to " + o.identity();
    if (ctx.directory().isEmpty()) {
      grants.add(ctx.blocked(resource, "this connection has no directory (Graph) backend to read the consent"));
      return;
    }
    Observed<List<ApplicationPermissionGrant>> granted = Observed.readValue(() -> ctx.directory().get().applicationPermissionGrants(o.detail()));
    if (granted.unknown()) {
      grants.add(ctx.blocked(resource, granted.blockedReason("the app's consent")));
      return;
    }
    List<String> still = o.items().stream().filter(p -> granted.value().stream().anyMatch(g -> g.permission().equalsIgnoreCase(p))).toList();
    if (still.isEmpty()) {
      ctx.noOp(resource, "already revoked");
    } else {
      grants.add(ctx.add(StepAction.REVOKE, resource, "REMOVES the Microsoft Graph permissions the setup granted: " + String.join(", ", still),
          new Operation.RevokeApplicationPermissions(o.identity(), o.detail(), still), List.of()));
    }
  }

  private void servicePrincipal(OwnedObject o) {
    String resource = "Exchange service principal for " + o.identity();
    Set<String> ours = new HashSet<>();
    record.objects(Kind.ROLE_ASSIGNMENT).forEach(a -> ours.add(a.identity().toLowerCase(Locale.ROOT)));
    Observed<List<RoleAssignment>> all = PlanContext.readValueFrom(ctx.rbac(), x -> x.roleAssignments(o.detail()));
    if (all.present() && all.value().stream().anyMatch(a -> !ours.contains(a.name().toLowerCase(Locale.ROOT)))) {
      ctx.noOp(resource, "kept: other role assignments of the app use it");
      return;
    }
    exists(o, resource, x -> x.findServicePrincipal(o.identity()).isPresent(), holders);
  }

  private void group(OwnedObject o) {
    String resource = "group '" + o.identity() + "'";
    GroupKind kind = GroupKind.valueOf(o.detail());
    if (!kind.isExchangeWritten()) {
      ctx.noOp(resource, "kept: a " + kind.label() + " is deleted in Entra, not by this library");
      ctx.warn("The " + kind.label() + " '" + o.identity() + "' this setup created is kept: delete it in Entra if no longer needed.");
      return;
    }
    Observed<MailGroup> g = ctx.fromExchange(x -> x.findGroup(o.identity()));
    if (g.unknown()) {
      holders.add(ctx.blocked(resource, g.blockedReason(resource)));
    } else if (g.absent()) {
      ctx.noOp(resource, "already gone");
      groupsDeleted.add(o.identity().toLowerCase(Locale.ROOT));
    } else if (usedByOthers(g.value()).unknown()) {
      holders.add(ctx.blocked(resource, usedByOthers(g.value()).blockedReason("the role assignments that may use the group")));
      groupsKept.add(o.identity().toLowerCase(Locale.ROOT));
    } else if (!usedByOthers(g.value()).value().isEmpty()) {
      List<String> users = usedByOthers(g.value()).value();
      ctx.noOp(resource, "kept with its members: role assignment(s) this setup did not make scope to it: " + String.join(", ", users));
      ctx.warn("The group '" + o.identity() + "' was created by this setup but " + String.join(", ", users)
          + " scope(s) to it: the group and its members are kept.");
      groupsKept.add(o.identity().toLowerCase(Locale.ROOT));
    } else if (!g.value().notes().contains(ObjectNames.ownerMarker(setup))) {
      ctx.noOp(resource, "kept: it no longer carries this setup's marker in Notes, so someone else may own it now");
      ctx.warn("The group '" + o.identity() + "' was created by this setup but lost its marker: it is kept.");
    } else {
      List<Integer> after = new ArrayList<>(dependsOnGrantsIf(true));
      after.addAll(holders.stream().filter(n -> n > 0).toList());
      holders.add(ctx.add(StepAction.REVOKE, resource, "DELETES the group this setup created (its Notes carry the setup's marker)",
          new Operation.RemoveOwnedObject(o), after));
      groupsDeleted.add(o.identity().toLowerCase(Locale.ROOT));
    }
  }

  /**
   * The role assignments this setup did not make, of the assignees it did make assignments for (its principal's service
   * principal, role groups), whose scope is {@code g}: by {@code -RecipientGroupScope} or a management scope whose filter
   * names the group's DistinguishedName. Another setup of the same principal (an EWS-to-Graph migration's Graph setup)
   * may scope to a group this one created.
   */
  private Observed<List<String>> usedByOthers(MailGroup g) {
    return usedByOthers.computeIfAbsent(g.name().toLowerCase(Locale.ROOT), k -> {
      Set<String> ours = new HashSet<>();
      Set<String> assignees = new java.util.LinkedHashSet<>();
      record.objects(Kind.ROLE_ASSIGNMENT).forEach(a -> {
        ours.add(a.identity().toLowerCase(Locale.ROOT));
        assignees.addAll(a.items());
      });
      record.objects(Kind.EXCHANGE_SERVICE_PRINCIPAL).forEach(sp -> assignees.add(sp.detail()));
      record.objects(Kind.ROLE_GROUP).forEach(rg -> assignees.add(rg.identity()));
      assignees.remove("");
      List<String> users = new ArrayList<>();
      for (String assignee : assignees) {
        Observed<List<RoleAssignment>> all = PlanContext.readValueFrom(ctx.rbac(), x -> x.roleAssignments(assignee));
        if (all.unknown()) {
          return Observed.unknown(all.error());
        }
        for (RoleAssignment a : all.value()) {
          if (ours.contains(a.name().toLowerCase(Locale.ROOT))) {
            continue;
          }
          boolean byGroup = a.scopeType() == dev.impersonation.spi.ScopeType.RECIPIENT_GROUP && (a.scope().equalsIgnoreCase(g.name())
              || a.scope().equalsIgnoreCase(g.primarySmtpAddress()) || a.scope().equalsIgnoreCase(g.distinguishedName()));
          boolean byFilter = false;
          if (a.scopeType() == dev.impersonation.spi.ScopeType.MANAGEMENT_SCOPE && !g.distinguishedName().isEmpty()) {
            Observed<dev.impersonation.spi.ManagementScope> scope = ctx.fromExchange(x -> x.findManagementScope(a.scope()));
            if (scope.unknown()) {
              return Observed.unknown(scope.error());
            }
            byFilter = scope.present() && scope.value().recipientFilter().toLowerCase(Locale.ROOT)
                .contains(g.distinguishedName().toLowerCase(Locale.ROOT));
          }
          if (byGroup || byFilter) {
            users.add("'" + a.name() + "'");
          }
        }
      }
      return new Observed<>(Observed.State.PRESENT, users, "");
    });
  }

  private void groupMembers(OwnedObject o) {
    if (groupsDeleted.contains(o.identity().toLowerCase(Locale.ROOT)) || groupsKept.contains(o.identity().toLowerCase(Locale.ROOT))) {
      return;
    }
    GroupKind kind = GroupKind.valueOf(o.detail());
    String resource = kind.label() + " '" + o.identity() + "' members the setup added";
    Observed<List<String>> now = kind.isExchangeWritten() || ctx.directory().isEmpty()
        ? ctx.valueFromExchange(x -> x.groupMembers(o.identity()).stream().map(r -> r.primarySmtpAddress()).toList())
        : Observed.readValue(() -> ctx.directory().get().groupMembers(o.identity()));
    if (now.unknown()) {
      ctx.blocked(resource, now.blockedReason("the group's members"));
      return;
    }
    Set<String> present = new HashSet<>();
    now.value().forEach(m -> present.add(m.toLowerCase(Locale.ROOT)));
    List<String> still = o.items().stream().filter(m -> present.contains(m.toLowerCase(Locale.ROOT))).toList();
    if (still.isEmpty()) {
      ctx.noOp(resource, "none of them is a member any more");
    } else {
      ctx.add(StepAction.REMOVE_MEMBERS, resource, "removes only the " + still.size() + " member(s) this setup added: "
          + PlanContext.preview(still), new Operation.RemoveGroupMembers(o.identity(), kind, still), dependsOnGrantsIf(true));
    }
  }

  private void unitMembers(OwnedObject o) {
    String resource = "administrative unit " + o.identity() + " members the setup added";
    if (ctx.directory().isEmpty()) {
      ctx.blocked(resource, "this connection has no directory (Graph) backend to read the unit");
      return;
    }
    Observed<Optional<List<String>>> now = Observed.readValue(() -> ctx.directory().get().administrativeUnitMembers(o.identity()));
    if (now.unknown()) {
      ctx.blocked(resource, now.blockedReason("the unit's members"));
      return;
    }
    Set<String> present = new HashSet<>();
    now.value().orElse(List.of()).forEach(m -> present.add(m.toLowerCase(Locale.ROOT)));
    List<String> still = o.items().stream().filter(m -> present.contains(m.toLowerCase(Locale.ROOT))).toList();
    if (still.isEmpty()) {
      ctx.noOp(resource, "none of them is a member any more");
    } else {
      ctx.add(StepAction.REMOVE_MEMBERS, resource, "removes only the " + still.size() + " member(s) this setup added",
          new Operation.RemoveAdministrativeUnitMembers(o.identity(), still), dependsOnGrantsIf(true));
    }
  }
}
