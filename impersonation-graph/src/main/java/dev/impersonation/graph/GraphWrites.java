package dev.impersonation.graph;

import static dev.impersonation.graph.GraphDirectoryBackend.kindOf;

import com.microsoft.graph.models.AssignedLicense;
import com.microsoft.graph.models.Group;
import com.microsoft.graph.models.PasswordProfile;
import com.microsoft.graph.models.ReferenceCreate;
import com.microsoft.graph.models.User;
import com.microsoft.graph.serviceclient.GraphServiceClient;
import com.microsoft.graph.users.item.assignlicense.AssignLicensePostRequestBody;
import dev.impersonation.GroupKind;
import dev.impersonation.ObjectAlreadyExistsException;
import dev.impersonation.ObjectNotFoundException;
import dev.impersonation.TenantException;
import dev.impersonation.graph.internal.ExchangeRbacEndpoints;
import dev.impersonation.graph.internal.GraphErrors;
import dev.impersonation.graph.internal.ODataFilter;
import dev.impersonation.spi.AssigneeType;
import dev.impersonation.spi.DirectoryUser;
import dev.impersonation.spi.Operation;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * The writes of {@link GraphDirectoryBackend}, one {@link Operation.Visitor} method per kind of operation: users,
 * Microsoft 365 and security groups (distribution groups, mail-enabled security groups and room lists are refused with
 * Graph's own text), membership ({@link GraphMemberWrites}), application permissions ({@link GraphApplicationPermissions}), and management scopes and app
 * role assignments through Graph beta's Exchange RBAC provider. Every other kind is an Exchange operation, refused
 * before any request with a {@link TenantException}.
 */
final class GraphWrites implements Operation.Visitor<Void> {
  private final GraphDirectoryBackend backend;
  private final GraphServiceClient client;
  private final UserIds ids;
  private final ExchangeRbacEndpoints exchangeRbac;
  private final GraphMemberWrites members;
  private final GraphApplicationPermissions permissions;

  GraphWrites(GraphDirectoryBackend backend, UserIds ids, ExchangeRbacEndpoints exchangeRbac) {
    this.backend = backend;
    this.client = backend.client;
    this.ids = ids;
    this.exchangeRbac = exchangeRbac;
    this.members = new GraphMemberWrites(backend, ids);
    this.permissions = new GraphApplicationPermissions(backend);
  }

  /** Refuses an Exchange operation, before any request. */
  private static Void exchangeOperation(Operation operation) {
    throw new TenantException("Microsoft Graph cannot perform " + operation.getClass().getSimpleName()
        + ": it is an Exchange operation; add an Exchange backend.");
  }

  @Override
  public Void visitEnableOrganizationCustomization(Operation.EnableOrganizationCustomization operation) {
    return exchangeOperation(operation);
  }

  @Override
  public Void visitCreateServiceAccount(Operation.CreateServiceAccount c) {
    createServiceAccount(c);
    return null;
  }

  @Override
  public Void visitAwaitMailbox(Operation.AwaitMailbox operation) {
    return exchangeOperation(operation);
  }

  @Override
  public Void visitAwaitAccessPolicy(Operation.AwaitAccessPolicy operation) {
    return exchangeOperation(operation);
  }

  @Override
  public Void visitNewDistributionGroup(Operation.NewDistributionGroup operation) {
    return exchangeOperation(operation);
  }

  @Override
  public Void visitCreateDirectoryGroup(Operation.CreateDirectoryGroup g) {
    refuseExchangeKind(g.kind(), g.name());
    createGroup(g);
    return null;
  }

  @Override
  public Void visitSetGroup(Operation.SetGroup set) {
    refuseExchangeKind(set.kind(), set.identity());
    setGroup(groupId(set.identity()), set);
    return null;
  }

  @Override
  public Void visitAddGroupMembers(Operation.AddGroupMembers add) {
    refuseExchangeKind(add.kind(), add.group());
    members.addMembers(groupId(add.group()).id(), add.members());
    return null;
  }

  @Override
  public Void visitRemoveGroupMembers(Operation.RemoveGroupMembers remove) {
    refuseExchangeKind(remove.kind(), remove.group());
    members.removeMembers(groupId(remove.group()).id(), remove.members());
    return null;
  }

  @Override
  public Void visitAddAdministrativeUnitMembers(Operation.AddAdministrativeUnitMembers add) {
    members.addAdministrativeUnitMembers(add.administrativeUnitId().strip(), add.members());
    return null;
  }

  @Override
  public Void visitRemoveAdministrativeUnitMembers(Operation.RemoveAdministrativeUnitMembers remove) {
    members.removeAdministrativeUnitMembers(remove.administrativeUnitId().strip(), remove.members());
    return null;
  }

  @Override
  public Void visitResolveGroupDistinguishedName(Operation.ResolveGroupDistinguishedName operation) {
    return exchangeOperation(operation);
  }

  @Override
  public Void visitNewManagementScope(Operation.NewManagementScope scope) {
    exchangeRbac.createScope(scope.name(), scope.filter().toOpath(g -> {
      throw new TenantException("The management scope '" + scope.name() + "' filters on the group '" + g + "', whose "
          + "Exchange DistinguishedName Microsoft Graph cannot read: add an Exchange backend for this scope.");
    }));
    return null;
  }

  /** An app's assignment goes through Graph beta's Exchange RBAC provider; any other is an Exchange operation. */
  @Override
  public Void visitNewManagementRoleAssignment(Operation.NewManagementRoleAssignment a) {
    if (a.assigneeType() != AssigneeType.SERVICE_PRINCIPAL) {
      return exchangeOperation(a);
    }
    exchangeRbac.createAssignment(GraphApplicationPermissions.servicePrincipalId(a.assignee()).toString(), a.role(), a.scopeType(), a.scope());
    return null;
  }

  @Override
  public Void visitNewRoleGroup(Operation.NewRoleGroup operation) {
    return exchangeOperation(operation);
  }

  @Override
  public Void visitAddRoleGroupMember(Operation.AddRoleGroupMember operation) {
    return exchangeOperation(operation);
  }

  /** Graph's Exchange role assignments name the Entra service principal itself: confirm it exists, write nothing. */
  @Override
  public Void visitNewServicePrincipal(Operation.NewServicePrincipal sp) {
    UUID id = GraphApplicationPermissions.servicePrincipalId(sp.objectId());
    backend.http.call("GET /servicePrincipals/" + id, sp.appId(), () -> client.servicePrincipals().byServicePrincipalId(id.toString())
        .get(rc -> rc.queryParameters.select = new String[] {"id", "appId"}));
    return null;
  }

  @Override
  public Void visitNewApplicationAccessPolicy(Operation.NewApplicationAccessPolicy operation) {
    return exchangeOperation(operation);
  }

  @Override
  public Void visitAddMailboxPermissions(Operation.AddMailboxPermissions operation) {
    return exchangeOperation(operation);
  }

  @Override
  public Void visitGrantApplicationPermissions(Operation.GrantApplicationPermissions grant) {
    permissions.grant(grant);
    return null;
  }

  @Override
  public Void visitRevokeApplicationPermissions(Operation.RevokeApplicationPermissions revoke) {
    permissions.revoke(revoke);
    return null;
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
    Group g = backend.findGraphGroup(groupIdOrName).orElseThrow(() -> new ObjectNotFoundException(groupIdOrName,
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
      User created = backend.http.call("POST /users", upn, () -> client.users().post(user));
      id = created == null || created.getId() == null ? upn : created.getId();
    } catch (ObjectAlreadyExistsException exists) {
      // A retried create: adopt the user and make sure the licence is there.
      // Graph says the user exists; not finding it is replication lag, not "done": retry rather than skip its licence.
      DirectoryUser existing = backend.findUser(upn).orElseThrow(() -> new dev.impersonation.TransientTenantException(
          "The user " + upn + " exists but is not visible yet (replication lag); retrying.", exists));
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
      try {
        backend.http.call("POST /users/" + userId + "/assignLicense", upn, () -> client.users().byUserId(userId).assignLicense().post(body));
      } catch (dev.impersonation.ObjectNotFoundException lag) {
        // A 404 right after the create is replication lag (docs/graph.md): sent again, the create finds the user and
        // adopts it, then licenses it.
        throw new dev.impersonation.TransientTenantException("The new user " + upn + " is not visible to assignLicense yet "
            + "(replication lag after its creation); retrying.", lag);
      }
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
      Map<String, String> ownerIds = ids.objectIds(g.owners(), "owners of the new group " + g.name());
      group.getAdditionalData().put("owners@odata.bind", g.owners().stream().map(o -> backend.reference(ownerIds.get(o.strip()))).toList());
    }
    backend.http.call("POST /groups", g.name(), () -> client.groups().post(group));
  }

  private void setGroup(GroupRef group, Operation.SetGroup set) {
    Map<String, String> ownerIds = set.addManagedBy().isEmpty() ? Map.of()
        : ids.objectIds(set.addManagedBy(), "owners of " + group.id());
    for (String owner : set.addManagedBy()) {
      ReferenceCreate ref = new ReferenceCreate();
      ref.setOdataId(backend.reference(ownerIds.get(owner.strip())));
      try {
        backend.http.call("POST /groups/" + group.id() + "/owners/$ref", owner, () -> {
          client.groups().byGroupId(group.id()).owners().ref().post(ref);
          return null;
        });
      } catch (ObjectAlreadyExistsException alreadyOwner) {
        // docs/error-texts.md: already there is success.
      }
    }
    if (set.hideFromAddressLists() && group.kind().orElse(set.kind()) == GroupKind.MICROSOFT_365) {
      Group patch = new Group();
      patch.setHideFromAddressLists(true);
      backend.http.call("PATCH /groups/" + group.id(), group.id(), () -> client.groups().byGroupId(group.id()).patch(patch));
    }
    // closeMembership: Graph groups have no MemberJoinRestriction; nothing to write.
  }

  @Override
  public Void visitAllowEwsApplication(Operation.AllowEwsApplication operation) {
    return exchangeOperation(operation);
  }

  @Override
  public Void visitEnableOrganizationEws(Operation.EnableOrganizationEws operation) {
    return exchangeOperation(operation);
  }

  @Override
  public Void visitConfirmRbacForApplications(Operation.ConfirmRbacForApplications operation) {
    return exchangeOperation(operation);
  }

  @Override
  public Void visitRemoveApplicationAccessPolicy(Operation.RemoveApplicationAccessPolicy operation) {
    return exchangeOperation(operation);
  }

  @Override
  public Void visitRemoveOwnedObject(Operation.RemoveOwnedObject operation) {
    return exchangeOperation(operation);
  }
}
