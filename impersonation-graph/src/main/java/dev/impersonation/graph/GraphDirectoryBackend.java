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
import com.microsoft.graph.models.PasswordProfile;
import com.microsoft.graph.models.ReferenceCreate;
import com.microsoft.graph.models.ServicePrincipal;
import com.microsoft.graph.models.ServicePrincipalCollectionResponse;
import com.microsoft.graph.models.User;
import com.microsoft.graph.models.UserCollectionResponse;
import com.microsoft.graph.serviceclient.GraphServiceClient;
import com.microsoft.graph.users.item.assignlicense.AssignLicensePostRequestBody;
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
import dev.impersonation.graph.internal.GraphErrors;
import dev.impersonation.graph.internal.ODataFilter;
import dev.impersonation.spi.ApplicationPermissionGrant;
import dev.impersonation.spi.Capability;
import dev.impersonation.spi.DirectoryBackend;
import dev.impersonation.spi.DirectoryUser;
import dev.impersonation.spi.EntraServicePrincipal;
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
import java.util.Arrays;
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
 * The directory backend over Microsoft Graph (Graph SDK for Java). Create it with {@link GraphConnection#build()}.
 *
 * <p>Like Graph itself it reads every group but writes only Microsoft 365 groups and non-mail security groups
 * (DOMAIN.md §5): a write to a distribution group, mail-enabled security group or room list is refused before any
 * request with Graph's own text, {@value GraphErrors#GRAPH_DL_TEXT} Its capabilities are
 * {@link Capability#DIRECTORY_USERS}, {@link Capability#DIRECTORY_GROUPS}, {@link Capability#DIRECTORY_APPLICATIONS} and
 * {@link Capability#DIRECTORY_ADMINISTRATIVE_UNITS}.
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
 * to as {@code <base>/directoryObjects/<id>} when given as object ids, else as {@code <base>/users/<upn>}.
 *
 * <p>The SDK's own retry handler is off: a throttled or failed call surfaces at once as a typed
 * {@link TenantException} ({@link ThrottledException} with the service's Retry-After,
 * {@link dev.impersonation.TransientTenantException} for 5xx, {@link dev.impersonation.AccessDeniedException} for
 * 401/403, {@link ObjectNotFoundException} for 404, {@link ObjectAlreadyExistsException} for duplicates) and the core
 * executor retries on its clock. Passwords are sent once to {@code POST /users} and never logged or put in a message.
 * Thread-safe.
 */
public final class GraphDirectoryBackend implements DirectoryBackend {
  /** Graph's maximum of references per {@code members@odata.bind} request and of requests per {@code $batch}. */
  public static final int MAX_PER_REQUEST = 20;
  private static final int PAGE_SIZE = 999;
  private static final int INNER_THROTTLE_ROUNDS = 3;
  private static final String[] USER_FIELDS = {"id", "userPrincipalName", "displayName", "usageLocation", "assignedLicenses", "mail"};
  private static final String[] GROUP_FIELDS = {"id", "displayName", "groupTypes", "mailEnabled", "securityEnabled", "mail",
      "description"};

  private final GraphServiceClient client;
  private final String referenceBase;
  private final Clock clock;
  private final Sleeper sleeper;
  private final AtomicLong requests = new AtomicLong();
  /** The application id of the Microsoft Graph resource service principal. */
  public static final String MICROSOFT_GRAPH_APP_ID = "00000003-0000-0000-c000-000000000000";
  /** The Microsoft Graph service principal's id and application app-role ids by permission, once looked up. */
  private volatile GraphResource graphResource;

  private record GraphResource(UUID id, Map<String, UUID> roleIds) {}

  GraphDirectoryBackend(GraphServiceClient client, String referenceBase, Clock clock, Sleeper sleeper) {
    this.client = client;
    this.referenceBase = referenceBase.replaceAll("/+$", "");
    this.clock = clock;
    this.sleeper = sleeper;
  }

  @Override
  public String name() {
    return "graph";
  }

  @Override
  public Set<Capability> capabilities() {
    return EnumSet.of(Capability.DIRECTORY_USERS, Capability.DIRECTORY_GROUPS, Capability.DIRECTORY_APPLICATIONS,
        Capability.DIRECTORY_ADMINISTRATIVE_UNITS);
  }

  /** How many HTTP requests this backend has sent to Graph (a {@code $batch} counts as one). */
  public long requestCount() {
    return requests.get();
  }

  // ------------------------------------------------------------------ reads

  @Override
  public Optional<DirectoryUser> findUser(String userPrincipalName) {
    String who = userPrincipalName.strip();
    try {
      User u = call("GET /users/" + who, who, () -> client.users().byUserId(who).get(rc -> rc.queryParameters.select = USER_FIELDS));
      return Optional.ofNullable(u).map(GraphDirectoryBackend::user);
    } catch (ObjectNotFoundException byKey) {
      if (!who.contains("@")) {
        return Optional.empty();
      }
      // Not a UPN: it may be a mail address.
      UserCollectionResponse byMail = call("GET /users?$filter=mail", who, () -> client.users().get(rc -> {
        rc.queryParameters.filter = ODataFilter.eq("mail", who);
        rc.queryParameters.select = USER_FIELDS;
      }));
      List<User> found = byMail == null || byMail.getValue() == null ? List.of() : byMail.getValue();
      return found.stream().findFirst().map(GraphDirectoryBackend::user);
    }
  }

  private static DirectoryUser user(User u) {
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

  private Optional<Group> findGraphGroup(String displayName) {
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

  /** The kind of a Graph group from its shape (DOMAIN.md §5). */
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
    String id = groupId(groupIdOrName).id();
    List<String> members = new ArrayList<>();
    DirectoryObjectCollectionResponse first = call("GET /groups/" + id + "/members", groupIdOrName,
        () -> client.groups().byGroupId(id).members().get(rc -> {
          rc.queryParameters.top = PAGE_SIZE;
          rc.queryParameters.select = new String[] {"id", "userPrincipalName", "mail"};
        }));
    iterate(first, DirectoryObjectCollectionResponse::createFromDiscriminatorValue, (DirectoryObject o) -> members.add(address(o)),
        "GET /groups/" + id + "/members (next page)", groupIdOrName);
    return List.copyOf(members);
  }

  private <T extends Parsable, P extends Parsable & AdditionalDataHolder> void iterate(P first, ParsableFactory<P> factory,
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

  private static String address(DirectoryObject o) {
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

  private List<AppRoleAssignment> appRoleAssignments(String id) {
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
    iterate(first, DirectoryObjectCollectionResponse::createFromDiscriminatorValue, (DirectoryObject o) -> members.add(address(o)),
        "GET /directory/administrativeUnits/" + id + "/members (next page)", id);
    return Optional.of(List.copyOf(members));
  }

  // ------------------------------------------------------------------ writes

  @Override
  public void execute(Operation operation) {
    if (operation instanceof Operation.CreateServiceAccount c) {
      createServiceAccount(c);
    } else if (operation instanceof Operation.CreateDirectoryGroup g) {
      refuseExchangeKind(g.kind(), g.name());
      createGroup(g);
    } else if (operation instanceof Operation.AddGroupMembers add) {
      refuseExchangeKind(add.kind(), add.group());
      addMembers(groupId(add.group()), add.members());
    } else if (operation instanceof Operation.RemoveGroupMembers remove) {
      refuseExchangeKind(remove.kind(), remove.group());
      removeMembers(groupId(remove.group()), remove.members());
    } else if (operation instanceof Operation.SetGroup set) {
      refuseExchangeKind(set.kind(), set.identity());
      setGroup(groupId(set.identity()), set);
    } else if (operation instanceof Operation.AddAdministrativeUnitMembers add) {
      addAdministrativeUnitMembers(add.administrativeUnitId().strip(), add.members());
    } else if (operation instanceof Operation.RemoveAdministrativeUnitMembers remove) {
      removeAdministrativeUnitMembers(remove.administrativeUnitId().strip(), remove.members());
    } else if (operation instanceof Operation.GrantApplicationPermissions grant) {
      grantPermissions(grant);
    } else if (operation instanceof Operation.RevokeApplicationPermissions revoke) {
      revokePermissions(revoke);
    } else {
      throw new TenantException("Microsoft Graph cannot perform " + operation.getClass().getSimpleName()
          + ": it is an Exchange operation; add an Exchange backend.");
    }
  }

  // ------------------------------------------------------------------ application permissions

  private GraphResource graphResource() {
    GraphResource known = graphResource;
    if (known != null) {
      return known;
    }
    ServicePrincipalCollectionResponse r = call("GET /servicePrincipals?$filter=appId", MICROSOFT_GRAPH_APP_ID,
        () -> client.servicePrincipals().get(rc -> {
          rc.queryParameters.filter = ODataFilter.eq("appId", MICROSOFT_GRAPH_APP_ID);
          rc.queryParameters.select = new String[] {"id", "appId", "appRoles"};
        }));
    ServicePrincipal sp = (r == null || r.getValue() == null ? List.<ServicePrincipal>of() : r.getValue()).stream().findFirst()
        .orElseThrow(() -> new ObjectNotFoundException(MICROSOFT_GRAPH_APP_ID, "The Microsoft Graph service principal (appId "
            + MICROSOFT_GRAPH_APP_ID + ") is not in this tenant, so no Graph permission can be granted."));
    Map<String, UUID> roles = new LinkedHashMap<>();
    for (AppRole role : sp.getAppRoles() == null ? List.<AppRole>of() : sp.getAppRoles()) {
      boolean application = role.getAllowedMemberTypes() == null || role.getAllowedMemberTypes().contains("Application");
      if (role.getId() != null && role.getValue() != null && application) {
        roles.put(role.getValue().toLowerCase(java.util.Locale.ROOT), role.getId());
      }
    }
    GraphResource resolved = new GraphResource(UUID.fromString(sp.getId()), Map.copyOf(roles));
    graphResource = resolved;
    return resolved;
  }

  private static UUID servicePrincipalId(String objectId) {
    if (!ODataFilter.isGuid(objectId)) {
      throw new TenantException("The service principal object id '" + objectId + "' is not a GUID: pass the Entra object id "
          + "(Enterprise applications > Object ID).");
    }
    return UUID.fromString(objectId.strip());
  }

  private void grantPermissions(Operation.GrantApplicationPermissions grant) {
    UUID sp = servicePrincipalId(grant.servicePrincipalObjectId());
    GraphResource graph = graphResource();
    for (String permission : grant.permissions()) {
      UUID role = graph.roleIds().get(permission.toLowerCase(java.util.Locale.ROOT));
      if (role == null) {
        throw new TenantException("Microsoft Graph has no application permission '" + permission + "' (none of the Microsoft "
            + "Graph service principal's app roles has that value): check the name, e.g. \"Mail.Read\".");
      }
      AppRoleAssignment assignment = new AppRoleAssignment();
      assignment.setPrincipalId(sp);
      assignment.setResourceId(graph.id());
      assignment.setAppRoleId(role);
      try {
        call("POST /servicePrincipals/" + sp + "/appRoleAssignments", permission,
            () -> client.servicePrincipals().byServicePrincipalId(sp.toString()).appRoleAssignments().post(assignment));
      } catch (ObjectAlreadyExistsException granted) {
        // "Permission being assigned already exists on the object": already consented, which is success.
      }
    }
  }

  private void revokePermissions(Operation.RevokeApplicationPermissions revoke) {
    UUID sp = servicePrincipalId(revoke.servicePrincipalObjectId());
    GraphResource graph = graphResource();
    Set<UUID> roles = new java.util.HashSet<>();
    for (String permission : revoke.permissions()) {
      UUID role = graph.roleIds().get(permission.toLowerCase(java.util.Locale.ROOT));
      if (role != null) {
        roles.add(role);
      }
    }
    for (AppRoleAssignment a : appRoleAssignments(sp.toString())) {
      if (a.getId() == null || !graph.id().equals(a.getResourceId()) || !roles.contains(a.getAppRoleId())) {
        continue;
      }
      String assignmentId = a.getId();
      try {
        call("DELETE /servicePrincipals/" + sp + "/appRoleAssignments/" + assignmentId, assignmentId, () -> {
          client.servicePrincipals().byServicePrincipalId(sp.toString()).appRoleAssignments()
              .byAppRoleAssignmentId(assignmentId).delete();
          return null;
        });
      } catch (ObjectNotFoundException gone) {
        // Revoked meanwhile: the goal is reached.
      }
    }
  }

  private static void refuseExchangeKind(GroupKind kind, String group) {
    if (kind.isExchangeWritten()) {
      throw new TenantException("Microsoft Graph refuses to write the " + kind.label() + " '" + group + "': "
          + GraphErrors.GRAPH_DL_TEXT + " Such groups are written through Exchange: add an Exchange backend.");
    }
  }

  private record GroupRef(String id, Optional<GroupKind> kind) {}

  private GroupRef groupId(String groupIdOrName) {
    if (ODataFilter.isGuid(groupIdOrName)) {
      return new GroupRef(groupIdOrName.strip(), Optional.empty());
    }
    Group g = findGraphGroup(groupIdOrName).orElseThrow(() -> new ObjectNotFoundException(groupIdOrName,
        "No Microsoft 365 or security group is named '" + groupIdOrName + "' in the directory (it may have been created "
            + "moments ago and not replicated yet)."));
    GroupRef ref = new GroupRef(g.getId(), Optional.of(kindOf(g)));
    refuseExchangeKind(ref.kind().get(), groupIdOrName);
    return ref;
  }

  private void createServiceAccount(Operation.CreateServiceAccount c) {
    String upn = c.userPrincipalName();
    User user = new User();
    user.setAccountEnabled(true);
    user.setDisplayName(c.displayName());
    user.setUserPrincipalName(upn);
    user.setMailNickname(mailNickname(upn));
    user.setUsageLocation(c.usageLocation());
    PasswordProfile profile = new PasswordProfile();
    char[] password = c.password().reveal();
    try {
      profile.setPassword(new String(password));
    } finally {
      Arrays.fill(password, '\0');
    }
    profile.setForceChangePasswordNextSignIn(false);
    user.setPasswordProfile(profile);
    String id;
    try {
      User created = call("POST /users", upn, () -> client.users().post(user));
      id = created == null || created.getId() == null ? upn : created.getId();
    } catch (ObjectAlreadyExistsException exists) {
      // A retried create: adopt the user and make sure the licence is there.
      DirectoryUser existing = findUser(upn).orElseThrow(() -> exists);
      if (c.licenseSkuId().isEmpty() || existing.licenseSkuIds().stream().anyMatch(s -> s.equalsIgnoreCase(c.licenseSkuId().get()))) {
        throw exists;
      }
      id = existing.id();
    } finally {
      profile.setPassword(null);
    }
    if (c.licenseSkuId().isPresent()) {
      String userId = id;
      AssignLicensePostRequestBody body = new AssignLicensePostRequestBody();
      AssignedLicense license = new AssignedLicense();
      license.setSkuId(UUID.fromString(c.licenseSkuId().get()));
      license.setDisabledPlans(List.of());
      body.setAddLicenses(List.of(license));
      body.setRemoveLicenses(List.of());
      call("POST /users/" + userId + "/assignLicense", upn, () -> client.users().byUserId(userId).assignLicense().post(body));
    }
  }

  private static String mailNickname(String upn) {
    String local = upn.substring(0, Math.max(0, upn.indexOf('@')));
    String clean = local.replaceAll("[^A-Za-z0-9._-]", "");
    return clean.isEmpty() ? "svc" + Integer.toHexString(upn.hashCode()) : clean;
  }

  private void createGroup(Operation.CreateDirectoryGroup g) {
    Group group = new Group();
    group.setDisplayName(g.name());
    group.setMailNickname(g.mailNickname());
    if (!g.description().isEmpty()) {
      group.setDescription(g.description());
    }
    if (g.kind() == GroupKind.MICROSOFT_365) {
      group.setGroupTypes(List.of("Unified"));
      group.setMailEnabled(true);
      group.setSecurityEnabled(false);
    } else {
      group.setGroupTypes(List.of());
      group.setMailEnabled(false);
      group.setSecurityEnabled(true);
    }
    if (!g.owners().isEmpty()) {
      group.getAdditionalData().put("owners@odata.bind", g.owners().stream().map(this::reference).toList());
    }
    call("POST /groups", g.name(), () -> client.groups().post(group));
  }

  /** The {@code @odata.id} of a user or directory object given as an object id or a UPN. */
  String reference(String member) {
    String m = member.strip();
    return ODataFilter.isGuid(m) ? referenceBase + "/directoryObjects/" + m : referenceBase + "/users/" + pathSegment(m);
  }

  /** Percent-encodes a UPN for a URL path segment ({@code #} is legal in a UPN), keeping {@code @} and {@code '} readable. */
  private static String pathSegment(String s) {
    return java.net.URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20").replace("%40", "@").replace("%27", "'");
  }

  private void setGroup(GroupRef group, Operation.SetGroup set) {
    for (String owner : set.addManagedBy()) {
      ReferenceCreate ref = new ReferenceCreate();
      ref.setOdataId(reference(owner));
      try {
        call("POST /groups/" + group.id() + "/owners/$ref", owner, () -> {
          client.groups().byGroupId(group.id()).owners().ref().post(ref);
          return null;
        });
      } catch (ObjectAlreadyExistsException alreadyOwner) {
        // DOMAIN.md §8: already there is success.
      }
    }
    if (set.hideFromAddressLists() && group.kind().orElse(set.kind()) == GroupKind.MICROSOFT_365) {
      Group patch = new Group();
      patch.setHideFromAddressLists(true);
      call("PATCH /groups/" + group.id(), group.id(), () -> client.groups().byGroupId(group.id()).patch(patch));
    }
    // closeMembership: Graph groups have no MemberJoinRestriction; nothing to write.
  }

  private void removeMembers(GroupRef group, List<String> members) {
    for (String member : members) {
      String memberId = ODataFilter.isGuid(member) ? member.strip() : findUser(member)
          .orElseThrow(() -> new ObjectNotFoundException(member, "No user '" + member + "' in the directory.")).id();
      call("DELETE /groups/" + group.id() + "/members/" + memberId + "/$ref", member, () -> {
        client.groups().byGroupId(group.id()).members().byDirectoryObjectId(memberId).ref().delete();
        return null;
      });
    }
  }

  // ------------------------------------------------------------------ adding members in batches

  /** One inner request of a {@code $batch}: a chunk PATCH or a single-member {@code $ref} POST. */
  private record Step(List<String> members, boolean single) {}

  private void addMembers(GroupRef group, List<String> members) {
    List<String> distinct = members.stream().map(String::strip).distinct().toList();
    Deque<Step> work = new ArrayDeque<>();
    for (int i = 0; i < distinct.size(); i += MAX_PER_REQUEST) {
      work.add(new Step(distinct.subList(i, Math.min(distinct.size(), i + MAX_PER_REQUEST)), false));
    }
    int throttledRounds = 0;
    while (!work.isEmpty()) {
      List<Step> round = new ArrayList<>();
      while (!work.isEmpty() && round.size() < MAX_PER_REQUEST) {
        round.add(work.poll());
      }
      BatchRequestContent batch = new BatchRequestContent(client);
      Map<String, Step> byId = new LinkedHashMap<>();
      for (Step step : round) {
        // Steps are added one by one: the list constructor refuses 20 steps (DESIGN.md §8).
        byId.put(batch.addBatchRequestStep(request(group.id(), step)), step);
      }
      BatchResponseContent answer = postBatch(batch, "POST /$batch (add members to " + group.id() + ")", group.id());
      Map<String, Response> responses = answer.getResponses();
      List<Step> throttled = new ArrayList<>();
      Duration wait = Duration.ZERO;
      TenantException failure = null;
      for (Map.Entry<String, Step> e : byId.entrySet()) {
        Step step = e.getValue();
        Response r = responses.get(e.getKey());
        if (r == null) {
          if (failure == null) {
            failure = new dev.impersonation.TransientTenantException("Graph's $batch answer had no response for one of its "
                + "requests while adding members to " + group.id() + "; retry later.");
          }
          continue;
        }
        // Inner responses without a body (204) must not be closed: only error bodies are read (and closed).
        int status = r.code();
        if (status >= 200 && status < 300) {
          continue;
        }
        GraphErrors.Failure f = innerFailure(r);
        if (f.alreadyExists()) {
          if (!step.single()) {
            // Some member of the chunk is already there: the PATCH is all-or-nothing, so add them one by one.
            step.members().forEach(m -> work.add(new Step(List.of(m), true)));
          }
          continue;
        }
        if (status == 429) {
          throttled.add(step);
          Duration d = f.retryAfter().orElse(Duration.ofSeconds(1L << Math.min(throttledRounds, 5)));
          wait = d.compareTo(wait) > 0 ? d : wait;
          continue;
        }
        if (failure == null) {
          String what = step.single() ? "POST /groups/" + group.id() + "/members/$ref" : "PATCH /groups/" + group.id()
              + " (members@odata.bind, " + step.members().size() + " members)";
          failure = GraphErrors.classify(what + " in $batch", step.single() ? step.members().get(0) : group.id(), f);
        }
      }
      if (failure != null) {
        throw failure;
      }
      if (!throttled.isEmpty()) {
        if (++throttledRounds > INNER_THROTTLE_ROUNDS) {
          throw new ThrottledException("Graph kept throttling " + throttled.size() + " request(s) inside $batch while adding "
              + "members to " + group.id() + "; retry later.", wait.isZero() ? null : wait);
        }
        pause(wait);
        // Throttled steps go first in the next round, on their own when nothing else is pending.
        for (int i = throttled.size() - 1; i >= 0; i--) {
          work.addFirst(throttled.get(i));
        }
      }
    }
  }

  // ------------------------------------------------------------------ administrative units in batches

  private void addAdministrativeUnitMembers(String unitId, List<String> members) {
    List<String> distinct = members.stream().map(String::strip).distinct().toList();
    String route = "POST /directory/administrativeUnits/" + unitId + "/members/$ref";
    batched(distinct, member -> {
      ReferenceCreate ref = new ReferenceCreate();
      ref.setOdataId(reference(member));
      return client.directory().administrativeUnits().byAdministrativeUnitId(unitId).members().ref().toPostRequestInformation(ref);
    }, (member, f) -> f.alreadyExists(), // already a member (DOMAIN.md §8): success
        (member, f) -> GraphErrors.classify(route + " (" + member + ") in $batch", unitOrMember(unitId, member, f), f),
        "POST /$batch (add members to administrative unit " + unitId + ")", unitId);
  }

  private void removeAdministrativeUnitMembers(String unitId, List<String> members) {
    Map<String, String> ids = administrativeUnitMemberIds(unitId);
    // Members the unit no longer lists are already removed.
    List<String> memberIds = members.stream().map(m -> ids.get(m.strip().toLowerCase(java.util.Locale.ROOT)))
        .filter(java.util.Objects::nonNull).distinct().toList();
    String route = "DELETE /directory/administrativeUnits/" + unitId + "/members/{memberId}/$ref";
    batched(memberIds, memberId -> client.directory().administrativeUnits().byAdministrativeUnitId(unitId).members()
        .byDirectoryObjectId(memberId).ref().toDeleteRequestInformation(),
        (memberId, f) -> f.status() == 404, // removed meanwhile: the goal is reached
        (memberId, f) -> GraphErrors.classify(route.replace("{memberId}", memberId) + " in $batch", memberId, f),
        "POST /$batch (remove members from administrative unit " + unitId + ")", unitId);
  }

  /** Every member of a unit by lower-case UPN, mail and object id, to its object id; the unit missing is a 404. */
  private Map<String, String> administrativeUnitMemberIds(String unitId) {
    DirectoryObjectCollectionResponse first = call("GET /directory/administrativeUnits/" + unitId + "/members", unitId,
        () -> client.directory().administrativeUnits().byAdministrativeUnitId(unitId).members().get(rc -> {
          rc.queryParameters.top = PAGE_SIZE;
          rc.queryParameters.select = new String[] {"id", "userPrincipalName", "mail"};
        }));
    Map<String, String> ids = new HashMap<>();
    iterate(first, DirectoryObjectCollectionResponse::createFromDiscriminatorValue, (DirectoryObject o) -> {
      if (o.getId() == null) {
        return;
      }
      ids.put(o.getId().toLowerCase(java.util.Locale.ROOT), o.getId());
      ids.put(address(o).toLowerCase(java.util.Locale.ROOT), o.getId());
      if (o instanceof User u && u.getMail() != null) {
        ids.put(u.getMail().toLowerCase(java.util.Locale.ROOT), o.getId());
      }
    }, "GET /directory/administrativeUnits/" + unitId + "/members (next page)", unitId);
    return ids;
  }

  /** A 404 names the unit when Graph's message does (the unit is missing), else the member. */
  private static String unitOrMember(String unitId, String member, GraphErrors.Failure f) {
    return f.status() == 404 && f.message().toLowerCase(java.util.Locale.ROOT).contains(unitId.toLowerCase(java.util.Locale.ROOT))
        ? unitId : member;
  }

  /**
   * Sends one request per item in {@code $batch}es of at most {@value #MAX_PER_REQUEST} (steps added one by one, the outer
   * status checked). An inner answer {@code done} accepts is success; an inner 429 is resent in the next round after
   * its {@code Retry-After} on the {@link Sleeper} (at most {@value #INNER_THROTTLE_ROUNDS} rounds); any other failure is
   * thrown, as {@code failure} classifies it, once the round is read.
   */
  private void batched(List<String> items, java.util.function.Function<String, RequestInformation> request,
      java.util.function.BiPredicate<String, GraphErrors.Failure> done,
      java.util.function.BiFunction<String, GraphErrors.Failure, TenantException> failure, String what, String identity) {
    Deque<String> work = new ArrayDeque<>(items);
    int throttledRounds = 0;
    while (!work.isEmpty()) {
      BatchRequestContent batch = new BatchRequestContent(client);
      Map<String, String> byId = new LinkedHashMap<>();
      while (!work.isEmpty() && byId.size() < MAX_PER_REQUEST) {
        String item = work.poll();
        // Steps are added one by one: the list constructor refuses 20 steps (DESIGN.md §8).
        byId.put(batch.addBatchRequestStep(request.apply(item)), item);
      }
      Map<String, Response> responses = postBatch(batch, what, identity).getResponses();
      List<String> throttled = new ArrayList<>();
      Duration wait = Duration.ZERO;
      TenantException error = null;
      for (Map.Entry<String, String> e : byId.entrySet()) {
        Response r = responses.get(e.getKey());
        if (r == null) {
          if (error == null) {
            error = new dev.impersonation.TransientTenantException("Graph's $batch answer had no response for one of its "
                + "requests (" + what + "); retry later.");
          }
          continue;
        }
        // Inner responses without a body (204) must not be closed: only error bodies are read (and closed).
        if (r.code() >= 200 && r.code() < 300) {
          continue;
        }
        GraphErrors.Failure f = innerFailure(r);
        if (done.test(e.getValue(), f)) {
          continue;
        }
        if (r.code() == 429) {
          throttled.add(e.getValue());
          Duration d = f.retryAfter().orElse(Duration.ofSeconds(1L << Math.min(throttledRounds, 5)));
          wait = d.compareTo(wait) > 0 ? d : wait;
          continue;
        }
        if (error == null) {
          error = failure.apply(e.getValue(), f);
        }
      }
      if (error != null) {
        throw error;
      }
      if (!throttled.isEmpty()) {
        if (++throttledRounds > INNER_THROTTLE_ROUNDS) {
          throw new ThrottledException("Graph kept throttling " + throttled.size() + " request(s) inside $batch ("
              + what + "); retry later.", wait.isZero() ? null : wait);
        }
        pause(wait);
        // Throttled requests go first in the next round, on their own when nothing else is pending.
        for (int i = throttled.size() - 1; i >= 0; i--) {
          work.addFirst(throttled.get(i));
        }
      }
    }
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

  private RequestInformation request(String groupId, Step step) {
    if (step.single()) {
      ReferenceCreate ref = new ReferenceCreate();
      ref.setOdataId(reference(step.members().get(0)));
      return client.groups().byGroupId(groupId).members().ref().toPostRequestInformation(ref);
    }
    Group patch = new Group();
    patch.getAdditionalData().put("members@odata.bind", step.members().stream().map(this::reference).toList());
    return client.groups().byGroupId(groupId).toPatchRequestInformation(patch);
  }

  private GraphErrors.Failure innerFailure(Response r) {
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

  private <T> T call(String what, String identity, Supplier<T> body) {
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
