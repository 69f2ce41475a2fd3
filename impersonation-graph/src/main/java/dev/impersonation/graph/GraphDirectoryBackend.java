package dev.impersonation.graph;

import com.microsoft.graph.models.AppRoleAssignment;
import com.microsoft.graph.models.AssignedLicense;
import com.microsoft.graph.models.DirectoryObject;
import com.microsoft.graph.models.DirectoryObjectCollectionResponse;
import com.microsoft.graph.models.Group;
import com.microsoft.graph.models.GroupCollectionResponse;
import com.microsoft.graph.models.User;
import com.microsoft.graph.serviceclient.GraphServiceClient;
import dev.impersonation.GroupKind;
import dev.impersonation.ObjectAlreadyExistsException;
import dev.impersonation.ObjectNotFoundException;
import dev.impersonation.TenantException;
import dev.impersonation.ThrottledException;
import dev.impersonation.graph.internal.ExchangeRbacEndpoints;
import dev.impersonation.graph.internal.GraphErrors;
import dev.impersonation.graph.internal.ODataFilter;
import dev.impersonation.spi.ApplicationPermissionGrant;
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
import dev.impersonation.spi.Sleeper;
import java.time.Clock;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

/**
 * The directory backend over Microsoft Graph (Graph SDK for Java). Create it with {@link GraphConnection#directory()}.
 *
 * <p>Like Graph itself it reads every group but writes only Microsoft 365 groups and non-mail security groups
 * (docs/graph.md): a write to a distribution group, mail-enabled security group or room list is refused before any
 * request with Graph's own text, {@value GraphErrors#GRAPH_DL_TEXT} Its capabilities are
 * {@link Capability#DIRECTORY_USERS}, {@link Capability#DIRECTORY_GROUPS}, {@link Capability#DIRECTORY_APPLICATIONS},
 * {@link Capability#DIRECTORY_ADMINISTRATIVE_UNITS} and {@link Capability#EXCHANGE_APPLICATION_RBAC}: management scopes
 * and app role assignments through Graph beta's Exchange RBAC provider ({@code /beta/roleManagement/exchange}, which needs RoleManagement.ReadWrite.Exchange), used when the
 * connection has no Exchange backend (Exchange backends come first in routing). It also reads mailboxes
 * ({@link MailboxReader}: {@code mailboxSettings}, else {@code provisionedPlans}).
 *
 * <p>Members are removed in {@code $batch}es too: ids looked up 20 per batch, then 20 deletes per batch; a user that does
 * not exist or is no longer a member is already removed.
 *
 * <p>Administrative-unit members are added with one {@code POST /directory/administrativeUnits/{id}/members/$ref} per
 * member (Graph adds one member per request to a unit), at most 20 per {@code $batch}, so 1,000 members take 50 batch
 * requests; "One or more added object references already exist" means success. Removing members first lists the unit
 * once (its members' object ids, paged at 999), skips the ones that are no longer there, and sends one
 * {@code DELETE /directory/administrativeUnits/{id}/members/{memberId}/$ref} per member, 20 per {@code $batch}; a 404
 * (already gone) is success. An unknown unit is an {@link ObjectNotFoundException} naming it.
 *
 * <p>Application permissions (tenant-wide admin consent) are Microsoft Graph app roles: the Microsoft Graph service
 * principal ({@value #MICROSOFT_GRAPH_APP_ID}) is looked up once by app id and its {@code appRoles} map permission names
 * to role ids. A grant is one {@code POST /servicePrincipals/{id}/appRoleAssignments} per permission (Graph's "already
 * exists" answer is success); a revoke lists the app's assignments and deletes the matching ones with
 * {@code DELETE /servicePrincipals/{id}/appRoleAssignments/{assignmentId}} (one already gone is success).
 *
 * <p>Members are added with {@code PATCH /groups/{id}} carrying at most 20 {@code members@odata.bind} references, at most
 * 20 such requests per {@code $batch}, so 1,000 members take 3 batch requests (plus one look-up when the group is given
 * by name). A chunk that Graph answers "One or more added object references already exist" is retried member by member
 * with {@code POST /groups/{id}/members/$ref}, where that answer means success; an inner request throttled with 429 is
 * resent on its own after its {@code Retry-After}, on the connection's {@link Sleeper}. Members and owners are referred
 * to only as {@code <base>/directoryObjects/<id>}, the form Graph documents (docs/graph-references.md): ids come from the
 * plan's reads (a plan's bulk {@link #findUsers} read of the members to add, the group's member list), and names no read
 * told are looked up in {@code $batch}es of 20 before any write ({@link #idLookupRequestCount()} reports that cost
 * apart).
 *
 * <p>The SDK's own retry handler is off: a throttled or failed call surfaces at once as a typed
 * {@link TenantException} ({@link ThrottledException} with the service's Retry-After,
 * {@link dev.impersonation.TransientTenantException} for 5xx, {@link dev.impersonation.AccessDeniedException} for
 * 401/403, {@link ObjectNotFoundException} for 404, {@link ObjectAlreadyExistsException} for duplicates) and the core
 * executor retries on its clock. Passwords are sent once to {@code POST /users} and never logged or put in a message.
 * Thread-safe.
 */
public final class GraphDirectoryBackend implements DirectoryBackend, ExchangeRbacReader, MailboxReader {
  /** Graph's maximum of references per {@code members@odata.bind} request and of requests per {@code $batch}. */
  public static final int MAX_PER_REQUEST = 20;
  static final int PAGE_SIZE = 999;
  static final String[] USER_FIELDS = {"id", "userPrincipalName", "displayName", "usageLocation", "assignedLicenses", "mail"};
  private static final String[] GROUP_FIELDS = {"id", "displayName", "groupTypes", "mailEnabled", "securityEnabled", "mail",
      "description"};

  final GraphServiceClient client;
  private final String referenceBase;
  /** How requests are sent, counted, batched and their failures typed. */
  final GraphRequests http;
  private final GraphConsentReads consentReads;
  private final GraphMailboxReads mailboxReads;
  /** The object ids of users, from reads or looked up before writes (docs/graph-references.md). */
  private final UserIds ids = new UserIds(this);
  /** The application id of the Microsoft Graph resource service principal. */
  public static final String MICROSOFT_GRAPH_APP_ID = "00000003-0000-0000-c000-000000000000";
  /** Graph beta's Exchange RBAC provider (docs/rbac-for-applications.md). */
  private final ExchangeRbacEndpoints exchangeRbac;
  /** Every write, one method per kind of operation. */
  private final GraphWrites writes;

  GraphDirectoryBackend(GraphServiceClient client, String referenceBase, Clock clock, Sleeper sleeper) {
    this.client = client;
    this.referenceBase = referenceBase.replaceAll("/+$", "");
    this.http = new GraphRequests(client, clock, sleeper);
    this.consentReads = new GraphConsentReads(client, http);
    this.mailboxReads = new GraphMailboxReads(client, http);
    this.exchangeRbac = new ExchangeRbacEndpoints(http::sendJson, this.referenceBase, new ExchangeRbacEndpoints.GroupDirectory() {
      @Override
      public String idOf(String groupNameOrId) {
        return groupObjectId(groupNameOrId);
      }

      @Override
      public String nameOf(String groupId) {
        try {
          Group g = http.call("GET /groups/" + groupId, groupId, () -> client.groups().byGroupId(groupId)
              .get(rc -> rc.queryParameters.select = new String[] {"id", "displayName"}));
          return g == null || g.getDisplayName() == null ? groupId : g.getDisplayName();
        } catch (ObjectNotFoundException gone) {
          return groupId;
        }
      }
    });
    this.writes = new GraphWrites(this, ids, exchangeRbac);
  }

  @Override
  public String name() {
    return "graph";
  }

  @Override
  public Set<Capability> capabilities() {
    return EnumSet.of(Capability.DIRECTORY_USERS, Capability.DIRECTORY_GROUPS, Capability.DIRECTORY_APPLICATIONS,
        Capability.EXCHANGE_APPLICATION_RBAC, Capability.DIRECTORY_ADMINISTRATIVE_UNITS);
  }

  /**
   * One full {@code $batch} of member writes: 20 requests of 20 references for adds, 20 deletes for removals (the
   * executor hands over lists of at most this many members).
   */
  @Override
  public int maxMembersPerWrite() {
    return MAX_PER_REQUEST * MAX_PER_REQUEST;
  }

  /** How many HTTP requests this backend has sent to Graph (a {@code $batch} counts as one). */
  public long requestCount() {
    return http.requests.get();
  }

  /**
   * Of {@link #requestCount()}, the requests spent while writing to look up the object ids of members, owners or unit
   * members that no earlier read had told ({@code GET /users/{upn}?$select=id}, 20 per {@code $batch}). After a plan
   * through this backend, the adds it planned need none: the plan's bulk read ({@link #findUsers}) already knows them.
   */
  public long idLookupRequestCount() {
    return ids.lookupRequests();
  }

  // ------------------------------------------------------------------ reads

  @Override
  public Optional<DirectoryUser> findUser(String userPrincipalName) {
    return ids.find(userPrincipalName);
  }

  /** {@link UserIds#findAll}: users read in {@code $batch}es of 20, each remembered by id. */
  @Override
  public Map<String, Optional<DirectoryUser>> findUsers(List<String> userPrincipalNames) {
    return ids.findAll(userPrincipalNames);
  }

  static DirectoryUser user(User u) {
    List<String> skus = u.getAssignedLicenses() == null ? List.of() : u.getAssignedLicenses().stream()
        .map(AssignedLicense::getSkuId).filter(s -> s != null).map(UUID::toString).toList();
    return new DirectoryUser(nz(u.getId()), nz(u.getUserPrincipalName()), nz(u.getDisplayName()), nz(u.getUsageLocation()), skus);
  }

  @Override
  public Optional<MailGroup> findGroup(String displayName) {
    return findGraphGroup(displayName).map(g -> new MailGroup(nz(g.getDisplayName()), nz(g.getId()), "", kindOf(g), nz(g.getMail()),
        g.getOwners() == null ? List.of() : g.getOwners().stream().map(GraphDirectoryBackend::address).toList(), false, false,
        nz(g.getDescription())));
  }

  Optional<Group> findGraphGroup(String displayName) {
    GroupCollectionResponse r = http.call("GET /groups?$filter=displayName", displayName, () -> client.groups().get(rc -> {
      rc.queryParameters.filter = ODataFilter.eq("displayName", displayName);
      rc.queryParameters.select = GROUP_FIELDS;
      rc.queryParameters.expand = new String[] {"owners($select=id,userPrincipalName,mail)"};
    }));
    List<Group> found = r == null || r.getValue() == null ? List.of() : r.getValue();
    if (found.size() > 1) {
      throw new TenantException(found.size() + " groups are named '" + displayName + "' in the directory; Graph display "
          + "names are not unique. Rename one, or refer to the group by its object id.");
    }
    return found.stream().findFirst();
  }

  /** The kind of a Graph group from its shape (docs/graph.md). */
  static GroupKind kindOf(Group g) {
    boolean unified = g.getGroupTypes() != null && g.getGroupTypes().stream().anyMatch("Unified"::equalsIgnoreCase);
    boolean mail = Boolean.TRUE.equals(g.getMailEnabled());
    boolean security = Boolean.TRUE.equals(g.getSecurityEnabled());
    if (unified) {
      return GroupKind.MICROSOFT_365;
    }
    if (mail && security) {
      return GroupKind.MAIL_ENABLED_SECURITY;
    }
    if (mail) {
      return GroupKind.DISTRIBUTION;
    }
    return GroupKind.SECURITY;
  }

  @Override
  public List<String> groupMembers(String groupIdOrName) {
    List<String> members = new ArrayList<>();
    eachMember(groupIdOrName, o -> members.add(rememberMember(o)));
    return List.copyOf(members);
  }

  /**
   * Each direct member with whether it is a group ({@code @odata.type #microsoft.graph.group}), for the nested-group
   * check; the same paged read as {@link #groupMembers}.
   */
  @Override
  public List<dev.impersonation.spi.GroupMember> groupMemberEntries(String groupIdOrName) {
    List<dev.impersonation.spi.GroupMember> members = new ArrayList<>();
    eachMember(groupIdOrName, o -> members.add(new dev.impersonation.spi.GroupMember(
        o.getId() == null ? address(o) : o.getId(), rememberMember(o), o instanceof Group)));
    return List.copyOf(members);
  }

  /** {@code GET /groups/{id}/members?$top=999&$select=id,userPrincipalName,mail}, every page. */
  private void eachMember(String groupIdOrName, java.util.function.Consumer<DirectoryObject> each) {
    String id = groupObjectId(groupIdOrName);
    DirectoryObjectCollectionResponse first = http.call("GET /groups/" + id + "/members", groupIdOrName,
        () -> client.groups().byGroupId(id).members().get(rc -> {
          rc.queryParameters.top = PAGE_SIZE;
          rc.queryParameters.select = new String[] {"id", "userPrincipalName", "mail"};
        }));
    http.iterate(first, DirectoryObjectCollectionResponse::createFromDiscriminatorValue, each,
        "GET /groups/" + id + "/members (next page)", groupIdOrName);
  }

  /**
   * A group's object id, given as the id or by display name, whatever its kind: reading is not writing, so a
   * distribution group or mail-enabled security group Graph cannot write is still found (unlike the look-up of writes).
   */
  private String groupObjectId(String groupIdOrName) {
    return ODataFilter.isGuid(groupIdOrName) ? groupIdOrName.strip() : findGraphGroup(groupIdOrName).map(Group::getId)
        .orElseThrow(() -> new ObjectNotFoundException(groupIdOrName, "No group is named '" + groupIdOrName
            + "' in the directory (it may have been created moments ago and not replicated yet)."));
  }

  /** A listed member's address, its object id remembered when it is a user. */
  private String rememberMember(DirectoryObject o) {
    if (o instanceof User u) {
      ids.remember(address(o), u);
    }
    return address(o);
  }

  static String address(DirectoryObject o) {
    if (o instanceof User u) {
      return firstNonEmpty(u.getUserPrincipalName(), u.getMail(), u.getId());
    }
    Object mail = o.getAdditionalData() == null ? null : o.getAdditionalData().get("mail");
    if (o instanceof Group g) {
      mail = g.getMail();
    }
    return firstNonEmpty(mail == null ? null : mail.toString(), o.getId());
  }

  @Override
  public Optional<EntraServicePrincipal> findServicePrincipal(String appId) {
    return consentReads.findServicePrincipal(appId);
  }

  @Override
  public List<ApplicationPermissionGrant> applicationPermissionGrants(String servicePrincipalObjectId) {
    return consentReads.grants(servicePrincipalObjectId);
  }

  @Override
  public List<dev.impersonation.spi.TenantConsentGrant> tenantConsentGrants() {
    return consentReads.tenantConsentGrants();
  }

  List<AppRoleAssignment> appRoleAssignments(String id) {
    return consentReads.appRoleAssignments(id);
  }

  @Override
  public Optional<List<String>> administrativeUnitMembers(String administrativeUnitId) {
    String id = administrativeUnitId.strip();
    DirectoryObjectCollectionResponse first;
    try {
      first = http.call("GET /directory/administrativeUnits/" + id + "/members", id, () -> client.directory().administrativeUnits()
          .byAdministrativeUnitId(id).members().get(rc -> {
            rc.queryParameters.top = PAGE_SIZE;
            rc.queryParameters.select = new String[] {"id", "userPrincipalName", "mail"};
          }));
    } catch (ObjectNotFoundException absent) {
      return Optional.empty();
    }
    List<String> members = new ArrayList<>();
    http.iterate(first, DirectoryObjectCollectionResponse::createFromDiscriminatorValue, (DirectoryObject o) -> members.add(rememberMember(o)),
        "GET /directory/administrativeUnits/" + id + "/members (next page)", id);
    return Optional.of(List.copyOf(members));
  }

  // ------------------------------------------------------------------ mailboxes

  /** {@link GraphMailboxReads#find}: the mailbox's kind from its settings, or from the user's provisioned plans. */
  @Override
  public Optional<Recipient> findMailbox(String identity) {
    return mailboxReads.find(identity);
  }

  /** {@link GraphMailboxReads#list}: one page of users with a mail address. */
  @Override
  public List<Recipient> listMailboxes(int limit) {
    return mailboxReads.list(limit);
  }

  // ------------------------------------------------------------------ Exchange RBAC through Graph beta

  /** {@code GET /beta/roleManagement/exchange/customAppScopes?$filter=displayName eq '...'}. */
  @Override
  public Optional<ManagementScope> findManagementScope(String name) {
    return exchangeRbac.findScope(name);
  }

  /**
   * {@code GET /beta/roleManagement/exchange/roleAssignments?$filter=principalId eq '/ServicePrincipals/<id>'}: the
   * assignments of a service principal, by its Entra object id (other assignees are not service principals and have none).
   */
  @Override
  public List<dev.impersonation.spi.RoleAssignment> roleAssignments(String assignee) {
    if (!ODataFilter.isGuid(assignee)) {
      return List.of();
    }
    return exchangeRbac.assignments(assignee);
  }

  // ------------------------------------------------------------------ writes

  /** Performs {@code operation} through {@link GraphWrites}; an Exchange operation is refused before any request. */
  @Override
  public void execute(Operation operation) {
    operation.accept(writes);
  }

  /**
   * The {@code @odata.id} of a directory object by its object id: {@code <base>/directoryObjects/{id}}, the only form Graph
   * documents for {@code members@odata.bind}, {@code owners@odata.bind} and {@code $ref} bodies (docs/graph-references.md).
   */
  String reference(String objectId) {
    if (objectId == null || !ODataFilter.isGuid(objectId.strip())) {
      throw new IllegalArgumentException("A Graph reference needs an object id, not '" + objectId + "'");
    }
    return referenceBase + "/directoryObjects/" + objectId.strip();
  }

  // ------------------------------------------------------------------ plumbing

  static String nz(String s) {
    return s == null ? "" : s;
  }

  static String firstNonEmpty(String... values) {
    for (String v : values) {
      if (v != null && !v.isEmpty()) {
        return v;
      }
    }
    return "";
  }

  @Override
  public String toString() {
    return "GraphDirectoryBackend[" + referenceBase + "]";
  }
}
