package dev.impersonation.powershell;

import dev.impersonation.GroupKind;
import dev.impersonation.TenantTarget;
import dev.impersonation.spi.AssigneeType;
import dev.impersonation.spi.Operation;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * The one mapping from {@link Operation}s to the cmdlets an admin would type (docs/cmdlets.md, docs/rbac-for-applications.md). Script export
 * uses it, and so do the Exchange backends that execute cmdlets. A guard's probe may be one of the script's own
 * functions ({@link ScriptFunctions}, e.g. the FullAccess probe of {@code Add-MailboxPermission}); backends run only
 * the guarded actions and read the tenant themselves.
 */
public final class CmdletMapping {
  private final TenantTarget target;
  private final Function<String, String> dnVariableOf;
  private final Renderer renderer = new Renderer();

  /**
   * @param target the tenant target (some operations map differently on Exchange Server)
   * @param dnVariableOf the script variable that holds a group's DN, given the group's identity
   */
  public CmdletMapping(TenantTarget target, Function<String, String> dnVariableOf) {
    this.target = target;
    this.dnVariableOf = dnVariableOf;
  }

  /** The statements that perform {@code op} idempotently in a script. */
  public List<Statement> statements(Operation op) {
    return op.accept(renderer);
  }

  /** Each kind of operation as the statements an admin would run. */
  private final class Renderer implements Operation.Visitor<List<Statement>> {
    @Override
    public List<Statement> visitEnableOrganizationCustomization(Operation.EnableOrganizationCustomization op) {
      return List.of(new Statement.RunIdempotent(Cmdlet.of("Enable-OrganizationCustomization")));
    }

    @Override
    public List<Statement> visitCreateServiceAccount(Operation.CreateServiceAccount c) {
      return createServiceAccount(c);
    }

    @Override
    public List<Statement> visitAwaitMailbox(Operation.AwaitMailbox a) {
      return List.of(new Statement.WaitUntilFound(Cmdlet.of("Get-Mailbox").text("Identity", a.identity()), 60,
          "Waiting for the mailbox " + a.identity() + (target.isExchangeOnline()
              ? " to be provisioned (Exchange Online takes about 15 minutes after licensing)..."
              : " to be visible on this domain controller (Active Directory replication)...")));
    }

    @Override
    public List<Statement> visitAwaitAccessPolicy(Operation.AwaitAccessPolicy a) {
      return List.of(new Statement.Comment("Wait until the new access policy is effective (more than an hour), so the consent "
          + "granted next is restricted from the start."),
          new Statement.Run(Cmdlet.of("Start-Sleep").text("Seconds", String.valueOf(a.settle().getSeconds()))));
    }

    @Override
    public List<Statement> visitNewDistributionGroup(Operation.NewDistributionGroup g) {
      return List.of(new Statement.RunUnlessFound(Cmdlet.of("Get-DistributionGroup").text("Identity", g.name()),
          List.of(newDistributionGroup(g))));
    }

    @Override
    public List<Statement> visitCreateDirectoryGroup(Operation.CreateDirectoryGroup g) {
      return createDirectoryGroup(g);
    }

    @Override
    public List<Statement> visitSetGroup(Operation.SetGroup s) {
      return setGroup(s);
    }

    @Override
    public List<Statement> visitAddGroupMembers(Operation.AddGroupMembers a) {
      return a.members().stream().map(m -> memberStatement(a.group(), a.kind(), m, true)).toList();
    }

    @Override
    public List<Statement> visitRemoveGroupMembers(Operation.RemoveGroupMembers r) {
      return r.members().stream().map(m -> memberStatement(r.group(), r.kind(), m, false)).toList();
    }

    @Override
    public List<Statement> visitAddAdministrativeUnitMembers(Operation.AddAdministrativeUnitMembers a) {
      return addAdministrativeUnitMembers(a);
    }

    @Override
    public List<Statement> visitRemoveAdministrativeUnitMembers(Operation.RemoveAdministrativeUnitMembers r) {
      return removeAdministrativeUnitMembers(r);
    }

    @Override
    public List<Statement> visitResolveGroupDistinguishedName(Operation.ResolveGroupDistinguishedName r) {
      return List.of(new Statement.Assign(dnVariableOf.apply(r.group()), readGroup(r.group(), r.kind()), "DistinguishedName"));
    }

    @Override
    public List<Statement> visitNewManagementScope(Operation.NewManagementScope s) {
      Map<String, String> variables = new java.util.LinkedHashMap<>();
      if (s.filter() instanceof dev.impersonation.spi.RecipientFilter.MemberOfGroups m) {
        m.groups().stream().filter(g -> g.distinguishedName().isEmpty())
            .forEach(g -> variables.put(g.identity(), dnVariableOf.apply(g.identity())));
      }
      return List.of(new Statement.RunUnlessFound(Cmdlet.of("Get-ManagementScope").text("Identity", s.name()),
          List.of(Cmdlet.of("New-ManagementScope").text("Name", s.name())
              .param("RecipientRestrictionFilter", new ParameterValue.Filter(s.filter(), variables)))));
    }

    @Override
    public List<Statement> visitNewManagementRoleAssignment(Operation.NewManagementRoleAssignment a) {
      return List.of(new Statement.RunUnlessFound(Cmdlet.of("Get-ManagementRoleAssignment").text("Identity", a.name()),
          List.of(roleAssignment(a))));
    }

    @Override
    public List<Statement> visitNewRoleGroup(Operation.NewRoleGroup g) {
      Cmdlet create = Cmdlet.of("New-RoleGroup").text("Name", g.name()).list("Roles", g.roles()).list("Members", g.members());
      if (!g.customRecipientWriteScope().isEmpty()) {
        create = create.text("CustomRecipientWriteScope", g.customRecipientWriteScope());
      }
      return List.of(new Statement.RunUnlessFound(Cmdlet.of("Get-RoleGroup").text("Identity", g.name()),
          List.of(create.text("Description", g.description()))));
    }

    @Override
    public List<Statement> visitAddRoleGroupMember(Operation.AddRoleGroupMember m) {
      return List.of(new Statement.RunIdempotent(
          Cmdlet.of("Add-RoleGroupMember").text("Identity", m.roleGroup()).text("Member", m.member())));
    }

    @Override
    public List<Statement> visitNewServicePrincipal(Operation.NewServicePrincipal sp) {
      return List.of(new Statement.RunUnlessFound(Cmdlet.of("Get-ServicePrincipal").text("Identity", sp.appId()),
          List.of(Cmdlet.of("New-ServicePrincipal").text("AppId", sp.appId()).text("ObjectId", sp.objectId())
              .text("DisplayName", sp.displayName()))));
    }

    @Override
    public List<Statement> visitNewApplicationAccessPolicy(Operation.NewApplicationAccessPolicy p) {
      // Guarded like the other writes: created only when no policy of the app with this right names the group yet.
      return List.of(new Statement.RunUnlessFound(Cmdlet.of(ScriptFunctions.ACCESS_POLICY_PROBE).text("AppId", p.appId())
              .text("ScopeGroup", p.policyScopeGroup()).text("AccessRight", p.accessRight()),
          List.of(Cmdlet.of("New-ApplicationAccessPolicy").text("AppId", p.appId())
              .text("PolicyScopeGroupId", p.policyScopeGroup()).text("AccessRight", p.accessRight())
              .text("Description", p.description()))));
    }

    @Override
    public List<Statement> visitAddMailboxPermissions(Operation.AddMailboxPermissions p) {
      if (p.recipientFilter().isPresent()) {
        // Procedure 004B's pipeline: a loop over the filter's result when the script runs, each grant guarded.
        return List.of(new Statement.Comment("FullAccess (AutoMapping off) for " + p.user() + " on every mailbox the filter "
            + p.recipientFilter().get() + " matches when this script runs; " + p.mailboxes().size() + " lacked it when the "
            + "plan was read."),
            new Statement.Run(Cmdlet.of(ScriptFunctions.GRANT_FULL_ACCESS_BY_FILTER).text("Filter", p.recipientFilter().get())
                .text("User", p.user())));
      }
      // Guarded like every other write: added only when Get-MailboxPermission shows no FullAccess (not denied) yet.
      return p.mailboxes().stream().<Statement>map(m -> new Statement.RunUnlessFound(
          Cmdlet.of(ScriptFunctions.FULL_ACCESS_PROBE).text("Identity", m).text("User", p.user()),
          List.of(Cmdlet.of("Add-MailboxPermission").text("Identity", m).text("User", p.user())
              .text("AccessRights", "FullAccess").bool("AutoMapping", false))))
          .toList();
    }

    @Override
    public List<Statement> visitGrantApplicationPermissions(Operation.GrantApplicationPermissions g) {
      return ConsentStatements.grant(g);
    }

    @Override
    public List<Statement> visitRevokeApplicationPermissions(Operation.RevokeApplicationPermissions r) {
      return ConsentStatements.revoke(r);
    }

    @Override
    public List<Statement> visitAllowEwsApplication(Operation.AllowEwsApplication a) {
      return List.of(new Statement.Run(Cmdlet.of(ScriptFunctions.ALLOW_EWS_APPLICATION).text("AppId", a.appId())));
    }

    @Override
    public List<Statement> visitConfirmRbacForApplications(Operation.ConfirmRbacForApplications c) {
      List<Statement> out = new ArrayList<>();
      if (!c.settle().isZero()) {
        out.add(new Statement.Comment("Let the role assignments become effective (the RBAC cache) before anything is removed."));
        out.add(new Statement.Run(Cmdlet.of("Start-Sleep").text("Seconds", String.valueOf(c.settle().getSeconds()))));
      }
      out.add(new Statement.Run(Cmdlet.of(ScriptFunctions.CONFIRM_RBAC).text("AppId", c.appId()).list("Roles", c.roles())
          .text("Group", c.group())));
      return out;
    }

    @Override
    public List<Statement> visitRemoveApplicationAccessPolicy(Operation.RemoveApplicationAccessPolicy r) {
      return List.of(new Statement.RunIfFound(Cmdlet.of("Get-ApplicationAccessPolicy").text("Identity", r.identity()),
          List.of(Cmdlet.of("Remove-ApplicationAccessPolicy").text("Identity", r.identity()).bool("Confirm", false))));
    }

    @Override
    public List<Statement> visitRemoveOwnedObject(Operation.RemoveOwnedObject r) {
      return RemovalStatements.of(r.object());
    }

    @Override
    public List<Statement> visitEnableOrganizationEws(Operation.EnableOrganizationEws e) {
      return List.of(new Statement.Comment("EWS on for the organization (acknowledged): the allow-listed apps only."),
          new Statement.Run(Cmdlet.of("Set-OrganizationConfig").bool("EwsEnabled", true)));
    }
  }

  /** The application id of the Microsoft Graph resource service principal. */
  public static final String MICROSOFT_GRAPH_APP_ID = "00000003-0000-0000-c000-000000000000";

  /** The Microsoft Graph v1.0 base URL of the target's cloud, for {@code @odata.id} references. */
  private String graphBase() {
    return "https://" + target.cloud().orElse(dev.impersonation.Cloud.GLOBAL).graphHost() + "/v1.0";
  }

  /** Whether a member is given as an object id rather than a user principal name. */
  private static boolean objectId(String member) {
    return member.strip().matches("[0-9A-Fa-f]{8}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{12}");
  }

  /** The {@code @odata.id} of a member: {@code <base>/directoryObjects/<id>} or {@code <base>/users/<upn>} (percent-encoded). */
  private String memberReference(String member) {
    String m = member.strip();
    if (objectId(m)) {
      return graphBase() + "/directoryObjects/" + m;
    }
    return graphBase() + "/users/" + java.net.URLEncoder.encode(m, java.nio.charset.StandardCharsets.UTF_8)
        .replace("+", "%20").replace("%40", "@").replace("%27", "'");
  }

  private List<Statement> addAdministrativeUnitMembers(Operation.AddAdministrativeUnitMembers a) {
    List<Statement> out = new ArrayList<>();
    out.add(new Statement.Comment("Administrative unit " + a.administrativeUnitId() + ": add " + a.members().size()
        + " member(s) with Microsoft Graph PowerShell; a member that is already there counts as done."));
    for (String m : a.members()) {
      out.add(new Statement.RunIdempotent(Cmdlet.of("New-MgDirectoryAdministrativeUnitMemberByRef")
          .text("AdministrativeUnitId", a.administrativeUnitId()).text("OdataId", memberReference(m))));
    }
    return out;
  }

  private static List<Statement> removeAdministrativeUnitMembers(Operation.RemoveAdministrativeUnitMembers r) {
    List<Statement> out = new ArrayList<>();
    String au = r.administrativeUnitId();
    out.add(new Statement.Comment("REMOVES " + r.members().size() + " undeclared member(s) from administrative unit " + au
        + " (exactMembership). Each user's object id is read first; a member that is already gone is skipped. "
        + "Microsoft.Graph modules before 2.17 name the removal cmdlet Remove-MgDirectoryAdministrativeUnitMemberByRef."));
    int n = 0;
    for (String m : r.members()) {
      Cmdlet remove = Cmdlet.of("Remove-MgDirectoryAdministrativeUnitMemberDirectoryObjectByRef").text("AdministrativeUnitId", au);
      if (objectId(m)) {
        out.add(new Statement.Run(remove.text("DirectoryObjectId", m.strip())));
        continue;
      }
      String variable = "auMember" + (++n);
      out.add(new Statement.Assign(variable, Cmdlet.of("Get-MgUser").text("UserId", m), "Id"));
      ParameterValue id = new ParameterValue.Variable(variable);
      out.add(new Statement.RunIfFound(Cmdlet.of("Get-MgDirectoryAdministrativeUnitMemberAsUser").text("AdministrativeUnitId", au)
          .param("DirectoryObjectId", id), List.of(remove.param("DirectoryObjectId", id))));
    }
    return out;
  }

  private List<Statement> createServiceAccount(Operation.CreateServiceAccount c) {
    Cmdlet mailbox = Cmdlet.of("New-Mailbox").text("Name", c.displayName()).text("DisplayName", c.displayName());
    mailbox = target.isExchangeOnline()
        ? mailbox.text("MicrosoftOnlineServicesID", c.userPrincipalName())
        : mailbox.text("UserPrincipalName", c.userPrincipalName());
    mailbox = mailbox.param("Password", new ParameterValue.SecretPrompt("Initial password for " + c.userPrincipalName(), true));
    List<Cmdlet> actions = new ArrayList<>(List.of(mailbox));
    if (target.isExchangeOnline()) {
      actions.add(Cmdlet.of("Update-MgUser").text("UserId", c.userPrincipalName()).text("UsageLocation", c.usageLocation()));
      c.licenseSkuId().ifPresent(sku -> actions.add(Cmdlet.of("Set-MgUserLicense").text("UserId", c.userPrincipalName())
          .param("AddLicenses", new ParameterValue.Table(Map.of("SkuId", List.of(sku))))
          .param("RemoveLicenses", new ParameterValue.TextList(List.of()))));
    }
    return List.of(new Statement.RunUnlessFound(Cmdlet.of("Get-Recipient").text("Identity", c.userPrincipalName()), actions));
  }

  private static Cmdlet newDistributionGroup(Operation.NewDistributionGroup g) {
    Cmdlet c = Cmdlet.of("New-DistributionGroup").text("Name", g.name());
    if (g.alias().isPresent()) {
      c = c.text("Alias", g.alias().get());
    }
    if (g.primarySmtpAddress().isPresent()) {
      c = c.text("PrimarySmtpAddress", g.primarySmtpAddress().get());
    }
    if (!g.members().isEmpty()) {
      c = c.list("Members", g.members());
    }
    if (g.kind() == GroupKind.MAIL_ENABLED_SECURITY) {
      c = c.text("Type", "Security");
    } else if (g.kind() == GroupKind.ROOM_LIST) {
      c = c.flag("RoomList");
    }
    if (!g.managedBy().isEmpty()) {
      c = c.list("ManagedBy", g.managedBy());
    }
    return c.text("MemberJoinRestriction", "Closed").text("Notes", g.notes());
  }

  private List<Statement> createDirectoryGroup(Operation.CreateDirectoryGroup g) {
    if (g.kind() == GroupKind.MICROSOFT_365) {
      Cmdlet create = Cmdlet.of("New-UnifiedGroup").text("DisplayName", g.name()).text("Alias", g.mailNickname())
          .text("AccessType", "Private").text("Notes", g.description());
      if (!g.owners().isEmpty()) {
        create = create.text("Owner", g.owners().get(0));
      }
      return List.of(new Statement.RunUnlessFound(Cmdlet.of("Get-UnifiedGroup").text("Identity", g.name()), List.of(create)));
    }
    Cmdlet probe = Cmdlet.of("Get-MgGroup").text("Filter", "displayName eq '" + g.name().replace("'", "''") + "'");
    return List.of(new Statement.RunUnlessFound(probe, List.of(Cmdlet.of("New-MgGroup").text("DisplayName", g.name())
        .bool("MailEnabled", false).text("MailNickname", g.mailNickname()).bool("SecurityEnabled", true)
        .text("Description", g.description()))));
  }

  private List<Statement> setGroup(Operation.SetGroup s) {
    List<Statement> out = new ArrayList<>();
    if (s.kind() == GroupKind.MICROSOFT_365) {
      for (String owner : s.addManagedBy()) {
        out.add(new Statement.RunIdempotent(Cmdlet.of("Add-UnifiedGroupLinks").text("Identity", s.identity())
            .text("LinkType", "Owners").text("Links", owner)));
      }
      if (s.hideFromAddressLists()) {
        out.add(new Statement.Run(Cmdlet.of("Set-UnifiedGroup").text("Identity", s.identity()).bool("HiddenFromAddressListsEnabled", true)));
      }
      return out;
    }
    if (s.kind() == GroupKind.SECURITY) {
      return List.of(new Statement.Comment("Security group " + s.identity() + ": add owners " + s.addManagedBy()
          + " in the Entra admin center (Graph PowerShell needs object ids)."));
    }
    Cmdlet set = Cmdlet.of("Set-DistributionGroup").text("Identity", s.identity());
    if (!s.addManagedBy().isEmpty()) {
      set = set.param("ManagedBy", new ParameterValue.Table(Map.of("Add", s.addManagedBy())));
    }
    if (s.closeMembership()) {
      set = set.text("MemberJoinRestriction", "Closed");
    }
    if (s.hideFromAddressLists()) {
      set = set.bool("HiddenFromAddressListsEnabled", true);
    }
    return List.of(new Statement.Run(set.flag("BypassSecurityGroupManagerCheck")));
  }

  private Statement memberStatement(String group, GroupKind kind, String member, boolean add) {
    if (kind == GroupKind.MICROSOFT_365) {
      Cmdlet c = Cmdlet.of(add ? "Add-UnifiedGroupLinks" : "Remove-UnifiedGroupLinks").text("Identity", group)
          .text("LinkType", "Members").text("Links", member);
      return add ? new Statement.RunIdempotent(c) : new Statement.Run(c.bool("Confirm", false));
    }
    if (kind == GroupKind.SECURITY) {
      return new Statement.Comment((add ? "Add " : "Remove ") + member + (add ? " to" : " from") + " security group "
          + group + " in the Entra admin center (Graph PowerShell needs object ids).");
    }
    Cmdlet c = Cmdlet.of(add ? "Add-DistributionGroupMember" : "Remove-DistributionGroupMember").text("Identity", group)
        .text("Member", member).flag("BypassSecurityGroupManagerCheck");
    // A removal of someone no longer a member is done already (MemberNotFoundException), as an add of a member is.
    return new Statement.RunIdempotent(add ? c : c.bool("Confirm", false));
  }

  private static Cmdlet readGroup(String group, GroupKind kind) {
    return Cmdlet.of(kind == GroupKind.MICROSOFT_365 ? "Get-Group" : "Get-DistributionGroup").text("Identity", group);
  }

  private static Cmdlet roleAssignment(Operation.NewManagementRoleAssignment a) {
    Cmdlet c = Cmdlet.of("New-ManagementRoleAssignment").text("Name", a.name()).text("Role", a.role());
    c = switch (a.assigneeType()) {
      case USER -> c.text("User", a.assignee());
      case SECURITY_GROUP -> c.text("SecurityGroup", a.assignee());
      case SERVICE_PRINCIPAL -> c.text("App", a.assignee());
    };
    boolean app = a.assigneeType() == AssigneeType.SERVICE_PRINCIPAL;
    return switch (a.scopeType()) {
      case ORGANIZATION -> c;
      case MANAGEMENT_SCOPE -> c.text(app ? "CustomResourceScope" : "CustomRecipientWriteScope", a.scope());
      case ADMINISTRATIVE_UNIT -> c.text("RecipientAdministrativeUnitScope", a.scope());
      case RECIPIENT_GROUP -> c.text("RecipientGroupScope", a.scope());
    };
  }
}
