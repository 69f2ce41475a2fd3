package dev.impersonation.internal;

import static dev.impersonation.internal.PlanContext.deps;

import dev.impersonation.Access.ApplicationImpersonation;
import dev.impersonation.Access.RbacForApplications;
import dev.impersonation.GroupKind;
import dev.impersonation.MembershipMode;
import dev.impersonation.Principal.ServiceAccount;
import dev.impersonation.Scope.GroupScope;
import dev.impersonation.plan.Step.StepAction;
import dev.impersonation.spi.MailGroup;
import dev.impersonation.spi.Operation;
import dev.impersonation.spi.Recipient;
import dev.impersonation.spi.RecipientFilter;
import dev.impersonation.spi.RecipientType;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;

/**
 * Plans a group scope (distribution group, mail-enabled security group, room list, Microsoft 365 or security group):
 * finds or creates each of its groups (split groups included), adds missing owners, closes membership, hides it from
 * address lists, checks for nested groups, has {@link GroupMembersPlanner} manage the members, and resolves the
 * DistinguishedName a {@code MemberOfGroup} management scope needs of a group this plan creates.
 */
final class GroupScopePlanner {
  private final PlanContext ctx;
  private final GroupScope scope;
  private final PrincipalSteps principal;
  /** The service account's UPN, which an owner or member step waits for while the account is created; else empty. */
  private final String principalUpn;
  /** Groups found among a scope group's direct members, by scope group (read with the members, through Exchange). */
  private final Map<String, List<Recipient>> nestedGroups = new LinkedHashMap<>();

  GroupScopePlanner(PlanContext ctx, GroupScope scope, PrincipalSteps principal) {
    this.ctx = ctx;
    this.scope = scope;
    this.principal = principal;
    this.principalUpn = ctx.setup().principal() instanceof ServiceAccount a ? a.userPrincipalName() : "";
  }

  ScopeSteps plan() {
    String marker = ObjectNames.ownerMarker(ctx.setup());
    boolean ok = true;
    List<Integer> ready = new ArrayList<>();
    List<RecipientFilter.GroupReference> refs = new ArrayList<>();
    String policyGroup = scope.primarySmtpAddress().orElse(scope.name());
    // Existing groups (including partitions beyond what the members need now) and their members.
    Map<String, Observed<MailGroup>> groups = new LinkedHashMap<>();
    for (int i = 0; ; i++) {
      String name = scope.groupName(i);
      Observed<MailGroup> g = readGroup(name, scope.kind());
      if (i >= scope.groupCount() && !g.present()) {
        break;
      }
      groups.put(name, g);
      if (i > 200) {
        break;
      }
    }
    Map<String, List<String>> members = new LinkedHashMap<>();
    Map<String, Integer> groupReady = new LinkedHashMap<>();
    for (Map.Entry<String, Observed<MailGroup>> e : groups.entrySet()) {
      String name = e.getKey();
      Observed<MailGroup> g = e.getValue();
      String resource = scope.kind().label() + " '" + name + "'";
      if (g.unknown()) {
        ctx.blocked(resource, g.blockedReason("the group"));
        ok = false;
        continue;
      }
      if (g.present()) {
        MailGroup found = g.value();
        // Graph shows a room list as a distribution group (mail-enabled, not security-enabled): not a mismatch there.
        boolean graphRoomList = scope.kind() == GroupKind.ROOM_LIST && found.kind() == GroupKind.DISTRIBUTION
            && throughDirectory(scope.kind());
        if (found.kind() != scope.kind() && !graphRoomList) {
          ctx.blocked(resource, "'" + name + "' exists but is a " + found.kind().label() + ", not a " + scope.kind().label()
              + " (docs/diagnostics.md#d2, #d5): rename the setup's group or use Scope." + factory(found.kind()) + "(\"" + name + "\")");
          ok = false;
          continue;
        }
        Optional<String> declared = groupReady.isEmpty() ? scope.primarySmtpAddress() : Optional.empty();
        if (declared.isPresent() && found.primarySmtpAddress() != null && !found.primarySmtpAddress().isEmpty()
            && !found.primarySmtpAddress().equalsIgnoreCase(declared.get())) {
          ctx.warn("The " + resource + " exists with the primary SMTP address " + found.primarySmtpAddress() + ", not the "
              + "declared " + declared.get() + ": the library does not change an existing group's address.");
        }
        if (groupReady.isEmpty() && found.primarySmtpAddress() != null && !found.primarySmtpAddress().isEmpty()) {
          policyGroup = found.primarySmtpAddress();
        }
        ctx.noOp(resource, "exists" + (found.distinguishedName().isEmpty() ? "" : " (DN read: " + found.distinguishedName() + ")"));
        groupReady.put(name, update(name, resource, found));
        if (scope.kind().isExchangeKnown()) {
          refs.add(new RecipientFilter.GroupReference(name, scope.kind(),
              found.distinguishedName().isEmpty() ? Optional.empty() : Optional.of(found.distinguishedName())));
        }
        if (scope.membershipMode() != MembershipMode.UNMANAGED) {
          Observed<List<String>> current = readMembers(name, scope.kind());
          if (current.present()) {
            ctx.info("read " + current.value().size() + " member(s) of " + resource);
          }
          if (current.unknown()) {
            ctx.blocked(resource + " members", current.blockedReason("the group's members"));
            ok = false;
          } else {
            members.put(name, current.value());
          }
          warnAboutNestedGroups(name, scope.kind(), current);
        } else if (scope.kind() != GroupKind.MICROSOFT_365 && (ctx.setup().access() instanceof RbacForApplications
            || ctx.setup().access() instanceof ApplicationImpersonation)) {
          warnAboutNestedGroups(name, scope.kind(), readMembers(name, scope.kind()));
        }
      } else {
        if (scope.membershipMode() == MembershipMode.UNMANAGED) {
          ctx.blocked(resource, "does not exist, and existingMembership() uses an existing group as it is: create it, "
              + "or drop existingMembership() so the plan creates and fills it");
          ok = false;
          continue;
        }
        groupReady.put(name, create(name, resource, marker, groupReady));
        members.put(name, List.of());
        if (scope.kind().isExchangeKnown()) {
          refs.add(new RecipientFilter.GroupReference(name, scope.kind(), Optional.empty()));
        }
      }
    }
    if (!ok) {
      return new ScopeSteps(List.of(), refs, policyGroup, List.of(), false);
    }
    List<String> inScope = new ArrayList<>();
    members.values().forEach(inScope::addAll);
    GroupMembersPlanner memberPlanner = new GroupMembersPlanner(ctx, scope, principal, principalUpn);
    if (scope.membershipMode() != MembershipMode.UNMANAGED) {
      ok = memberPlanner.plan(members, groupReady);
      Set<String> seen = new LinkedHashSet<>();
      inScope.forEach(m -> seen.add(m.toLowerCase(Locale.ROOT)));
      if (scope.membershipMode() == MembershipMode.EXACT) {
        inScope.clear();
        seen.clear();
      }
      for (String m : scope.members()) {
        if (seen.add(m.toLowerCase(Locale.ROOT))) {
          inScope.add(m);
        }
      }
    }
    // DNs of groups created by this plan are read once they exist (a -RecipientGroupScope needs none).
    List<Integer> resolveSteps = new ArrayList<>();
    for (RecipientFilter.GroupReference ref : refs) {
      if (ref.distinguishedName().isEmpty() && !AppAssignmentScope.byRecipientGroup(ctx.setup())) {
        resolveSteps.add(ctx.add(StepAction.PREREQUISITE, scope.kind().label() + " '" + ref.identity() + "'",
            "read its DistinguishedName once it exists (never built from the name)",
            new Operation.ResolveGroupDistinguishedName(ref.identity(), ref.kind()), deps(groupReady.getOrDefault(ref.identity(), 0))));
      }
    }
    ready.addAll(groupReady.values());
    ready.addAll(resolveSteps);
    ready.addAll(memberPlanner.steps());
    return new ScopeSteps(ready, refs, policyGroup, inScope, ok);
  }

  /** Adds missing owners, closes membership and hides an existing group as declared; returns the step, 0 when none. */
  private int update(String name, String resource, MailGroup found) {
    List<String> missingOwners = scope.owners().stream()
        .filter(o -> found.managedBy().stream().noneMatch(m -> m.equalsIgnoreCase(o))).toList();
    boolean close = scope.closedMembership() && !found.memberJoinClosed() && scope.kind().isExchangeWritten();
    boolean hide = scope.hiddenFromAddressListsEnabled() && !found.hiddenFromAddressLists();
    if (missingOwners.isEmpty() && !close && !hide) {
      return 0;
    }
    List<String> what = new ArrayList<>();
    if (!missingOwners.isEmpty()) {
      what.add("add owner(s) " + missingOwners);
    }
    if (close) {
      what.add("close membership");
    }
    if (hide) {
      what.add("hide from address lists");
    }
    int ownerDep = missingOwners.stream().anyMatch(o -> o.equalsIgnoreCase(principalUpn)) ? principal.ready() : 0;
    return ctx.add(StepAction.UPDATE, resource, String.join(", ", what) + " (existing owners are kept)",
        new Operation.SetGroup(name, scope.kind(), missingOwners, close, hide), deps(ownerDep));
  }

  /**
   * Creates an absent group (through Exchange, numbering the alias and address of a split group, or through the
   * directory) and hides it if declared; returns the last step, which the group's members wait for.
   */
  private int create(String name, String resource, String marker, Map<String, Integer> groupReady) {
    int ownerDep = scope.owners().stream().anyMatch(o -> o.equalsIgnoreCase(principalUpn)) ? principal.ready() : 0;
    int create;
    if (scope.kind().isExchangeWritten()) {
      boolean first = groupReady.isEmpty();
      Optional<String> alias = scope.alias().map(a -> first ? a : a + (groupReady.size() + 1));
      Optional<String> smtp = first ? scope.primarySmtpAddress() : scope.primarySmtpAddress().map(a ->
          a.substring(0, a.indexOf('@')) + (groupReady.size() + 1) + a.substring(a.indexOf('@')));
      if (smtp.isPresent()) {
        // The declared address must be free: Exchange refuses a create whose address another recipient holds.
        Observed<Recipient> holder = ctx.recipient(smtp.get());
        if (holder.unknown()) {
          return ctx.blocked(resource, holder.blockedReason("who holds the address " + smtp.get()));
        }
        // The group itself (a read of it by name that lags its create) is no conflict: the create is then already done.
        if (holder.present() && !holder.value().name().equalsIgnoreCase(name)) {
          return ctx.blocked(resource, "the declared primary SMTP address " + smtp.get() + " is held by '" + holder.value().name()
              + "' (" + holder.value().type().value() + "): use Scope." + factory(scope.kind()) + "(\"" + holder.value().name()
              + "\") if that is the group, or declare another address");
        }
      }
      create = ctx.add(StepAction.CREATE, resource, "absent; created closed, owned by " + (scope.owners().isEmpty()
          ? "the admin who runs it" : scope.owners()),
          new Operation.NewDistributionGroup(name, scope.kind(), alias, smtp, scope.owners(), marker), deps(ownerDep));
    } else {
      String nickname = scope.alias().orElse(name.replaceAll("[^A-Za-z0-9]", ""));
      create = ctx.add(StepAction.CREATE, resource, "absent; created through the directory",
          new Operation.CreateDirectoryGroup(name, scope.kind(), nickname.isEmpty() ? "group" : nickname, scope.owners(), marker),
          deps(ownerDep));
    }
    int last = create;
    if (scope.hiddenFromAddressListsEnabled()) {
      last = ctx.add(StepAction.UPDATE, resource, "hide from address lists",
          new Operation.SetGroup(name, scope.kind(), List.of(), false, true), deps(create));
    }
    return last;
  }

  /**
   * Whether a scope group is read through the directory (Graph): security groups always; Microsoft 365 groups without an
   * Exchange backend; and, for a {@code -RecipientGroupScope} over Graph (no Exchange backend), any group, since Graph
   * reads distribution groups and mail-enabled security groups though it cannot write them (docs/graph.md), and
   * {@code /Groups/{id}} needs only the group's object id. Creating or filling such a group still needs Exchange.
   */
  private boolean throughDirectory(GroupKind kind) {
    return kind == GroupKind.SECURITY || ctx.exchange().isEmpty() && ctx.directory().isPresent()
        && (kind == GroupKind.MICROSOFT_365 || AppAssignmentScope.byRecipientGroup(ctx.setup()));
  }

  private Observed<MailGroup> readGroup(String name, GroupKind kind) {
    if (throughDirectory(kind)) {
      return ctx.directory().map(d -> Observed.read(() -> d.findGroup(name)))
          .orElseGet(() -> Observed.unknown("this connection has no directory (Graph) backend to read security groups"));
    }
    return ctx.fromExchange(x -> x.findGroup(name));
  }

  private Observed<List<String>> readMembers(String name, GroupKind kind) {
    if (throughDirectory(kind)) {
      return ctx.directory().map(d -> Observed.readValue(() -> d.groupMembers(name)))
          .orElseGet(() -> Observed.unknown("this connection has no directory (Graph) backend"));
    }
    return ctx.valueFromExchange(x -> {
      List<Recipient> all = x.groupMembers(name);
      nestedGroups.put(name, all.stream().filter(r -> r.type().isGroup()).toList());
      List<String> notRooms = kind != GroupKind.ROOM_LIST ? List.of() : all.stream()
          .filter(r -> r.type().isMailbox() && r.type() != RecipientType.ROOM_MAILBOX)
          .map(r -> r.primarySmtpAddress() + " (" + r.type().value() + ")").toList();
      if (!notRooms.isEmpty()) {
        ctx.warn("The room list '" + name + "' already holds " + notRooms.size() + " member(s) that are not room mailboxes: "
            + PlanContext.preview(notRooms) + ". The scope reaches them too; remove them from the list if the product "
            + "should only book rooms (docs/vendor-procedures.md#rooms).");
      }
      return all.stream().map(Recipient::primarySmtpAddress).toList();
    });
  }

  /** The nested-group check of a scope group (docs/group-scopes.md); its warning, if any, joins the plan's. */
  private void warnAboutNestedGroups(String name, GroupKind kind, Observed<List<String>> direct) {
    if (kind == GroupKind.MICROSOFT_365 || !(ctx.setup().access() instanceof RbacForApplications
        || ctx.setup().access() instanceof ApplicationImpersonation)) {
      return; // Microsoft 365 groups cannot hold groups; access policies count nested members
    }
    Function<String, Observed<List<NestedGroupCheck.Member>>> members;
    Observed<List<NestedGroupCheck.Member>> top;
    if (ctx.exchange().isPresent() && nestedGroups.containsKey(name)) {
      members = g -> ctx.valueFromExchange(x -> x.groupMembers(g).stream().map(NestedGroupCheck.Member::of).toList());
      top = Observed.readValue(() -> nestedGroups.get(name).stream().map(NestedGroupCheck.Member::of).toList());
    } else if (ctx.exchange().isEmpty() && ctx.directory().isPresent()) {
      members = g -> Observed.readValue(() -> ctx.directory().get().groupMemberEntries(g).stream().map(NestedGroupCheck.Member::of).toList());
      top = members.apply(name);
    } else {
      members = g -> Observed.unknown("not read");
      top = Observed.unknown(direct.unknown() ? direct.error() : "the members' kinds were not read");
    }
    // Declared members are added by this plan, so they are direct members whatever the group holds today.
    Observed<List<String>> planned = direct.map(d -> {
      List<String> all = new ArrayList<>(d);
      if (ctx.setup().scope() instanceof GroupScope g && g.membershipMode() != MembershipMode.UNMANAGED) {
        all.addAll(g.members());
      }
      return all;
    });
    NestedGroupCheck.warning(kind.label() + " '" + name + "'", name, planned, top, members).ifPresent(ctx::warn);
  }

  /** The {@code Scope} factory method for a group kind, for the advice when a group exists as another kind. */
  private static String factory(GroupKind kind) {
    return switch (kind) {
      case DISTRIBUTION -> "distributionGroup";
      case MAIL_ENABLED_SECURITY -> "mailEnabledSecurityGroup";
      case ROOM_LIST -> "roomList";
      case MICROSOFT_365 -> "microsoft365Group";
      case SECURITY -> "securityGroup";
    };
  }
}
