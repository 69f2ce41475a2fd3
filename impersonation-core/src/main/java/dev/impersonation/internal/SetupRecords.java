package dev.impersonation.internal;

import dev.impersonation.ImpersonationSetup;
import dev.impersonation.InvalidSetupException;
import dev.impersonation.Principal.Application;
import dev.impersonation.Scope.GroupScope;
import dev.impersonation.TenantConnection;
import dev.impersonation.plan.ApplyResult.StepOutcome;
import dev.impersonation.plan.ApplyResult.StepResult;
import dev.impersonation.plan.Plan;
import dev.impersonation.plan.SetupRecord;
import dev.impersonation.spi.AccessPolicy;
import dev.impersonation.spi.ApplicationPermissionGrant;
import dev.impersonation.spi.Operation;
import dev.impersonation.spi.OwnedObject.Kind;
import dev.impersonation.spi.OwnedObject;
import dev.impersonation.spi.Recipient;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Builds the {@link SetupRecord} of an apply (docs/lifecycle.md): an {@link OwnedObject} per step that changed the tenant
 * (APPLIED, not ALREADY_DONE: what existed is not the setup's), then a baseline read once the steps ran: the scope
 * groups' members, the app's access policies' identities and its tenant-wide consent. A failed baseline read leaves
 * that part empty (drift then says it cannot compare), never invented.
 */
public final class SetupRecords {
  private static final Logger LOG = LoggerFactory.getLogger(SetupRecords.class);

  private SetupRecords() {}

  /**
   * Refuses a record of another setup or tenant (drift and teardown compare with it), before anything is read.
   *
   * @throws InvalidSetupException naming both
   */
  public static void requireOf(ImpersonationSetup setup, SetupRecord record) {
    if (!record.setupName().equals(setup.name()) || !record.targetDomain().equalsIgnoreCase(setup.target().domain())) {
      throw new InvalidSetupException("This record is of setup '" + record.setupName() + "' in " + record.targetDomain()
          + ", not of '" + setup.name() + "' in " + setup.target().domain() + ": pass the record its apply returned.");
    }
  }

  /** The record of {@code results}, without a baseline (no connection to read it). */
  public static SetupRecord of(Plan plan, List<StepResult> results) {
    return new SetupRecord(plan.setupName(), plan.target().kind(), plan.target().domain(), plan.principal(),
        plan.plannedAt(), owned(results), Map.of(), Optional.empty(), plan.ews().flatMap(Plan.EwsState::allowed));
  }

  /** The record of {@code results}, with the baseline read through {@code connection} right after the apply. */
  public static SetupRecord of(ImpersonationSetup setup, Plan plan, List<StepResult> results, TenantConnection connection,
      RetryingReads reads) {
    return new SetupRecords.Reading(reads).record(setup, plan, results, connection);
  }

  /** The baseline reads of one record, retried as the apply's calls are. */
  private record Reading(RetryingReads reads) {
    SetupRecord record(ImpersonationSetup setup, Plan plan, List<StepResult> results, TenantConnection connection) {
      List<OwnedObject> objects = owned(results);
      Map<String, List<String>> members = new LinkedHashMap<>();
      if (setup.scope() instanceof GroupScope g && g.kind().isExchangeKnown() && connection.exchange().isPresent()) {
        for (int i = 0; i < g.groupCount(); i++) {
          String name = g.groupName(i);
          read("the members of " + name, () -> connection.exchange().get().groupMembers(name)).ifPresent(list ->
              members.put(name, list.stream().map(Recipient::primarySmtpAddress).toList()));
        }
      }
      Optional<List<String>> consent = Optional.empty();
      if (setup.principal() instanceof Application app && connection.directory().isPresent()) {
        consent = read("the app's consent", () -> connection.directory().get().findServicePrincipal(app.appId())
            .map(sp -> connection.directory().get().applicationPermissionGrants(sp.objectId()).stream()
                .filter(TenantWideConsent::revocable).map(ApplicationPermissionGrant::permission).toList()).orElse(List.of()));
        // A policy's identity is the service's: read it now, so teardown can name it.
        List<OwnedObject> withIds = new ArrayList<>();
        for (OwnedObject o : objects) {
          if (o.kind() == Kind.ACCESS_POLICY && o.detail().isEmpty() && connection.exchange().isPresent()) {
            String group = o.items().isEmpty() ? "" : o.items().get(0);
            String address = read("the group " + group, () -> connection.exchange().get().findGroup(group)).flatMap(g -> g)
                .map(g -> g.primarySmtpAddress()).orElse(group);
            Optional<String> id = read("the app's access policies", () -> connection.exchange().get().accessPolicies(app.appId()))
                .flatMap(list -> list.stream().filter(p -> p.scopeGroup().equalsIgnoreCase(address) || p.scopeGroup().equalsIgnoreCase(group))
                    .map(AccessPolicy::identity).findFirst());
            withIds.add(new OwnedObject(o.kind(), o.identity(), id.orElse(""), o.items()));
          } else {
            withIds.add(o);
          }
        }
        objects = withIds;
      }
      return new SetupRecord(plan.setupName(), plan.target().kind(), plan.target().domain(), plan.principal(),
          connection.clock().instant(), objects, members, consent, plan.ews().flatMap(Plan.EwsState::allowed));
    }

    private <T> Optional<T> read(String what, java.util.function.Supplier<T> read) {
      try {
        return Optional.ofNullable(reads.read(what, read));
      } catch (RuntimeException e) {
        LOG.warn("The setup record has no baseline for {}: {}", what, e.toString());
        return Optional.empty();
      }
    }
  }

  private static List<OwnedObject> owned(List<StepResult> results) {
    List<OwnedObject> out = new ArrayList<>();
    for (StepResult r : results) {
      if (r.outcome() == StepOutcome.APPLIED && r.step().operation().isPresent()) {
        r.step().operation().get().accept(new Owned()).ifPresent(out::add);
      }
    }
    return out;
  }

  /** What each kind of operation made, when it made something the setup owns. */
  private static final class Owned implements Operation.Visitor<Optional<OwnedObject>> {
    private static Optional<OwnedObject> of(Kind kind, String identity, String detail, List<String> items) {
      return Optional.of(new OwnedObject(kind, identity, detail, items));
    }

    @Override
    public Optional<OwnedObject> visitEnableOrganizationCustomization(Operation.EnableOrganizationCustomization o) {
      return Optional.empty();
    }

    @Override
    public Optional<OwnedObject> visitCreateServiceAccount(Operation.CreateServiceAccount o) {
      return of(Kind.SERVICE_ACCOUNT, o.userPrincipalName(), "", List.of());
    }

    @Override
    public Optional<OwnedObject> visitAwaitMailbox(Operation.AwaitMailbox o) {
      return Optional.empty();
    }

    @Override
    public Optional<OwnedObject> visitAwaitAccessPolicy(Operation.AwaitAccessPolicy o) {
      return Optional.empty();
    }

    @Override
    public Optional<OwnedObject> visitNewDistributionGroup(Operation.NewDistributionGroup o) {
      return of(Kind.GROUP, o.name(), o.kind().name(), List.of());
    }

    @Override
    public Optional<OwnedObject> visitCreateDirectoryGroup(Operation.CreateDirectoryGroup o) {
      return of(Kind.GROUP, o.name(), o.kind().name(), List.of());
    }

    @Override
    public Optional<OwnedObject> visitSetGroup(Operation.SetGroup o) {
      return Optional.empty();
    }

    @Override
    public Optional<OwnedObject> visitAddGroupMembers(Operation.AddGroupMembers o) {
      return of(Kind.GROUP_MEMBERS, o.group(), o.kind().name(), o.members());
    }

    @Override
    public Optional<OwnedObject> visitRemoveGroupMembers(Operation.RemoveGroupMembers o) {
      return Optional.empty();
    }

    @Override
    public Optional<OwnedObject> visitAddAdministrativeUnitMembers(Operation.AddAdministrativeUnitMembers o) {
      return of(Kind.ADMINISTRATIVE_UNIT_MEMBERS, o.administrativeUnitId(), "", o.members());
    }

    @Override
    public Optional<OwnedObject> visitRemoveAdministrativeUnitMembers(Operation.RemoveAdministrativeUnitMembers o) {
      return Optional.empty();
    }

    @Override
    public Optional<OwnedObject> visitResolveGroupDistinguishedName(Operation.ResolveGroupDistinguishedName o) {
      return Optional.empty();
    }

    @Override
    public Optional<OwnedObject> visitNewManagementScope(Operation.NewManagementScope o) {
      return of(Kind.MANAGEMENT_SCOPE, o.name(), "", List.of());
    }

    @Override
    public Optional<OwnedObject> visitNewManagementRoleAssignment(Operation.NewManagementRoleAssignment o) {
      return of(Kind.ROLE_ASSIGNMENT, o.name(), o.role(), List.of(o.assignee()));
    }

    @Override
    public Optional<OwnedObject> visitNewRoleGroup(Operation.NewRoleGroup o) {
      return of(Kind.ROLE_GROUP, o.name(), "", o.roles());
    }

    @Override
    public Optional<OwnedObject> visitAddRoleGroupMember(Operation.AddRoleGroupMember o) {
      return Optional.empty();
    }

    @Override
    public Optional<OwnedObject> visitNewServicePrincipal(Operation.NewServicePrincipal o) {
      return of(Kind.EXCHANGE_SERVICE_PRINCIPAL, o.appId(), o.objectId(), List.of());
    }

    @Override
    public Optional<OwnedObject> visitNewApplicationAccessPolicy(Operation.NewApplicationAccessPolicy o) {
      return of(Kind.ACCESS_POLICY, o.appId(), "", List.of(o.policyScopeGroup()));
    }

    @Override
    public Optional<OwnedObject> visitAddMailboxPermissions(Operation.AddMailboxPermissions o) {
      return of(Kind.MAILBOX_PERMISSIONS, o.user(), "", o.mailboxes());
    }

    @Override
    public Optional<OwnedObject> visitGrantApplicationPermissions(Operation.GrantApplicationPermissions o) {
      return of(Kind.APPLICATION_CONSENT, o.appId(), o.servicePrincipalObjectId(), o.permissions());
    }

    @Override
    public Optional<OwnedObject> visitRevokeApplicationPermissions(Operation.RevokeApplicationPermissions o) {
      return Optional.empty();
    }

    @Override
    public Optional<OwnedObject> visitAllowEwsApplication(Operation.AllowEwsApplication o) {
      return of(Kind.EWS_ALLOW_LIST_ENTRY, o.appId(), "", List.of());
    }

    @Override
    public Optional<OwnedObject> visitEnableOrganizationEws(Operation.EnableOrganizationEws o) {
      return of(Kind.ORGANIZATION_EWS, "organization", "", List.of());
    }

    @Override
    public Optional<OwnedObject> visitConfirmRbacForApplications(Operation.ConfirmRbacForApplications o) {
      return Optional.empty();
    }

    @Override
    public Optional<OwnedObject> visitRemoveApplicationAccessPolicy(Operation.RemoveApplicationAccessPolicy o) {
      return Optional.empty();
    }

    @Override
    public Optional<OwnedObject> visitRemoveOwnedObject(Operation.RemoveOwnedObject o) {
      return Optional.empty();
    }
  }
}
