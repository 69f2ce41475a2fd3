package dev.impersonation.internal;

import static dev.impersonation.internal.PlanContext.deps;
import static dev.impersonation.internal.PlanContext.preview;

import dev.impersonation.GroupKind;
import dev.impersonation.MembershipMode;
import dev.impersonation.Scope.GroupScope;
import dev.impersonation.plan.Step;
import dev.impersonation.plan.Step.StepAction;
import dev.impersonation.spi.DirectoryUser;
import dev.impersonation.spi.Operation;
import dev.impersonation.spi.Recipient;
import dev.impersonation.spi.RecipientType;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Plans the members of a group scope's groups by membership mode: adds the declared members that are missing (each
 * must be a mailbox), filling split groups in order up to the per-group maximum, and with EXACT membership removes the
 * undeclared ones.
 */
final class GroupMembersPlanner {
  /**
   * Members a create takes ({@code New-DistributionGroup -Members}): the service documents no bound for the parameter,
   * so a conservative one [U] (docs/exchange-admin-rest.md#bulk); the rest are added one by one.
   */
  static final int MEMBERS_PER_CREATE = 1000;
  private final PlanContext ctx;
  private final GroupScope scope;
  private final PrincipalSteps principal;
  private final String principalUpn;
  /** The member steps of the group scope, which the grant waits for. */
  private final List<Integer> memberSteps = new ArrayList<>();

  GroupMembersPlanner(PlanContext ctx, GroupScope scope, PrincipalSteps principal, String principalUpn) {
    this.ctx = ctx;
    this.scope = scope;
    this.principal = principal;
    this.principalUpn = principalUpn;
  }

  /** The member steps planned so far. */
  List<Integer> steps() {
    return memberSteps;
  }

  /**
   * Adds (and with EXACT removes) members, filling split groups in order; false when a member step is blocked.
   *
   * @param current each group's members as read (empty for a group this plan creates), in group order
   * @param groupReady each group's last create or update step, which its member steps wait for
   */
  boolean plan(Map<String, List<String>> current, Map<String, Integer> groupReady) {
    Set<String> present = new LinkedHashSet<>();
    current.values().forEach(list -> list.forEach(m -> present.add(m.toLowerCase(Locale.ROOT))));
    List<String> toAdd = scope.members().stream().filter(m -> !present.contains(m.toLowerCase(Locale.ROOT))).toList();
    // Every member to add must be a mailbox (docs/diagnostics.md#d9 address mismatch, docs/diagnostics.md#d2 group given where a mailbox is needed).
    List<String> missing = new ArrayList<>();
    List<String> groupsGiven = new ArrayList<>();
    List<String> notRooms = new ArrayList<>();
    List<String> unreadable = new ArrayList<>();
    Map<String, String> canonical = new LinkedHashMap<>();
    // Declared members as their primary SMTP addresses, which is how Exchange lists members (for EXACT).
    Set<String> desired = scope.members().stream().map(m -> m.toLowerCase(Locale.ROOT)).collect(Collectors.toCollection(LinkedHashSet::new));
    boolean throughExchange = scope.kind().isExchangeWritten() || ctx.exchange().isPresent();
    // Graph: every member to add is read in bulk once ($batch), which also tells the backend their object ids for the adds.
    Map<String, Observed<DirectoryUser>> users = throughExchange || ctx.directory().isEmpty() ? Map.of()
        : ctx.directoryUsers(toAdd.stream().filter(m -> !(m.equalsIgnoreCase(principalUpn) && principal.ready() > 0)).toList());
    if (throughExchange) {
      ctx.prefetchRecipients(toAdd);
    }
    for (String m : toAdd) {
      if (m.equalsIgnoreCase(principalUpn) && principal.ready() > 0) {
        canonical.put(m, m);
        continue;
      }
      Observed<Recipient> r = throughExchange
          ? ctx.recipient(m)
          : ctx.directory().isEmpty() ? Observed.unknown("no backend") : toRecipient(users.get(m));
      if (r.unknown()) {
        unreadable.add(m + " (" + r.error() + ")");
      } else if (r.absent()) {
        missing.add(m);
      } else if (!r.value().type().isMailbox()) {
        groupsGiven.add(m + " (" + r.value().type().value() + ")");
      } else if (scope.kind() == GroupKind.ROOM_LIST && r.value().type() != RecipientType.ROOM_MAILBOX) {
        notRooms.add(m + " (" + r.value().type().value() + ")");
      } else {
        canonical.put(m, m);
        desired.add(r.value().primarySmtpAddress().toLowerCase(Locale.ROOT));
        if (present.contains(r.value().primarySmtpAddress().toLowerCase(Locale.ROOT))) {
          canonical.remove(m);
        }
      }
    }
    String resource = scope.kind().label() + " '" + scope.name() + "' members";
    boolean ok = true;
    if (!unreadable.isEmpty()) {
      ctx.blocked(resource, "could not look up " + unreadable + "; a failed read is never taken as absent: plan again");
      ok = false;
    }
    if (!missing.isEmpty()) {
      ctx.blocked(resource, "no recipient found for " + missing + " (docs/diagnostics.md#d9 address mismatch): fix the addresses or create the mailboxes");
      ok = false;
    }
    if (!groupsGiven.isEmpty()) {
      ctx.blocked(resource, groupsGiven + " are groups, not mailboxes (docs/diagnostics.md#d2): MemberOfGroup counts direct members only, so "
          + "list the mailboxes themselves");
      ok = false;
    }
    if (!notRooms.isEmpty()) {
      ctx.blocked(resource, notRooms + " are not room mailboxes (RecipientTypeDetails RoomMailbox): a room list holds rooms "
          + "(docs/vendor-procedures.md#rooms), and the scope would reach these mailboxes too: remove them from the list of members");
      ok = false;
    }
    if (!ok) {
      return false;
    }
    if (throughExchange && !scope.kind().isExchangeWritten() && ctx.directory().isPresent() && !canonical.isEmpty()) {
      // Graph writes this group and refers to members by object id only (docs/graph-references.md): read the members to add
      // from the directory in bulk now, so the adds need no look-ups. Best effort: a failed read here only moves the
      // look-ups to apply time, where a member the directory lacks fails before anything is written.
      try {
        ctx.directory().get().findUsers(List.copyOf(canonical.keySet()));
      } catch (RuntimeException lookupsAtApplyTime) {
        // Nothing to report: the plan is still correct.
      }
    }
    int max = scope.maxMembersPerGroup().orElse(Integer.MAX_VALUE);
    Map<String, List<String>> additions = new LinkedHashMap<>();
    List<String> queue = new ArrayList<>(canonical.keySet());
    for (Map.Entry<String, List<String>> e : current.entrySet()) {
      int room = Math.max(0, max - e.getValue().size());
      List<String> batch = new ArrayList<>();
      while (room-- > 0 && !queue.isEmpty()) {
        batch.add(queue.remove(0));
      }
      if (!batch.isEmpty()) {
        additions.put(e.getKey(), batch);
      }
    }
    if (!queue.isEmpty()) {
      ctx.blocked(resource, queue.size() + " member(s) do not fit in the groups at " + max + " per group");
      return false;
    }
    for (Map.Entry<String, List<String>> e : current.entrySet()) {
      String group = e.getKey();
      String res = scope.kind().label() + " '" + group + "' members";
      List<String> add = additions.getOrDefault(group, List.of());
      Optional<Step> create = ctx.createStepOf(group);
      if (!add.isEmpty() && create.isPresent()) {
        // A group this plan creates gets its members in the create call (New-DistributionGroup -Members), up to a bound.
        List<String> inCreate = add.stream().filter(m -> !m.equalsIgnoreCase(principalUpn)).limit(MEMBERS_PER_CREATE).toList();
        if (!inCreate.isEmpty()) {
          Operation.NewDistributionGroup op = (Operation.NewDistributionGroup) create.get().operation().get();
          ctx.replace(create.get().number(), op.withMembers(inCreate), create.get().reason() + ", with " + inCreate.size()
              + " member(s): " + preview(inCreate));
          memberSteps.add(create.get().number());
          Set<String> taken = inCreate.stream().map(m -> m.toLowerCase(Locale.ROOT)).collect(Collectors.toSet());
          add = add.stream().filter(m -> !taken.contains(m.toLowerCase(Locale.ROOT))).toList();
        }
      }
      if (!add.isEmpty()) {
        int dep = add.stream().anyMatch(m -> m.equalsIgnoreCase(principalUpn)) ? principal.ready() : 0;
        memberSteps.add(ctx.add(StepAction.ADD_MEMBERS, res, "add " + add.size() + " member(s): " + preview(add),
            new Operation.AddGroupMembers(group, scope.kind(), add), deps(groupReady.getOrDefault(group, 0), dep)));
      }
      if (scope.membershipMode() == MembershipMode.EXACT) {
        List<String> extra = e.getValue().stream().filter(m -> !desired.contains(m.toLowerCase(Locale.ROOT))).toList();
        if (!extra.isEmpty()) {
          memberSteps.add(ctx.add(StepAction.REMOVE_MEMBERS, res, "EXACT membership: remove " + extra.size()
              + " undeclared member(s): " + preview(extra), new Operation.RemoveGroupMembers(group, scope.kind(), extra),
              deps(groupReady.getOrDefault(group, 0))));
        }
      }
      if (add.isEmpty() && ctx.createStepOf(group).flatMap(Step::operation)
          .filter(o -> !((Operation.NewDistributionGroup) o).members().isEmpty()).isPresent()) {
        continue; // every member is in the create
      }
      if (add.isEmpty() && (scope.membershipMode() != MembershipMode.EXACT
          || e.getValue().stream().allMatch(m -> desired.contains(m.toLowerCase(Locale.ROOT))))) {
        ctx.noOp(res, e.getValue().size() + " member(s), all declared members present");
      }
    }
    return true;
  }

  /** A directory user as the recipient the member checks expect: a user mailbox named by its UPN. */
  private static Observed<Recipient> toRecipient(Observed<DirectoryUser> user) {
    if (user == null) {
      return Observed.unknown("not read");
    }
    if (!user.present()) {
      return user.absent() ? new Observed<>(Observed.State.ABSENT, null, "") : Observed.unknown(user.error());
    }
    DirectoryUser u = user.value();
    return new Observed<>(Observed.State.PRESENT, new Recipient(u.displayName(), u.userPrincipalName(), "",
        RecipientType.USER_MAILBOX, true), "");
  }
}
