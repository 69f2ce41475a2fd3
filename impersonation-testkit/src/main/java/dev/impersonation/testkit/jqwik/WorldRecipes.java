package dev.impersonation.testkit.jqwik;

import static dev.impersonation.testkit.jqwik.ImpersonationArbitraries.FILTER_PROPERTIES;
import static dev.impersonation.testkit.jqwik.ImpersonationArbitraries.MAX_NAME;
import static dev.impersonation.testkit.jqwik.ImpersonationArbitraries.accessFor;
import static dev.impersonation.testkit.jqwik.ImpersonationArbitraries.accessMethods;
import static dev.impersonation.testkit.jqwik.ImpersonationArbitraries.appIds;
import static dev.impersonation.testkit.jqwik.ImpersonationArbitraries.groupScopes;
import static dev.impersonation.testkit.jqwik.ImpersonationArbitraries.hostileName;
import static dev.impersonation.testkit.jqwik.ImpersonationArbitraries.lowerWords;
import static dev.impersonation.testkit.jqwik.ImpersonationArbitraries.setupNames;
import static dev.impersonation.testkit.jqwik.ImpersonationArbitraries.smtpAddresses;
import static dev.impersonation.testkit.jqwik.ImpersonationArbitraries.subsetList;
import static dev.impersonation.testkit.jqwik.ImpersonationArbitraries.upns;
import static dev.impersonation.testkit.jqwik.ImpersonationArbitraries.weighted;

import dev.impersonation.Access.ApplicationImpersonation;
import dev.impersonation.Access.RbacForApplications;
import dev.impersonation.Access;
import dev.impersonation.AccessMethod;
import dev.impersonation.GroupKind;
import dev.impersonation.MembershipMode;
import dev.impersonation.Scope.GroupScope;
import dev.impersonation.Scope;
import dev.impersonation.TenantTarget;
import java.util.ArrayList;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.Tuple;

/**
 * How {@link ImpersonationArbitraries#tenants} and {@link ImpersonationArbitraries#setups} compose a world: its people,
 * principal, scope (with partitions of split groups and filters), names and pre-existing state.
 */
final class WorldRecipes {
  private WorldRecipes() {}

  private record People(List<WorldRecipe.Mbx> users, List<WorldRecipe.Mbx> rooms, List<WorldRecipe.Mbx> shared) {
    List<String> userAddresses() {
      return users.stream().map(WorldRecipe.Mbx::address).toList();
    }

    List<String> roomAddresses() {
      return rooms.stream().map(WorldRecipe.Mbx::address).toList();
    }

    List<String> mailboxAddresses() {
      List<String> all = new ArrayList<>(userAddresses());
      shared.forEach(m -> all.add(m.address()));
      return all;
    }

    List<String> allAddresses() {
      List<String> all = mailboxAddresses();
      all.addAll(roomAddresses());
      return all;
    }
  }

  private static Arbitrary<People> people(String domain) {
    Arbitrary<List<String>> users = upns(domain).list().ofMinSize(3).ofMaxSize(7).uniqueElements(WorldRecipe::key);
    Arbitrary<List<String>> rooms = smtpAddresses(domain).list().ofMinSize(0).ofMaxSize(5).uniqueElements(WorldRecipe::key);
    Arbitrary<List<String>> shared = smtpAddresses(domain).list().ofMinSize(0).ofMaxSize(2).uniqueElements(WorldRecipe::key);
    Arbitrary<List<String>> names = hostileName().list().ofSize(14).uniqueElements(WorldRecipe::key);
    return Combinators.combine(users, rooms, shared, names).as((u, r, s, n) -> {
      int[] next = {0};
      java.util.function.Function<List<String>, List<WorldRecipe.Mbx>> named = addresses -> addresses.stream()
          .map(a -> new WorldRecipe.Mbx(a, n.get(next[0]++))).toList();
      return new People(named.apply(u), named.apply(r), named.apply(s));
    });
  }

  private static Arbitrary<WorldRecipe.PrincipalPart> principals(AccessMethod method, String domain) {
    if (method == AccessMethod.RBAC_FOR_APPLICATIONS || method == AccessMethod.APPLICATION_ACCESS_POLICY) {
      var flags = Combinators.combine(Arbitraries.of(true, false), Arbitraries.of(true, false)).as(Tuple::of);
      return Combinators.combine(appIds(), appIds(), hostileName(), flags).as((app, sp, name, f) ->
          new WorldRecipe.PrincipalPart(true, app, sp, name, f.get1(), f.get2(), "", "", false));
    }
    // A service account the plan creates gets a '+' in its address, which no seeded group's derived address has.
    Arbitrary<String> existing = upns(domain);
    Arbitrary<String> created = lowerWords(10).map(w -> "svc+" + w + "@" + domain);
    return Combinators.combine(Arbitraries.of(true, true, false), existing, created, hostileName())
        .as((exists, account, newAccount, name) -> new WorldRecipe.PrincipalPart(false, "", "", "", false, false,
            exists ? account : newAccount, name, exists));
  }

  private static List<GroupKind> groupKinds(AccessMethod method, boolean online) {
    return switch (method) {
      case RBAC_FOR_APPLICATIONS -> List.of(GroupKind.DISTRIBUTION, GroupKind.MAIL_ENABLED_SECURITY, GroupKind.ROOM_LIST,
          GroupKind.MICROSOFT_365);
      case APPLICATION_ACCESS_POLICY -> List.of(GroupKind.MAIL_ENABLED_SECURITY);
      case APPLICATION_IMPERSONATION -> List.of(GroupKind.DISTRIBUTION, GroupKind.MAIL_ENABLED_SECURITY, GroupKind.ROOM_LIST);
      case FULL_ACCESS_DELEGATION -> online
          ? List.of(GroupKind.DISTRIBUTION, GroupKind.MAIL_ENABLED_SECURITY, GroupKind.ROOM_LIST, GroupKind.MICROSOFT_365,
              GroupKind.SECURITY)
          : List.of(GroupKind.DISTRIBUTION, GroupKind.MAIL_ENABLED_SECURITY, GroupKind.ROOM_LIST);
    };
  }

  private enum ScopeShape { GROUP, FILTER, ADMINISTRATIVE_UNIT, ORGANIZATION, MAILBOXES }

  private static List<ScopeShape> shapes(AccessMethod method) {
    return switch (method) {
      case RBAC_FOR_APPLICATIONS -> List.of(ScopeShape.GROUP, ScopeShape.FILTER, ScopeShape.ADMINISTRATIVE_UNIT,
          ScopeShape.ORGANIZATION);
      case APPLICATION_ACCESS_POLICY -> List.of(ScopeShape.GROUP);
      case APPLICATION_IMPERSONATION -> List.of(ScopeShape.GROUP, ScopeShape.FILTER, ScopeShape.ORGANIZATION);
      case FULL_ACCESS_DELEGATION -> List.of(ScopeShape.GROUP, ScopeShape.MAILBOXES);
    };
  }

  private static Arbitrary<WorldRecipe.ScopePart> scopes(TenantTarget target, AccessMethod method, People people,
      WorldRecipe.PrincipalPart principal) {
    String domain = target.domain();
    List<String> owners = new ArrayList<>(people.userAddresses());
    if (!principal.application()) {
      owners.add(principal.account());
    }
    List<ScopeChoice> choices = new ArrayList<>();
    for (ScopeShape shape : shapes(method)) {
      if (shape == ScopeShape.GROUP) {
        groupKinds(method, target.isExchangeOnline()).forEach(k -> choices.add(new ScopeChoice(shape, k)));
      } else {
        choices.add(new ScopeChoice(shape, null));
      }
    }
    int groupKinds = groupKinds(method, target.isExchangeOnline()).size();
    // Groups are the common case: three times as likely as all other shapes together.
    int others = choices.size() - groupKinds;
    Arbitrary<ScopeChoice> choice = weighted(choices, c -> c.shape() == ScopeShape.GROUP ? Math.max(1, 3 * others) : groupKinds);
    return choice.flatMap(c -> switch (c.shape()) {
      case GROUP -> {
        List<String> pool = c.kind() == GroupKind.ROOM_LIST ? people.roomAddresses() : people.mailboxAddresses();
        yield Combinators.combine(groupScopes(domain, pool, owners, List.of(c.kind()), method != AccessMethod.APPLICATION_ACCESS_POLICY),
            Arbitraries.of(true, false).list().ofSize(8), Arbitraries.integers().between(-1, 7).list().ofSize(8),
            subsetList(pool, 0, 4)).as(WorldRecipes::partitions);
      }
      case FILTER -> filters(people.userAddresses());
      case ADMINISTRATIVE_UNIT -> Combinators.combine(appIds(), subsetList(people.userAddresses(), 0, 4)).as((id, members) ->
          new WorldRecipe.ScopePart(Scope.administrativeUnit(id), List.of(), List.of(), List.of(), id, members));
      case ORGANIZATION -> Arbitraries.just(new WorldRecipe.ScopePart(Scope.organization().acknowledged(), List.of(), List.of(),
          List.of(), "", List.of()));
      case MAILBOXES -> subsetList(people.allAddresses(), 1, 5).map(list ->
          new WorldRecipe.ScopePart(Scope.mailboxes(list), List.of(), List.of(), List.of(), "", List.of()));
    });
  }

  private record ScopeChoice(ScopeShape shape, GroupKind kind) {}

  /**
   * Which of a group scope's groups exist, with which members: disjoint, at most max each and only declared members when
   * the members are split (so they always fit), else any of the pool. Drawn from fixed-size raw material.
   */
  private static WorldRecipe.ScopePart partitions(GroupScope g, List<Boolean> existsRaw, List<Integer> slotsRaw,
      List<String> subset) {
    int n = g.groupCount();
    List<Boolean> exists = new ArrayList<>(existsRaw.subList(0, n));
    if (g.membershipMode() == MembershipMode.UNMANAGED) {
      exists.set(0, true);
    }
    List<List<String>> pre = new ArrayList<>();
    if (g.maxMembersPerGroup().isPresent()) {
      int max = g.maxMembersPerGroup().get();
      List<List<String>> groups = new ArrayList<>();
      for (int i = 0; i < n; i++) {
        groups.add(new ArrayList<>());
      }
      for (int m = 0; m < g.members().size(); m++) {
        int slot = slotsRaw.get(m);
        if (slot >= 0 && groups.get(slot % n).size() < max) {
          groups.get(slot % n).add(g.members().get(m));
        }
      }
      groups.forEach(list -> pre.add(List.copyOf(list)));
    } else {
      pre.add(subset);
    }
    return new WorldRecipe.ScopePart(g, List.copyOf(exists), List.copyOf(pre), List.of(), "", List.of());
  }

  private static String opathLiteral(String value) {
    return "'" + value.replace("'", "''") + "'";
  }

  private static Arbitrary<WorldRecipe.ScopePart> filters(List<String> users) {
    Arbitrary<Tuple.Tuple3<String, Boolean, String>> clause = Combinators.combine(Arbitraries.of(FILTER_PROPERTIES),
        Arbitraries.of(true, false), hostileName(40)).as(Tuple::of);
    return Combinators.combine(clause.list().ofMinSize(1).ofMaxSize(2), Arbitraries.of(" -or ", " -and "),
        subsetList(users, 0, 4)).as((clauses, join, matching) -> {
          List<String> parts = new ArrayList<>();
          List<WorldRecipe.Prop> props = new ArrayList<>();
          for (var c : clauses) {
            boolean like = c.get2();
            parts.add(c.get1() + (like ? " -like " : " -eq ") + opathLiteral(like ? c.get3() + "*" : c.get3()));
            for (String m : matching) {
              props.add(new WorldRecipe.Prop(m, c.get1(), c.get3()));
            }
          }
          String filter = parts.size() == 1 ? parts.get(0) : "(" + String.join(")" + join + "(", parts) + ")";
          return new WorldRecipe.ScopePart(Scope.recipientFilter(filter), List.of(), List.of(), props, "", List.of());
        });
  }

  private static Arbitrary<WorldRecipe.NamePart> names(Access access, People people) {
    int assignmentMax = MAX_NAME;
    if (access instanceof RbacForApplications r && r.roles().size() > 1) {
      int suffix = r.roles().stream().mapToInt(role -> role.replaceFirst("^Application ", "").length()).max().orElse(0);
      assignmentMax = MAX_NAME - 1 - suffix;
    }
    List<String> outsiders = people.allAddresses();
    return Combinators.combine(setupNames(), hostileName().optional(0.4), hostileName(assignmentMax).optional(0.3),
        subsetList(people.userAddresses(), 0, 2), Arbitraries.of(outsiders).optional(0.3))
        .as(WorldRecipe.NamePart::new);
  }

  private static Arbitrary<WorldRecipe.SeedPart> seeds(TenantTarget target, People people, WorldRecipe.PrincipalPart principal,
      Access access, WorldRecipe.ScopePart scope) {
    boolean online = target.isExchangeOnline();
    Arbitrary<Boolean> coin = Arbitraries.of(true, false);
    List<GroupKind> decoyKinds = online
        ? List.of(GroupKind.DISTRIBUTION, GroupKind.MAIL_ENABLED_SECURITY, GroupKind.ROOM_LIST, GroupKind.MICROSOFT_365,
            GroupKind.SECURITY)
        : List.of(GroupKind.DISTRIBUTION, GroupKind.MAIL_ENABLED_SECURITY, GroupKind.ROOM_LIST);
    Arbitrary<WorldRecipe.Decoy> decoy = Combinators.combine(Arbitraries.of(decoyKinds), hostileName(),
        subsetList(people.roomAddresses(), 0, 3), subsetList(people.userAddresses(), 0, 3))
        .as((k, name, rooms, users) -> new WorldRecipe.Decoy(k, name, k == GroupKind.ROOM_LIST ? rooms : users));
    Arbitrary<List<WorldRecipe.Decoy>> decoys = decoy.list().ofMinSize(0).ofMaxSize(3).uniqueElements(d -> WorldRecipe.key(d.name()));
    Arbitrary<List<Boolean>> flags = coin.list().ofSize(8);
    List<String> candidates = new ArrayList<>();
    if (scope.scope() instanceof dev.impersonation.Scope.MailboxListScope list) {
      candidates.addAll(list.mailboxes());
    } else if (scope.scope() instanceof GroupScope g) {
      candidates.addAll(g.members());
      scope.preMembers().forEach(candidates::addAll);
    }
    List<String> roles = access instanceof RbacForApplications r ? r.roles()
        : access instanceof ApplicationImpersonation ? List.of(ApplicationImpersonation.ROLE) : List.of();
    List<String> roleGroupExtras = access instanceof ApplicationImpersonation ai ? ai.extraRoles() : List.of();
    return Combinators.combine(flags, subsetList(roles, 0, 3), subsetList(roleGroupExtras, 0, 2),
        subsetList(candidates.stream().distinct().toList(), 0, 3), decoys).as((f, someRoles, extras, done, ds) -> {
          boolean dehydrated = online && f.get(0);
          boolean app = principal.application();
          boolean rbac = access.method() == AccessMethod.RBAC_FOR_APPLICATIONS;
          boolean pointer = rbac && f.get(1);
          boolean needsScope = scope.scope() instanceof GroupScope || scope.scope() instanceof dev.impersonation.Scope.RecipientFilterScope;
          boolean managementScope = needsScope && (rbac || access.method() == AccessMethod.APPLICATION_IMPERSONATION);
          boolean allGroupsExist = scope.partitionExists().stream().allMatch(b -> b);
          boolean existingScope = managementScope && !dehydrated && allGroupsExist && f.get(2);
          boolean scopeReady = existingScope || !needsScope;
          boolean accountReady = !app && principal.accountExists();
          boolean direct = access instanceof ApplicationImpersonation ai && ai.roleGroup().isEmpty();
          List<String> existingRoles = List.of();
          if (rbac && pointer && !dehydrated && scopeReady && f.get(3)) {
            existingRoles = someRoles;
          } else if (direct && accountReady && scopeReady && f.get(3)) {
            existingRoles = roles;
          }
          boolean stale = f.get(4) && ((rbac && pointer && !dehydrated) || (direct && accountReady));
          boolean viaRoleGroup = access instanceof ApplicationImpersonation ai && ai.roleGroup().isPresent();
          boolean roleGroup = viaRoleGroup && scopeReady && f.get(5);
          List<String> roleGroupRoles = new ArrayList<>();
          roleGroupRoles.add(ApplicationImpersonation.ROLE);
          roleGroupRoles.addAll(extras);
          boolean member = roleGroup && accountReady && f.get(6);
          List<String> fullAccessDone = access.method() == AccessMethod.FULL_ACCESS_DELEGATION && accountReady ? done : List.of();
          return new WorldRecipe.SeedPart(dehydrated, app && f.get(7), pointer, existingScope, existingRoles, stale,
              roleGroup, List.copyOf(roleGroupRoles), member, fullAccessDone, ds);
        });
  }

  /** Recipes of whole worlds on {@code target}: people, principal, scope, access, names and seeded state. */
  static Arbitrary<WorldRecipe> recipes(TenantTarget target) {
    String domain = target.domain();
    // Few, shallow flatMaps: jqwik regenerates a flatMapped value each time it is accessed.
    return Combinators.combine(people(domain), accessMethods(target.kind())).as(Tuple::of).flatMap(pm -> {
      People people = pm.get1();
      AccessMethod method = pm.get2();
      return Combinators.combine(principals(method, domain), accessFor(method)).as(Tuple::of).flatMap(pa -> {
        WorldRecipe.PrincipalPart principal = pa.get1();
        Access access = pa.get2();
        return Combinators.combine(scopes(target, method, people, principal), names(access, people)).as(Tuple::of)
            .flatMap(sn -> seeds(target, people, principal, access, sn.get1()).map(seeds ->
                new WorldRecipe(target, people.users(), people.rooms(), people.shared(), principal, access, sn.get1(),
                    sn.get2(), seeds)));
      });
    })
        .filter(WorldRecipe::consistent)
        // Edge cases of nested flatMaps multiply; the parts keep theirs.
        .withoutEdgeCases();
  }
}
