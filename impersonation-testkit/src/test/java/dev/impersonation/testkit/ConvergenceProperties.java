package dev.impersonation.testkit;

import static dev.impersonation.testkit.Fixtures.ANN;
import static dev.impersonation.testkit.Fixtures.BOB;
import static dev.impersonation.testkit.Fixtures.CEO;
import static dev.impersonation.testkit.Fixtures.DAN;
import static dev.impersonation.testkit.Fixtures.EVE;
import static dev.impersonation.testkit.Fixtures.FAY;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.impersonation.Access;
import dev.impersonation.GroupKind;
import dev.impersonation.ImpersonationSetup;
import dev.impersonation.MembershipMode;
import dev.impersonation.Principal;
import dev.impersonation.Scope;
import dev.impersonation.TenantConnection;
import dev.impersonation.TenantTarget;
import dev.impersonation.plan.ApplyResult;
import dev.impersonation.plan.Plan;
import dev.impersonation.spi.Operation;
import dev.impersonation.spi.RecipientFilter;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Builders;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * The library's rule: apply, then plan, is converged, whatever the tenant already holds; ADD_ONLY never removes a
 * member, EXACT ends with exactly the declared ones.
 */
class ConvergenceProperties {
  private static final List<String> POOL = List.of(ANN, BOB, DAN, EVE, FAY);
  private static final List<String> POOL_AND_CEO = List.of(ANN, BOB, DAN, EVE, FAY, CEO);
  private static final String APP = Fixtures.RI_APP;
  private static final String SP = Fixtures.RI_SP;
  private static final String GROUP = "Conv Users";
  private static final String SCOPE = "Conv-Scope";

  /** A random starting tenant and setup. */
  record World(boolean online, boolean dehydrated, GroupKind kind, MembershipMode mode, List<String> declared,
      boolean groupExists, List<String> preMembers, boolean scopeExists, boolean assignmentExists) {}

  private static List<String> sorted(Set<String> set) {
    return POOL_AND_CEO.stream().filter(set::contains).toList();
  }

  @Provide
  Arbitrary<World> worlds() {
    return Builders.withBuilder(() -> new World(false, false, GroupKind.DISTRIBUTION, MembershipMode.ADD_ONLY, List.of(),
            false, List.of(), false, false))
        .use(Arbitraries.of(true, false)).in((w, v) -> new World(v, w.dehydrated(), w.kind(), w.mode(), w.declared(),
            w.groupExists(), w.preMembers(), w.scopeExists(), w.assignmentExists()))
        .use(Arbitraries.of(true, false)).in((w, v) -> new World(w.online(), v && w.online(), w.kind(), w.mode(), w.declared(),
            w.groupExists(), w.preMembers(), w.scopeExists(), w.assignmentExists()))
        .use(Arbitraries.of(GroupKind.DISTRIBUTION, GroupKind.MAIL_ENABLED_SECURITY)).in((w, v) -> new World(w.online(),
            w.dehydrated(), v, w.mode(), w.declared(), w.groupExists(), w.preMembers(), w.scopeExists(), w.assignmentExists()))
        .use(Arbitraries.of(MembershipMode.ADD_ONLY, MembershipMode.EXACT)).in((w, v) -> new World(w.online(), w.dehydrated(),
            w.kind(), v, w.declared(), w.groupExists(), w.preMembers(), w.scopeExists(), w.assignmentExists()))
        .use(Arbitraries.subsetOf(POOL)).in((w, v) -> new World(w.online(), w.dehydrated(), w.kind(), w.mode(), sorted(v),
            w.groupExists(), w.preMembers(), w.scopeExists(), w.assignmentExists()))
        .use(Arbitraries.of(true, false)).in((w, v) -> new World(w.online(), w.dehydrated(), w.kind(), w.mode(), w.declared(),
            v, w.preMembers(), w.scopeExists(), w.assignmentExists()))
        .use(Arbitraries.subsetOf(POOL_AND_CEO)).in((w, v) -> new World(w.online(), w.dehydrated(), w.kind(), w.mode(),
            w.declared(), w.groupExists(), w.groupExists() ? sorted(v) : List.of(), w.scopeExists(), w.assignmentExists()))
        .use(Arbitraries.of(true, false)).in((w, v) -> new World(w.online(), w.dehydrated(), w.kind(), w.mode(), w.declared(),
            w.groupExists(), w.preMembers(), v && w.groupExists() && !w.dehydrated(), w.assignmentExists()))
        .use(Arbitraries.of(true, false)).in((w, v) -> new World(w.online(), w.dehydrated(), w.kind(), w.mode(), w.declared(),
            w.groupExists(), w.preMembers(), w.scopeExists(), v && w.scopeExists()))
        .build();
  }

  private static FakeTenant tenant(World w) {
    TenantTarget.Kind kind = w.online() ? TenantTarget.Kind.EXCHANGE_ONLINE : TenantTarget.Kind.EXCHANGE_SERVER;
    FakeTenant.Builder b = w.online()
        ? FakeTenant.exchangeOnline(Fixtures.ONLINE).application(APP, SP, "Conv App")
        : FakeTenant.exchangeServer(Fixtures.SERVER).userMailbox("svc@contoso.com", "Svc");
    if (w.dehydrated()) {
      b.dehydrated();
    }
    b.userMailbox(ANN).userMailbox(BOB).userMailbox(DAN).userMailbox(EVE).userMailbox(FAY).userMailbox(CEO);
    if (w.groupExists()) {
      b.group(w.kind(), GROUP, w.preMembers().toArray(String[]::new));
    }
    FakeTenant tenant = b.build();
    var exchange = tenant.connection().exchange().orElseThrow();
    if (w.scopeExists()) {
      String dn = tenant.group(GROUP).orElseThrow().distinguishedName();
      exchange.execute(new Operation.NewManagementScope(SCOPE, new RecipientFilter.MemberOfGroups(List.of(
          new RecipientFilter.GroupReference(GROUP, w.kind(), Optional.of(dn))))));
    }
    if (w.assignmentExists()) {
      if (w.online()) {
        exchange.execute(new Operation.NewServicePrincipal(APP, SP, "Conv App"));
        exchange.execute(new Operation.NewManagementRoleAssignment("Conv-Mail.Read", "Application Mail.Read", SP,
            dev.impersonation.spi.AssigneeType.SERVICE_PRINCIPAL, dev.impersonation.spi.ScopeType.MANAGEMENT_SCOPE, SCOPE));
      } else {
        exchange.execute(new Operation.NewManagementRoleAssignment("Conv", "ApplicationImpersonation", "svc@contoso.com",
            dev.impersonation.spi.AssigneeType.USER, dev.impersonation.spi.ScopeType.MANAGEMENT_SCOPE, SCOPE));
      }
    }
    assertEquals(kind, tenant.target().kind());
    return tenant;
  }

  private static ImpersonationSetup setup(World w) {
    var scope = Scope.distributionGroup(GROUP);
    scope = (w.kind() == GroupKind.MAIL_ENABLED_SECURITY ? Scope.mailEnabledSecurityGroup(GROUP) : scope)
        .members(w.declared()).membershipMode(w.mode());
    ImpersonationSetup.Builder b = ImpersonationSetup.builder().name("Conv").scope(scope)
        .target(Fixtures.target(w.online() ? TenantTarget.Kind.EXCHANGE_ONLINE : TenantTarget.Kind.EXCHANGE_SERVER));
    if (w.online()) {
      b.principal(Principal.application(APP)).access(Access.rbacForApplications("Application Mail.Read"));
    } else {
      b.principal(Principal.serviceAccount("svc@contoso.com")).access(Access.applicationImpersonation());
    }
    return b.build();
  }

  @Property(tries = 80, seed = "4242")
  void applyThenPlanIsConverged(@ForAll("worlds") World w) {
    FakeTenant tenant = tenant(w);
    TenantConnection connection = tenant.connection();
    ImpersonationSetup setup = setup(w);
    Plan plan = setup.plan(connection);
    assertTrue(plan.blockedSteps().isEmpty(), w + "\n" + plan);
    ApplyResult result = setup.apply(plan, connection, dev.impersonation.plan.ProgressListener.none());
    assertTrue(result.succeeded(), w + "\n" + result);

    Plan after = setup.plan(connection);
    assertTrue(after.isConverged(), w + "\n" + after);
    int writes = tenant.writes().size();
    assertTrue(setup.apply(connection).succeeded());
    assertEquals(writes, tenant.writes().size(), w + ": the second apply wrote");

    Set<String> members = new HashSet<>(tenant.members(GROUP));
    assertTrue(members.containsAll(w.declared()), w + ": " + members);
    if (w.mode() == MembershipMode.EXACT) {
      assertEquals(new HashSet<>(w.declared()), members, w.toString());
    } else {
      assertTrue(members.containsAll(w.preMembers()), w + ": ADD_ONLY removed a member: " + members);
      Set<String> expected = new HashSet<>(w.preMembers());
      expected.addAll(w.declared());
      assertEquals(expected, members, w.toString());
    }
    if (w.online()) {
      // RBAC for Applications over a group: -RecipientGroupScope, unless an earlier version's DN-scope assignment exists.
      assertEquals(1, tenant.roleAssignments().stream().filter(a -> w.assignmentExists() ? a.scope().equals(SCOPE)
          : a.scopeType() == dev.impersonation.spi.ScopeType.RECIPIENT_GROUP && a.scope().equalsIgnoreCase(GROUP)).count(),
          w + ": exactly one scoped assignment: " + tenant.roleAssignments());
      assertEquals(1, tenant.roleAssignments().size(), w + ": no duplicate: " + tenant.roleAssignments());
      assertEquals(w.scopeExists(), tenant.managementScope(SCOPE).isPresent(), w + ": no management scope is made any more");
    } else {
      assertEquals(1, tenant.roleAssignments().stream().filter(a -> a.scope().equals(SCOPE)).count(),
          w + ": exactly one scoped assignment: " + tenant.roleAssignments());
      assertTrue(tenant.managementScope(SCOPE).isPresent());
    }
  }
}
