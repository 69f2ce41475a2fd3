package dev.impersonation.testkit;

import dev.impersonation.AccessMethod;
import dev.impersonation.Application;
import dev.impersonation.ApplicationImpersonation;
import dev.impersonation.GroupKind;
import dev.impersonation.ObjectAlreadyExistsException;
import dev.impersonation.Principal;
import dev.impersonation.ServiceAccount;
import dev.impersonation.TenantException;
import dev.impersonation.spi.AccessPolicy;
import dev.impersonation.spi.AssigneeType;
import dev.impersonation.spi.Capability;
import dev.impersonation.spi.ConfiguredAccess;
import dev.impersonation.spi.ExchangeBackend;
import dev.impersonation.spi.ExchangeServicePrincipal;
import dev.impersonation.spi.MailGroup;
import dev.impersonation.spi.MailboxPermission;
import dev.impersonation.spi.ManagementScope;
import dev.impersonation.spi.Operation;
import dev.impersonation.spi.OrganizationConfig;
import dev.impersonation.spi.Recipient;
import dev.impersonation.spi.RecipientType;
import dev.impersonation.spi.RoleAssignment;
import dev.impersonation.spi.RoleGroup;
import dev.impersonation.spi.ScopeType;
import dev.impersonation.testkit.internal.OpathReader;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;

/** The in-memory Exchange backend of a {@link FakeTenant}: cmdlet semantics over the shared store. */
final class InMemoryExchange implements ExchangeBackend {
  private final TenantState s;

  InMemoryExchange(TenantState state) {
    this.s = state;
  }

  @Override
  public String name() {
    return "fake-exchange";
  }

  @Override
  public Set<Capability> capabilities() {
    Set<Capability> all = EnumSet.of(Capability.EXCHANGE_GROUPS, Capability.EXCHANGE_RBAC,
        Capability.EXCHANGE_MAILBOX_PERMISSIONS, Capability.EXCHANGE_RECIPIENTS);
    if (s.target.isExchangeOnline()) {
      all.add(Capability.EXCHANGE_ORGANIZATION);
      all.add(Capability.EXCHANGE_APPLICATIONS);
      all.add(Capability.EXCHANGE_APPLICATION_RBAC);
      all.remove(Capability.EXCHANGE_RECIPIENTS);
    }
    return all;
  }

  /** Runs {@code body} as one Exchange call: faults first, then the journal (also used by the cmdlet interpreter). */
  <T> T call(String operation, String detail, boolean write, Supplier<T> body) {
    return s.call("exchange", operation, detail, write, body);
  }


  // ------------------------------------------------------------ reads

  @Override
  public OrganizationConfig organizationConfig() {
    return call("organizationConfig", "", false, () -> new OrganizationConfig(s.dehydrated, Optional.ofNullable(s.ewsEnabled)));
  }

  static Recipient recipient(TenantState.MailboxObject m) {
    return new Recipient(m.name, m.smtp, m.dn, m.type, m.ewsEnabled);
  }

  private static Recipient recipient(TenantState.GroupObject g) {
    RecipientType type = switch (g.kind) {
      case DISTRIBUTION -> RecipientType.MAIL_UNIVERSAL_DISTRIBUTION_GROUP;
      case MAIL_ENABLED_SECURITY -> RecipientType.MAIL_UNIVERSAL_SECURITY_GROUP;
      case ROOM_LIST -> RecipientType.ROOM_LIST;
      default -> RecipientType.GROUP_MAILBOX;
    };
    return new Recipient(g.name, g.smtp, g.dn, type, false);
  }

  @Override
  public Optional<Recipient> findRecipient(String identity) {
    return call("findRecipient", identity, false, () -> {
      Optional<TenantState.MailboxObject> m = s.usableMailbox(identity);
      if (m.isPresent()) {
        return Optional.of(recipient(m.get()));
      }
      return s.group(identity).filter(g -> g.kind.isExchangeKnown()).map(InMemoryExchange::recipient);
    });
  }

  @Override
  public List<Recipient> listMailboxes(int limit) {
    return call("listMailboxes", String.valueOf(limit), false, () -> s.mailboxes.values().stream()
        .filter(m -> !m.usableAt.isAfter(s.now())).limit(limit).map(InMemoryExchange::recipient).toList());
  }

  private MailGroup mailGroup(TenantState.GroupObject g) {
    return new MailGroup(g.name, g.id, g.dn, g.kind, g.smtp, g.managedBy, g.closed, g.hidden, g.notes);
  }

  @Override
  public Optional<MailGroup> findGroup(String identity) {
    return call("findGroup", identity, false, () -> s.group(identity).filter(g -> g.kind.isExchangeKnown())
        .filter(g -> !s.lagging("group", g.name)).map(this::mailGroup));
  }

  @Override
  public List<Recipient> groupMembers(String groupIdentity) {
    return call("groupMembers", groupIdentity, false, () -> {
      TenantState.GroupObject g = s.group(groupIdentity).filter(x -> x.kind.isExchangeKnown())
          .filter(x -> !s.lagging("group", x.name)).orElseThrow(() -> s.notFound(groupIdentity));
      List<Recipient> out = new ArrayList<>();
      for (String member : g.members) {
        s.mailbox(member).ifPresentOrElse(m -> out.add(recipient(m)), () -> s.group(member).ifPresent(x -> out.add(recipient(x))));
      }
      return out;
    });
  }

  @Override
  public Optional<ManagementScope> findManagementScope(String name) {
    return call("findManagementScope", name, false, () -> Optional.ofNullable(s.scopes.get(TenantState.key(name)))
        .filter(x -> !s.lagging("scope", x.name())).map(x -> new ManagementScope(x.name(), x.filter(), false)));
  }

  @Override
  public List<RoleAssignment> roleAssignments(String assignee) {
    return call("roleAssignments", assignee, false, () -> s.roleAssignmentsOf(assignee));
  }

  @Override
  public Optional<RoleGroup> findRoleGroup(String name) {
    return call("findRoleGroup", name, false, () -> Optional.ofNullable(s.roleGroups.get(TenantState.key(name)))
        .filter(g -> !s.lagging("rolegroup", g.name)).map(g -> new RoleGroup(g.name, g.roles, g.members, g.scope, g.description)));
  }

  @Override
  public List<MailboxPermission> mailboxPermissions(String mailbox) {
    return call("mailboxPermissions", mailbox, false, () -> {
      TenantState.MailboxObject m = s.usableMailbox(mailbox).orElseThrow(() -> s.notFound(mailbox));
      return s.permissions.getOrDefault(TenantState.key(m.smtp), List.of()).stream()
          .map(p -> new MailboxPermission(m.smtp, p.user(), List.of(p.rights()), p.deny())).toList();
    });
  }

  @Override
  public Optional<ExchangeServicePrincipal> findServicePrincipal(String appId) {
    return call("findServicePrincipal", appId, false, () -> {
      s.requireCloud("Get-ServicePrincipal");
      return Optional.ofNullable(s.exchangeServicePrincipals.get(TenantState.key(appId)))
          .filter(p -> !s.lagging("sp", p.appId())).map(p -> new ExchangeServicePrincipal(p.appId(), p.objectId(), p.displayName()));
    });
  }

  @Override
  public List<AccessPolicy> accessPolicies(String appId) {
    return call("accessPolicies", appId, false, () -> {
      s.requireCloud("Get-ApplicationAccessPolicy");
      return s.policies.stream().filter(p -> p.appId().equalsIgnoreCase(appId))
          .map(p -> new AccessPolicy(p.id(), p.appId(), s.group(p.groupKey()).map(g -> g.smtp).orElse(p.groupKey()), p.right(),
              p.description(), p.createdAt()))
          .toList();
    });
  }

  @Override
  public ConfiguredAccess testConfiguredAccess(AccessMethod method, Principal principal, String mailbox) {
    return call("testConfiguredAccess", method + " " + mailbox, false, () -> {
      TenantState.MailboxObject m = s.usableMailbox(mailbox).orElseThrow(() -> s.notFound(mailbox));
      return switch (method) {
        case RBAC_FOR_APPLICATIONS -> rbac((Application) principal, m);
        case APPLICATION_ACCESS_POLICY -> policy((Application) principal, m);
        case APPLICATION_IMPERSONATION -> impersonation((ServiceAccount) principal, m);
        case FULL_ACCESS_DELEGATION -> fullAccess((ServiceAccount) principal, m);
      };
    });
  }

  /**
   * Per permission: only assignments whose role grants {@code permission} (Microsoft's role-to-permission table, see
   * {@link dev.impersonation.spi.AppPermissions#grantedByRole}) count, as a caller matching
   * {@code Test-ServicePrincipalAuthorization}'s {@code GrantedPermissions} would.
   */
  @Override
  public ConfiguredAccess testConfiguredAccess(AccessMethod method, Principal principal, String mailbox, String permission) {
    if (method != AccessMethod.RBAC_FOR_APPLICATIONS) {
      return testConfiguredAccess(method, principal, mailbox);
    }
    return call("testConfiguredAccess", method + " " + mailbox + " " + permission, false, () -> {
      TenantState.MailboxObject m = s.usableMailbox(mailbox).orElseThrow(() -> s.notFound(mailbox));
      Application app = (Application) principal;
      TenantState.ServicePrincipalObject sp = s.exchangeServicePrincipals.get(TenantState.key(app.appId()));
      if (sp == null) {
        throw s.notFound(app.appId());
      }
      Optional<TenantState.AssignmentObject> covering = rbacGrants(sp.objectId(), m, permission)
          .min(java.util.Comparator.comparing(TenantState.AssignmentObject::createdAt));
      return new ConfiguredAccess(covering.isPresent(), covering.map(TenantState.AssignmentObject::createdAt),
          "Test-ServicePrincipalAuthorization -Resource " + m.smtp + ": " + (covering.isPresent() ? covering.get().role()
              + " grants " + permission + ", InScope True" : "no row granting " + permission + " is InScope"));
    });
  }

  /** The app's assignments that grant {@code permission} and whose scope covers {@code m}. */
  java.util.stream.Stream<TenantState.AssignmentObject> rbacGrants(String spObjectId, TenantState.MailboxObject m, String permission) {
    return s.assignments.values().stream()
        .filter(a -> a.type() == AssigneeType.SERVICE_PRINCIPAL && a.assignee().equalsIgnoreCase(spObjectId) && s.covers(a, m))
        .filter(a -> dev.impersonation.spi.AppPermissions.anyImplies(dev.impersonation.spi.AppPermissions.grantedByRole(a.role()), permission));
  }

  private ConfiguredAccess rbac(Application app, TenantState.MailboxObject m) {
    TenantState.ServicePrincipalObject sp = s.exchangeServicePrincipals.get(TenantState.key(app.appId()));
    if (sp == null) {
      throw s.notFound(app.appId());
    }
    Optional<TenantState.AssignmentObject> covering = s.assignments.values().stream()
        .filter(a -> a.type() == AssigneeType.SERVICE_PRINCIPAL && a.assignee().equalsIgnoreCase(sp.objectId()) && s.covers(a, m))
        .min(java.util.Comparator.comparing(TenantState.AssignmentObject::createdAt));
    return new ConfiguredAccess(covering.isPresent(), covering.map(TenantState.AssignmentObject::createdAt),
        "Test-ServicePrincipalAuthorization -Resource " + m.smtp + ": InScope " + (covering.isPresent() ? "True ("
            + covering.get().role() + ")" : "False"));
  }

  private ConfiguredAccess policy(Application app, TenantState.MailboxObject m) {
    List<TenantState.PolicyObject> mine = s.policies.stream().filter(p -> p.appId().equalsIgnoreCase(app.appId())).toList();
    Optional<TenantState.PolicyObject> granting = mine.stream().filter(p -> p.right().equals("RestrictAccess")
        && s.group(p.groupKey()).map(g -> s.memberNested(TenantState.key(m.smtp), g, new HashSet<>())).orElse(false)).findFirst();
    boolean granted = mine.isEmpty() || granting.isPresent();
    return new ConfiguredAccess(granted, granting.map(TenantState.PolicyObject::createdAt),
        "Test-ApplicationAccessPolicy -Identity " + m.smtp + ": AccessCheckResult " + (granted ? "Granted" : "Denied"));
  }

  Optional<Instant> impersonationSince(String upn, TenantState.MailboxObject m) {
    Optional<Instant> direct = s.assignments.values().stream()
        .filter(a -> a.type() == AssigneeType.USER && a.assignee().equalsIgnoreCase(upn)
            && a.role().equalsIgnoreCase(ApplicationImpersonation.ROLE) && s.covers(a, m))
        .map(TenantState.AssignmentObject::createdAt).min(Instant::compareTo);
    Optional<Instant> viaGroup = s.roleGroups.values().stream()
        .filter(g -> g.members.stream().anyMatch(x -> x.equalsIgnoreCase(upn))
            && g.roles.stream().anyMatch(r -> r.equalsIgnoreCase(ApplicationImpersonation.ROLE)) && s.roleGroupCovers(g, m))
        .map(g -> g.createdAt).min(Instant::compareTo);
    return direct.isPresent() ? direct : viaGroup;
  }

  private ConfiguredAccess impersonation(ServiceAccount account, TenantState.MailboxObject m) {
    Optional<Instant> since = impersonationSince(account.userPrincipalName(), m);
    return new ConfiguredAccess(since.isPresent(), since, "Get-ManagementRoleAssignment -GetEffectiveUsers: "
        + ApplicationImpersonation.ROLE + (since.isPresent() ? " covers " : " does not cover ") + m.smtp);
  }

  Optional<Instant> fullAccessSince(String upn, TenantState.MailboxObject m) {
    return s.permissions.getOrDefault(TenantState.key(m.smtp), List.of()).stream()
        .filter(p -> p.user().equalsIgnoreCase(upn) && p.rights().equals("FullAccess") && !p.deny())
        .map(TenantState.PermissionObject::createdAt).findFirst();
  }

  private ConfiguredAccess fullAccess(ServiceAccount account, TenantState.MailboxObject m) {
    Optional<Instant> since = fullAccessSince(account.userPrincipalName(), m);
    return new ConfiguredAccess(since.isPresent(), since, "Get-MailboxPermission -Identity " + m.smtp + ": "
        + (since.isPresent() ? "FullAccess for " : "no FullAccess for ") + account.userPrincipalName());
  }

  // ------------------------------------------------------------ writes

  @Override
  public void execute(Operation op) {
    call(op.getClass().getSimpleName(), detail(op), true, () -> {
      apply(op);
      return null;
    });
  }

  private static String detail(Operation op) {
    String text = op.toString();
    return text.length() > 400 ? text.substring(0, 400) + "…" : text;
  }

  private void apply(Operation op) {
    Instant now = s.now();
    if (op instanceof Operation.EnableOrganizationCustomization) {
      s.requireCloud("Enable-OrganizationCustomization");
      if (!s.dehydrated) {
        throw new ObjectAlreadyExistsException("organization", TenantState.ALREADY_CUSTOMIZED_TEXT);
      }
      s.dehydrated = false;
    } else if (op instanceof Operation.CreateServiceAccount c) {
      if (s.target.isExchangeOnline()) {
        throw new TenantException("The fake Exchange Online backend creates service accounts through the directory backend.");
      }
      s.addMailbox(c.userPrincipalName(), c.displayName(), RecipientType.USER_MAILBOX, now);
    } else if (op instanceof Operation.NewDistributionGroup g) {
      if (!g.kind().isExchangeWritten()) {
        throw new TenantException("New-DistributionGroup cannot create a " + g.kind().label() + ".");
      }
      for (String owner : g.managedBy()) {
        s.memberKey(owner);
      }
      TenantState.GroupObject created = s.addGroup(g.name(), g.kind(), g.primarySmtpAddress().orElse(
          g.alias().map(a -> a + "@" + s.target.domain()).orElse(null)));
      created.managedBy.addAll(g.managedBy().stream().map(s::memberKey).toList());
      created.notes = g.notes();
    } else if (op instanceof Operation.SetGroup set) {
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
    } else if (op instanceof Operation.AddGroupMembers add) {
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
    } else if (op instanceof Operation.RemoveGroupMembers remove) {
      TenantState.GroupObject g = exchangeGroup(remove.group());
      for (String member : remove.members()) {
        if (!g.members.remove(s.memberKey(member))) {
          throw new TenantException("MemberNotFoundException: The recipient \"" + member + "\" isn't a member of the group \"" + g.name + "\".");
        }
      }
    } else if (op instanceof Operation.NewManagementScope scope) {
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
    } else if (op instanceof Operation.NewManagementRoleAssignment a) {
      newAssignment(a, now);
    } else if (op instanceof Operation.NewRoleGroup rg) {
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
    } else if (op instanceof Operation.AddRoleGroupMember m) {
      TenantState.RoleGroupObject g = Optional.ofNullable(s.roleGroups.get(TenantState.key(m.roleGroup())))
          .filter(x -> !s.lagging("rolegroup", x.name)).orElseThrow(() -> s.notFound(m.roleGroup()));
      String upn = s.usableMailbox(m.member()).map(x -> x.upn).orElseThrow(() -> s.notFound(m.member()));
      if (g.members.stream().anyMatch(x -> x.equalsIgnoreCase(upn))) {
        throw new ObjectAlreadyExistsException(upn, "MemberAlreadyExistsException: The recipient \"" + upn
            + "\" is already a member of the group \"" + g.name + "\".");
      }
      g.members.add(upn);
      g.createdAt = now;
    } else if (op instanceof Operation.NewServicePrincipal sp) {
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
    } else if (op instanceof Operation.NewApplicationAccessPolicy p) {
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
    } else if (op instanceof Operation.AddMailboxPermissions p) {
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
    } else {
      throw new TenantException("The fake Exchange backend does not perform " + op.getClass().getSimpleName());
    }
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
}
