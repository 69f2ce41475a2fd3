package dev.impersonation.testkit;

import dev.impersonation.GroupKind;
import dev.impersonation.TenantException;
import dev.impersonation.spi.ApplicationPermissionGrant;
import dev.impersonation.spi.AssigneeType;
import dev.impersonation.spi.Capability;
import dev.impersonation.spi.DirectoryBackend;
import dev.impersonation.spi.DirectoryUser;
import dev.impersonation.spi.EntraServicePrincipal;
import dev.impersonation.spi.ExchangeRbacReader;
import dev.impersonation.spi.MailGroup;
import dev.impersonation.spi.MailboxReader;
import dev.impersonation.spi.ManagementScope;
import dev.impersonation.spi.Operation;
import dev.impersonation.spi.Recipient;
import dev.impersonation.spi.RoleAssignment;
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
  private final InMemoryDirectoryWrites writes;

  InMemoryDirectory(TenantState state) {
    this.s = state;
    this.rbac = new GraphExchangeRbac(state);
    this.writes = new InMemoryDirectoryWrites(state, this, rbac);
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

  /** The fake models consent on Microsoft Graph only; {@code full_access_as_app} seeded as consent is listed there too. */
  @Override
  public List<dev.impersonation.spi.TenantConsentGrant> tenantConsentGrants() {
    return call("tenantConsentGrants", "", false, () -> s.apps.values().stream().flatMap(a -> a.consent.stream()
        .map(p -> new dev.impersonation.spi.TenantConsentGrant(a.objectId, a.appId, a.displayName, "Microsoft Graph", p))).toList());
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
    call(op.getClass().getSimpleName(), op.toString(), true, () -> op.accept(writes));
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

  TenantState.GroupObject writableGroup(String identity) {
    TenantState.GroupObject g = s.group(identity).filter(x -> !s.lagging("group", x.name)).orElseThrow(() -> graphNotFound(identity));
    if (g.kind.isExchangeWritten() || g.kind == GroupKind.ROOM_LIST) {
      throw new TenantException(TenantState.GRAPH_DL_TEXT);
    }
    return g;
  }
}
