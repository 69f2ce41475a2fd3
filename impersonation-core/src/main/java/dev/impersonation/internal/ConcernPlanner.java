package dev.impersonation.internal;

import dev.impersonation.ImpersonationSetup;

/**
 * A concern planned once the organization, the principal and the scope are: it reads the tenant through the
 * {@link PlanContext} and adds its steps and warnings there. {@link Planner} runs its concerns in order after the
 * scope (the grants today); a future concern (EWS, migration, audit) implements this and joins that list where its
 * steps belong.
 */
interface ConcernPlanner {
  /** What the progress listener is told before this concern reads the tenant. */
  String phase(ImpersonationSetup setup);

  /** Adds this concern's steps and warnings to {@code ctx}. */
  void plan(PlanContext ctx, Groundwork groundwork);

  /**
   * What the concerns build on, as planned before them.
   *
   * @param organization the organization customization step every RBAC write waits for; 0 when none
   * @param principal the principal's steps and identity
   * @param scope the scope's steps and what grants need of it
   */
  record Groundwork(int organization, PrincipalSteps principal, ScopeSteps scope) {}
}
