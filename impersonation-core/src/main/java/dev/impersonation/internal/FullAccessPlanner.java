package dev.impersonation.internal;

import static dev.impersonation.internal.PlanContext.preview;

import dev.impersonation.Scope.RecipientFilterScope;
import dev.impersonation.plan.Step.StepAction;
import dev.impersonation.spi.MailboxPermission;
import dev.impersonation.spi.Operation;
import dev.impersonation.spi.Recipient;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * Plans FullAccess delegation: the permission on every mailbox in scope that lacks it (AutoMapping off).
 *
 * <p>A recipient-filter scope (procedure 004B, "all user mailboxes except …") may match thousands of mailboxes, so its
 * grants are read in bulk where Exchange can list them in one paged read ({@code Get-EXOMailboxPermission -ResultSize
 * Unlimited}, Exchange Online); Exchange Server lists mailbox permissions only per mailbox, so there each is read on its
 * own. A failed bulk read blocks the step: it is never taken as "no grant".
 */
final class FullAccessPlanner {
  private FullAccessPlanner() {}

  static void plan(PlanContext ctx, PrincipalSteps principal, ScopeSteps scope) {
    String user = principal.assigneeId().get();
    String resource = "FullAccess for " + user;
    Optional<String> filter = ctx.setup().scope() instanceof RecipientFilterScope f ? Optional.of(f.filter()) : Optional.empty();
    Observed<Optional<Set<String>>> bulk = filter.isPresent() ? holders(ctx, user) : Observed.readValue(Optional::empty);
    if (bulk.unknown()) {
      ctx.blocked(resource, bulk.blockedReason("the organization's FullAccess grants (Get-EXOMailboxPermission)"));
      return;
    }
    List<String> missing = new ArrayList<>();
    List<String> unreadable = new ArrayList<>();
    for (String mailbox : scope.mailboxes()) {
      if (mailbox.equalsIgnoreCase(user)) {
        continue;
      }
      if (bulk.value().isPresent()) {
        if (!holds(ctx, bulk.value().get(), mailbox)) {
          missing.add(mailbox);
        }
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
    String read = bulk.value().isPresent() ? " (grants read in one paged Get-EXOMailboxPermission)" : "";
    if (missing.isEmpty()) {
      ctx.noOp(resource, "granted on all " + scope.mailboxes().size() + " mailbox(es)" + read);
      return;
    }
    List<Integer> deps = new ArrayList<>(scope.ready());
    deps.add(principal.ready());
    ctx.add(StepAction.ADD_MEMBERS, resource, "grant FullAccess (AutoMapping off) on " + missing.size() + " mailbox(es): "
        + preview(missing) + read, new Operation.AddMailboxPermissions(user, missing, filter), deps);
  }

  /**
   * The mailboxes (as Exchange names them in the grants, lower-cased) where {@code user} holds FullAccess, read in one
   * paged call; empty when the backend cannot list them in one read (Exchange Server), so they are read per mailbox.
   */
  private static Observed<Optional<Set<String>>> holders(PlanContext ctx, String user) {
    return ctx.valueFromExchange(x -> {
      List<MailboxPermission> grants;
      try {
        grants = x.fullAccessGrants();
      } catch (UnsupportedOperationException e) {
        return Optional.empty();
      }
      Set<String> out = new HashSet<>();
      grants.stream().filter(g -> g.user().equalsIgnoreCase(user) && !g.deny()
              && g.accessRights().stream().anyMatch(r -> r.equalsIgnoreCase("FullAccess")))
          .forEach(g -> out.add(g.mailbox().toLowerCase(Locale.ROOT)));
      return Optional.of(out);
    });
  }

  /** Whether a grant names the mailbox by its address or, as Get-EXOMailboxPermission's Identity may, by its name. */
  private static boolean holds(PlanContext ctx, Set<String> holders, String mailbox) {
    if (holders.contains(mailbox.toLowerCase(Locale.ROOT))) {
      return true;
    }
    return ctx.remembered(mailbox).map(Recipient::name).filter(n -> holders.contains(n.toLowerCase(Locale.ROOT))).isPresent();
  }
}
