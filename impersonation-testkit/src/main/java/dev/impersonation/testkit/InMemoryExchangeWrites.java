package dev.impersonation.testkit;

import dev.impersonation.Access.ApplicationImpersonation;
import dev.impersonation.GroupKind;
import dev.impersonation.ObjectAlreadyExistsException;
import dev.impersonation.TenantException;
import dev.impersonation.spi.AssigneeType;
import dev.impersonation.spi.Operation;
import dev.impersonation.spi.RecipientType;
import dev.impersonation.spi.ScopeType;
import dev.impersonation.testkit.internal.OpathReader;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The writes of {@link InMemoryExchange}, one {@link Operation.Visitor} method per kind of operation, with cmdlet
 * semantics over the shared store (the errors, "already exists" answers and limits Exchange gives). The kinds Exchange
 * does not perform (directory writes and the executor's own waits and reads) are refused with a {@link TenantException}.
 */
final class InMemoryExchangeWrites implements Operation.Visitor<Void> {
  private final TenantState s;

  InMemoryExchangeWrites(TenantState state) {
    this.s = state;
  }

  private static Void notPerformed(Operation op) {
    throw new TenantException("The fake Exchange backend does not perform " + op.getClass().getSimpleName());
  }

  @Override
  public Void visitEnableOrganizationCustomization(Operation.EnableOrganizationCustomization op) {
    s.requireCloud("Enable-OrganizationCustomization");
    if (!s.dehydrated) {
      throw new ObjectAlreadyExistsException("organization", TenantState.ALREADY_CUSTOMIZED_TEXT);
    }
    s.dehydrated = false;
    return null;
  }

  @Override
  public Void visitCreateServiceAccount(Operation.CreateServiceAccount c) {
    if (s.target.isExchangeOnline()) {
      throw new TenantException("The fake Exchange Online backend creates service accounts through the directory backend.");
    }
    s.addMailbox(c.userPrincipalName(), c.displayName(), RecipientType.USER_MAILBOX, s.now());
    return null;
  }

  @Override
  public Void visitAwaitMailbox(Operation.AwaitMailbox op) {
    return notPerformed(op);
  }

  @Override
  public Void visitAwaitAccessPolicy(Operation.AwaitAccessPolicy op) {
    return notPerformed(op);
  }

  @Override
  public Void visitNewDistributionGroup(Operation.NewDistributionGroup g) {
    if (!g.kind().isExchangeWritten()) {
      throw new TenantException("New-DistributionGroup cannot create a " + g.kind().label() + ".");
    }
    for (String owner : g.managedBy()) {
      s.memberKey(owner);
    }
    for (String member : g.members()) {
      s.memberKey(member);
    }
    TenantState.GroupObject created = s.addGroup(g.name(), g.kind(), g.primarySmtpAddress().orElse(
        g.alias().map(a -> a + "@" + s.target.domain()).orElse(null)));
    created.managedBy.addAll(g.managedBy().stream().map(s::memberKey).toList());
    created.notes = g.notes();
    created.members.addAll(g.members().stream().map(s::memberKey).toList());
    return null;
  }

  @Override
  public Void visitCreateDirectoryGroup(Operation.CreateDirectoryGroup op) {
    return notPerformed(op);
  }

  @Override
  public Void visitSetGroup(Operation.SetGroup set) {
    TenantState.GroupObject g = exchangeGroup(set.identity());
    for (String owner : set.addManagedBy()) {
      String k = s.memberKey(owner);
      if (!g.managedBy.contains(k)) {
        g.managedBy.add(k);
      }
    }
    if (set.closeMembership()) {
      g.closed = true;
    }
    if (set.hideFromAddressLists()) {
      g.hidden = true;
    }
    return null;
  }

  @Override
  public Void visitAddGroupMembers(Operation.AddGroupMembers add) {
    TenantState.GroupObject g = exchangeGroup(add.group());
    for (String member : add.members()) {
      String k = s.memberKey(member);
      if (g.kind == GroupKind.ROOM_LIST && s.mailbox(member).map(m -> m.type != RecipientType.ROOM_MAILBOX
          && m.type != RecipientType.EQUIPMENT_MAILBOX).orElse(true)) {
        throw new TenantException("RecipientTaskException: Only room mailboxes can be members of the room list '" + g.name + "'.");
      }
      if (!g.members.add(k)) {
        throw new ObjectAlreadyExistsException(member, "MemberAlreadyExistsException: The recipient \"" + member
            + "\" is already a member of the group \"" + g.name + "\".");
      }
    }
    return null;
  }

  @Override
  public Void visitRemoveGroupMembers(Operation.RemoveGroupMembers remove) {
    TenantState.GroupObject g = exchangeGroup(remove.group());
    for (String member : remove.members()) {
      if (!g.members.remove(s.memberKey(member))) {
        throw new TenantException("MemberNotFoundException: The recipient \"" + member + "\" isn't a member of the group \"" + g.name + "\".");
      }
    }
    return null;
  }

  @Override
  public Void visitAddAdministrativeUnitMembers(Operation.AddAdministrativeUnitMembers op) {
    return notPerformed(op);
  }

  @Override
  public Void visitRemoveAdministrativeUnitMembers(Operation.RemoveAdministrativeUnitMembers op) {
    return notPerformed(op);
  }

  @Override
  public Void visitResolveGroupDistinguishedName(Operation.ResolveGroupDistinguishedName op) {
    return notPerformed(op);
  }

  @Override
  public Void visitNewManagementScope(Operation.NewManagementScope scope) {
    Instant now = s.now();
    s.requireCustomized("New-ManagementScope");
    if (s.scopes.containsKey(TenantState.key(scope.name()))) {
      throw TenantState.nameTaken(scope.name());
    }
    String filter = scope.filter().toOpath(g -> {
      throw new TenantException("The recipient filter references a group whose DN was not resolved: " + g);
    });
    try {
      OpathReader.check(filter);
    } catch (IllegalArgumentException e) {
      throw new TenantException("InvalidOperationException: " + e.getMessage());
    }
    s.scopes.put(TenantState.key(scope.name()), new TenantState.ScopeObject(scope.name(), filter, now));
    s.created("scope", scope.name());
    return null;
  }

  @Override
  public Void visitNewManagementRoleAssignment(Operation.NewManagementRoleAssignment a) {
    newAssignment(a, s.now());
    return null;
  }

  @Override
  public Void visitNewRoleGroup(Operation.NewRoleGroup rg) {
    Instant now = s.now();
    s.requireCustomized("New-RoleGroup");
    if (s.roleGroups.containsKey(TenantState.key(rg.name()))) {
      throw TenantState.nameTaken(rg.name());
    }
    if (!rg.customRecipientWriteScope().isEmpty() && (!s.scopes.containsKey(TenantState.key(rg.customRecipientWriteScope()))
        || s.lagging("scope", rg.customRecipientWriteScope()))) {
      throw s.notFound(rg.customRecipientWriteScope());
    }
    rg.roles().forEach(this::checkRoleAllowed);
    TenantState.RoleGroupObject g = new TenantState.RoleGroupObject();
    g.name = rg.name();
    g.roles.addAll(rg.roles());
    for (String member : rg.members()) {
      g.members.add(s.usableMailbox(member).map(m -> m.upn).orElseThrow(() -> s.notFound(member)));
    }
    g.scope = rg.customRecipientWriteScope();
    g.description = rg.description();
    g.createdAt = now;
    s.roleGroups.put(TenantState.key(rg.name()), g);
    s.created("rolegroup", rg.name());
    return null;
  }

  @Override
  public Void visitAddRoleGroupMember(Operation.AddRoleGroupMember m) {
    Instant now = s.now();
    TenantState.RoleGroupObject g = Optional.ofNullable(s.roleGroups.get(TenantState.key(m.roleGroup())))
        .filter(x -> !s.lagging("rolegroup", x.name)).orElseThrow(() -> s.notFound(m.roleGroup()));
    String upn = s.usableMailbox(m.member()).map(x -> x.upn).orElseThrow(() -> s.notFound(m.member()));
    if (g.members.stream().anyMatch(x -> x.equalsIgnoreCase(upn))) {
      throw new ObjectAlreadyExistsException(upn, "MemberAlreadyExistsException: The recipient \"" + upn
          + "\" is already a member of the group \"" + g.name + "\".");
    }
    g.members.add(upn);
    g.createdAt = now;
    return null;
  }

  @Override
  public Void visitNewServicePrincipal(Operation.NewServicePrincipal sp) {
    s.requireCloud("New-ServicePrincipal");
    TenantState.AppObject entra = s.apps.get(TenantState.key(sp.appId()));
    if (entra == null || !entra.objectId.equalsIgnoreCase(sp.objectId())) {
      throw new TenantException("The service principal with AppId " + sp.appId() + " and ObjectId " + sp.objectId()
          + " doesn't exist in Microsoft Entra ID: pointers to service principals that don't exist are refused.");
    }
    if (s.exchangeServicePrincipals.containsKey(TenantState.key(sp.appId()))) {
      throw new ObjectAlreadyExistsException(sp.appId(), "ManagementObjectAlreadyExistsException: The service principal "
          + sp.appId() + " already exists.");
    }
    s.exchangeServicePrincipals.put(TenantState.key(sp.appId()),
        new TenantState.ServicePrincipalObject(sp.appId(), sp.objectId(), sp.displayName()));
    s.created("sp", sp.appId());
    return null;
  }

  @Override
  public Void visitNewApplicationAccessPolicy(Operation.NewApplicationAccessPolicy p) {
    Instant now = s.now();
    s.requireCloud("New-ApplicationAccessPolicy");
    TenantState.GroupObject g = s.group(p.policyScopeGroup()).filter(x -> !s.lagging("group", x.name))
        .orElseThrow(() -> s.notFound(p.policyScopeGroup()));
    if (g.kind != GroupKind.MAIL_ENABLED_SECURITY) {
      throw new TenantException("The PolicyScopeGroupId '" + p.policyScopeGroup() + "' must be a mailbox, mail user or "
          + "mail-enabled security group, not a " + g.kind.label() + ".");
    }
    if (s.policies.size() >= 300) {
      throw new TenantException("The total size of App Access Policies exceeded the limit.");
    }
    s.policies.add(new TenantState.PolicyObject(s.uuid("policy:" + p.appId() + g.name + s.policies.size()), p.appId(),
        TenantState.key(g.name), p.accessRight(), p.description(), now));
    return null;
  }

  @Override
  public Void visitAddMailboxPermissions(Operation.AddMailboxPermissions p) {
    Instant now = s.now();
    String user = s.usableMailbox(p.user()).map(m -> m.upn).orElseThrow(() -> s.notFound(p.user()));
    for (String mailbox : p.mailboxes()) {
      TenantState.MailboxObject m = s.usableMailbox(mailbox).orElseThrow(() -> s.notFound(mailbox));
      List<TenantState.PermissionObject> list = s.permissions.computeIfAbsent(TenantState.key(m.smtp), k -> new ArrayList<>());
      if (list.size() >= 500) {
        throw new TenantException("The mailbox " + m.smtp + " already has 500 permission entries (the limit).");
      }
      // Add-MailboxPermission answers a warning, not an error, when the entry exists: idempotent.
      if (list.stream().noneMatch(x -> x.user().equalsIgnoreCase(user) && x.rights().equals("FullAccess") && !x.deny())) {
        list.add(new TenantState.PermissionObject(user, "FullAccess", false, now));
      }
    }
    return null;
  }

  @Override
  public Void visitGrantApplicationPermissions(Operation.GrantApplicationPermissions op) {
    return notPerformed(op);
  }

  @Override
  public Void visitRevokeApplicationPermissions(Operation.RevokeApplicationPermissions op) {
    return notPerformed(op);
  }

  private TenantState.GroupObject exchangeGroup(String identity) {
    TenantState.GroupObject g = s.group(identity).orElseThrow(() -> s.notFound(identity));
    if (!g.kind.isExchangeKnown() || s.lagging("group", g.name)) {
      throw s.notFound(identity);
    }
    return g;
  }

  private void checkRoleAllowed(String role) {
    if (s.target.isExchangeOnline() && role.equalsIgnoreCase(ApplicationImpersonation.ROLE)) {
      // docs/timeline.md: the exact text is unknown [U]; modelled as a refusal naming the retirement.
      throw new TenantException("The role 'ApplicationImpersonation' can no longer be assigned in Exchange Online "
          + "(retired; fake tenant's wording, the real text is unknown).");
    }
  }

  private void newAssignment(Operation.NewManagementRoleAssignment a, Instant now) {
    s.requireCustomized("New-ManagementRoleAssignment");
    checkRoleAllowed(a.role());
    if (s.assignments.containsKey(TenantState.key(a.name()))) {
      throw new ObjectAlreadyExistsException(a.name(), "ManagementObjectAlreadyExistsException: The role assignment \""
          + a.name() + "\" already exists.");
    }
    String assignee = a.assignee();
    switch (a.assigneeType()) {
      case SERVICE_PRINCIPAL -> {
        s.requireCloud("-App");
        if (s.exchangeServicePrincipals.values().stream().noneMatch(p -> p.objectId().equalsIgnoreCase(a.assignee())
            && !s.lagging("sp", p.appId()))) {
          throw s.notFound(a.assignee());
        }
        if (!a.role().startsWith("Application ")) {
          throw new TenantException("Only 'Application ...' roles can be assigned to a service principal.");
        }
      }
      case USER -> assignee = s.usableMailbox(a.assignee()).map(m -> m.upn).orElseThrow(() -> s.notFound(a.assignee()));
      case SECURITY_GROUP -> {
        if (!s.roleGroups.containsKey(TenantState.key(a.assignee()))) {
          throw s.notFound(a.assignee());
        }
      }
    }
    if (a.scopeType() == ScopeType.MANAGEMENT_SCOPE && (!s.scopes.containsKey(TenantState.key(a.scope()))
        || s.lagging("scope", a.scope()))) {
      throw s.notFound(a.scope());
    }
    if (a.scopeType() == ScopeType.RECIPIENT_GROUP) {
      s.requireCloud("-RecipientGroupScope");
      TenantState.GroupObject g = s.group(a.scope()).orElseThrow(() -> s.notFound(a.scope()));
      if (!g.kind.isExchangeKnown()) {
        throw new TenantException("The group '" + a.scope() + "' isn't known to Exchange: -RecipientGroupScope takes a "
            + "distribution group, a mail-enabled security group or a Microsoft 365 group (fake tenant).");
      }
    }
    if (a.scopeType() == ScopeType.ADMINISTRATIVE_UNIT) {
      s.requireCloud("-RecipientAdministrativeUnitScope");
      if (!s.administrativeUnits.containsKey(TenantState.key(a.scope()))) {
        throw s.notFound(a.scope());
      }
    }
    if (a.assigneeType() == AssigneeType.SECURITY_GROUP) {
      TenantState.RoleGroupObject g = s.roleGroups.get(TenantState.key(a.assignee()));
      if (!g.roles.contains(a.role())) {
        g.roles.add(a.role());
      }
    }
    s.assignments.put(TenantState.key(a.name()), new TenantState.AssignmentObject(a.name(), a.role(), assignee,
        a.assigneeType(), a.scopeType(), a.scope(), now));
  }

  @Override
  public Void visitAllowEwsApplication(Operation.AllowEwsApplication op) {
    s.requireCloud("Set-OrganizationConfig -EwsAllowedAppIDs");
    s.allowEwsApplication(op.appId());
    return null;
  }

  @Override
  public Void visitEnableOrganizationEws(Operation.EnableOrganizationEws op) {
    s.ewsEnabled = Boolean.TRUE;
    return null;
  }

  @Override
  public Void visitConfirmRbacForApplications(Operation.ConfirmRbacForApplications op) {
    return notPerformed(op);
  }

  @Override
  public Void visitRemoveApplicationAccessPolicy(Operation.RemoveApplicationAccessPolicy op) {
    s.requireCloud("Remove-ApplicationAccessPolicy");
    boolean removed = s.policies.removeIf(p -> p.id().equalsIgnoreCase(op.identity()));
    if (!removed) {
      throw s.notFound(op.identity());
    }
    return null;
  }

  @Override
  public Void visitRemoveOwnedObject(Operation.RemoveOwnedObject op) {
    InMemoryRemovals.remove(s, op.object());
    return null;
  }
}
