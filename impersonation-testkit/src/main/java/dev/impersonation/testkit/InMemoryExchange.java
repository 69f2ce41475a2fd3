package dev.impersonation.testkit;

import dev.impersonation.Access.ApplicationImpersonation;
import dev.impersonation.AccessMethod;
import dev.impersonation.Principal.Application;
import dev.impersonation.Principal.ServiceAccount;
import dev.impersonation.Principal;
import dev.impersonation.spi.AccessPolicy;
import dev.impersonation.spi.AssigneeType;
import dev.impersonation.spi.Capability;
import dev.impersonation.spi.ConfiguredAccess;
import dev.impersonation.spi.EwsOrganizationPolicy;
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
  private final InMemoryExchangeWrites writes;

  InMemoryExchange(TenantState state) {
    this.s = state;
    this.writes = new InMemoryExchangeWrites(state);
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

  @Override
  public List<String> applicationRoles() {
    return call("applicationRoles", "", false, () -> s.target.isExchangeOnline()
        ? dev.impersonation.Access.RbacForApplications.KNOWN_ROLES.stream().sorted().toList() : List.of());
  }

  @Override
  public EwsOrganizationPolicy ewsOrganizationPolicy() {
    return call("ewsOrganizationPolicy", "", false, s::ewsPolicy);
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

  /** One read for all, as the cmdlet backend's filter chunks are (mailboxes and groups, by address or any identity). */
  @Override
  public java.util.Map<String, Recipient> findRecipients(List<String> identities) {
    return call("findRecipients", identities.size() + " identities", false, () -> {
      java.util.Map<String, Recipient> out = new java.util.LinkedHashMap<>();
      for (String identity : identities) {
        s.mailbox(identity).filter(m -> !m.usableAt.isAfter(s.now())).map(InMemoryExchange::recipient)
            .or(() -> s.group(identity).filter(g -> g.kind.isExchangeKnown()).map(InMemoryExchange::recipient))
            .ifPresent(r -> out.put(identity.toLowerCase(java.util.Locale.ROOT), r));
      }
      return out;
    });
  }

  @Override
  public List<Recipient> mailboxesMatching(String opathFilter) {
    return call("mailboxesMatching", opathFilter, false, () -> {
      // The bulk reads' filter, (PrimarySmtpAddress -eq 'a') -or ...: answered from the address index, not by
      // evaluating the filter on every mailbox (a tenant of 100,000 mailboxes would take minutes).
      java.util.Collection<TenantState.MailboxObject> candidates = s.mailboxes.values();
      if (ADDRESS_TERMS.matcher(opathFilter).matches()) {
        java.util.Set<TenantState.MailboxObject> found = new java.util.LinkedHashSet<>();
        addresses(opathFilter).forEach(a -> Optional.ofNullable(s.mailboxes.get(TenantState.key(a))).ifPresent(found::add));
        candidates = found;
      }
      return candidates.stream().filter(m -> !m.usableAt.isAfter(s.now()) && s.matchesFilter(opathFilter, m))
          .map(InMemoryExchange::recipient).toList();
    });
  }

  private static final String ADDRESS_TERM = "\\(\\s*PrimarySmtpAddress\\s+-eq\\s+'((?:[^']|'')*)'\\s*\\)";
  /** A filter made only of {@code (PrimarySmtpAddress -eq '...')} terms joined by {@code -or}. */
  private static final java.util.regex.Pattern ADDRESS_TERMS = java.util.regex.Pattern.compile(
      "(?i)\\s*" + ADDRESS_TERM + "(\\s*-or\\s*" + ADDRESS_TERM + ")*\\s*");

  private static List<String> addresses(String filter) {
    List<String> out = new ArrayList<>();
    java.util.regex.Matcher m = java.util.regex.Pattern.compile("(?i)" + ADDRESS_TERM).matcher(filter);
    while (m.find()) {
      out.add(m.group(1).replace("''", "'"));
    }
    return out;
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
  public List<RoleAssignment> allRoleAssignments() {
    return call("allRoleAssignments", "", false, () -> s.allAssignments().stream()
        .map(a -> new RoleAssignment(a.name(), a.role(), a.assignee(), a.type(), a.scopeType(), a.scope(), a.createdAt())).toList());
  }

  @Override
  public List<AccessPolicy> allAccessPolicies() {
    return call("allAccessPolicies", "", false, () -> {
      s.requireCloud("Get-ApplicationAccessPolicy");
      return s.policies.stream().map(p -> new AccessPolicy(p.id(), p.appId(), s.group(p.groupKey()).map(g -> g.smtp)
          .orElse(p.groupKey()), p.right(), p.description(), p.createdAt())).toList();
    });
  }

  /** As {@code Get-EXOMailboxPermission -ResultSize Unlimited}: Exchange Online only (Exchange Server lists per mailbox). */
  @Override
  public List<MailboxPermission> fullAccessGrants() {
    if (!s.target.isExchangeOnline()) {
      throw new UnsupportedOperationException("Exchange Server lists mailbox permissions only per mailbox (Get-MailboxPermission "
          + "-Identity); the inventory makes no call per mailbox");
    }
    return call("fullAccessGrants", "", false, () -> {
      return s.mailboxes.values().stream().flatMap(m -> s.permissions.getOrDefault(TenantState.key(m.smtp), List.of()).stream()
          .filter(p -> p.rights().equalsIgnoreCase("FullAccess") && !p.deny())
          .map(p -> new MailboxPermission(m.smtp, p.user(), List.of(p.rights()), false))).toList();
    });
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
    call(op.getClass().getSimpleName(), detail(op), true, () -> op.accept(writes));
  }

  private static String detail(Operation op) {
    String text = op.toString();
    return text.length() > 400 ? text.substring(0, 400) + "…" : text;
  }
}
