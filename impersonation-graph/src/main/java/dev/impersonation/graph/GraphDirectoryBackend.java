package dev.impersonation.graph;

import com.microsoft.graph.core.content.BatchRequestContent;
import com.microsoft.graph.core.content.BatchResponseContent;
import com.microsoft.graph.core.tasks.PageIterator;
import com.microsoft.graph.models.AppRole;
import com.microsoft.graph.models.AppRoleAssignment;
import com.microsoft.graph.models.AppRoleAssignmentCollectionResponse;
import com.microsoft.graph.models.AssignedLicense;
import com.microsoft.graph.models.DirectoryObject;
import com.microsoft.graph.models.DirectoryObjectCollectionResponse;
import com.microsoft.graph.models.Group;
import com.microsoft.graph.models.GroupCollectionResponse;
import com.microsoft.graph.models.ServicePrincipal;
import com.microsoft.graph.models.ServicePrincipalCollectionResponse;
import com.microsoft.graph.models.User;
import com.microsoft.graph.models.UserCollectionResponse;
import com.fasterxml.jackson.databind.JsonNode;
import com.microsoft.graph.serviceclient.GraphServiceClient;
import com.microsoft.kiota.ApiException;
import com.microsoft.kiota.RequestInformation;
import com.microsoft.kiota.serialization.AdditionalDataHolder;
import com.microsoft.kiota.serialization.Parsable;
import com.microsoft.kiota.serialization.ParsableFactory;
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
import dev.impersonation.spi.MailboxReader;
import dev.impersonation.spi.ManagementScope;
import dev.impersonation.spi.Recipient;
import dev.impersonation.spi.RecipientType;
import dev.impersonation.spi.MailGroup;
import dev.impersonation.spi.Operation;
import dev.impersonation.spi.Sleeper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import okhttp3.Response;
import okhttp3.ResponseBody;

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
  private static final int INNER_THROTTLE_ROUNDS = 3;
  private static final String[] USER_FIELDS = {"id", "userPrincipalName", "displayName", "usageLocation", "assignedLicenses", "mail"};
  private static final String[] GROUP_FIELDS = {"id", "displayName", "groupTypes", "mailEnabled", "securityEnabled", "mail",
      "description"};

  final GraphServiceClient client;
  private final String referenceBase;
  private final Clock clock;
  private final Sleeper sleeper;
  final AtomicLong requests = new AtomicLong();
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
    this.clock = clock;
    this.sleeper = sleeper;
    this.exchangeRbac = new ExchangeRbacEndpoints(this::sendJson, this.referenceBase, new ExchangeRbacEndpoints.GroupDirectory() {
      @Override
      public String idOf(String groupNameOrId) {
        return groupObjectId(groupNameOrId);
      }

      @Override
      public String nameOf(String groupId) {
        try {
          Group g = call("GET /groups/" + groupId, groupId, () -> client.groups().byGroupId(groupId)
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
    return requests.get();
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
    String who = userPrincipalName.strip();
    try {
      User u = call("GET /users/" + who, who, () -> client.users().byUserId(who).get(rc -> rc.queryParameters.select = USER_FIELDS));
      return Optional.ofNullable(u).map(found -> ids.remember(who, found));
    } catch (ObjectNotFoundException byKey) {
      return who.contains("@") ? findByMail(who) : Optional.empty();
    }
  }

  /** Not a UPN: it may be a mail address ({@code GET /users?$filter=mail eq '...'}). */
  Optional<DirectoryUser> findByMail(String who) {
    UserCollectionResponse byMail = call("GET /users?$filter=mail", who, () -> client.users().get(rc -> {
      rc.queryParameters.filter = ODataFilter.eq("mail", who);
      rc.queryParameters.select = USER_FIELDS;
    }));
    List<User> found = byMail == null || byMail.getValue() == null ? List.of() : byMail.getValue();
    return found.stream().findFirst().map(u -> ids.remember(who, u));
  }

  /**
   * Reads users in {@code $batch}es of 20 ({@code GET /users/{upn}?$select=...}): 1,000 users take 50 requests, not
   * 1,000. An identity Graph does not know as a UPN is looked up by mail on its own; any other failure throws. Every user
   * read is remembered by id, so adding them afterwards needs no further look-up (docs/graph-references.md).
   */
  @Override
  public Map<String, Optional<DirectoryUser>> findUsers(List<String> userPrincipalNames) {
    List<String> names = userPrincipalNames.stream().map(String::strip).distinct().toList();
    Map<String, Optional<DirectoryUser>> byStripped = new HashMap<>();
    List<RequestInformation> reads = names.stream().map(m -> client.users().byUserId(m)
        .toGetRequestInformation(rc -> rc.queryParameters.select = USER_FIELDS)).toList();
    Map<Integer, Response> answers = runBatches(reads, "GET /users/{upn} in $batch", names.isEmpty() ? "" : names.get(0));
    for (Map.Entry<Integer, Response> e : answers.entrySet()) {
      String who = names.get(e.getKey());
      Response r = e.getValue();
      if (r.code() == 404) {
        byStripped.put(who, who.contains("@") ? findByMail(who) : Optional.empty());
      } else if (!r.isSuccessful()) {
        throw GraphErrors.classify("GET /users/" + who + " in $batch", who, innerFailure(r));
      } else {
        byStripped.put(who, Optional.of(ids.remember(who, UserIds.userFromJson(UserIds.readJson(r, who)))));
      }
    }
    Map<String, Optional<DirectoryUser>> out = new LinkedHashMap<>();
    for (String asked : userPrincipalNames) {
      out.put(asked, byStripped.getOrDefault(asked.strip(), Optional.empty()));
    }
    return out;
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
    GroupCollectionResponse r = call("GET /groups?$filter=displayName", displayName, () -> client.groups().get(rc -> {
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
    DirectoryObjectCollectionResponse first = call("GET /groups/" + id + "/members", groupIdOrName,
        () -> client.groups().byGroupId(id).members().get(rc -> {
          rc.queryParameters.top = PAGE_SIZE;
          rc.queryParameters.select = new String[] {"id", "userPrincipalName", "mail"};
        }));
    iterate(first, DirectoryObjectCollectionResponse::createFromDiscriminatorValue, each,
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

  <T extends Parsable, P extends Parsable & AdditionalDataHolder> void iterate(P first, ParsableFactory<P> factory,
      java.util.function.Consumer<T> each, String what, String identity) {
    if (first == null) {
      return;
    }
    call(what, identity, () -> {
      try {
        PageIterator<T, P> it = new PageIterator.Builder<T, P>().client(client).collectionPage(first)
            .collectionPageFactory(factory).requestConfigurator(r -> {
              requests.incrementAndGet();
              return r;
            }).processPageItemCallback(item -> {
              each.accept(item);
              return true;
            }).build();
        it.iterate();
        return null;
      } catch (ReflectiveOperationException e) {
        throw new TenantException(what + ": the Graph SDK could not read a page (" + e.getClass().getSimpleName() + ").", e);
      }
    }, false);
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
    ServicePrincipalCollectionResponse r = call("GET /servicePrincipals?$filter=appId", appId,
        () -> client.servicePrincipals().get(rc -> {
          rc.queryParameters.filter = ODataFilter.eq("appId", appId);
          rc.queryParameters.select = new String[] {"id", "appId", "displayName"};
        }));
    List<ServicePrincipal> found = r == null || r.getValue() == null ? List.of() : r.getValue();
    return found.stream().findFirst().map(sp -> new EntraServicePrincipal(nz(sp.getAppId()), nz(sp.getId()), nz(sp.getDisplayName())));
  }

  @Override
  public List<ApplicationPermissionGrant> applicationPermissionGrants(String servicePrincipalObjectId) {
    String id = servicePrincipalObjectId.strip();
    List<AppRoleAssignment> assignments = appRoleAssignments(id);
    Map<UUID, Map<UUID, String>> rolesByResource = new HashMap<>();
    Map<UUID, String> resourceNames = new HashMap<>();
    List<ApplicationPermissionGrant> grants = new ArrayList<>();
    for (AppRoleAssignment a : assignments) {
      UUID resource = a.getResourceId();
      if (resource == null || a.getAppRoleId() == null) {
        continue;
      }
      Map<UUID, String> roles = rolesByResource.computeIfAbsent(resource, r -> {
        ServicePrincipal sp = call("GET /servicePrincipals/" + r, r.toString(), () -> client.servicePrincipals()
            .byServicePrincipalId(r.toString()).get(rc -> rc.queryParameters.select = new String[] {"id", "displayName", "appRoles"}));
        Map<UUID, String> byId = new HashMap<>();
        if (sp != null && sp.getAppRoles() != null) {
          for (AppRole role : sp.getAppRoles()) {
            if (role.getId() != null && role.getValue() != null) {
              byId.put(role.getId(), role.getValue());
            }
          }
        }
        resourceNames.put(r, sp == null ? "" : nz(sp.getDisplayName()));
        return byId;
      });
      String resourceName = firstNonEmpty(a.getResourceDisplayName(), resourceNames.get(resource), resource.toString());
      // The default role (all zeros) has no value: it is an assignment without a permission.
      String permission = roles.get(a.getAppRoleId());
      if (permission != null) {
        grants.add(new ApplicationPermissionGrant(resourceName, permission));
      }
    }
    return List.copyOf(grants);
  }

  List<AppRoleAssignment> appRoleAssignments(String id) {
    List<AppRoleAssignment> assignments = new ArrayList<>();
    AppRoleAssignmentCollectionResponse first = call("GET /servicePrincipals/" + id + "/appRoleAssignments", id,
        () -> client.servicePrincipals().byServicePrincipalId(id).appRoleAssignments().get(rc -> rc.queryParameters.top = PAGE_SIZE));
    iterate(first, AppRoleAssignmentCollectionResponse::createFromDiscriminatorValue, (AppRoleAssignment a) -> assignments.add(a),
        "GET /servicePrincipals/" + id + "/appRoleAssignments (next page)", id);
    return assignments;
  }

  @Override
  public Optional<List<String>> administrativeUnitMembers(String administrativeUnitId) {
    String id = administrativeUnitId.strip();
    DirectoryObjectCollectionResponse first;
    try {
      first = call("GET /directory/administrativeUnits/" + id + "/members", id, () -> client.directory().administrativeUnits()
          .byAdministrativeUnitId(id).members().get(rc -> {
            rc.queryParameters.top = PAGE_SIZE;
            rc.queryParameters.select = new String[] {"id", "userPrincipalName", "mail"};
          }));
    } catch (ObjectNotFoundException absent) {
      return Optional.empty();
    }
    List<String> members = new ArrayList<>();
    iterate(first, DirectoryObjectCollectionResponse::createFromDiscriminatorValue, (DirectoryObject o) -> members.add(rememberMember(o)),
        "GET /directory/administrativeUnits/" + id + "/members (next page)", id);
    return Optional.of(List.copyOf(members));
  }

  // ------------------------------------------------------------------ mailboxes

  /**
   * {@code GET /users/{id}/mailboxSettings?$select=userPurpose}: 200 names the mailbox's kind, 404 means the user has no
   * mailbox yet (docs/graph.md). Reading mailbox settings needs MailboxSettings.Read; when the caller lacks it (403), the
   * user's {@code provisionedPlans} (User.Read.All) tell instead: an {@code exchange} plan in {@code Success} is a
   * provisioned mailbox (its kind is then taken as a user mailbox).
   */
  @Override
  public Optional<Recipient> findMailbox(String identity) {
    String who = identity.strip();
    try {
      com.microsoft.graph.models.MailboxSettings settings = call("GET /users/" + who + "/mailboxSettings", who,
          () -> client.users().byUserId(who).mailboxSettings().get(rc -> rc.queryParameters.select = new String[] {"userPurpose"}));
      RecipientType type = settings == null || settings.getUserPurpose() == null ? RecipientType.USER_MAILBOX
          : switch (settings.getUserPurpose()) {
            case Shared -> RecipientType.SHARED_MAILBOX;
            case Room -> RecipientType.ROOM_MAILBOX;
            case Equipment -> RecipientType.EQUIPMENT_MAILBOX;
            default -> RecipientType.USER_MAILBOX;
          };
      return Optional.of(new Recipient(who, who, "", type, true));
    } catch (ObjectNotFoundException noMailbox) {
      return Optional.empty();
    } catch (dev.impersonation.AccessDeniedException noMailboxSettingsRead) {
      User u;
      try {
        u = call("GET /users/" + who + "?$select=provisionedPlans", who, () -> client.users().byUserId(who)
            .get(rc -> rc.queryParameters.select = new String[] {"id", "userPrincipalName", "mail", "provisionedPlans"}));
      } catch (ObjectNotFoundException noUser) {
        return Optional.empty();
      }
      boolean provisioned = u != null && u.getProvisionedPlans() != null && u.getProvisionedPlans().stream()
          .anyMatch(p -> "exchange".equalsIgnoreCase(p.getService()) && "Success".equalsIgnoreCase(p.getProvisioningStatus()));
      return provisioned ? Optional.of(new Recipient(who, firstNonEmpty(u.getMail(), who), "", RecipientType.USER_MAILBOX, true))
          : Optional.empty();
    }
  }

  /**
   * {@code GET /users?$select=id,userPrincipalName,mail,displayName&$top=<limit>}, one page: the users with a mail
   * address. Graph cannot tell a mailbox from a mail user in a list, so callers confirm one with {@link #findMailbox}.
   */
  @Override
  public List<Recipient> listMailboxes(int limit) {
    int top = Math.max(1, Math.min(limit, PAGE_SIZE));
    UserCollectionResponse page = call("GET /users", "*", () -> client.users().get(rc -> {
      rc.queryParameters.top = top;
      rc.queryParameters.select = new String[] {"id", "userPrincipalName", "mail", "displayName"};
    }));
    List<User> users = page == null || page.getValue() == null ? List.of() : page.getValue();
    return users.stream().filter(u -> u.getMail() != null && !u.getMail().isEmpty()).limit(limit)
        .map(u -> new Recipient(nz(u.getDisplayName()), u.getMail(), "", RecipientType.USER_MAILBOX, true)).toList();
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

  /**
   * Sends one JSON request through the SDK's request adapter (authentication, allowed hosts and the other middleware
   * apply) and answers the parsed body; used for Graph beta endpoints the v1.0 SDK has no builders for. A non-2xx answer
   * throws the typed exception {@link GraphErrors#classify} gives it.
   */
  private JsonNode sendJson(String method, String url, JsonNode body, String what, String identity) {
    return call(what, identity, () -> {
      try {
        RequestInformation info = new RequestInformation();
        info.httpMethod = com.microsoft.kiota.HttpMethod.valueOf(method);
        info.setUri(java.net.URI.create(url));
        info.headers.add("Accept", "application/json");
        if (body != null) {
          info.setStreamContent(new java.io.ByteArrayInputStream(JSON.writeValueAsBytes(body)), "application/json");
        }
        com.microsoft.kiota.NativeResponseHandler handler = new com.microsoft.kiota.NativeResponseHandler();
        info.setResponseHandler(handler);
        client.getRequestAdapter().sendPrimitive(info, new HashMap<>(), java.io.InputStream.class);
        Response answer = (Response) handler.getValue();
        if (answer == null) {
          throw new dev.impersonation.TransientTenantException(what + ": no answer from Microsoft Graph; retry later.");
        }
        try (answer) {
          if (!answer.isSuccessful()) {
            throw GraphErrors.classify(what, identity, innerFailure(answer));
          }
          ResponseBody b = answer.body();
          String text = b == null ? "" : new String(b.bytes(), StandardCharsets.UTF_8);
          return text.isBlank() ? JSON.createObjectNode() : JSON.readTree(text);
        }
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    });
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

  /**
   * Sends {@code requests} in {@code $batch}es of at most 20 and answers each one's final response by its index; inner
   * requests throttled with 429 are sent again on their own after their {@code Retry-After} (at most
   * {@value #INNER_THROTTLE_ROUNDS} rounds). The caller judges every other status.
   */
  Map<Integer, Response> runBatches(List<RequestInformation> requests, String what, String identity) {
    Map<Integer, Response> answers = new java.util.TreeMap<>();
    Deque<Integer> work = new ArrayDeque<>();
    for (int i = 0; i < requests.size(); i++) {
      work.add(i);
    }
    int throttledRounds = 0;
    while (!work.isEmpty()) {
      List<Integer> round = new ArrayList<>();
      while (!work.isEmpty() && round.size() < MAX_PER_REQUEST) {
        round.add(work.poll());
      }
      BatchRequestContent batch = new BatchRequestContent(client);
      Map<String, Integer> byStepId = new LinkedHashMap<>();
      for (int index : round) {
        byStepId.put(batch.addBatchRequestStep(requests.get(index)), index);
      }
      Map<String, Response> responses = postBatch(batch, "POST /$batch (" + what + ")", identity).getResponses();
      List<Integer> throttled = new ArrayList<>();
      Duration wait = Duration.ZERO;
      for (Map.Entry<String, Integer> e : byStepId.entrySet()) {
        Response r = responses.get(e.getKey());
        if (r == null) {
          throw new dev.impersonation.TransientTenantException("Graph's $batch answer had no response for one of its requests ("
              + what + "); retry later.");
        }
        if (r.code() == 429) {
          throttled.add(e.getValue());
          Duration d = GraphErrors.retryAfter(r.header("Retry-After"), clock).orElse(Duration.ofSeconds(1L << Math.min(throttledRounds, 5)));
          wait = d.compareTo(wait) > 0 ? d : wait;
          r.close();
        } else {
          answers.put(e.getValue(), r);
        }
      }
      if (!throttled.isEmpty()) {
        if (++throttledRounds > INNER_THROTTLE_ROUNDS) {
          throw new ThrottledException("Graph kept throttling " + throttled.size() + " request(s) inside $batch (" + what
              + "); retry later.", wait.isZero() ? null : wait);
        }
        pause(wait);
        for (int i = throttled.size() - 1; i >= 0; i--) {
          work.addFirst(throttled.get(i));
        }
      }
    }
    return answers;
  }

  /**
   * Sends a {@code $batch}. The SDK's {@code BatchRequestBuilder.post} reads the answer with a native response handler and
   * so never throws for a failed batch (a 429 or 503 of the whole batch would look like an answer without responses):
   * this does the same call but checks the outer status first.
   */
  private BatchResponseContent postBatch(BatchRequestContent batch, String what, String identity) {
    return call(what, identity, () -> {
      try {
        RequestInformation info = client.getBatchRequestBuilder().toPostRequestInformation(batch);
        com.microsoft.kiota.NativeResponseHandler handler = new com.microsoft.kiota.NativeResponseHandler();
        info.setResponseHandler(handler);
        client.getRequestAdapter().sendPrimitive(info, new HashMap<>(), java.io.InputStream.class);
        Response outer = (Response) handler.getValue();
        if (outer == null) {
          throw new dev.impersonation.TransientTenantException(what + ": no answer from Microsoft Graph; retry later.");
        }
        if (!outer.isSuccessful()) {
          try (outer) {
            throw GraphErrors.classify(what, identity, innerFailure(outer));
          }
        }
        return new BatchResponseContent(outer);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    });
  }

  GraphErrors.Failure innerFailure(Response r) {
    String code = "";
    String message = "";
    ResponseBody body = r.body();
    if (body != null) {
      try {
        String text = new String(body.bytes(), StandardCharsets.UTF_8);
        com.fasterxml.jackson.databind.JsonNode error = JSON.readTree(text.isEmpty() ? "{}" : text).path("error");
        code = error.path("code").asText("");
        message = error.path("message").asText("");
      } catch (IOException | RuntimeException unreadable) {
        message = "(unreadable error body)";
      }
    }
    return new GraphErrors.Failure(r.code(), code, message, GraphErrors.retryAfter(r.header("Retry-After"), clock));
  }

  private static final com.fasterxml.jackson.databind.ObjectMapper JSON = new com.fasterxml.jackson.databind.ObjectMapper();

  private void pause(Duration d) {
    try {
      sleeper.sleep(d);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new TenantException("Interrupted while waiting out Graph throttling.", e);
    }
  }

  // ------------------------------------------------------------------ plumbing

  <T> T call(String what, String identity, Supplier<T> body) {
    return call(what, identity, body, true);
  }

  private <T> T call(String what, String identity, Supplier<T> body, boolean count) {
    if (count) {
      requests.incrementAndGet();
    }
    try {
      return body.get();
    } catch (TenantException e) {
      throw e;
    } catch (ApiException e) {
      throw GraphErrors.classify(what, identity, GraphErrors.failure(e, clock));
    } catch (RuntimeException e) {
      throw GraphErrors.translate(what, identity, e, clock);
    }
  }

  private static String nz(String s) {
    return s == null ? "" : s;
  }

  private static String firstNonEmpty(String... values) {
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
