package dev.impersonation.internal;

import static dev.impersonation.internal.PlanContext.preview;

import dev.impersonation.plan.Step.StepAction;
import dev.impersonation.spi.MailboxPermission;
import dev.impersonation.spi.Operation;
import java.util.ArrayList;
import java.util.List;

/** Plans FullAccess delegation: the permission on every mailbox in scope that lacks it (AutoMapping off). */
final class FullAccessPlanner {
  private FullAccessPlanner() {}

  static void plan(PlanContext ctx, PrincipalSteps principal, ScopeSteps scope) {
    String user = principal.assigneeId().get();
    String resource = "FullAccess for " + user;
    List<String> missing = new ArrayList<>();
    List<String> unreadable = new ArrayList<>();
    for (String mailbox : scope.mailboxes()) {
      if (mailbox.equalsIgnoreCase(user)) {
        continue;
      }
      Observed<List<MailboxPermission>> perms = ctx.valueFromExchange(x -> x.mailboxPermissions(mailbox));
      if (perms.unknown()) {
        unreadable.add(mailbox + " (" + perms.error() + ")");
      } else if (perms.value().stream().noneMatch(p -> p.user().equalsIgnoreCase(user) && !p.deny()
          && p.accessRights().stream().anyMatch(r -> r.equalsIgnoreCase("FullAccess")))) {
        missing.add(mailbox);
      }
    }
    if (!unreadable.isEmpty()) {
      ctx.blocked(resource, "could not read the permissions of " + unreadable + "; plan again");
      return;
    }
    if (missing.isEmpty()) {
      ctx.noOp(resource, "granted on all " + scope.mailboxes().size() + " mailbox(es)");
      return;
    }
    List<Integer> deps = new ArrayList<>(scope.ready());
    deps.add(principal.ready());
    ctx.add(StepAction.ADD_MEMBERS, resource, "grant FullAccess (AutoMapping off) on " + missing.size() + " mailbox(es): "
        + preview(missing), new Operation.AddMailboxPermissions(user, missing), deps);
  }
}
