package dev.impersonation.testkit;

import dev.impersonation.GroupKind;
import dev.impersonation.TenantException;
import dev.impersonation.spi.AssigneeType;
import dev.impersonation.spi.Operation;
import dev.impersonation.spi.OrganizationConfig;
import dev.impersonation.spi.OwnedObject;
import dev.impersonation.spi.Recipient;
import dev.impersonation.spi.RecipientFilter;
import dev.impersonation.spi.ScopeType;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Interprets one Exchange cmdlet (name and JSON-like parameters, as the admin REST endpoint's {@code InvokeCommand}
 * receives them) against a {@link FakeTenant}'s store and answers its output rows (docs/cmdlets.md, docs/rbac-for-applications.md, docs/exchange-admin-rest.md).
 *
 * <p>Writes become the core {@link Operation} records and run through {@link InMemoryExchange#execute}, so errors,
 * read-after-write lag, faults and the journal are the in-memory backend's. Reads run inside
 * {@link InMemoryExchange#call}, named like the SPI read they correspond to (e.g. {@code findGroup}) so that
 * {@link Faults} rules written for the in-memory backend apply to the cmdlets too; cmdlet-only reads are named after the
 * cmdlet (e.g. {@code Get-CASMailbox}).
 *
 * <p>Errors are thrown as the store's exceptions; messages start with the Exchange exception type where the store
 * gives one ({@code "ManagementObjectNotFoundException: ..."}). Unknown cmdlets and parameters raise
 * {@code CommandNotFoundException} / {@code ParameterBindingException}, so client bugs surface.
 */
final class ExchangeCmdlets {
  private final TenantState s;
  private final InMemoryExchange exchange;
  private final ExchangeRbacCmdlets rbac;
  private final ExchangeOrganizationCmdlets organization;

  ExchangeCmdlets(TenantState state, InMemoryExchange exchange) {
    this.s = state;
    this.exchange = exchange;
    this.rbac = new ExchangeRbacCmdlets(state, exchange);
    this.organization = new ExchangeOrganizationCmdlets(state, exchange);
  }

  /** The cmdlets this interpreter knows, in alphabetical order. */
  static List<String> supportedCmdlets() {
    return CmdletParams.supported();
  }

  /** Runs {@code cmdlet} with {@code parameters} (String, Boolean, List of String, or a hashtable Map) and answers its rows. */
  List<Map<String, Object>> invoke(String cmdlet, Map<String, ?> parameters) {
    CmdletParams p = CmdletParams.bind(cmdlet, parameters);
    String name = p.name;
    return switch (name) {
      case "Get-OrganizationConfig" -> organization.getOrganizationConfig(p);
      case "Set-OrganizationConfig" -> organization.setOrganizationConfig(p);
      case "Get-ManagementRole" -> organization.getManagementRoles(p);
      case "Remove-ApplicationAccessPolicy" -> write(new Operation.RemoveApplicationAccessPolicy(p.required("Identity"), "", ""));
      case "Remove-ManagementRoleAssignment" -> remove(OwnedObject.Kind.ROLE_ASSIGNMENT, p.required("Identity"), List.of());
      case "Remove-ManagementScope" -> remove(OwnedObject.Kind.MANAGEMENT_SCOPE, p.required("Identity"), List.of());
      case "Remove-RoleGroup" -> remove(OwnedObject.Kind.ROLE_GROUP, p.required("Identity"), List.of());
      case "Remove-ServicePrincipal" -> remove(OwnedObject.Kind.EXCHANGE_SERVICE_PRINCIPAL, p.required("Identity"), List.of());
      case "Remove-DistributionGroup" -> remove(OwnedObject.Kind.GROUP, p.required("Identity"), List.of());
      case "Remove-MailboxPermission" -> remove(OwnedObject.Kind.MAILBOX_PERMISSIONS, p.required("User"), List.of(p.required("Identity")));
      case "Enable-OrganizationCustomization" -> write(new Operation.EnableOrganizationCustomization());
      case "Get-Recipient", "Get-Mailbox" -> getRecipient(name, p);
      case "Get-CASMailbox" -> getCasMailbox(p);
      // The default parameter set (no identity): every mailbox's explicit permissions, FullAccess ones here.
      case "Get-EXOMailboxPermission" -> exchange.fullAccessGrants().stream().map(g -> ExchangeRows.row("Identity", g.mailbox(),
          "User", g.user(), "AccessRights", g.accessRights(), "IsInherited", false, "Deny", g.deny())).toList();
      case "Get-DistributionGroup" -> getGroup(p, false);
      case "Get-UnifiedGroup" -> getGroup(p, true);
      case "Get-DistributionGroupMember" -> getMembers(p, false);
      case "Get-UnifiedGroupLinks" -> getUnifiedGroupLinks(p);
      case "Get-ManagementScope" -> rbac.getManagementScope(p);
      case "Get-ManagementRoleAssignment" -> rbac.getRoleAssignments(p);
      case "Get-RoleGroup" -> rbac.getRoleGroup(p);
      case "Get-MailboxPermission" -> rbac.getMailboxPermission(p);
      case "Get-ServicePrincipal" -> rbac.getServicePrincipal(p);
      case "Get-ApplicationAccessPolicy" -> rbac.getAccessPolicies(p);
      case "Test-ServicePrincipalAuthorization" -> rbac.testServicePrincipalAuthorization(p);
      case "Test-ApplicationAccessPolicy" -> rbac.testApplicationAccessPolicy(p);
      case "New-DistributionGroup" -> newDistributionGroup(p);
      case "Set-DistributionGroup" -> setDistributionGroup(p);
      case "Add-DistributionGroupMember" -> write(new Operation.AddGroupMembers(p.required("Identity"),
          kindOf(p.required("Identity")), List.of(p.required("Member"))));
      case "Remove-DistributionGroupMember" -> write(new Operation.RemoveGroupMembers(p.required("Identity"),
          kindOf(p.required("Identity")), List.of(p.required("Member"))));
      case "New-UnifiedGroup" -> newUnifiedGroup(p);
      case "Add-UnifiedGroupLinks", "Remove-UnifiedGroupLinks" -> unifiedGroupLinks(p, name.startsWith("Add"));
      case "Set-UnifiedGroup" -> write(new Operation.SetGroup(p.required("Identity"), GroupKind.MICROSOFT_365, List.of(), false,
          p.bool("HiddenFromAddressListsEnabled")));
      case "New-ManagementScope" -> {
        write(new Operation.NewManagementScope(p.required("Name"), new RecipientFilter.Custom(p.required("RecipientRestrictionFilter"))));
        yield rows(() -> Optional.ofNullable(s.scopes.get(TenantState.key(p.required("Name")))).map(ExchangeRows::scopeRow).stream().toList());
      }
      case "New-ManagementRoleAssignment" -> newRoleAssignment(p);
      case "New-RoleGroup" -> write(new Operation.NewRoleGroup(p.required("Name"), p.list("Roles"), p.list("Members"),
          p.text("CustomRecipientWriteScope").orElse(""), p.text("Description").orElse("")));
      case "Add-RoleGroupMember" -> write(new Operation.AddRoleGroupMember(p.required("Identity"), p.required("Member")));
      case "New-ServicePrincipal" -> write(new Operation.NewServicePrincipal(p.required("AppId"), p.required("ObjectId"),
          p.text("DisplayName").orElse("")));
      case "New-ApplicationAccessPolicy" -> write(new Operation.NewApplicationAccessPolicy(p.required("AppId"),
          p.required("PolicyScopeGroupId"), p.required("AccessRight"), p.text("Description").orElse("")));
      case "Add-MailboxPermission" -> addMailboxPermission(p);
      case "New-Mailbox" -> {
        // Exchange Server only (Exchange Online creates users through the directory). The password is a SecureString
        // the transport made from a Secret; the fake keeps no passwords, so only its presence is checked.
        if (!p.has("Password")) {
          throw new TenantException("ParameterBindingException: Cannot process command because of one or more missing "
              + "mandatory parameters: Password. (New-Mailbox)");
        }
        yield write(new Operation.CreateServiceAccount(p.required("UserPrincipalName"), p.text("DisplayName").orElse(p.required("Name")),
            "US", Optional.empty(), dev.impersonation.Secret.of("not-kept-by-the-fake")));
      }
      default -> throw new IllegalStateException(name);
    };
  }

  // ------------------------------------------------------------ helpers

  private List<Map<String, Object>> remove(OwnedObject.Kind kind, String identity, List<String> items) {
    return write(new Operation.RemoveOwnedObject(new OwnedObject(kind, identity, "", items)));
  }

  private List<Map<String, Object>> write(Operation op) {
    exchange.execute(op);
    return List.of();
  }

  private List<Map<String, Object>> rows(java.util.function.Supplier<List<Map<String, Object>>> body) {
    synchronized (s) {
      return body.get();
    }
  }

  private GroupKind kindOf(String identity) {
    synchronized (s) {
      return s.group(identity).map(g -> g.kind).orElse(GroupKind.DISTRIBUTION);
    }
  }

  // ------------------------------------------------------------ reads

  private List<Map<String, Object>> getRecipient(String cmdlet, CmdletParams p) {
    if (p.has("Identity")) {
      String identity = p.required("Identity");
      Optional<Recipient> r = exchange.findRecipient(identity);
      if (r.isEmpty() || (cmdlet.equals("Get-Mailbox") && !r.get().type().isMailbox())) {
        throw notFound(identity);
      }
      return List.of(ExchangeRows.recipientRow(r.get()));
    }
    int limit = resultSize(p);
    List<String> types = p.list("RecipientTypeDetails");
    if (p.has("Filter")) {
      return exchange.mailboxesMatching(p.required("Filter")).stream().limit(limit).map(ExchangeRows::recipientRow).toList();
    }
    return exchange.listMailboxes(Integer.MAX_VALUE).stream()
        .filter(r -> types.isEmpty() || types.stream().anyMatch(t -> t.equalsIgnoreCase(r.type().value())))
        .limit(limit).map(ExchangeRows::recipientRow).toList();
  }

  private static int resultSize(CmdletParams p) {
    String size = p.text("ResultSize").orElse("1000");
    if (size.equalsIgnoreCase("Unlimited")) {
      return Integer.MAX_VALUE;
    }
    try {
      return Integer.parseInt(size);
    } catch (NumberFormatException e) {
      throw new TenantException("ParameterBindingException: Cannot bind parameter 'ResultSize'. Cannot convert value \"" + size
          + "\" to type \"Microsoft.Exchange.Data.Unlimited`1[System.UInt32]\". (" + p.cmdlet + ")");
    }
  }

  private dev.impersonation.ObjectNotFoundException notFound(String identity) {
    synchronized (s) {
      return s.notFound(identity);
    }
  }

  private List<Map<String, Object>> getCasMailbox(CmdletParams p) {
    if (p.has("Filter")) {
      return exchange.mailboxesMatching(p.required("Filter")).stream().map(r -> ExchangeRows.row("Identity", r.name(), "Name",
          r.name(), "PrimarySmtpAddress", r.primarySmtpAddress(), "EwsEnabled", r.ewsEnabled())).toList();
    }
    if (!p.has("Identity")) {
      // Every mailbox, up to -ResultSize (default 1000), as the cmdlet lists them.
      int limit = resultSize(p);
      return exchange.listMailboxes(Integer.MAX_VALUE).stream().limit(limit).map(r -> ExchangeRows.row("Identity", r.name(), "Name",
          r.name(), "PrimarySmtpAddress", r.primarySmtpAddress(), "EwsEnabled", r.ewsEnabled())).toList();
    }
    String identity = p.required("Identity");
    return exchange.call("Get-CASMailbox", identity, false, () -> {
      TenantState.MailboxObject m = s.usableMailbox(identity).orElseThrow(() -> s.notFound(identity));
      return List.of(ExchangeRows.row("Identity", m.name, "Name", m.name, "PrimarySmtpAddress", m.smtp, "EwsEnabled", m.ewsEnabled));
    });
  }

  private boolean matchesKind(TenantState.GroupObject g, boolean unified) {
    return unified ? g.kind == GroupKind.MICROSOFT_365 : g.kind.isExchangeKnown() && g.kind != GroupKind.MICROSOFT_365;
  }

  private List<Map<String, Object>> getGroup(CmdletParams p, boolean unified) {
    if (!p.has("Identity")) {
      return exchange.call("findGroup", "*", false, () -> s.groups.values().stream()
          .filter(g -> matchesKind(g, unified) && !s.lagging("group", g.name)).map(ExchangeRows::groupRow).toList());
    }
    String identity = p.required("Identity");
    return exchange.call("findGroup", identity, false, () -> {
      TenantState.GroupObject g = s.group(identity).filter(x -> matchesKind(x, unified)).filter(x -> !s.lagging("group", x.name))
          .orElseThrow(() -> s.notFound(identity));
      return List.of(ExchangeRows.groupRow(g));
    });
  }

  private List<Map<String, Object>> getMembers(CmdletParams p, boolean unified) {
    String identity = p.required("Identity");
    synchronized (s) {
      if (s.group(identity).filter(g -> matchesKind(g, unified)).isEmpty() && s.group(identity).isPresent()) {
        throw s.notFound(identity);
      }
    }
    return exchange.groupMembers(identity).stream().map(ExchangeRows::recipientRow).toList();
  }

  private List<Map<String, Object>> getUnifiedGroupLinks(CmdletParams p) {
    String linkType = p.required("LinkType");
    if (linkType.equalsIgnoreCase("Members")) {
      return getMembers(p, true);
    }
    if (!linkType.equalsIgnoreCase("Owners")) {
      throw new TenantException("ParameterBindingException: Cannot bind parameter 'LinkType': the fake models only Members and "
          + "Owners, not '" + linkType + "'.");
    }
    String identity = p.required("Identity");
    return exchange.call("Get-UnifiedGroupLinks", identity, false, () -> {
      TenantState.GroupObject g = s.group(identity).filter(x -> matchesKind(x, true)).orElseThrow(() -> s.notFound(identity));
      List<Map<String, Object>> out = new ArrayList<>();
      for (String owner : g.managedBy) {
        s.mailbox(owner).ifPresent(m -> out.add(ExchangeRows.recipientRow(InMemoryExchange.recipient(m))));
      }
      return out;
    });
  }

  // ------------------------------------------------------------ writes

  private List<Map<String, Object>> newDistributionGroup(CmdletParams p) {
    String name = p.required("Name");
    String type = p.text("Type").orElse("Distribution");
    GroupKind kind;
    if (p.bool("RoomList")) {
      kind = GroupKind.ROOM_LIST;
    } else if (type.equalsIgnoreCase("Security")) {
      kind = GroupKind.MAIL_ENABLED_SECURITY;
    } else if (type.equalsIgnoreCase("Distribution")) {
      kind = GroupKind.DISTRIBUTION;
    } else {
      throw new TenantException("ParameterBindingException: Cannot bind parameter 'Type'. Cannot convert value \"" + type
          + "\" to type \"Microsoft.Exchange.Data.Directory.Recipient.GroupType\". (New-DistributionGroup)");
    }
    String join = p.text("MemberJoinRestriction").orElse("Closed");
    if (join.equalsIgnoreCase("Open")) {
      throw new TenantException(kind == GroupKind.MAIL_ENABLED_SECURITY
          ? "InvalidOperationException: MemberJoinRestriction Open is invalid on security groups."
          : "InvalidOperationException: the Exchange admin API simulator does not model open distribution groups.");
    }
    write(new Operation.NewDistributionGroup(name, kind, p.text("Alias"), p.text("PrimarySmtpAddress"), p.list("ManagedBy"),
        p.text("Notes").orElse(""), p.list("Members")));
    return rows(() -> s.group(name).map(ExchangeRows::groupRow).stream().toList());
  }

  private List<Map<String, Object>> setDistributionGroup(CmdletParams p) {
    String identity = p.required("Identity");
    List<String> add = List.of();
    if (p.has("ManagedBy")) {
      Map<String, List<String>> table = p.table("ManagedBy").orElseThrow(() -> new TenantException("InvalidOperationException: "
          + "Set-DistributionGroup -ManagedBy with a list overwrites the owners; the Exchange admin API simulator models only "
          + "@{Add=...} (docs/cmdlets.md)."));
      for (String key : table.keySet()) {
        if (!key.equalsIgnoreCase("Add")) {
          throw new TenantException("InvalidOperationException: the Exchange admin API simulator models only @{Add=...} in "
              + "-ManagedBy, not '" + key + "'.");
        }
      }
      add = table.entrySet().stream().filter(e -> e.getKey().equalsIgnoreCase("Add")).flatMap(e -> e.getValue().stream()).toList();
    }
    boolean close = false;
    if (p.has("MemberJoinRestriction")) {
      String join = p.required("MemberJoinRestriction");
      if (!join.equalsIgnoreCase("Closed")) {
        throw new TenantException("InvalidOperationException: the Exchange admin API simulator models only -MemberJoinRestriction "
            + "Closed, not '" + join + "'.");
      }
      close = true;
    }
    boolean hide = p.has("HiddenFromAddressListsEnabled") && p.bool("HiddenFromAddressListsEnabled");
    if (p.has("HiddenFromAddressListsEnabled") && !hide) {
      throw new TenantException("InvalidOperationException: the Exchange admin API simulator models only "
          + "-HiddenFromAddressListsEnabled $true.");
    }
    return write(new Operation.SetGroup(identity, kindOf(identity), add, close, hide));
  }

  private List<Map<String, Object>> newUnifiedGroup(CmdletParams p) {
    String name = p.required("DisplayName");
    synchronized (s) {
      if (s.group(name).isPresent()) {
        throw TenantState.nameTaken(name);
      }
    }
    // New-UnifiedGroup is modelled by the store's directory semantics: the group exists once, whichever face made it.
    exchange.call("CreateDirectoryGroup", name, true, () -> {
      TenantState.GroupObject g = s.addGroup(name, GroupKind.MICROSOFT_365, p.text("Alias").map(a -> a + "@" + s.target.domain()).orElse(null));
      g.notes = p.text("Notes").orElse("");
      p.text("Owner").ifPresent(o -> g.managedBy.add(s.memberKey(o)));
      return null;
    });
    return rows(() -> s.group(name).map(ExchangeRows::groupRow).stream().toList());
  }

  private List<Map<String, Object>> unifiedGroupLinks(CmdletParams p, boolean add) {
    String identity = p.required("Identity");
    String linkType = p.required("LinkType");
    List<String> links = p.list("Links");
    if (linkType.equalsIgnoreCase("Members")) {
      return write(add ? new Operation.AddGroupMembers(identity, GroupKind.MICROSOFT_365, links)
          : new Operation.RemoveGroupMembers(identity, GroupKind.MICROSOFT_365, links));
    }
    if (linkType.equalsIgnoreCase("Owners") && add) {
      return write(new Operation.SetGroup(identity, GroupKind.MICROSOFT_365, links, false, false));
    }
    throw new TenantException("InvalidOperationException: the Exchange admin API simulator does not model "
        + (add ? "Add" : "Remove") + "-UnifiedGroupLinks -LinkType " + linkType + ".");
  }

  private List<Map<String, Object>> newRoleAssignment(CmdletParams p) {
    String role = p.required("Role");
    AssigneeType type;
    String assignee;
    if (p.has("App")) {
      type = AssigneeType.SERVICE_PRINCIPAL;
      String app = p.required("App");
      // -App takes the SP ObjectId; the AppId or DisplayName are accepted too [U] (docs/cmdlets.md).
      synchronized (s) {
        assignee = rbac.servicePrincipal(app).map(TenantState.ServicePrincipalObject::objectId).orElse(app);
      }
    } else if (p.has("SecurityGroup")) {
      type = AssigneeType.SECURITY_GROUP;
      assignee = p.required("SecurityGroup");
    } else if (p.has("User")) {
      type = AssigneeType.USER;
      assignee = p.required("User");
    } else {
      throw new TenantException("ParameterBindingException: Parameter set cannot be resolved using the specified named "
          + "parameters: one of -User, -SecurityGroup or -App is required. (New-ManagementRoleAssignment)");
    }
    List<String> scopes = List.of("CustomRecipientWriteScope", "CustomResourceScope", "RecipientAdministrativeUnitScope",
        "RecipientGroupScope").stream().filter(p::has).toList();
    if (scopes.size() > 1) {
      // Whether Exchange rejects combined scopes is undocumented [U]; the simulator refuses them to surface client bugs.
      throw new TenantException("ParameterBindingException: Parameter set cannot be resolved using the specified named "
          + "parameters: " + scopes + ". (New-ManagementRoleAssignment)");
    }
    ScopeType scopeType = scopes.isEmpty() ? ScopeType.ORGANIZATION : switch (scopes.get(0)) {
      case "RecipientAdministrativeUnitScope" -> ScopeType.ADMINISTRATIVE_UNIT;
      case "RecipientGroupScope" -> ScopeType.RECIPIENT_GROUP;
      default -> ScopeType.MANAGEMENT_SCOPE;
    };
    String scope = scopes.isEmpty() ? "" : p.required(scopes.get(0));
    String name = p.text("Name").orElse(role + "-" + assignee);
    write(new Operation.NewManagementRoleAssignment(name, role, assignee, type, scopeType, scope));
    return rows(() -> Optional.ofNullable(s.assignments.get(TenantState.key(name))).map(rbac::assignmentRow).stream().toList());
  }

  private List<Map<String, Object>> addMailboxPermission(CmdletParams p) {
    List<String> rights = p.list("AccessRights");
    if (!rights.equals(List.of("FullAccess")) && !(rights.size() == 1 && rights.get(0).equalsIgnoreCase("FullAccess"))) {
      throw new TenantException("InvalidOperationException: the Exchange admin API simulator models only -AccessRights "
          + "FullAccess, not " + rights + ".");
    }
    String inheritance = p.text("InheritanceType").orElse("All");
    if (!inheritance.equalsIgnoreCase("All")) {
      throw new TenantException("InvalidOperationException: the Exchange admin API simulator models only -InheritanceType All.");
    }
    return write(new Operation.AddMailboxPermissions(p.required("User"), List.of(p.required("Identity"))));
  }
}
