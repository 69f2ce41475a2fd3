package dev.impersonation.testkit;

import dev.impersonation.AccessMethod;
import dev.impersonation.Access.ApplicationImpersonation;
import dev.impersonation.GroupKind;
import dev.impersonation.Principal;
import dev.impersonation.TenantException;
import dev.impersonation.spi.AssigneeType;
import dev.impersonation.spi.ConfiguredAccess;
import dev.impersonation.spi.OrganizationConfig;
import dev.impersonation.spi.Operation;
import dev.impersonation.spi.Recipient;
import dev.impersonation.spi.RecipientFilter;
import dev.impersonation.spi.ScopeType;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

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
  /** Parameters every cmdlet accepts (PowerShell common parameters and the confirmation switch). */
  private static final Set<String> COMMON = Set.of("confirm", "erroraction", "warningaction", "verbose", "debug", "whatif");

  /** Accepted parameters per cmdlet, lower case. */
  private static final Map<String, Set<String>> PARAMETERS = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);

  static {
    PARAMETERS.put("Get-OrganizationConfig", Set.of());
    PARAMETERS.put("Enable-OrganizationCustomization", Set.of());
    PARAMETERS.put("Get-Recipient", Set.of("identity", "recipienttypedetails", "resultsize"));
    PARAMETERS.put("Get-Mailbox", Set.of("identity", "recipienttypedetails", "resultsize"));
    PARAMETERS.put("Get-CASMailbox", Set.of("identity"));
    PARAMETERS.put("Get-DistributionGroup", Set.of("identity", "resultsize"));
    PARAMETERS.put("Get-UnifiedGroup", Set.of("identity", "resultsize"));
    PARAMETERS.put("Get-DistributionGroupMember", Set.of("identity", "resultsize"));
    PARAMETERS.put("Get-UnifiedGroupLinks", Set.of("identity", "linktype", "resultsize"));
    PARAMETERS.put("Get-ManagementScope", Set.of("identity"));
    PARAMETERS.put("Get-ManagementRoleAssignment", Set.of("identity", "roleassignee", "role", "writablerecipient",
        "geteffectiveusers"));
    PARAMETERS.put("Get-RoleGroup", Set.of("identity"));
    PARAMETERS.put("Get-MailboxPermission", Set.of("identity", "user"));
    PARAMETERS.put("Get-ServicePrincipal", Set.of("identity"));
    PARAMETERS.put("Get-ApplicationAccessPolicy", Set.of("identity"));
    PARAMETERS.put("Test-ServicePrincipalAuthorization", Set.of("identity", "resource"));
    PARAMETERS.put("Test-ApplicationAccessPolicy", Set.of("identity", "appid"));
    PARAMETERS.put("New-DistributionGroup", Set.of("name", "alias", "displayname", "type", "roomlist", "managedby",
        "memberjoinrestriction", "notes", "primarysmtpaddress"));
    PARAMETERS.put("Set-DistributionGroup", Set.of("identity", "managedby", "memberjoinrestriction",
        "hiddenfromaddresslistsenabled", "bypasssecuritygroupmanagercheck"));
    PARAMETERS.put("Add-DistributionGroupMember", Set.of("identity", "member", "bypasssecuritygroupmanagercheck"));
    PARAMETERS.put("Remove-DistributionGroupMember", Set.of("identity", "member", "bypasssecuritygroupmanagercheck"));
    PARAMETERS.put("New-UnifiedGroup", Set.of("displayname", "alias", "accesstype", "notes", "owner"));
    PARAMETERS.put("Add-UnifiedGroupLinks", Set.of("identity", "linktype", "links"));
    PARAMETERS.put("Remove-UnifiedGroupLinks", Set.of("identity", "linktype", "links"));
    PARAMETERS.put("Set-UnifiedGroup", Set.of("identity", "hiddenfromaddresslistsenabled"));
    PARAMETERS.put("New-ManagementScope", Set.of("name", "recipientrestrictionfilter", "force"));
    PARAMETERS.put("New-ManagementRoleAssignment", Set.of("name", "role", "user", "securitygroup", "app",
        "customrecipientwritescope", "customresourcescope", "recipientadministrativeunitscope", "recipientgroupscope", "force"));
    PARAMETERS.put("New-RoleGroup", Set.of("name", "roles", "members", "customrecipientwritescope", "description"));
    PARAMETERS.put("Add-RoleGroupMember", Set.of("identity", "member", "bypasssecuritygroupmanagercheck"));
    PARAMETERS.put("New-ServicePrincipal", Set.of("appid", "objectid", "displayname"));
    PARAMETERS.put("New-ApplicationAccessPolicy", Set.of("appid", "policyscopegroupid", "accessright", "description"));
    PARAMETERS.put("New-Mailbox", Set.of("name", "displayname", "userprincipalname", "password"));
    PARAMETERS.put("Add-MailboxPermission", Set.of("identity", "user", "accessrights", "automapping", "inheritancetype"));
  }

  private final TenantState s;
  private final InMemoryExchange exchange;

  ExchangeCmdlets(TenantState state, InMemoryExchange exchange) {
    this.s = state;
    this.exchange = exchange;
  }

  /** The cmdlets this interpreter knows, in alphabetical order. */
  static List<String> supportedCmdlets() {
    return List.copyOf(PARAMETERS.keySet());
  }

  /** Runs {@code cmdlet} with {@code parameters} (String, Boolean, List of String, or a hashtable Map) and answers its rows. */
  List<Map<String, Object>> invoke(String cmdlet, Map<String, ?> parameters) {
    Set<String> accepted = PARAMETERS.get(cmdlet);
    if (accepted == null) {
      throw new TenantException("CommandNotFoundException: The term '" + cmdlet + "' is not recognized as a name of a cmdlet, "
          + "function, script file, or executable program. (Exchange admin API simulator: not modelled or misspelled.)");
    }
    Params p = new Params(cmdlet, parameters);
    for (String name : p.values.keySet()) {
      if (!accepted.contains(name) && !COMMON.contains(name)) {
        throw new TenantException("ParameterBindingException: A parameter cannot be found that matches parameter name '"
            + p.original.get(name) + "'. (" + cmdlet + ")");
      }
    }
    String name = PARAMETERS.keySet().stream().filter(c -> c.equalsIgnoreCase(cmdlet)).findFirst().orElseThrow();
    return switch (name) {
      case "Get-OrganizationConfig" -> List.of(organization(exchange.organizationConfig()));
      case "Enable-OrganizationCustomization" -> write(new Operation.EnableOrganizationCustomization());
      case "Get-Recipient", "Get-Mailbox" -> getRecipient(name, p);
      case "Get-CASMailbox" -> getCasMailbox(p);
      case "Get-DistributionGroup" -> getGroup(p, false);
      case "Get-UnifiedGroup" -> getGroup(p, true);
      case "Get-DistributionGroupMember" -> getMembers(p, false);
      case "Get-UnifiedGroupLinks" -> getUnifiedGroupLinks(p);
      case "Get-ManagementScope" -> getManagementScope(p);
      case "Get-ManagementRoleAssignment" -> getRoleAssignments(p);
      case "Get-RoleGroup" -> getRoleGroup(p);
      case "Get-MailboxPermission" -> getMailboxPermission(p);
      case "Get-ServicePrincipal" -> getServicePrincipal(p);
      case "Get-ApplicationAccessPolicy" -> getAccessPolicies(p);
      case "Test-ServicePrincipalAuthorization" -> testServicePrincipalAuthorization(p);
      case "Test-ApplicationAccessPolicy" -> testApplicationAccessPolicy(p);
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
        yield rows(() -> Optional.ofNullable(s.scopes.get(TenantState.key(p.required("Name")))).map(this::scopeRow).stream().toList());
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

  // ------------------------------------------------------------ parameters

  /** Parameter values keyed by lower-case name. */
  static final class Params {
    final String cmdlet;
    final Map<String, Object> values = new LinkedHashMap<>();
    final Map<String, String> original = new LinkedHashMap<>();

    Params(String cmdlet, Map<String, ?> parameters) {
      this.cmdlet = cmdlet;
      if (parameters != null) {
        parameters.forEach((k, v) -> {
          values.put(k.toLowerCase(Locale.ROOT), v);
          original.put(k.toLowerCase(Locale.ROOT), k);
        });
      }
    }

    boolean has(String name) {
      return values.containsKey(name.toLowerCase(Locale.ROOT));
    }

    Object raw(String name) {
      return values.get(name.toLowerCase(Locale.ROOT));
    }

    Optional<String> text(String name) {
      Object v = raw(name);
      if (v == null) {
        return Optional.empty();
      }
      if (v instanceof String str) {
        return Optional.of(str);
      }
      if (v instanceof List<?> l && l.size() == 1 && l.get(0) instanceof String str) {
        return Optional.of(str);
      }
      throw binding(name, "System.String", v);
    }

    String required(String name) {
      return text(name).filter(t -> !t.isEmpty()).orElseThrow(() -> new TenantException("ParameterBindingException: Cannot "
          + "process command because of one or more missing mandatory parameters: " + name + ". (" + cmdlet + ")"));
    }

    List<String> list(String name) {
      Object v = raw(name);
      if (v == null) {
        return List.of();
      }
      if (v instanceof String str) {
        return List.of(str);
      }
      if (v instanceof List<?> l && l.stream().allMatch(x -> x instanceof String)) {
        return l.stream().map(String.class::cast).toList();
      }
      throw binding(name, "System.String[]", v);
    }

    boolean bool(String name) {
      Object v = raw(name);
      if (v == null) {
        return false;
      }
      if (v instanceof Boolean b) {
        return b;
      }
      if (v instanceof String str && (str.equalsIgnoreCase("true") || str.equalsIgnoreCase("false"))) {
        return Boolean.parseBoolean(str);
      }
      throw binding(name, "System.Boolean", v);
    }

    /** A hashtable value ({@code @odata.type} #Exchange.GenericHashTable), keys other than the type marker. */
    Optional<Map<String, List<String>>> table(String name) {
      if (!(raw(name) instanceof Map<?, ?> m)) {
        return Optional.empty();
      }
      Map<String, List<String>> out = new LinkedHashMap<>();
      m.forEach((k, v) -> {
        if (String.valueOf(k).startsWith("@odata")) {
          return;
        }
        out.put(String.valueOf(k), v instanceof List<?> l ? l.stream().map(String::valueOf).toList() : List.of(String.valueOf(v)));
      });
      return Optional.of(out);
    }

    private TenantException binding(String name, String type, Object v) {
      return new TenantException("ParameterBindingException: Cannot bind parameter '" + name + "'. Cannot convert value \""
          + v + "\" to type \"" + type + "\". (" + cmdlet + ")");
    }
  }

  // ------------------------------------------------------------ helpers

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

  private static Map<String, Object> row(Object... keyValues) {
    Map<String, Object> row = new LinkedHashMap<>();
    for (int i = 0; i < keyValues.length; i += 2) {
      row.put((String) keyValues[i], keyValues[i + 1]);
    }
    return row;
  }

  private static String utc(Instant at) {
    return at == null ? null : at.toString();
  }

  private static Map<String, Object> organization(OrganizationConfig c) {
    return row("Identity", "OrganizationConfig", "IsDehydrated", c.dehydrated(), "EwsEnabled", c.ewsEnabled().orElse(null));
  }

  static Map<String, Object> recipientRow(Recipient r) {
    return row("Identity", r.name(), "Name", r.name(), "DisplayName", r.name(), "Alias", alias(r.primarySmtpAddress()),
        "PrimarySmtpAddress", r.primarySmtpAddress(), "DistinguishedName", r.distinguishedName(),
        "RecipientType", r.type().isMailbox() ? "UserMailbox" : "MailUniversalDistributionGroup",
        "RecipientTypeDetails", r.type().value());
  }

  private static String alias(String smtp) {
    return smtp == null || smtp.indexOf('@') < 0 ? smtp : smtp.substring(0, smtp.indexOf('@'));
  }

  private Map<String, Object> groupRow(TenantState.GroupObject g) {
    String type = switch (g.kind) {
      case MAIL_ENABLED_SECURITY -> "MailUniversalSecurityGroup";
      case ROOM_LIST -> "RoomList";
      case MICROSOFT_365 -> "GroupMailbox";
      default -> "MailUniversalDistributionGroup";
    };
    return row("Identity", g.name, "Name", g.name, "DisplayName", g.name, "Guid", g.id, "Alias", alias(g.smtp),
        "DistinguishedName", g.dn, "RecipientTypeDetails", type, "PrimarySmtpAddress", g.smtp, "ManagedBy", List.copyOf(g.managedBy),
        "MemberJoinRestriction", g.closed ? "Closed" : "Open", "HiddenFromAddressListsEnabled", g.hidden, "Notes", g.notes);
  }

  private Map<String, Object> scopeRow(TenantState.ScopeObject x) {
    return row("Identity", x.name(), "Name", x.name(), "RecipientFilter", x.filter(), "RecipientRoot", null,
        "ScopeRestrictionType", "RecipientScope", "Exclusive", false);
  }

  // ------------------------------------------------------------ reads

  private List<Map<String, Object>> getRecipient(String cmdlet, Params p) {
    if (p.has("Identity")) {
      String identity = p.required("Identity");
      Optional<Recipient> r = exchange.findRecipient(identity);
      if (r.isEmpty() || (cmdlet.equals("Get-Mailbox") && !r.get().type().isMailbox())) {
        throw notFound(identity);
      }
      return List.of(recipientRow(r.get()));
    }
    int limit = resultSize(p);
    List<String> types = p.list("RecipientTypeDetails");
    return exchange.listMailboxes(Integer.MAX_VALUE).stream()
        .filter(r -> types.isEmpty() || types.stream().anyMatch(t -> t.equalsIgnoreCase(r.type().value())))
        .limit(limit).map(ExchangeCmdlets::recipientRow).toList();
  }

  private static int resultSize(Params p) {
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

  private List<Map<String, Object>> getCasMailbox(Params p) {
    String identity = p.required("Identity");
    return exchange.call("Get-CASMailbox", identity, false, () -> {
      TenantState.MailboxObject m = s.usableMailbox(identity).orElseThrow(() -> s.notFound(identity));
      return List.of(row("Identity", m.name, "Name", m.name, "PrimarySmtpAddress", m.smtp, "EwsEnabled", m.ewsEnabled));
    });
  }

  private boolean matchesKind(TenantState.GroupObject g, boolean unified) {
    return unified ? g.kind == GroupKind.MICROSOFT_365 : g.kind.isExchangeKnown() && g.kind != GroupKind.MICROSOFT_365;
  }

  private List<Map<String, Object>> getGroup(Params p, boolean unified) {
    if (!p.has("Identity")) {
      return exchange.call("findGroup", "*", false, () -> s.groups.values().stream()
          .filter(g -> matchesKind(g, unified) && !s.lagging("group", g.name)).map(this::groupRow).toList());
    }
    String identity = p.required("Identity");
    return exchange.call("findGroup", identity, false, () -> {
      TenantState.GroupObject g = s.group(identity).filter(x -> matchesKind(x, unified)).filter(x -> !s.lagging("group", x.name))
          .orElseThrow(() -> s.notFound(identity));
      return List.of(groupRow(g));
    });
  }

  private List<Map<String, Object>> getMembers(Params p, boolean unified) {
    String identity = p.required("Identity");
    synchronized (s) {
      if (s.group(identity).filter(g -> matchesKind(g, unified)).isEmpty() && s.group(identity).isPresent()) {
        throw s.notFound(identity);
      }
    }
    return exchange.groupMembers(identity).stream().map(ExchangeCmdlets::recipientRow).toList();
  }

  private List<Map<String, Object>> getUnifiedGroupLinks(Params p) {
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
        s.mailbox(owner).ifPresent(m -> out.add(recipientRow(InMemoryExchange.recipient(m))));
      }
      return out;
    });
  }

  private List<Map<String, Object>> getManagementScope(Params p) {
    if (!p.has("Identity")) {
      return exchange.call("findManagementScope", "*", false, () -> s.scopes.values().stream()
          .filter(x -> !s.lagging("scope", x.name())).map(this::scopeRow).toList());
    }
    String identity = p.required("Identity");
    return exchange.call("findManagementScope", identity, false, () -> Optional.ofNullable(s.scopes.get(TenantState.key(identity)))
        .filter(x -> !s.lagging("scope", x.name())).map(this::scopeRow).map(List::of).orElseThrow(() -> s.notFound(identity)));
  }

  /** Stored assignments plus the ones New-RoleGroup makes ({@code <Role>-<RoleGroup>}, docs/cmdlets.md), as rows. */
  private List<Map<String, Object>> allAssignmentRows() {
    List<Map<String, Object>> out = new ArrayList<>();
    for (TenantState.AssignmentObject a : s.assignments.values()) {
      out.add(assignmentRow(a));
    }
    for (TenantState.RoleGroupObject g : s.roleGroups.values()) {
      for (String role : g.roles) {
        boolean explicit = s.assignments.values().stream().anyMatch(a -> a.type() == AssigneeType.SECURITY_GROUP
            && a.assignee().equalsIgnoreCase(g.name) && a.role().equalsIgnoreCase(role));
        if (!explicit) {
          out.add(assignmentRow(new TenantState.AssignmentObject(role + "-" + g.name, role, g.name, AssigneeType.SECURITY_GROUP,
              g.scope.isEmpty() ? ScopeType.ORGANIZATION : ScopeType.MANAGEMENT_SCOPE, g.scope, g.createdAt)));
        }
      }
    }
    return out;
  }

  private Map<String, Object> assignmentRow(TenantState.AssignmentObject a) {
    String assigneeType = switch (a.type()) {
      case SERVICE_PRINCIPAL -> "ServicePrincipal";
      case SECURITY_GROUP -> "RoleGroup";
      case USER -> "User";
    };
    String writeScope = switch (a.scopeType()) {
      case ORGANIZATION -> "Organization";
      case MANAGEMENT_SCOPE -> "CustomRecipientScope";
      case ADMINISTRATIVE_UNIT -> "AdministrativeUnit";
      // [U] The live row of a -RecipientGroupScope assignment is not documented: "Group" with the group's name in
      // RecipientGroupScope is this simulator's reading (docs/group-scopes.md); the client reads either field.
      case RECIPIENT_GROUP -> "Group";
    };
    boolean app = a.type() == AssigneeType.SERVICE_PRINCIPAL;
    String customRecipient = a.scopeType() == ScopeType.MANAGEMENT_SCOPE && !app ? a.scope() : null;
    String customResource = a.scopeType() == ScopeType.ADMINISTRATIVE_UNIT || (app && a.scopeType() == ScopeType.MANAGEMENT_SCOPE)
        ? a.scope() : null;
    String recipientGroup = a.scopeType() == ScopeType.RECIPIENT_GROUP ? a.scope() : null;
    String assigneeName = app ? s.exchangeServicePrincipals.values().stream().filter(x -> x.objectId().equalsIgnoreCase(a.assignee()))
        .map(TenantState.ServicePrincipalObject::displayName).findFirst().orElse(a.assignee()) : a.assignee();
    return row("Identity", a.name(), "Name", a.name(), "Role", a.role(), "RoleAssignee", a.assignee(), "RoleAssigneeName", assigneeName,
        "RoleAssigneeType", assigneeType, "RecipientWriteScope", writeScope, "CustomRecipientWriteScope", customRecipient,
        "CustomResourceScope", customResource, "RecipientGroupScope", recipientGroup, "Enabled", true,
        "WhenCreatedUTC", utc(a.createdAt()));
  }

  private List<Map<String, Object>> getRoleAssignments(Params p) {
    if (p.has("WritableRecipient") || p.bool("GetEffectiveUsers")) {
      return effectiveUsers(p);
    }
    if (p.has("Identity")) {
      String identity = p.required("Identity");
      return exchange.call("roleAssignments", identity, false, () -> {
        List<Map<String, Object>> rows = allAssignmentRows().stream().filter(r -> identity.equalsIgnoreCase((String) r.get("Name")))
            .toList();
        if (rows.isEmpty()) {
          throw s.notFound(identity);
        }
        return rows;
      });
    }
    Optional<String> assignee = p.text("RoleAssignee");
    Optional<String> role = p.text("Role");
    return exchange.call("roleAssignments", assignee.orElse("*"), false, () -> {
      Optional<String> resolved = assignee.map(this::resolveAssignee);
      return allAssignmentRows().stream()
          .filter(r -> resolved.isEmpty() || resolved.get().equalsIgnoreCase((String) r.get("RoleAssignee")))
          .filter(r -> role.isEmpty() || role.get().equalsIgnoreCase((String) r.get("Role"))).toList();
    });
  }

  /** A user's UPN from any of its identities; a role group's or service principal's name as given. */
  private String resolveAssignee(String identity) {
    return s.mailbox(identity).map(m -> m.upn).orElse(identity);
  }

  /** {@code -Role -WritableRecipient -GetEffectiveUsers}: one row per user the role reaches the recipient for. */
  private List<Map<String, Object>> effectiveUsers(Params p) {
    String role = p.text("Role").orElse(ApplicationImpersonation.ROLE);
    String recipient = p.required("WritableRecipient");
    return exchange.call("testConfiguredAccess", AccessMethod.APPLICATION_IMPERSONATION + " " + recipient, false, () -> {
      TenantState.MailboxObject m = s.usableMailbox(recipient).orElseThrow(() -> s.notFound(recipient));
      List<Map<String, Object>> out = new ArrayList<>();
      s.assignments.values().stream().filter(a -> a.type() == AssigneeType.USER && a.role().equalsIgnoreCase(role) && s.covers(a, m))
          .sorted(Comparator.comparing(TenantState.AssignmentObject::createdAt)).forEach(a -> {
            Map<String, Object> r = assignmentRow(a);
            r.put("EffectiveUserName", a.assignee());
            out.add(r);
          });
      s.roleGroups.values().stream().filter(g -> g.roles.stream().anyMatch(r -> r.equalsIgnoreCase(role)) && s.roleGroupCovers(g, m))
          .sorted(Comparator.comparing(g -> g.createdAt)).forEach(g -> {
            for (String member : g.members) {
              Map<String, Object> r = assignmentRow(new TenantState.AssignmentObject(role + "-" + g.name, role, g.name,
                  AssigneeType.SECURITY_GROUP, g.scope.isEmpty() ? ScopeType.ORGANIZATION : ScopeType.MANAGEMENT_SCOPE, g.scope,
                  g.createdAt));
              r.put("EffectiveUserName", member);
              out.add(r);
            }
          });
      return out;
    });
  }

  private List<Map<String, Object>> getRoleGroup(Params p) {
    String identity = p.required("Identity");
    return exchange.call("findRoleGroup", identity, false, () -> {
      TenantState.RoleGroupObject g = Optional.ofNullable(s.roleGroups.get(TenantState.key(identity)))
          .filter(x -> !s.lagging("rolegroup", x.name)).orElseThrow(() -> s.notFound(identity));
      return List.of(row("Identity", g.name, "Name", g.name, "Roles", List.copyOf(g.roles), "Members", List.copyOf(g.members),
          "ManagedBy", List.of(), "Description", g.description, "RoleGroupType", "Standard"));
    });
  }

  private List<Map<String, Object>> getMailboxPermission(Params p) {
    String identity = p.required("Identity");
    Optional<String> user = p.text("User");
    return exchange.mailboxPermissions(identity).stream()
        .filter(x -> user.isEmpty() || user.get().equalsIgnoreCase(x.user()))
        .map(x -> row("Identity", x.mailbox(), "User", x.user(), "AccessRights", x.accessRights(), "Deny", x.deny(),
            "IsInherited", false, "InheritanceType", "All"))
        .toList();
  }

  private Map<String, Object> servicePrincipalRow(TenantState.ServicePrincipalObject sp) {
    return row("Identity", sp.objectId(), "Name", sp.objectId(), "AppId", sp.appId(), "ObjectId", sp.objectId(),
        "DisplayName", sp.displayName());
  }

  private Optional<TenantState.ServicePrincipalObject> servicePrincipal(String identity) {
    return s.exchangeServicePrincipals.values().stream().filter(x -> x.appId().equalsIgnoreCase(identity)
        || x.objectId().equalsIgnoreCase(identity) || identity.equalsIgnoreCase(x.displayName())).findFirst();
  }

  private List<Map<String, Object>> getServicePrincipal(Params p) {
    return exchange.call("findServicePrincipal", p.text("Identity").orElse("*"), false, () -> {
      s.requireCloud("Get-ServicePrincipal");
      if (!p.has("Identity")) {
        return s.exchangeServicePrincipals.values().stream().filter(x -> !s.lagging("sp", x.appId())).map(this::servicePrincipalRow)
            .toList();
      }
      String identity = p.required("Identity");
      return servicePrincipal(identity).filter(x -> !s.lagging("sp", x.appId())).map(this::servicePrincipalRow).map(List::of)
          .orElseThrow(() -> s.notFound(identity));
    });
  }

  private List<Map<String, Object>> getAccessPolicies(Params p) {
    Optional<String> identity = p.text("Identity");
    return exchange.call("accessPolicies", identity.orElse("*"), false, () -> {
      s.requireCloud("Get-ApplicationAccessPolicy");
      return s.policies.stream().filter(x -> identity.isEmpty() || identity.get().equalsIgnoreCase(x.id())
              || identity.get().equalsIgnoreCase(x.appId()))
          .map(x -> row("Identity", x.id(), "AppId", x.appId(),
              "ScopeName", s.group(x.groupKey()).map(g -> g.smtp).orElse(x.groupKey()),
              "ScopeIdentity", s.group(x.groupKey()).map(g -> g.name).orElse(x.groupKey()),
              "AccessRight", x.right(), "Description", x.description(), "IsValid", true, "WhenCreatedUTC", utc(x.createdAt())))
          .toList();
    });
  }

  private List<Map<String, Object>> testServicePrincipalAuthorization(Params p) {
    String identity = p.required("Identity");
    Optional<String> resource = p.text("Resource");
    return exchange.call("testConfiguredAccess", AccessMethod.RBAC_FOR_APPLICATIONS + " " + resource.orElse(""), false, () -> {
      s.requireCloud("Test-ServicePrincipalAuthorization");
      TenantState.ServicePrincipalObject sp = servicePrincipal(identity).orElseThrow(() -> s.notFound(identity));
      Optional<TenantState.MailboxObject> m = resource.map(r -> s.usableMailbox(r).orElseThrow(() -> s.notFound(r)));
      return s.assignments.values().stream()
          .filter(a -> a.type() == AssigneeType.SERVICE_PRINCIPAL && a.assignee().equalsIgnoreCase(sp.objectId()))
          .map(a -> row("RoleName", a.role(),
              // Live shape (Test-ServicePrincipalAuthorization's cmdlet page): GrantedPermissions names the Graph
              // permission(s) the role grants, e.g. "Mail.Read"; a composite role lists several (separator [U]).
              "GrantedPermissions", String.join(", ", dev.impersonation.spi.AppPermissions.grantedByRole(a.role())),
              "AllowedResourceScope", a.scopeType() == ScopeType.ORGANIZATION ? "Organization" : a.scope(),
              "ScopeType", switch (a.scopeType()) {
                case ORGANIZATION -> "Organization";
                case MANAGEMENT_SCOPE -> "CustomRecipientScope";
                case ADMINISTRATIVE_UNIT -> "AdministrativeUnit";
                case RECIPIENT_GROUP -> "Group";
              },
              "InScope", m.<Object>map(x -> s.covers(a, x)).orElse("Not Run")))
          .toList();
    });
  }

  private List<Map<String, Object>> testApplicationAccessPolicy(Params p) {
    String mailbox = p.required("Identity");
    String appId = p.required("AppId");
    ConfiguredAccess access = exchange.testConfiguredAccess(AccessMethod.APPLICATION_ACCESS_POLICY, Principal.application(appId), mailbox);
    return List.of(row("AppId", appId, "Mailbox", mailbox, "AccessCheckResult", access.inScope() ? "Granted" : "Denied"));
  }

  // ------------------------------------------------------------ writes

  private List<Map<String, Object>> newDistributionGroup(Params p) {
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
        p.text("Notes").orElse("")));
    return rows(() -> s.group(name).map(this::groupRow).stream().toList());
  }

  private List<Map<String, Object>> setDistributionGroup(Params p) {
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

  private List<Map<String, Object>> newUnifiedGroup(Params p) {
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
    return rows(() -> s.group(name).map(this::groupRow).stream().toList());
  }

  private List<Map<String, Object>> unifiedGroupLinks(Params p, boolean add) {
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

  private List<Map<String, Object>> newRoleAssignment(Params p) {
    String role = p.required("Role");
    AssigneeType type;
    String assignee;
    if (p.has("App")) {
      type = AssigneeType.SERVICE_PRINCIPAL;
      String app = p.required("App");
      // -App takes the SP ObjectId; the AppId or DisplayName are accepted too [U] (docs/cmdlets.md).
      synchronized (s) {
        assignee = servicePrincipal(app).map(TenantState.ServicePrincipalObject::objectId).orElse(app);
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
    return rows(() -> Optional.ofNullable(s.assignments.get(TenantState.key(name))).map(this::assignmentRow).stream().toList());
  }

  private List<Map<String, Object>> addMailboxPermission(Params p) {
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
