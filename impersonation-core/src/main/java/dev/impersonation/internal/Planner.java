package dev.impersonation.internal;

import dev.impersonation.AccessMethod;
import dev.impersonation.ImpersonationSetup;
import dev.impersonation.InvalidSetupException;
import dev.impersonation.Scope.AdministrativeUnitScope;
import dev.impersonation.Scope.GroupScope;
import dev.impersonation.Scope.MailboxListScope;
import dev.impersonation.Scope.OrganizationScope;
import dev.impersonation.Scope.RecipientFilterScope;
import dev.impersonation.TenantConnection;
import dev.impersonation.plan.Plan;
import dev.impersonation.plan.ProgressListener;
import dev.impersonation.plan.Step.StepAction;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads the tenant through the connection's backends and diffs it against the setup. Every read that fails makes
 * the dependent step BLOCKED; nothing is written here.
 *
 * <p>The coordinator of the concern planners: it plans the organization customization, the principal and the scope in
 * that order, then each of {@link #CONCERNS}, all sharing one {@link PlanContext}, and makes the plan of their steps.
 */
public final class Planner {
  private static final Logger LOG = LoggerFactory.getLogger(Planner.class);

  /**
   * The concerns planned after the scope, in the order their steps appear. A new concern (EWS, migration, audit)
   * implements {@link ConcernPlanner} and joins this list.
   */
  private static final List<ConcernPlanner> CONCERNS = List.of(new GrantPlanner(), new EwsPlanner(), new LegacyRolesPlanner());

  private Planner() {}

  /** Plans {@code setup} against the tenant behind {@code connection}. */
  public static Plan plan(ImpersonationSetup setup, TenantConnection connection) {
    return plan(setup, connection, ProgressListener.none());
  }

  /** Plans {@code setup}, reporting each phase of reading the tenant to {@code listener} as INFO events. */
  public static Plan plan(ImpersonationSetup setup, TenantConnection connection, ProgressListener listener) {
    if (!connection.target().equals(setup.target())) {
      throw new InvalidSetupException("The setup targets " + setup.target() + " but the connection is for "
          + connection.target() + ": use a connection to the same tenant.");
    }
    EwsPlanner.refuseAfterShutdown(setup, connection);
    PlanContext ctx = new PlanContext(setup, connection, listener);
    run(ctx);
    ctx.info("planned " + ctx.steps().size() + " step(s), " + ctx.steps().stream()
        .filter(s -> s.action() == StepAction.BLOCKED).count() + " blocked");
    Plan plan = new Plan(setup.name(), setup.target(), setup.principal().displayIdentity(), setup.scope().describe(),
        setup.access().describe(), ctx.steps(), ctx.warnings(), connection.clock().instant(), ScriptVerifications.of(setup),
        ctx.ews());
    LOG.debug("Planned '{}': {} steps, {} blocked", setup.name(), plan.steps().size(), plan.blockedSteps().size());
    return plan;
  }

  private static void run(PlanContext ctx) {
    ImpersonationSetup setup = ctx.setup();
    warnAboutTheSetup(ctx);
    ctx.info("reading the organization");
    int org = OrganizationCustomization.plan(ctx);
    ctx.info("reading the principal " + setup.principal().displayIdentity());
    PrincipalSteps principal = new PrincipalPlanner(ctx).plan(org);
    ctx.info("reading the scope: " + setup.scope().describe());
    ScopeSteps scope = scope(ctx, principal);
    ConcernPlanner.Groundwork groundwork = new ConcernPlanner.Groundwork(org, principal, scope);
    for (ConcernPlanner concern : CONCERNS) {
      ctx.info(concern.phase(setup));
      concern.plan(ctx, groundwork);
    }
  }

  /** The warnings the setup earns whatever the tenant holds; they come first in the plan. */
  private static void warnAboutTheSetup(PlanContext ctx) {
    ImpersonationSetup setup = ctx.setup();
    AccessMethod method = setup.access().method();
    if (setup.scope() instanceof OrganizationScope) {
      ctx.warn("ORGANIZATION-WIDE ACCESS: " + setup.principal().displayIdentity()
          + " will reach every mailbox in " + setup.target().domain() + ", including executives' and HR's (acknowledged).");
    }
    if (method == AccessMethod.APPLICATION_ACCESS_POLICY) {
      ctx.warn("Application access policies are legacy; Microsoft advises RBAC for Applications for new setups. "
          + "A policy takes more than an hour to become effective.");
    }
    if (method == AccessMethod.FULL_ACCESS_DELEGATION) {
      ctx.warn("FullAccess exposes private items, and Exchange allows at most 500 permission entries per mailbox.");
    }
  }

  /**
   * The scope by kind. An organization or recipient filter scope has no steps of its own: the grant's management scope
   * (or none, organization-wide) carries it.
   */
  private static ScopeSteps scope(PlanContext ctx, PrincipalSteps principal) {
    if (ctx.setup().scope() instanceof GroupScope group) {
      return new GroupScopePlanner(ctx, group, principal).plan();
    } else if (ctx.setup().scope() instanceof MailboxListScope list) {
      return MailboxListPlanner.plan(ctx, list.mailboxes());
    } else if (ctx.setup().scope() instanceof RecipientFilterScope filter
        && ctx.setup().access().method() == AccessMethod.FULL_ACCESS_DELEGATION) {
      return MailboxListPlanner.planFilter(ctx, filter.filter());
    } else if (ctx.setup().scope() instanceof AdministrativeUnitScope au) {
      return new AdministrativeUnitPlanner(ctx).plan(au);
    }
    return ScopeSteps.none(true);
  }
}
