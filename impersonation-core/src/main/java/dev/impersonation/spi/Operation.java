package dev.impersonation.spi;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;
import dev.impersonation.GroupKind;
import dev.impersonation.Secret;
import dev.impersonation.TenantTarget;
import java.util.List;
import java.util.Optional;

/**
 * One write (or prerequisite read) a plan step performs. Operations are immutable values: backends execute them,
 * {@link dev.impersonation.powershell.CmdletMapping} maps each to the cmdlets an admin would type, and plans
 * serialise them to JSON. Secrets are never serialised. Code that does something per kind of operation implements
 * {@link Visitor} rather than testing types one by one, so a new kind does not compile until every visitor handles it.
 */
@JsonTypeInfo(use = JsonTypeInfo.Id.SIMPLE_NAME, property = "type")
@JsonSubTypes({
    @JsonSubTypes.Type(Operation.EnableOrganizationCustomization.class),
    @JsonSubTypes.Type(Operation.CreateServiceAccount.class),
    @JsonSubTypes.Type(Operation.AwaitMailbox.class),
    @JsonSubTypes.Type(Operation.AwaitAccessPolicy.class),
    @JsonSubTypes.Type(Operation.NewDistributionGroup.class),
    @JsonSubTypes.Type(Operation.CreateDirectoryGroup.class),
    @JsonSubTypes.Type(Operation.SetGroup.class),
    @JsonSubTypes.Type(Operation.AddGroupMembers.class),
    @JsonSubTypes.Type(Operation.RemoveGroupMembers.class),
    @JsonSubTypes.Type(Operation.AddAdministrativeUnitMembers.class),
    @JsonSubTypes.Type(Operation.RemoveAdministrativeUnitMembers.class),
    @JsonSubTypes.Type(Operation.ResolveGroupDistinguishedName.class),
    @JsonSubTypes.Type(Operation.NewManagementScope.class),
    @JsonSubTypes.Type(Operation.NewManagementRoleAssignment.class),
    @JsonSubTypes.Type(Operation.NewRoleGroup.class),
    @JsonSubTypes.Type(Operation.AddRoleGroupMember.class),
    @JsonSubTypes.Type(Operation.NewServicePrincipal.class),
    @JsonSubTypes.Type(Operation.NewApplicationAccessPolicy.class),
    @JsonSubTypes.Type(Operation.AddMailboxPermissions.class),
    @JsonSubTypes.Type(Operation.GrantApplicationPermissions.class),
    @JsonSubTypes.Type(Operation.RevokeApplicationPermissions.class),
    @JsonSubTypes.Type(Operation.AllowEwsApplication.class),
    @JsonSubTypes.Type(Operation.EnableOrganizationEws.class),
    @JsonSubTypes.Type(Operation.ConfirmRbacForApplications.class),
    @JsonSubTypes.Type(Operation.RemoveApplicationAccessPolicy.class),
    @JsonSubTypes.Type(Operation.RemoveOwnedObject.class)
})
public sealed interface Operation {

  /** The capability a backend needs to perform this operation on {@code target}; empty for reads the executor does. */
  Optional<Capability> capability(TenantTarget.Kind target);

  /**
   * Calls the method of {@code visitor} for this operation's kind and answers its result: the one dispatch on the kind
   * of an operation, so that every renderer and backend handles every kind (see {@link Visitor}).
   *
   * @param visitor what to do for each kind of operation
   * @param <R> the visitor's result type ({@link Void} when it answers nothing)
   * @return what the visitor answered
   */
  <R> R accept(Visitor<R> visitor);

  /**
   * What to do for each kind of {@link Operation}, one method per record. There are no default methods, deliberately:
   * adding an operation record adds a method here, and every visitor (the cmdlet mapping, the executor, each backend)
   * stops compiling until it says what it does with the new kind. A backend that cannot perform a kind implements its
   * method by throwing the {@link dev.impersonation.TenantException} it reports for unsupported operations.
   *
   * @param <R> the result type ({@link Void} for visitors that only act)
   */
  interface Visitor<R> {
    /** Handles an {@link EnableOrganizationCustomization}; answers the visitor's result for it. */
    R visitEnableOrganizationCustomization(EnableOrganizationCustomization operation);
    /** Handles a {@link CreateServiceAccount}; answers the visitor's result for it. */
    R visitCreateServiceAccount(CreateServiceAccount operation);
    /** Handles an {@link AwaitMailbox}; answers the visitor's result for it. */
    R visitAwaitMailbox(AwaitMailbox operation);
    /** Handles an {@link AwaitAccessPolicy}; answers the visitor's result for it. */
    R visitAwaitAccessPolicy(AwaitAccessPolicy operation);
    /** Handles a {@link NewDistributionGroup}; answers the visitor's result for it. */
    R visitNewDistributionGroup(NewDistributionGroup operation);
    /** Handles a {@link CreateDirectoryGroup}; answers the visitor's result for it. */
    R visitCreateDirectoryGroup(CreateDirectoryGroup operation);
    /** Handles a {@link SetGroup}; answers the visitor's result for it. */
    R visitSetGroup(SetGroup operation);
    /** Handles an {@link AddGroupMembers}; answers the visitor's result for it. */
    R visitAddGroupMembers(AddGroupMembers operation);
    /** Handles a {@link RemoveGroupMembers}; answers the visitor's result for it. */
    R visitRemoveGroupMembers(RemoveGroupMembers operation);
    /** Handles an {@link AddAdministrativeUnitMembers}; answers the visitor's result for it. */
    R visitAddAdministrativeUnitMembers(AddAdministrativeUnitMembers operation);
    /** Handles a {@link RemoveAdministrativeUnitMembers}; answers the visitor's result for it. */
    R visitRemoveAdministrativeUnitMembers(RemoveAdministrativeUnitMembers operation);
    /** Handles a {@link ResolveGroupDistinguishedName}; answers the visitor's result for it. */
    R visitResolveGroupDistinguishedName(ResolveGroupDistinguishedName operation);
    /** Handles a {@link NewManagementScope}; answers the visitor's result for it. */
    R visitNewManagementScope(NewManagementScope operation);
    /** Handles a {@link NewManagementRoleAssignment}; answers the visitor's result for it. */
    R visitNewManagementRoleAssignment(NewManagementRoleAssignment operation);
    /** Handles a {@link NewRoleGroup}; answers the visitor's result for it. */
    R visitNewRoleGroup(NewRoleGroup operation);
    /** Handles an {@link AddRoleGroupMember}; answers the visitor's result for it. */
    R visitAddRoleGroupMember(AddRoleGroupMember operation);
    /** Handles a {@link NewServicePrincipal}; answers the visitor's result for it. */
    R visitNewServicePrincipal(NewServicePrincipal operation);
    /** Handles a {@link NewApplicationAccessPolicy}; answers the visitor's result for it. */
    R visitNewApplicationAccessPolicy(NewApplicationAccessPolicy operation);
    /** Handles an {@link AddMailboxPermissions}; answers the visitor's result for it. */
    R visitAddMailboxPermissions(AddMailboxPermissions operation);
    /** Handles a {@link GrantApplicationPermissions}; answers the visitor's result for it. */
    R visitGrantApplicationPermissions(GrantApplicationPermissions operation);
    /** Handles a {@link RevokeApplicationPermissions}; answers the visitor's result for it. */
    R visitRevokeApplicationPermissions(RevokeApplicationPermissions operation);
    /** Handles an {@link AllowEwsApplication}; answers the visitor's result for it. */
    R visitAllowEwsApplication(AllowEwsApplication operation);
    /** Handles an {@link EnableOrganizationEws}; answers the visitor's result for it. */
    R visitEnableOrganizationEws(EnableOrganizationEws operation);
    /** Handles a {@link ConfirmRbacForApplications}; answers the visitor's result for it. */
    R visitConfirmRbacForApplications(ConfirmRbacForApplications operation);
    /** Handles a {@link RemoveApplicationAccessPolicy}; answers the visitor's result for it. */
    R visitRemoveApplicationAccessPolicy(RemoveApplicationAccessPolicy operation);
    /** Handles a {@link RemoveOwnedObject}; answers the visitor's result for it. */
    R visitRemoveOwnedObject(RemoveOwnedObject operation);
  }

  /** {@code Enable-OrganizationCustomization} (Exchange Online, once). */
  record EnableOrganizationCustomization() implements Operation {
    @Override
    public Optional<Capability> capability(TenantTarget.Kind target) {
      return Optional.of(Capability.EXCHANGE_ORGANIZATION);
    }

    @Override
    public <R> R accept(Visitor<R> visitor) {
      return visitor.visitEnableOrganizationCustomization(this);
    }
  }

  /**
   * Creates the service-account user with a mailbox: on Exchange Online a licensed user (Graph), on Exchange
   * Server {@code New-Mailbox}.
   *
   * @param userPrincipalName the UPN
   * @param displayName the display name
   * @param usageLocation the usage location (Exchange Online)
   * @param licenseSkuId the licence SKU id (Exchange Online)
   * @param password the initial password: never serialised or rendered
   */
  record CreateServiceAccount(String userPrincipalName, String displayName, String usageLocation,
      Optional<String> licenseSkuId, @JsonIgnore Secret password) implements Operation {
    @Override
    public Optional<Capability> capability(TenantTarget.Kind target) {
      return Optional.of(target == TenantTarget.Kind.EXCHANGE_ONLINE ? Capability.DIRECTORY_USERS : Capability.EXCHANGE_RECIPIENTS);
    }

    @Override
    public <R> R accept(Visitor<R> visitor) {
      return visitor.visitCreateServiceAccount(this);
    }
  }

  /**
   * Waits until a new mailbox is usable (Exchange Online provisions it minutes after licensing).
   *
   * @param identity the mailbox
   */
  record AwaitMailbox(String identity) implements Operation {
    @Override
    public Optional<Capability> capability(TenantTarget.Kind target) {
      return Optional.empty();
    }

    @Override
    public <R> R accept(Visitor<R> visitor) {
      return visitor.visitAwaitMailbox(this);
    }
  }

  /**
   * Waits until the app's newest application access policy has had {@code settle} to become effective (docs/rbac-for-applications.md:
   * more than an hour), so that consent granted afterwards is never wider than the policy allows.
   *
   * @param appId the application
   * @param settle how long after its creation a policy counts as effective
   */
  record AwaitAccessPolicy(String appId, java.time.Duration settle) implements Operation {
    @Override
    public Optional<Capability> capability(TenantTarget.Kind target) {
      return Optional.empty();
    }

    @Override
    public <R> R accept(Visitor<R> visitor) {
      return visitor.visitAwaitAccessPolicy(this);
    }
  }

  /**
   * {@code New-DistributionGroup} for a distribution group, mail-enabled security group or room list.
   *
   * @param name the name
   * @param kind the kind (not Microsoft 365 or security)
   * @param alias optional alias
   * @param primarySmtpAddress optional address
   * @param managedBy owners
   * @param notes the ownership marker
   * @param members the members the group is created with ({@code -Members}): one call instead of one per member; the
   *     create is one transaction, so a group that exists has them all
   */
  record NewDistributionGroup(String name, GroupKind kind, Optional<String> alias, Optional<String> primarySmtpAddress,
      List<String> managedBy, String notes, List<String> members) implements Operation {
    public NewDistributionGroup {
      managedBy = List.copyOf(managedBy);
      members = members == null ? List.of() : List.copyOf(members);
    }

    /** A group created without members. */
    public NewDistributionGroup(String name, GroupKind kind, Optional<String> alias, Optional<String> primarySmtpAddress,
        List<String> managedBy, String notes) {
      this(name, kind, alias, primarySmtpAddress, managedBy, notes, List.of());
    }

    /** This create, with {@code added} members too. */
    public NewDistributionGroup withMembers(List<String> added) {
      List<String> all = new java.util.ArrayList<>(members);
      all.addAll(added);
      return new NewDistributionGroup(name, kind, alias, primarySmtpAddress, managedBy, notes, all);
    }

    @Override
    public Optional<Capability> capability(TenantTarget.Kind target) {
      return Optional.of(Capability.EXCHANGE_GROUPS);
    }

    @Override
    public <R> R accept(Visitor<R> visitor) {
      return visitor.visitNewDistributionGroup(this);
    }
  }

  /**
   * Creates a Microsoft 365 group or a non-mail security group through the directory.
   *
   * @param name display name
   * @param kind Microsoft 365 or security
   * @param mailNickname the mail nickname
   * @param owners owners
   * @param description the ownership marker
   */
  record CreateDirectoryGroup(String name, GroupKind kind, String mailNickname, List<String> owners, String description)
      implements Operation {
    public CreateDirectoryGroup {
      owners = List.copyOf(owners);
    }

    @Override
    public Optional<Capability> capability(TenantTarget.Kind target) {
      return Optional.of(Capability.DIRECTORY_GROUPS);
    }

    @Override
    public <R> R accept(Visitor<R> visitor) {
      return visitor.visitCreateDirectoryGroup(this);
    }
  }

  /**
   * {@code Set-DistributionGroup}: adds owners (never replaces them), closes membership, hides from address lists.
   *
   * @param identity the group
   * @param kind its kind
   * @param addManagedBy owners to add
   * @param closeMembership set MemberJoinRestriction Closed
   * @param hideFromAddressLists set HiddenFromAddressListsEnabled
   */
  record SetGroup(String identity, GroupKind kind, List<String> addManagedBy, boolean closeMembership,
      boolean hideFromAddressLists) implements Operation {
    public SetGroup {
      addManagedBy = List.copyOf(addManagedBy);
    }

    @Override
    public Optional<Capability> capability(TenantTarget.Kind target) {
      return Optional.of(kind.isExchangeWritten() ? Capability.EXCHANGE_GROUPS : Capability.DIRECTORY_GROUPS);
    }

    @Override
    public <R> R accept(Visitor<R> visitor) {
      return visitor.visitSetGroup(this);
    }
  }

  /**
   * Adds members, one call per member; a member that is already there counts as success.
   *
   * @param group the group
   * @param kind its kind
   * @param members the members to add
   */
  record AddGroupMembers(String group, GroupKind kind, List<String> members) implements Operation {
    public AddGroupMembers {
      members = List.copyOf(members);
    }

    @Override
    public Optional<Capability> capability(TenantTarget.Kind target) {
      return Optional.of(kind.isExchangeWritten() ? Capability.EXCHANGE_GROUPS : Capability.DIRECTORY_GROUPS);
    }

    @Override
    public <R> R accept(Visitor<R> visitor) {
      return visitor.visitAddGroupMembers(this);
    }
  }

  /**
   * Removes members (EXACT membership only).
   *
   * @param group the group
   * @param kind its kind
   * @param members the members to remove
   */
  record RemoveGroupMembers(String group, GroupKind kind, List<String> members) implements Operation {
    public RemoveGroupMembers {
      members = List.copyOf(members);
    }

    @Override
    public Optional<Capability> capability(TenantTarget.Kind target) {
      return Optional.of(kind.isExchangeWritten() ? Capability.EXCHANGE_GROUPS : Capability.DIRECTORY_GROUPS);
    }

    @Override
    public <R> R accept(Visitor<R> visitor) {
      return visitor.visitRemoveGroupMembers(this);
    }
  }

  /**
   * Adds members to an existing Entra administrative unit through the directory; the whole list goes to the backend in
   * one call (the Graph backend batches it). A member that is already there counts as success, so the operation can be
   * repeated after a partial failure.
   *
   * @param administrativeUnitId the administrative unit's object id
   * @param members the members to add (user principal names or object ids)
   */
  record AddAdministrativeUnitMembers(String administrativeUnitId, List<String> members) implements Operation {
    public AddAdministrativeUnitMembers {
      members = List.copyOf(members);
    }

    @Override
    public Optional<Capability> capability(TenantTarget.Kind target) {
      return Optional.of(Capability.DIRECTORY_ADMINISTRATIVE_UNITS);
    }

    @Override
    public <R> R accept(Visitor<R> visitor) {
      return visitor.visitAddAdministrativeUnitMembers(this);
    }
  }

  /**
   * Removes members from an Entra administrative unit (EXACT membership only); the whole list goes to the backend in
   * one call. A member that is no longer there counts as success.
   *
   * @param administrativeUnitId the administrative unit's object id
   * @param members the members to remove (user principal names, addresses or object ids, as the unit lists them)
   */
  record RemoveAdministrativeUnitMembers(String administrativeUnitId, List<String> members) implements Operation {
    public RemoveAdministrativeUnitMembers {
      members = List.copyOf(members);
    }

    @Override
    public Optional<Capability> capability(TenantTarget.Kind target) {
      return Optional.of(Capability.DIRECTORY_ADMINISTRATIVE_UNITS);
    }

    @Override
    public <R> R accept(Visitor<R> visitor) {
      return visitor.visitRemoveAdministrativeUnitMembers(this);
    }
  }

  /**
   * Reads a group's DistinguishedName once it exists (never built from its name).
   *
   * @param group the group
   * @param kind its kind
   */
  record ResolveGroupDistinguishedName(String group, GroupKind kind) implements Operation {
    @Override
    public Optional<Capability> capability(TenantTarget.Kind target) {
      return Optional.empty();
    }

    @Override
    public <R> R accept(Visitor<R> visitor) {
      return visitor.visitResolveGroupDistinguishedName(this);
    }
  }

  /**
   * {@code New-ManagementScope -RecipientRestrictionFilter}.
   *
   * @param name the scope name
   * @param filter the filter
   */
  record NewManagementScope(String name, RecipientFilter filter) implements Operation {
    /** On Exchange Online every scope serves RBAC for Applications (ApplicationImpersonation is refused there). */
    @Override
    public Optional<Capability> capability(TenantTarget.Kind target) {
      return Optional.of(target == TenantTarget.Kind.EXCHANGE_ONLINE ? Capability.EXCHANGE_APPLICATION_RBAC : Capability.EXCHANGE_RBAC);
    }

    @Override
    public <R> R accept(Visitor<R> visitor) {
      return visitor.visitNewManagementScope(this);
    }
  }

  /**
   * {@code New-ManagementRoleAssignment}.
   *
   * @param name the assignment name
   * @param role the role
   * @param assignee user UPN, role-group name or service-principal object id
   * @param assigneeType which parameter carries the assignee (-User, -SecurityGroup, -App)
   * @param scopeType how it is scoped
   * @param scope the management scope name or administrative-unit id (empty when organization-wide)
   */
  record NewManagementRoleAssignment(String name, String role, String assignee, AssigneeType assigneeType,
      ScopeType scopeType, String scope) implements Operation {
    /** An app's assignment on Exchange Online is RBAC for Applications; any other is Exchange RBAC. */
    @Override
    public Optional<Capability> capability(TenantTarget.Kind target) {
      return Optional.of(assigneeType == AssigneeType.SERVICE_PRINCIPAL && target == TenantTarget.Kind.EXCHANGE_ONLINE
          ? Capability.EXCHANGE_APPLICATION_RBAC : Capability.EXCHANGE_RBAC);
    }

    @Override
    public <R> R accept(Visitor<R> visitor) {
      return visitor.visitNewManagementRoleAssignment(this);
    }
  }

  /**
   * {@code New-RoleGroup}.
   *
   * @param name the name
   * @param roles its roles
   * @param members its members
   * @param customRecipientWriteScope its write scope (empty = Default, organization-wide)
   * @param description the ownership marker
   */
  record NewRoleGroup(String name, List<String> roles, List<String> members, String customRecipientWriteScope,
      String description) implements Operation {
    public NewRoleGroup {
      roles = List.copyOf(roles);
      members = List.copyOf(members);
    }

    @Override
    public Optional<Capability> capability(TenantTarget.Kind target) {
      return Optional.of(Capability.EXCHANGE_RBAC);
    }

    @Override
    public <R> R accept(Visitor<R> visitor) {
      return visitor.visitNewRoleGroup(this);
    }
  }

  /**
   * {@code Add-RoleGroupMember}.
   *
   * @param roleGroup the role group
   * @param member the member
   */
  record AddRoleGroupMember(String roleGroup, String member) implements Operation {
    @Override
    public Optional<Capability> capability(TenantTarget.Kind target) {
      return Optional.of(Capability.EXCHANGE_RBAC);
    }

    @Override
    public <R> R accept(Visitor<R> visitor) {
      return visitor.visitAddRoleGroupMember(this);
    }
  }

  /**
   * {@code New-ServicePrincipal}: Exchange's pointer to an Entra service principal.
   *
   * @param appId the app id
   * @param objectId the service principal object id
   * @param displayName the display name
   */
  record NewServicePrincipal(String appId, String objectId, String displayName) implements Operation {
    /** Part of RBAC for Applications (step 2 of the RBAC for Applications recipe, docs/rbac-for-applications.md#recipe). */
    @Override
    public Optional<Capability> capability(TenantTarget.Kind target) {
      return Optional.of(Capability.EXCHANGE_APPLICATION_RBAC);
    }

    @Override
    public <R> R accept(Visitor<R> visitor) {
      return visitor.visitNewServicePrincipal(this);
    }
  }

  /**
   * {@code New-ApplicationAccessPolicy}.
   *
   * @param appId the app id
   * @param policyScopeGroup the mail-enabled security group
   * @param accessRight RestrictAccess or DenyAccess
   * @param description the ownership marker
   */
  record NewApplicationAccessPolicy(String appId, String policyScopeGroup, String accessRight, String description)
      implements Operation {
    @Override
    public Optional<Capability> capability(TenantTarget.Kind target) {
      return Optional.of(Capability.EXCHANGE_APPLICATIONS);
    }

    @Override
    public <R> R accept(Visitor<R> visitor) {
      return visitor.visitNewApplicationAccessPolicy(this);
    }
  }

  /**
   * {@code Add-MailboxPermission -AccessRights FullAccess -AutoMapping $false}, one call per mailbox.
   *
   * <p>With a recipient filter (procedure 004B's "all user mailboxes except …", {@code Scope.recipientFilter(...)}), the
   * mailboxes are the ones the filter matched when the plan was read; the executor grants exactly those, while the admin
   * script loops over the filter's result when it runs ({@code Get-Mailbox -ResultSize Unlimited -Filter}), as the
   * procedure's own pipeline does (docs/vendor-procedures.md#full-access-filter).
   *
   * @param user the trustee
   * @param mailboxes the mailboxes
   * @param recipientFilter the OPATH filter that selected the mailboxes, if they came from one
   */
  record AddMailboxPermissions(String user, List<String> mailboxes, Optional<String> recipientFilter) implements Operation {
    public AddMailboxPermissions {
      mailboxes = List.copyOf(mailboxes);
      recipientFilter = recipientFilter == null ? Optional.empty() : recipientFilter;
    }

    /**
     * FullAccess on listed mailboxes, not selected by a filter.
     *
     * @param user the trustee
     * @param mailboxes the mailboxes
     */
    public AddMailboxPermissions(String user, List<String> mailboxes) {
      this(user, mailboxes, Optional.empty());
    }

    @Override
    public Optional<Capability> capability(TenantTarget.Kind target) {
      return Optional.of(Capability.EXCHANGE_MAILBOX_PERMISSIONS);
    }

    @Override
    public <R> R accept(Visitor<R> visitor) {
      return visitor.visitAddMailboxPermissions(this);
    }
  }

  /**
   * Grants Microsoft Graph application permissions tenant-wide (admin consent): one app-role assignment of the
   * Microsoft Graph service principal's role per permission to the app's service principal. A permission that is
   * already granted counts as success.
   *
   * @param appId the app id
   * @param servicePrincipalObjectId the app's Entra service principal object id
   * @param permissions Microsoft Graph application permissions, e.g. "Mail.Read"
   */
  record GrantApplicationPermissions(String appId, String servicePrincipalObjectId, List<String> permissions)
      implements Operation {
    public GrantApplicationPermissions {
      permissions = List.copyOf(permissions);
    }

    @Override
    public Optional<Capability> capability(TenantTarget.Kind target) {
      return Optional.of(Capability.DIRECTORY_APPLICATIONS);
    }

    @Override
    public <R> R accept(Visitor<R> visitor) {
      return visitor.visitGrantApplicationPermissions(this);
    }
  }

  /**
   * Revokes tenant-wide Microsoft Graph application permissions (removes the app-role assignments). A permission
   * that is not granted counts as success.
   *
   * @param appId the app id
   * @param servicePrincipalObjectId the app's Entra service principal object id
   * @param permissions Microsoft Graph application permissions, e.g. "Mail.ReadWrite"
   */
  record RevokeApplicationPermissions(String appId, String servicePrincipalObjectId, List<String> permissions)
      implements Operation {
    public RevokeApplicationPermissions {
      permissions = List.copyOf(permissions);
    }

    @Override
    public Optional<Capability> capability(TenantTarget.Kind target) {
      return Optional.of(Capability.DIRECTORY_APPLICATIONS);
    }

    @Override
    public <R> R accept(Visitor<R> visitor) {
      return visitor.visitRevokeApplicationPermissions(this);
    }
  }

  /**
   * Adds an application to the organization's EWS allow list ({@code EwsAllowedAppIDs}, Exchange Online). The service
   * writes the whole list at once, so a backend reads the list when it runs this and writes it back with the app added
   * (nothing when already listed): ids others added in between are kept.
   *
   * @param appId the application (client) id
   */
  record AllowEwsApplication(String appId) implements Operation {
    @Override
    public Optional<Capability> capability(TenantTarget.Kind target) {
      return Optional.of(Capability.EXCHANGE_ORGANIZATION);
    }

    @Override
    public <R> R accept(Visitor<R> visitor) {
      return visitor.visitAllowEwsApplication(this);
    }
  }

  /**
   * {@code Set-OrganizationConfig -EwsEnabled $true}: turns EWS on for the whole organization (with a non-empty allow
   * list, for the listed apps only). A tenant-wide change: planned only when the setup acknowledges it.
   */
  record EnableOrganizationEws() implements Operation {
    @Override
    public Optional<Capability> capability(TenantTarget.Kind target) {
      return Optional.of(Capability.EXCHANGE_ORGANIZATION);
    }

    @Override
    public <R> R accept(Visitor<R> visitor) {
      return visitor.visitEnableOrganizationEws(this);
    }
  }

  /**
   * The gate of a migration from an application access policy (docs/migration.md): waits until the new role assignments
   * have had {@code settle} to become effective, then checks, with the cache-free {@code Test-ServicePrincipalAuthorization},
   * that every direct member of {@code group} is in scope for each role. It fails, and so stops the run before anything
   * is removed, when one is not. Performed by the executor, with reads only.
   *
   * @param appId the application
   * @param servicePrincipalId the Exchange service principal pointer's object id (the assignments' assignee)
   * @param roles the {@code Application …} roles that must be in scope
   * @param group the scope group whose direct members must be covered
   * @param settle how long the assignments get to become effective before the consent and the policy go
   */
  record ConfirmRbacForApplications(String appId, String servicePrincipalId, List<String> roles, String group,
      java.time.Duration settle) implements Operation {
    public ConfirmRbacForApplications {
      roles = List.copyOf(roles);
    }

    @Override
    public Optional<Capability> capability(TenantTarget.Kind target) {
      return Optional.empty();
    }

    @Override
    public <R> R accept(Visitor<R> visitor) {
      return visitor.visitConfirmRbacForApplications(this);
    }
  }

  /**
   * {@code Remove-ApplicationAccessPolicy}: removes an access policy that RBAC for Applications replaced (planned only when
   * the setup asked for it, after the confirmation and the consent's removal).
   *
   * @param identity the policy's identity as {@code Get-ApplicationAccessPolicy} shows it
   * @param appId the application it applies to
   * @param scopeGroup its scope group, for plans and messages
   */
  record RemoveApplicationAccessPolicy(String identity, String appId, String scopeGroup) implements Operation {
    @Override
    public Optional<Capability> capability(TenantTarget.Kind target) {
      return Optional.of(Capability.EXCHANGE_APPLICATIONS);
    }

    @Override
    public <R> R accept(Visitor<R> visitor) {
      return visitor.visitRemoveApplicationAccessPolicy(this);
    }
  }

  /**
   * Removes one object a setup made (teardown, docs/lifecycle.md): a role assignment, management scope, role group,
   * Exchange service principal pointer, access policy, FullAccess permissions, an Exchange group, or the app's entry on
   * the EWS allow list. Only ever planned from a setup's record; an object already gone counts as removed.
   *
   * @param object what to remove
   */
  record RemoveOwnedObject(OwnedObject object) implements Operation {
    @Override
    public Optional<Capability> capability(TenantTarget.Kind target) {
      return Optional.of(switch (object.kind()) {
        case ROLE_ASSIGNMENT, MANAGEMENT_SCOPE, ROLE_GROUP, EXCHANGE_SERVICE_PRINCIPAL -> Capability.EXCHANGE_RBAC;
        case ACCESS_POLICY -> Capability.EXCHANGE_APPLICATIONS;
        case MAILBOX_PERMISSIONS -> Capability.EXCHANGE_MAILBOX_PERMISSIONS;
        case EWS_ALLOW_LIST_ENTRY, ORGANIZATION_EWS -> Capability.EXCHANGE_ORGANIZATION;
        case GROUP, GROUP_MEMBERS -> Capability.EXCHANGE_GROUPS;
        case SERVICE_ACCOUNT, ADMINISTRATIVE_UNIT_MEMBERS, APPLICATION_CONSENT -> Capability.DIRECTORY_USERS;
      });
    }

    @Override
    public <R> R accept(Visitor<R> visitor) {
      return visitor.visitRemoveOwnedObject(this);
    }
  }
}
