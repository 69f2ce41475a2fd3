package dev.impersonation.testkit;

import dev.impersonation.Access.ApplicationImpersonation;
import dev.impersonation.AccessMethod;
import dev.impersonation.Principal;
import dev.impersonation.spi.AssigneeType;
import dev.impersonation.spi.ConfiguredAccess;
import dev.impersonation.spi.ScopeType;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The simulator's RBAC and authorization reads: management scopes, role assignments (with the ones New-RoleGroup
 * implies and {@code -GetEffectiveUsers}), role groups, mailbox permissions, Exchange service principals, application
 * access policies, and the Test-ServicePrincipalAuthorization / Test-ApplicationAccessPolicy checks.
 */
final class ExchangeRbacCmdlets {
  private final TenantState s;
  private final InMemoryExchange exchange;

  ExchangeRbacCmdlets(TenantState state, InMemoryExchange exchange) {
    this.s = state;
    this.exchange = exchange;
  }

  List<Map<String, Object>> getManagementScope(CmdletParams p) {
    if (!p.has("Identity")) {
      return exchange.call("findManagementScope", "*", false, () -> s.scopes.values().stream()
          .filter(x -> !s.lagging("scope", x.name())).map(ExchangeRows::scopeRow).toList());
    }
    String identity = p.required("Identity");
    return exchange.call("findManagementScope", identity, false, () -> Optional.ofNullable(s.scopes.get(TenantState.key(identity)))
        .filter(x -> !s.lagging("scope", x.name())).map(ExchangeRows::scopeRow).map(List::of).orElseThrow(() -> s.notFound(identity)));
  }

  /** Stored assignments plus the ones New-RoleGroup makes ({@code <Role>-<RoleGroup>}, docs/cmdlets.md), as rows. */
  List<Map<String, Object>> allAssignmentRows() {
    return s.allAssignments().stream().map(this::assignmentRow).toList();
  }

  Map<String, Object> assignmentRow(TenantState.AssignmentObject a) {
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
    return ExchangeRows.row("Identity", a.name(), "Name", a.name(), "Role", a.role(), "RoleAssignee", a.assignee(), "RoleAssigneeName", assigneeName,
        "RoleAssigneeType", assigneeType, "RecipientWriteScope", writeScope, "CustomRecipientWriteScope", customRecipient,
        "CustomResourceScope", customResource, "RecipientGroupScope", recipientGroup, "Enabled", true,
        "WhenCreatedUTC", ExchangeRows.utc(a.createdAt()));
  }

  List<Map<String, Object>> getRoleAssignments(CmdletParams p) {
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
  List<Map<String, Object>> effectiveUsers(CmdletParams p) {
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

  List<Map<String, Object>> getRoleGroup(CmdletParams p) {
    String identity = p.required("Identity");
    return exchange.call("findRoleGroup", identity, false, () -> {
      TenantState.RoleGroupObject g = Optional.ofNullable(s.roleGroups.get(TenantState.key(identity)))
          .filter(x -> !s.lagging("rolegroup", x.name)).orElseThrow(() -> s.notFound(identity));
      return List.of(ExchangeRows.row("Identity", g.name, "Name", g.name, "Roles", List.copyOf(g.roles), "Members", List.copyOf(g.members),
          "ManagedBy", List.of(), "Description", g.description, "RoleGroupType", "Standard"));
    });
  }

  List<Map<String, Object>> getMailboxPermission(CmdletParams p) {
    String identity = p.required("Identity");
    Optional<String> user = p.text("User");
    return exchange.mailboxPermissions(identity).stream()
        .filter(x -> user.isEmpty() || user.get().equalsIgnoreCase(x.user()))
        .map(x -> ExchangeRows.row("Identity", x.mailbox(), "User", x.user(), "AccessRights", x.accessRights(), "Deny", x.deny(),
            "IsInherited", false, "InheritanceType", "All"))
        .toList();
  }

  private Map<String, Object> servicePrincipalRow(TenantState.ServicePrincipalObject sp) {
    return ExchangeRows.row("Identity", sp.objectId(), "Name", sp.objectId(), "AppId", sp.appId(), "ObjectId", sp.objectId(),
        "DisplayName", sp.displayName());
  }

  Optional<TenantState.ServicePrincipalObject> servicePrincipal(String identity) {
    return s.exchangeServicePrincipals.values().stream().filter(x -> x.appId().equalsIgnoreCase(identity)
        || x.objectId().equalsIgnoreCase(identity) || identity.equalsIgnoreCase(x.displayName())).findFirst();
  }

  List<Map<String, Object>> getServicePrincipal(CmdletParams p) {
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

  List<Map<String, Object>> getAccessPolicies(CmdletParams p) {
    Optional<String> identity = p.text("Identity");
    return exchange.call("accessPolicies", identity.orElse("*"), false, () -> {
      s.requireCloud("Get-ApplicationAccessPolicy");
      return s.policies.stream().filter(x -> identity.isEmpty() || identity.get().equalsIgnoreCase(x.id())
              || identity.get().equalsIgnoreCase(x.appId()))
          .map(x -> ExchangeRows.row("Identity", x.id(), "AppId", x.appId(),
              "ScopeName", s.group(x.groupKey()).map(g -> g.smtp).orElse(x.groupKey()),
              "ScopeIdentity", s.group(x.groupKey()).map(g -> g.name).orElse(x.groupKey()),
              "AccessRight", x.right(), "Description", x.description(), "IsValid", true, "WhenCreatedUTC", ExchangeRows.utc(x.createdAt())))
          .toList();
    });
  }

  List<Map<String, Object>> testServicePrincipalAuthorization(CmdletParams p) {
    String identity = p.required("Identity");
    Optional<String> resource = p.text("Resource");
    return exchange.call("testConfiguredAccess", AccessMethod.RBAC_FOR_APPLICATIONS + " " + resource.orElse(""), false, () -> {
      s.requireCloud("Test-ServicePrincipalAuthorization");
      TenantState.ServicePrincipalObject sp = servicePrincipal(identity).orElseThrow(() -> s.notFound(identity));
      Optional<TenantState.MailboxObject> m = resource.map(r -> s.usableMailbox(r).orElseThrow(() -> s.notFound(r)));
      return s.assignments.values().stream()
          .filter(a -> a.type() == AssigneeType.SERVICE_PRINCIPAL && a.assignee().equalsIgnoreCase(sp.objectId()))
          .map(a -> ExchangeRows.row("RoleName", a.role(),
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

  List<Map<String, Object>> testApplicationAccessPolicy(CmdletParams p) {
    String mailbox = p.required("Identity");
    String appId = p.required("AppId");
    ConfiguredAccess access = exchange.testConfiguredAccess(AccessMethod.APPLICATION_ACCESS_POLICY, Principal.application(appId), mailbox);
    return List.of(ExchangeRows.row("AppId", appId, "Mailbox", mailbox, "AccessCheckResult", access.inScope() ? "Granted" : "Denied"));
  }
}
