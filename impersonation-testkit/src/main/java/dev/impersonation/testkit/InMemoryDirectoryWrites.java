package dev.impersonation.testkit;

import dev.impersonation.ObjectAlreadyExistsException;
import dev.impersonation.TenantException;
import dev.impersonation.spi.AssigneeType;
import dev.impersonation.spi.Operation;
import dev.impersonation.spi.RecipientType;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * The writes of {@link InMemoryDirectory}, one {@link Operation.Visitor} method per kind of operation, as Graph answers
 * them: users, Microsoft 365 and security groups, membership, administrative units, application permissions, and the
 * Exchange RBAC endpoints of Graph beta. Every other kind is an Exchange operation, refused with a
 * {@link TenantException}.
 */
final class InMemoryDirectoryWrites implements Operation.Visitor<Void> {
  private final TenantState s;
  private final InMemoryDirectory directory;
  private final GraphExchangeRbac rbac;

  InMemoryDirectoryWrites(TenantState state, InMemoryDirectory directory, GraphExchangeRbac rbac) {
    this.s = state;
    this.directory = directory;
    this.rbac = rbac;
  }

  private static Void exchangeOperation(Operation op) {
    throw new TenantException("Microsoft Graph cannot perform " + op.getClass().getSimpleName() + ": it is an Exchange operation.");
  }

  @Override
  public Void visitEnableOrganizationCustomization(Operation.EnableOrganizationCustomization op) {
    return exchangeOperation(op);
  }

  @Override
  public Void visitCreateServiceAccount(Operation.CreateServiceAccount c) {
    if (!s.target.isExchangeOnline()) {
      throw new TenantException("Exchange Server users are created with New-Mailbox, not through Microsoft Graph.");
    }
    java.util.Optional<TenantState.UserObject> existing = s.user(c.userPrincipalName());
    if (existing.isPresent() && (c.licenseSkuId().isEmpty()
        || existing.get().licenses.stream().anyMatch(l -> l.equalsIgnoreCase(c.licenseSkuId().get())))) {
      s.addUser(c.userPrincipalName(), c.displayName()); // already exists: ObjectAlreadyExistsException, as Graph answers
    }
    // A retried create whose user exists without its licence (an earlier run stopped between the two calls, as Graph's
    // backend may): adopt the user and finish the licensing, as the Graph backend does.
    TenantState.UserObject u = existing.orElseGet(() -> s.addUser(c.userPrincipalName(), c.displayName()));
    if (u.usageLocation == null || u.usageLocation.isEmpty()) {
      u.usageLocation = c.usageLocation();
    }
    if (c.licenseSkuId().isPresent()) {
      String sku = c.licenseSkuId().get();
      if (!s.licenses.containsKey(sku.toLowerCase())) {
        throw new TenantException("Request_BadRequest: License " + sku + " does not correspond to a valid company License.");
      }
      u.licenses.add(sku);
      // docs/vendor-procedures.md (procedure 003): the mailbox appears about 15 minutes after licensing.
      s.addMailbox(c.userPrincipalName(), c.displayName(), RecipientType.USER_MAILBOX, s.now().plus(s.provisioningDelay));
    }
    return null;
  }

  @Override
  public Void visitAwaitMailbox(Operation.AwaitMailbox op) {
    return exchangeOperation(op);
  }

  @Override
  public Void visitAwaitAccessPolicy(Operation.AwaitAccessPolicy op) {
    return exchangeOperation(op);
  }

  @Override
  public Void visitNewDistributionGroup(Operation.NewDistributionGroup op) {
    return exchangeOperation(op);
  }

  @Override
  public Void visitCreateDirectoryGroup(Operation.CreateDirectoryGroup g) {
    if (g.kind().isExchangeWritten()) {
      throw new TenantException(TenantState.GRAPH_DL_TEXT);
    }
    TenantState.GroupObject created = s.addGroup(g.name(), g.kind(), null);
    created.notes = g.description();
    g.owners().forEach(o -> created.managedBy.add(s.memberKey(o)));
    return null;
  }

  @Override
  public Void visitSetGroup(Operation.SetGroup set) {
    TenantState.GroupObject g = directory.writableGroup(set.identity());
    List<String> owners = new ArrayList<>(g.managedBy);
    set.addManagedBy().forEach(o -> {
      String k = s.memberKey(o);
      if (!owners.contains(k)) {
        owners.add(k);
      }
    });
    g.managedBy.clear();
    g.managedBy.addAll(owners);
    if (set.hideFromAddressLists()) {
      g.hidden = true;
    }
    return null;
  }

  @Override
  public Void visitAddGroupMembers(Operation.AddGroupMembers add) {
    TenantState.GroupObject g = directory.writableGroup(add.group());
    for (String member : add.members()) {
      if (!g.members.add(s.memberKey(member))) {
        throw new ObjectAlreadyExistsException(member, TenantState.GRAPH_DUPLICATE_MEMBER_TEXT);
      }
    }
    return null;
  }

  @Override
  public Void visitRemoveGroupMembers(Operation.RemoveGroupMembers remove) {
    TenantState.GroupObject g = directory.writableGroup(remove.group());
    for (String member : remove.members()) {
      if (!g.members.remove(s.memberKey(member))) {
        throw InMemoryDirectory.graphNotFound(member);
      }
    }
    return null;
  }

  @Override
  public Void visitAddAdministrativeUnitMembers(Operation.AddAdministrativeUnitMembers add) {
    Set<String> unit = directory.administrativeUnit(add.administrativeUnitId());
    // Every member is resolved before any is added; one already there counts as success (as the backends treat
    // Graph's "already exist" answer).
    List<String> keys = add.members().stream().map(directory::directoryMemberKey).toList();
    unit.addAll(keys);
    return null;
  }

  @Override
  public Void visitRemoveAdministrativeUnitMembers(Operation.RemoveAdministrativeUnitMembers remove) {
    Set<String> unit = directory.administrativeUnit(remove.administrativeUnitId());
    for (String member : remove.members()) {
      // A member that is gone (or an object that no longer exists) is already removed.
      unit.remove(TenantState.key(member));
      s.mailbox(member).ifPresent(m -> unit.remove(TenantState.key(m.smtp)));
      s.user(member).ifPresent(u -> unit.remove(TenantState.key(u.upn)));
    }
    return null;
  }

  @Override
  public Void visitResolveGroupDistinguishedName(Operation.ResolveGroupDistinguishedName op) {
    return exchangeOperation(op);
  }

  @Override
  public Void visitNewManagementScope(Operation.NewManagementScope scope) {
    rbac.createAppScope(scope.name(), scope.filter().toOpath(g -> {
      throw new TenantException("Request_BadRequest: the recipient filter references a group whose DN was not resolved: " + g);
    }));
    return null;
  }

  /** An app's assignment goes through Graph beta's Exchange RBAC endpoints; any other is an Exchange operation. */
  @Override
  public Void visitNewManagementRoleAssignment(Operation.NewManagementRoleAssignment a) {
    if (a.assigneeType() != AssigneeType.SERVICE_PRINCIPAL) {
      return exchangeOperation(a);
    }
    rbac.createAssignment(a.assignee(), a.role(), a.scopeType(), a.scope());
    return null;
  }

  @Override
  public Void visitNewRoleGroup(Operation.NewRoleGroup op) {
    return exchangeOperation(op);
  }

  @Override
  public Void visitAddRoleGroupMember(Operation.AddRoleGroupMember op) {
    return exchangeOperation(op);
  }

  /** Graph's assignments name the Entra service principal directly: confirm it exists, write nothing. */
  @Override
  public Void visitNewServicePrincipal(Operation.NewServicePrincipal sp) {
    appBySpId(sp.objectId());
    return null;
  }

  @Override
  public Void visitNewApplicationAccessPolicy(Operation.NewApplicationAccessPolicy op) {
    return exchangeOperation(op);
  }

  @Override
  public Void visitAddMailboxPermissions(Operation.AddMailboxPermissions op) {
    return exchangeOperation(op);
  }

  @Override
  public Void visitGrantApplicationPermissions(Operation.GrantApplicationPermissions grant) {
    TenantState.AppObject app = appBySpId(grant.servicePrincipalObjectId());
    for (String p : grant.permissions()) {
      if (!FakeGraphApi.KNOWN_PERMISSIONS.contains(p) && s.apps.values().stream().noneMatch(a -> a.consent.contains(p))) {
        throw new TenantException("Request_BadRequest: Microsoft Graph has no application permission '" + p + "'.");
      }
    }
    // An existing grant counts as success (the backends treat Graph's duplicate answer so).
    grant.permissions().stream().filter(p -> app.consent.stream().noneMatch(p::equalsIgnoreCase)).forEach(app.consent::add);
    return null;
  }

  @Override
  public Void visitRevokeApplicationPermissions(Operation.RevokeApplicationPermissions revoke) {
    TenantState.AppObject app = appBySpId(revoke.servicePrincipalObjectId());
    // A permission that is not granted is already revoked.
    app.consent.removeIf(p -> revoke.permissions().stream().anyMatch(p::equalsIgnoreCase));
    return null;
  }

  private TenantState.AppObject appBySpId(String servicePrincipalObjectId) {
    return s.apps.values().stream().filter(a -> a.objectId.equalsIgnoreCase(servicePrincipalObjectId)).findFirst()
        .orElseThrow(() -> InMemoryDirectory.graphNotFound(servicePrincipalObjectId));
  }

  @Override
  public Void visitAllowEwsApplication(Operation.AllowEwsApplication op) {
    return exchangeOperation(op);
  }

  @Override
  public Void visitEnableOrganizationEws(Operation.EnableOrganizationEws op) {
    return exchangeOperation(op);
  }

  @Override
  public Void visitConfirmRbacForApplications(Operation.ConfirmRbacForApplications op) {
    return exchangeOperation(op);
  }

  @Override
  public Void visitRemoveApplicationAccessPolicy(Operation.RemoveApplicationAccessPolicy op) {
    return exchangeOperation(op);
  }

  @Override
  public Void visitRemoveOwnedObject(Operation.RemoveOwnedObject op) {
    return exchangeOperation(op);
  }
}
