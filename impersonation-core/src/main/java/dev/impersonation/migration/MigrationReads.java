package dev.impersonation.migration;

import dev.impersonation.Access.RbacForApplications;
import dev.impersonation.TenantConnection;
import dev.impersonation.spi.AccessPolicy;
import dev.impersonation.spi.AppPermissions;
import dev.impersonation.spi.ApplicationPermissionGrant;
import dev.impersonation.spi.EntraServicePrincipal;
import dev.impersonation.spi.ExchangeBackend;
import dev.impersonation.spi.Recipient;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;

/** The reads behind {@link AccessPolicyMigration#read}: each failure is recorded, never taken as "nothing there". */
final class MigrationReads {
  /** How deep nested groups are followed; deeper nesting is reported as unread. */
  private static final int MAX_DEPTH = 10;
  private static final String RESTRICT = "RestrictAccess";

  private final TenantConnection connection;
  private final String appId;
  private final List<String> unknowns = new ArrayList<>();

  private MigrationReads(TenantConnection connection, String appId) {
    this.connection = connection;
    this.appId = appId;
  }

  static AccessPolicyMigration read(TenantConnection connection, String appId) {
    return new MigrationReads(connection, appId).read();
  }

  private <T> Optional<T> attempt(String what, Supplier<T> read) {
    try {
      return Optional.of(read.get());
    } catch (RuntimeException e) {
      unknowns.add(what + ": " + e.getClass().getSimpleName() + ": " + e.getMessage());
      return Optional.empty();
    }
  }

  private AccessPolicyMigration read() {
    Optional<ExchangeBackend> exchange = connection.exchange();
    if (exchange.isEmpty()) {
      unknowns.add("the access policies and groups: this connection has no Exchange backend");
    }
    List<AccessPolicy> policies = exchange.flatMap(x -> attempt("the app's access policies", () -> x.accessPolicies(appId)))
        .orElse(List.of());
    List<AccessPolicy> restrict = policies.stream().filter(p -> p.accessRight().equalsIgnoreCase(RESTRICT)).toList();
    List<AccessPolicy> deny = policies.stream().filter(p -> !p.accessRight().equalsIgnoreCase(RESTRICT)).toList();
    Optional<String> group = restrict.size() == 1 ? Optional.of(restrict.get(0).scopeGroup()) : Optional.empty();
    if (group.isPresent() && exchange.isPresent()) {
      // Policies name their group by address; the setup names it as Exchange does.
      String address = group.get();
      group = Optional.of(attempt("the policy's group '" + address + "'", () -> exchange.get().findGroup(address))
          .flatMap(g -> g).map(g -> g.name()).orElse(address));
    }
    List<String> direct = new ArrayList<>();
    List<AccessPolicyMigration.NestedMember> nested = new ArrayList<>();
    if (group.isPresent() && exchange.isPresent()) {
      members(exchange.get(), group.get(), direct, nested);
    }
    List<String> consented = consent();
    Optional<List<String>> exchangeRoles = exchange.flatMap(x -> attempt("the organization's role list", x::applicationRoles));
    List<String> roleList = exchangeRoles.filter(r -> !r.isEmpty()).orElseGet(() -> RbacForApplications.KNOWN_ROLES.stream().sorted().toList());
    if (exchangeRoles.isEmpty()) {
      // A failed role-list read is not a reason to stop: the built-in list stands in, and the table says so.
      unknowns.removeIf(u -> u.startsWith("the organization's role list"));
    }
    Set<String> roles = new LinkedHashSet<>();
    List<String> unmatched = new ArrayList<>();
    for (String permission : consented) {
      Optional<String> role = role(permission, roleList);
      role.ifPresentOrElse(roles::add, () -> unmatched.add(permission));
    }
    return new AccessPolicyMigration(connection.target(), appId, restrict, deny, group, direct, nested, consented,
        List.copyOf(roles), unmatched, exchangeRoles.filter(r -> !r.isEmpty()).isPresent(), unknowns, false, false);
  }

  /** The group's direct mailboxes, and the mailboxes of nested groups (followed to {@link #MAX_DEPTH}) that are not direct. */
  private void members(ExchangeBackend x, String group, List<String> direct, List<AccessPolicyMigration.NestedMember> nested) {
    Optional<List<Recipient>> top = attempt("the members of '" + group + "'", () -> x.groupMembers(group));
    if (top.isEmpty()) {
      return;
    }
    Set<String> directKeys = new HashSet<>();
    List<Recipient> groups = new ArrayList<>();
    for (Recipient r : top.get()) {
      if (r.type().isGroup()) {
        groups.add(r);
      } else if (r.type().isMailbox()) {
        direct.add(r.primarySmtpAddress());
        directKeys.add(r.primarySmtpAddress().toLowerCase(Locale.ROOT));
      }
    }
    Set<String> seen = new HashSet<>();
    for (Recipient g : groups) {
      nested(x, g.primarySmtpAddress().isEmpty() ? g.name() : g.primarySmtpAddress(), g.name(), 1, directKeys, seen, nested);
    }
  }

  private void nested(ExchangeBackend x, String identity, String via, int depth, Set<String> direct, Set<String> seen,
      List<AccessPolicyMigration.NestedMember> out) {
    if (!seen.add(identity.toLowerCase(Locale.ROOT))) {
      return;
    }
    if (depth > MAX_DEPTH) {
      unknowns.add("groups nested deeper than " + MAX_DEPTH + " levels below '" + via + "'");
      return;
    }
    Optional<List<Recipient>> members = attempt("the members of the nested group '" + via + "'", () -> x.groupMembers(identity));
    for (Recipient r : members.orElse(List.of())) {
      if (r.type().isGroup()) {
        nested(x, r.primarySmtpAddress().isEmpty() ? r.name() : r.primarySmtpAddress(), r.name(), depth + 1, direct, seen, out);
      } else if (r.type().isMailbox() && !direct.contains(r.primarySmtpAddress().toLowerCase(Locale.ROOT))
          && out.stream().noneMatch(n -> n.mailbox().equalsIgnoreCase(r.primarySmtpAddress()))) {
        out.add(new AccessPolicyMigration.NestedMember(r.primarySmtpAddress(), via));
      }
    }
  }

  /** The app's mailbox-related tenant-wide consent, through the directory backend. */
  private List<String> consent() {
    if (connection.directory().isEmpty()) {
      unknowns.add("the app's tenant-wide consent: this connection has no directory (Graph) backend");
      return List.of();
    }
    var directory = connection.directory().get();
    Optional<Optional<EntraServicePrincipal>> sp = attempt("the app's service principal", () -> directory.findServicePrincipal(appId));
    if (sp.isEmpty()) {
      return List.of();
    }
    if (sp.get().isEmpty()) {
      unknowns.add("the app's service principal: app " + appId + " has none in this tenant (admin consent was never given)");
      return List.of();
    }
    String spId = sp.get().get().objectId();
    List<ApplicationPermissionGrant> grants = attempt("the app's tenant-wide consent", () -> directory.applicationPermissionGrants(spId))
        .orElse(List.of());
    return grants.stream().map(ApplicationPermissionGrant::permission).map(AppPermissions::canonical)
        .filter(MigrationReads::mailboxPermission).distinct().toList();
  }

  private static boolean mailboxPermission(String permission) {
    return permission.equalsIgnoreCase(AppPermissions.FULL_ACCESS_AS_APP) || List.of("Mail.", "Mail-", "Calendars.", "Contacts.",
        "MailboxSettings.", "MailboxFolder.", "MailboxItem.", "MailboxConfigItem.", "MailTips.", "SMTP.")
        .stream().anyMatch(prefix -> permission.regionMatches(true, 0, prefix, 0, prefix.length()));
  }

  /** The role granting {@code permission}: {@code Application <permission>}, or without the Graph name's {@code .All}. */
  static Optional<String> role(String permission, List<String> roleList) {
    if (permission.equalsIgnoreCase(AppPermissions.FULL_ACCESS_AS_APP)) {
      return roleList.stream().filter(r -> r.equalsIgnoreCase("Application EWS.AccessAsApp")).findFirst();
    }
    List<String> candidates = new ArrayList<>(List.of("Application " + permission));
    if (permission.endsWith(".All")) {
      candidates.add("Application " + permission.substring(0, permission.length() - ".All".length()));
    }
    for (String c : candidates) {
      Optional<String> found = roleList.stream().filter(r -> r.equalsIgnoreCase(c)).findFirst();
      if (found.isPresent()) {
        return found;
      }
    }
    return Optional.empty();
  }
}
