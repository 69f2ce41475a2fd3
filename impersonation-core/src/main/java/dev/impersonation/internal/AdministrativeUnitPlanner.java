package dev.impersonation.internal;

import static dev.impersonation.internal.PlanContext.preview;

import dev.impersonation.MembershipMode;
import dev.impersonation.Scope.AdministrativeUnitScope;
import dev.impersonation.plan.Step.StepAction;
import dev.impersonation.spi.DirectoryUser;
import dev.impersonation.spi.Operation;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Plans an administrative unit scope: the unit must exist in Entra; with managed membership its declared members are
 * added through the directory and, with EXACT membership, the undeclared ones removed.
 */
final class AdministrativeUnitPlanner {
  private final PlanContext ctx;

  AdministrativeUnitPlanner(PlanContext ctx) {
    this.ctx = ctx;
  }

  ScopeSteps plan(AdministrativeUnitScope au) {
    if (ctx.directory().isPresent()) {
      Observed<List<String>> members = Observed.read(() -> ctx.directory().get().administrativeUnitMembers(au.objectId()));
      String resource = "administrative unit " + au.objectId();
      if (members.unknown()) {
        ctx.blocked(resource, members.blockedReason("the administrative unit"));
        return ScopeSteps.none(false);
      }
      if (members.absent()) {
        ctx.blocked(resource, "no such administrative unit: create it in Entra (Roles & admins > Admin units) and add the mailboxes");
        return ScopeSteps.none(false);
      }
      ctx.noOp(resource, "exists with " + members.value().size() + " member(s)"
          + (au.membershipMode() == MembershipMode.UNMANAGED ? "; existingMembership(): its members are left as they are" : ""));
      if (au.managesMembers()) {
        return members(au, members.value());
      }
    } else if (au.managesMembers()) {
      ctx.blocked("administrative unit " + au.objectId() + " members", "this connection has no directory (Graph) backend to "
          + "read and write the administrative unit's members: add one (impersonation-graph)");
      return ScopeSteps.none(false);
    }
    return ScopeSteps.none(true);
  }

  /**
   * The declared members of an administrative unit: adds the missing ones through the directory and, with EXACT
   * membership only, removes the undeclared ones. Every member to add must be a directory user (looked up by UPN or
   * mail, as Graph refers to it); a failed look-up blocks, never counts as absent.
   */
  private ScopeSteps members(AdministrativeUnitScope au, List<String> current) {
    String resource = "administrative unit " + au.objectId() + " members";
    Set<String> present = current.stream().map(m -> m.toLowerCase(Locale.ROOT)).collect(Collectors.toCollection(LinkedHashSet::new));
    Set<String> desired = au.members().stream().map(m -> m.toLowerCase(Locale.ROOT)).collect(Collectors.toCollection(LinkedHashSet::new));
    List<String> toAdd = new ArrayList<>();
    List<String> missing = new ArrayList<>();
    List<String> unreadable = new ArrayList<>();
    Map<String, Observed<DirectoryUser>> users = ctx.directoryUsers(au.members().stream()
        .filter(m -> !present.contains(m.toLowerCase(Locale.ROOT))).toList());
    for (String m : au.members()) {
      if (present.contains(m.toLowerCase(Locale.ROOT))) {
        continue;
      }
      Observed<DirectoryUser> user = users.get(m);
      if (user.unknown()) {
        unreadable.add(m + " (" + user.error() + ")");
      } else if (user.absent()) {
        missing.add(m);
      } else {
        String upn = user.value().userPrincipalName().isEmpty() ? m : user.value().userPrincipalName();
        desired.add(upn.toLowerCase(Locale.ROOT));
        if (!present.contains(upn.toLowerCase(Locale.ROOT))) {
          toAdd.add(upn);
        }
      }
    }
    boolean ok = true;
    if (!unreadable.isEmpty()) {
      ctx.blocked(resource, "could not look up " + unreadable + "; a failed read is never taken as absent: plan again");
      ok = false;
    }
    if (!missing.isEmpty()) {
      ctx.blocked(resource, "no directory user found for " + missing + " (docs/diagnostics.md#d9 address mismatch): an administrative unit's "
          + "members are Entra users, so fix the addresses (user principal names) or create the users");
      ok = false;
    }
    if (!ok) {
      return ScopeSteps.none(false);
    }
    List<String> extra = current.stream().filter(m -> !desired.contains(m.toLowerCase(Locale.ROOT))).toList();
    boolean exact = au.membershipMode() == MembershipMode.EXACT;
    String left = exact || extra.isEmpty() ? "" : "; " + extra.size() + " undeclared member(s) left as they are (ADD_ONLY: "
        + "exactMembership() would remove them)";
    List<Integer> steps = new ArrayList<>();
    if (!toAdd.isEmpty()) {
      steps.add(ctx.add(StepAction.ADD_MEMBERS, resource, "add " + toAdd.size() + " member(s): " + preview(toAdd) + left,
          new Operation.AddAdministrativeUnitMembers(au.objectId(), toAdd), List.of()));
    }
    if (exact && !extra.isEmpty()) {
      steps.add(ctx.add(StepAction.REMOVE_MEMBERS, resource, "EXACT membership: remove " + extra.size()
          + " undeclared member(s): " + preview(extra), new Operation.RemoveAdministrativeUnitMembers(au.objectId(), extra),
          List.of()));
      ctx.warn("REMOVES EXISTING MEMBERS: exactMembership() removes " + extra.size() + " undeclared member(s) from "
          + "administrative unit " + au.objectId() + " (" + preview(extra) + "). The unit may scope other role assignments "
          + "or admins too: they lose those members as well. Drop exactMembership() to keep them.");
    }
    if (steps.isEmpty()) {
      ctx.noOp(resource, current.size() + " member(s), all declared members present" + left);
    }
    List<String> inScope = new ArrayList<>(au.members());
    if (!exact) {
      inScope.addAll(extra);
    }
    return new ScopeSteps(List.copyOf(steps), List.of(), "", inScope, true);
  }
}
