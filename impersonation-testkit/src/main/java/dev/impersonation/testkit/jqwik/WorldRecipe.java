package dev.impersonation.testkit.jqwik;

import dev.impersonation.Access.ApplicationImpersonation;
import dev.impersonation.Access.RbacForApplications;
import dev.impersonation.Access;
import dev.impersonation.AccessMethod;
import dev.impersonation.GroupKind;
import dev.impersonation.ImpersonationSetup;
import dev.impersonation.Principal;
import dev.impersonation.Scope.AdministrativeUnitScope;
import dev.impersonation.Scope.GroupScope;
import dev.impersonation.Scope.MailboxListScope;
import dev.impersonation.Scope.OrganizationScope;
import dev.impersonation.Scope.RecipientFilterScope;
import dev.impersonation.Scope;
import dev.impersonation.Secret;
import dev.impersonation.TenantTarget;
import dev.impersonation.spi.AssigneeType;
import dev.impersonation.spi.ExchangeBackend;
import dev.impersonation.spi.Operation;
import dev.impersonation.spi.RecipientFilter;
import dev.impersonation.spi.ScopeType;
import dev.impersonation.testkit.FakeTenant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * Everything a {@link TenantWorld} is made of, as plain data: the tenant's seeded state and the setup. Built by
 * {@link ImpersonationArbitraries}; {@link #consistent()} rejects the rare combinations whose names collide.
 */
record WorldRecipe(TenantTarget target, List<Mbx> users, List<Mbx> rooms, List<Mbx> shared, PrincipalPart principal,
    Access access, ScopePart scope, NamePart names, SeedPart seeds) {

  /** The licence SKU an Exchange Online world owns (for service accounts the plan creates). */
  static final String SKU = "6fd2c87f-b296-42f0-b197-1e91e994b900";
  static final String PASSWORD = "Test-only-1!";

  /** A mailbox: address and display name. */
  record Mbx(String address, String name) {}

  /** The principal: an application (with its service principal) or a service account. */
  record PrincipalPart(boolean application, String appId, String spId, String appName, boolean passSp, boolean passName,
      String account, String accountName, boolean accountExists) {}

  /** A recipient property seeded on a mailbox, for recipient-filter scopes. */
  record Prop(String mailbox, String property, String value) {}

  /** The scope, and for group scopes which of its groups exist already with which members. */
  record ScopePart(Scope scope, List<Boolean> partitionExists, List<List<String>> preMembers, List<Prop> properties,
      String auId, List<String> auMembers) {}

  /** The setup's names and verification hints. */
  record NamePart(String setupName, Optional<String> scopeName, Optional<String> assignmentName, List<String> verify,
      Optional<String> outsider) {}

  /** An unrelated group (a decoy with a hostile name). */
  record Decoy(GroupKind kind, String name, List<String> members) {}

  /** Pre-existing state beyond mailboxes and scope groups. */
  record SeedPart(boolean dehydrated, boolean consent, boolean pointer, boolean existingScope, List<String> existingRoles,
      boolean staleOrgWide, boolean roleGroupExists, List<String> roleGroupRoles, boolean roleGroupHasMember,
      List<String> fullAccessDone, List<Decoy> decoys) {}

  static String key(String s) {
    return s.toLowerCase(Locale.ROOT);
  }

  AccessMethod method() {
    return access.method();
  }

  Principal principalValue() {
    PrincipalPart p = principal;
    if (p.application()) {
      var app = Principal.application(p.appId());
      if (p.passSp()) {
        app = app.servicePrincipal(p.spId());
      }
      if (p.passName()) {
        app = app.displayName(p.appName());
      }
      return app;
    }
    var account = Principal.serviceAccount(p.account());
    if (p.accountExists()) {
      return account;
    }
    return target.isExchangeOnline()
        ? account.createIfMissing(p.accountName(), "US", SKU, Secret.of(PASSWORD))
        : account.createIfMissing(p.accountName(), Secret.of(PASSWORD));
  }

  ImpersonationSetup setup() {
    ImpersonationSetup.Builder b = ImpersonationSetup.builder().name(names.setupName()).target(target)
        .principal(principalValue()).scope(scope.scope()).access(access).addAllVerifyMailboxes(names.verify());
    names.scopeName().ifPresent(b::managementScopeName);
    names.assignmentName().ifPresent(b::roleAssignmentName);
    names.outsider().ifPresent(b::outsider);
    return b.build();
  }

  /** The management scope name the setup uses, or empty when its scope needs none. */
  Optional<String> managementScopeName() {
    Scope s = scope.scope();
    if (s instanceof GroupScope || s instanceof RecipientFilterScope) {
      if (method() == AccessMethod.RBAC_FOR_APPLICATIONS || method() == AccessMethod.APPLICATION_IMPERSONATION) {
        return Optional.of(names.scopeName().orElse(names.setupName() + "-Scope"));
      }
    }
    return Optional.empty();
  }

  List<String> groupNames() {
    List<String> out = new ArrayList<>();
    if (scope.scope() instanceof GroupScope g) {
      for (int i = 0; i < g.groupCount(); i++) {
        out.add(g.groupName(i));
      }
    }
    return out;
  }

  List<String> existingGroupNames() {
    List<String> out = new ArrayList<>();
    List<String> names = groupNames();
    for (int i = 0; i < names.size(); i++) {
      if (scope.partitionExists().get(i)) {
        out.add(names.get(i));
      }
    }
    seeds.decoys().forEach(d -> out.add(d.name()));
    return out;
  }

  String seededAssignmentName(int i) {
    return "Seeded assignment " + (i + 1) + " of " + names.setupName();
  }

  String staleAssignmentName() {
    return "Legacy organization-wide " + names.setupName();
  }

  /** False when two objects would share a name or address, which the generator never means to test. */
  boolean consistent() {
    List<String> identities = new ArrayList<>();
    for (List<Mbx> list : List.of(users, rooms, shared)) {
      for (Mbx m : list) {
        identities.add(m.address());
        identities.add(m.name());
      }
    }
    if (!principal.application()) {
      identities.add(principal.account());
      identities.add(principal.accountName());
    }
    String domain = target.domain();
    if (scope.scope() instanceof GroupScope g) {
      for (int i = 0; i < g.groupCount(); i++) {
        identities.add(g.groupName(i));
        int n = i + 1;
        g.alias().ifPresent(a -> identities.add((n == 1 ? a : a + n) + "@" + domain));
        g.primarySmtpAddress().ifPresent(a -> identities.add(n == 1 ? a
            : a.substring(0, a.indexOf('@')) + n + a.substring(a.indexOf('@'))));
      }
      for (Decoy d : seeds.decoys()) {
        if (key(d.name()).startsWith(key(g.name()) + " ")) {
          return false;
        }
      }
    }
    seeds.decoys().forEach(d -> identities.add(d.name()));
    if (access instanceof ApplicationImpersonation ai) {
      ai.roleGroup().ifPresent(identities::add);
    }
    Set<String> seen = new LinkedHashSet<>();
    for (String id : identities) {
      if (!seen.add(key(id))) {
        return false;
      }
    }
    // Seeded role assignments must not take a name the plan wants for another role.
    ImpersonationSetup setup = setup();
    Set<String> planned = new LinkedHashSet<>();
    setup.roleAssignmentNames().forEach(name -> planned.add(key(name)));
    for (int i = 0; i < seeds.existingRoles().size(); i++) {
      if (planned.contains(key(seededAssignmentName(i)))) {
        return false;
      }
    }
    return !planned.contains(key(staleAssignmentName()));
  }

  /** Builds the seeded tenant and returns it with the number of seeding writes made through its Exchange backend. */
  Built build() {
    boolean online = target.isExchangeOnline();
    FakeTenant.Builder b = online
        ? FakeTenant.exchangeOnline(target.domain(), target.cloud().orElseThrow())
        : FakeTenant.exchangeServer(target.domain());
    if (seeds.dehydrated()) {
      b.dehydrated();
    }
    if (online) {
      b.license(SKU);
    }
    users.forEach(m -> b.userMailbox(m.address(), m.name()));
    rooms.forEach(m -> b.roomMailbox(m.address(), m.name()));
    shared.forEach(m -> b.sharedMailbox(m.address(), m.name()));
    if (principal.application()) {
      b.application(principal.appId(), principal.spId(), principal.appName());
      if (seeds.consent()) {
        b.consent(principal.appId(), "Mail.ReadWrite", "Calendars.ReadWrite");
      }
    } else if (principal.accountExists()) {
      b.userMailbox(principal.account(), principal.accountName());
    }
    scope.properties().forEach(p -> b.mailboxProperty(p.mailbox(), p.property(), p.value()));
    if (scope.scope() instanceof AdministrativeUnitScope) {
      b.administrativeUnit(scope.auId(), scope.auMembers().toArray(String[]::new));
    }
    GroupKind kind = scope.scope() instanceof GroupScope g ? g.kind() : null;
    List<String> groups = groupNames();
    for (int i = 0; i < groups.size(); i++) {
      if (scope.partitionExists().get(i)) {
        b.group(kind, groups.get(i), scope.preMembers().get(i).toArray(String[]::new));
      }
    }
    for (Decoy d : seeds.decoys()) {
      b.group(d.kind(), d.name(), d.members().toArray(String[]::new));
    }
    FakeTenant tenant = b.build();
    ExchangeBackend x = tenant.connection().exchange().orElseThrow();
    int writes = 0;
    Optional<String> scopeName = managementScopeName();
    boolean orgWide = scope.scope() instanceof OrganizationScope;
    if (principal.application() && seeds.pointer()) {
      x.execute(new Operation.NewServicePrincipal(principal.appId(), principal.spId(), principal.appName()));
      writes++;
    }
    if (seeds.existingScope() && scopeName.isPresent()) {
      RecipientFilter filter;
      if (scope.scope() instanceof RecipientFilterScope f) {
        filter = new RecipientFilter.Custom(f.filter());
      } else {
        filter = new RecipientFilter.MemberOfGroups(groups.stream().map(name -> new RecipientFilter.GroupReference(name, kind,
            Optional.of(tenant.group(name).orElseThrow().distinguishedName()))).toList());
      }
      x.execute(new Operation.NewManagementScope(scopeName.get(), filter));
      writes++;
    }
    ScopeType scopeType;
    String scopeValue;
    if (orgWide) {
      scopeType = ScopeType.ORGANIZATION;
      scopeValue = "";
    } else if (scope.scope() instanceof AdministrativeUnitScope au) {
      scopeType = ScopeType.ADMINISTRATIVE_UNIT;
      scopeValue = au.objectId();
    } else {
      scopeType = ScopeType.MANAGEMENT_SCOPE;
      scopeValue = scopeName.orElse("");
    }
    String assignee = principal.application() ? principal.spId() : principal.account();
    AssigneeType assigneeType = principal.application() ? AssigneeType.SERVICE_PRINCIPAL : AssigneeType.USER;
    for (int i = 0; i < seeds.existingRoles().size(); i++) {
      x.execute(new Operation.NewManagementRoleAssignment(seededAssignmentName(i), seeds.existingRoles().get(i), assignee,
          assigneeType, scopeType, scopeValue));
      writes++;
    }
    if (seeds.staleOrgWide()) {
      String role = access instanceof RbacForApplications r ? r.roles().get(0) : ApplicationImpersonation.ROLE;
      x.execute(new Operation.NewManagementRoleAssignment(staleAssignmentName(), role, assignee, assigneeType,
          ScopeType.ORGANIZATION, ""));
      writes++;
    }
    if (seeds.roleGroupExists() && access instanceof ApplicationImpersonation ai && ai.roleGroup().isPresent()) {
      x.execute(new Operation.NewRoleGroup(ai.roleGroup().get(), seeds.roleGroupRoles(),
          seeds.roleGroupHasMember() ? List.of(principal.account()) : List.of(), orgWide ? "" : scopeValue, "seeded"));
      writes++;
    }
    if (!seeds.fullAccessDone().isEmpty()) {
      x.execute(new Operation.AddMailboxPermissions(principal.account(), seeds.fullAccessDone()));
      writes++;
    }
    return new Built(tenant, writes);
  }

  /** A built tenant and how many writes seeding it took. */
  record Built(FakeTenant tenant, int seedingWrites) {}

  String describe() {
    StringBuilder out = new StringBuilder();
    out.append(target).append(seeds.dehydrated() ? " (dehydrated)" : "").append('\n');
    out.append("  users: ").append(users).append('\n');
    out.append("  rooms: ").append(rooms).append('\n');
    out.append("  shared: ").append(shared).append('\n');
    out.append("  principal: ").append(principal).append('\n');
    out.append("  access: ").append(access).append('\n');
    out.append("  scope: ").append(scope).append('\n');
    out.append("  names: ").append(names).append('\n');
    out.append("  seeds: ").append(seeds);
    return out.toString();
  }
}
