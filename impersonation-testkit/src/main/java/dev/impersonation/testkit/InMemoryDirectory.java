package dev.impersonation.testkit;

import dev.impersonation.GroupKind;
import dev.impersonation.ObjectAlreadyExistsException;
import dev.impersonation.TenantException;
import dev.impersonation.spi.ApplicationPermissionGrant;
import dev.impersonation.spi.AssigneeType;
import dev.impersonation.spi.ExchangeRbacReader;
import dev.impersonation.spi.MailboxReader;
import dev.impersonation.spi.ManagementScope;
import dev.impersonation.spi.Recipient;
import dev.impersonation.spi.RoleAssignment;
import dev.impersonation.spi.Capability;
import dev.impersonation.spi.DirectoryBackend;
import dev.impersonation.spi.DirectoryUser;
import dev.impersonation.spi.EntraServicePrincipal;
import dev.impersonation.spi.MailGroup;
import dev.impersonation.spi.Operation;
import dev.impersonation.spi.RecipientType;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;

/**
 * The in-memory directory (Graph) backend of a {@link FakeTenant}. Like Graph it reads every group but writes only
 * Microsoft 365 and security groups (docs/graph.md): a write to a distribution group, mail-enabled security group or
 * room list answers Graph's error. It writes administrative-unit membership as the Graph backend does: adding a
 * member that is already there and removing one that is gone both succeed; an unknown unit or member answers Graph's
 * 404 text.
 */
final class InMemoryDirectory implements DirectoryBackend, ExchangeRbacReader, MailboxReader {
  private final TenantState s;
  private final GraphExchangeRbac rbac;

  InMemoryDirectory(TenantState state) {
    this.s = state;
    this.rbac = new GraphExchangeRbac(state);
  }

  /** The Exchange RBAC provider of Graph beta over this store (shared with the HTTP simulator). */
  GraphExchangeRbac exchangeRbac() {
    return rbac;
  }

  @Override
  public String name() {
    return "fake-graph";
  }

  @Override
  public Set<Capability> capabilities() {
    Set<Capability> all = EnumSet.of(Capability.DIRECTORY_USERS, Capability.DIRECTORY_GROUPS, Capability.DIRECTORY_APPLICATIONS,
        Capability.DIRECTORY_ADMINISTRATIVE_UNITS);
    if (s.target.isExchangeOnline()) {
      // Graph beta's Exchange RBAC endpoints (docs/rbac-for-applications.md).
      all.add(Capability.EXCHANGE_APPLICATION_RBAC);
    }
    return all;
  }

  private <T> T call(String operation, String detail, boolean write, Supplier<T> body) {
    return s.call("directory", operation, detail, write, body);
  }


  /**
   * Runs a Graph-shaped call through the same fault check, journal and write counting as the SPI methods, for the HTTP
   * simulator ({@link FakeGraphApi}); {@code operation} names it for {@link Faults} rules.
   */
  <T> T graphCall(String operation, String detail, boolean write, Supplier<T> body) {
    return call(operation, detail, write, body);
  }

  static TenantException graphNotFound(String id) {
    return new dev.impersonation.ObjectNotFoundException(id, "Request_ResourceNotFound: Resource '" + id
        + "' does not exist or one of its queried reference-property objects are not present.");
  }

  @Override
  public Optional<DirectoryUser> findUser(String upn) {
    return call("findUser", upn, false, () -> s.user(upn)
        .map(u -> new DirectoryUser(u.id, u.upn, u.displayName, u.usageLocation, u.licenses)));
  }

  @Override
  public Optional<MailGroup> findGroup(String displayName) {
    return call("findGroup", displayName, false, () -> s.group(displayName).filter(g -> !s.lagging("group", g.name))
        .map(g -> new MailGroup(g.name, g.id, g.dn, g.kind, g.smtp, g.managedBy, g.closed, g.hidden, g.notes)));
  }

  @Override
  public List<String> groupMembers(String groupIdOrName) {
    return call("groupMembers", groupIdOrName, false, () -> {
      TenantState.GroupObject g = s.group(groupIdOrName).orElseThrow(() -> graphNotFound(groupIdOrName));
      return List.copyOf(g.members);
    });
  }

  @Override
  public List<dev.impersonation.spi.GroupMember> groupMemberEntries(String groupIdOrName) {
    return call("groupMembers", groupIdOrName, false, () -> {
      TenantState.GroupObject g = s.group(groupIdOrName).orElseThrow(() -> graphNotFound(groupIdOrName));
      return g.members.stream().map(m -> s.group(m).filter(x -> s.mailbox(m).isEmpty())
          .map(x -> new dev.impersonation.spi.GroupMember(x.id, x.smtp == null ? "" : x.smtp, true))
          .orElseGet(() -> new dev.impersonation.spi.GroupMember(m, m, false))).toList();
    });
  }

  @Override
  public Optional<EntraServicePrincipal> findServicePrincipal(String appId) {
    return call("findServicePrincipal", appId, false, () -> Optional.ofNullable(s.apps.get(TenantState.key(appId)))
        .map(a -> new EntraServicePrincipal(a.appId, a.objectId, a.displayName)));
  }

  @Override
  public List<ApplicationPermissionGrant> applicationPermissionGrants(String servicePrincipalObjectId) {
    return call("applicationPermissionGrants", servicePrincipalObjectId, false, () -> s.apps.values().stream()
        .filter(a -> a.objectId.equalsIgnoreCase(servicePrincipalObjectId)).findFirst()
        .map(a -> a.consent.stream().map(p -> new ApplicationPermissionGrant("Microsoft Graph", p)).toList())
        .orElseThrow(() -> graphNotFound(servicePrincipalObjectId)));
  }

  @Override
  public Optional<List<String>> administrativeUnitMembers(String administrativeUnitId) {
    return call("administrativeUnitMembers", administrativeUnitId, false, () -> Optional.ofNullable(
        s.administrativeUnits.get(TenantState.key(administrativeUnitId))).map(List::copyOf));
  }

  // ------------------------------------------------------------ Graph beta: Exchange RBAC, and mailboxes

  @Override
  public Optional<ManagementScope> findManagementScope(String name) {
    return call("findManagementScope", name, false, () -> rbac.appScopes().stream()
        .filter(a -> a.displayName().equalsIgnoreCase(name)).findFirst()
        .map(a -> new ManagementScope(a.displayName(), a.recipientFilter(), false)));
  }

  @Override
  public List<RoleAssignment> roleAssignments(String assignee) {
    // Graph's Exchange provider lists service principals' assignments.
    return call("roleAssignments", assignee, false, () -> s.roleAssignmentsOf(assignee).stream()
        .filter(a -> a.assigneeType() == AssigneeType.SERVICE_PRINCIPAL).toList());
  }

  /** Like {@code GET /users/{id}/mailboxSettings}: the mailbox once it is usable, empty before. */
  @Override
  public Optional<Recipient> findMailbox(String identity) {
    return call("findMailbox", identity, false, () -> s.usableMailbox(identity)
        .map(m -> new Recipient(m.name, m.smtp, "", m.type, true)));
  }

  /** Like {@code GET /users?$select=mail}: mail-enabled users with a usable mailbox, in creation order. */
  @Override
  public List<Recipient> listMailboxes(int limit) {
    return call("listMailboxes", String.valueOf(limit), false, () -> s.mailboxes.values().stream()
        .filter(m -> s.usableMailbox(m.smtp).isPresent()).limit(limit)
        .map(m -> new Recipient(m.name, m.smtp, "", m.type, true)).toList());
  }

  @Override
  public void execute(Operation op) {
    call(op.getClass().getSimpleName(), op.toString(), true, () -> {
      apply(op);
      return null;
    });
  }

  private void apply(Operation op) {
    if (op instanceof Operation.CreateServiceAccount c) {
      if (!s.target.isExchangeOnline()) {
        throw new TenantException("Exchange Server users are created with New-Mailbox, not through Microsoft Graph.");
      }
      TenantState.UserObject u = s.addUser(c.userPrincipalName(), c.displayName());
      u.usageLocation = c.usageLocation();
      if (c.licenseSkuId().isPresent()) {
        String sku = c.licenseSkuId().get();
        if (!s.licenses.containsKey(sku.toLowerCase())) {
          throw new TenantException("Request_BadRequest: License " + sku + " does not correspond to a valid company License.");
        }
        u.licenses.add(sku);
        // docs/vendor-procedures.md (procedure 003): the mailbox appears about 15 minutes after licensing.
        s.addMailbox(c.userPrincipalName(), c.displayName(), RecipientType.USER_MAILBOX, s.now().plus(s.provisioningDelay));
      }
    } else if (op instanceof Operation.CreateDirectoryGroup g) {
      if (g.kind().isExchangeWritten()) {
        throw new TenantException(TenantState.GRAPH_DL_TEXT);
      }
      TenantState.GroupObject created = s.addGroup(g.name(), g.kind(), null);
      created.notes = g.description();
      g.owners().forEach(o -> created.managedBy.add(s.memberKey(o)));
    } else if (op instanceof Operation.AddGroupMembers add) {
      TenantState.GroupObject g = writableGroup(add.group());
      for (String member : add.members()) {
        if (!g.members.add(s.memberKey(member))) {
          throw new ObjectAlreadyExistsException(member, TenantState.GRAPH_DUPLICATE_MEMBER_TEXT);
        }
      }
    } else if (op instanceof Operation.RemoveGroupMembers remove) {
      TenantState.GroupObject g = writableGroup(remove.group());
      for (String member : remove.members()) {
        if (!g.members.remove(s.memberKey(member))) {
          throw graphNotFound(member);
        }
      }
    } else if (op instanceof Operation.AddAdministrativeUnitMembers add) {
      Set<String> unit = administrativeUnit(add.administrativeUnitId());
      // Every member is resolved before any is added; one already there counts as success (as the backends treat
      // Graph's "already exist" answer).
      List<String> keys = add.members().stream().map(this::directoryMemberKey).toList();
      unit.addAll(keys);
    } else if (op instanceof Operation.RemoveAdministrativeUnitMembers remove) {
      Set<String> unit = administrativeUnit(remove.administrativeUnitId());
      for (String member : remove.members()) {
        // A member that is gone (or an object that no longer exists) is already removed.
        unit.remove(TenantState.key(member));
        s.mailbox(member).ifPresent(m -> unit.remove(TenantState.key(m.smtp)));
        s.user(member).ifPresent(u -> unit.remove(TenantState.key(u.upn)));
      }
    } else if (op instanceof Operation.SetGroup set) {
      TenantState.GroupObject g = writableGroup(set.identity());
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
    } else if (op instanceof Operation.GrantApplicationPermissions grant) {
      TenantState.AppObject app = appBySpId(grant.servicePrincipalObjectId());
      for (String p : grant.permissions()) {
        if (!FakeGraphApi.KNOWN_PERMISSIONS.contains(p) && s.apps.values().stream().noneMatch(a -> a.consent.contains(p))) {
          throw new TenantException("Request_BadRequest: Microsoft Graph has no application permission '" + p + "'.");
        }
      }
      // An existing grant counts as success (the backends treat Graph's duplicate answer so).
      grant.permissions().stream().filter(p -> app.consent.stream().noneMatch(p::equalsIgnoreCase)).forEach(app.consent::add);
    } else if (op instanceof Operation.RevokeApplicationPermissions revoke) {
      TenantState.AppObject app = appBySpId(revoke.servicePrincipalObjectId());
      // A permission that is not granted is already revoked.
      app.consent.removeIf(p -> revoke.permissions().stream().anyMatch(p::equalsIgnoreCase));
    } else if (op instanceof Operation.NewManagementScope scope) {
      rbac.createAppScope(scope.name(), scope.filter().toOpath(g -> {
        throw new TenantException("Request_BadRequest: the recipient filter references a group whose DN was not resolved: " + g);
      }));
    } else if (op instanceof Operation.NewManagementRoleAssignment a && a.assigneeType() == AssigneeType.SERVICE_PRINCIPAL) {
      rbac.createAssignment(a.assignee(), a.role(), a.scopeType(), a.scope());
    } else if (op instanceof Operation.NewServicePrincipal sp) {
      // Graph's assignments name the Entra service principal directly: confirm it exists, write nothing.
      appBySpId(sp.objectId());
    } else {
      throw new TenantException("Microsoft Graph cannot perform " + op.getClass().getSimpleName() + ": it is an Exchange operation.");
    }
  }

  /** An administrative unit's member keys (live, for writing); Graph's 404 when it does not exist. */
  Set<String> administrativeUnit(String id) {
    Set<String> unit = s.administrativeUnits.get(TenantState.key(id));
    if (unit == null) {
      throw graphNotFound(id);
    }
    return unit;
  }

  /** The store's member key of a directory object given by UPN, address or id; Graph's 404 when there is none. */
  String directoryMemberKey(String member) {
    String m = member.strip();
    Optional<TenantState.UserObject> byId = s.users.values().stream().filter(u -> u.id.equalsIgnoreCase(m)).findFirst();
    try {
      return s.memberKey(byId.map(u -> u.upn).orElse(m));
    } catch (dev.impersonation.ObjectNotFoundException e) {
      throw graphNotFound(m);
    }
  }

  private TenantState.AppObject appBySpId(String servicePrincipalObjectId) {
    return s.apps.values().stream().filter(a -> a.objectId.equalsIgnoreCase(servicePrincipalObjectId)).findFirst()
        .orElseThrow(() -> graphNotFound(servicePrincipalObjectId));
  }

  TenantState.GroupObject writableGroup(String identity) {
    TenantState.GroupObject g = s.group(identity).filter(x -> !s.lagging("group", x.name)).orElseThrow(() -> graphNotFound(identity));
    if (g.kind.isExchangeWritten() || g.kind == GroupKind.ROOM_LIST) {
      throw new TenantException(TenantState.GRAPH_DL_TEXT);
    }
    return g;
  }
}
