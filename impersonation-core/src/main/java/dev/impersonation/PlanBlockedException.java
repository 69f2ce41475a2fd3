package dev.impersonation;

import dev.impersonation.plan.Plan;

/**
 * {@code apply} was asked to run a plan that has blocked steps, or steps planned on a backend that the connection
 * given to apply does not have (or that cannot perform them there). Nothing was written. The message lists each such
 * step with its reason; {@link #plan()} holds the whole plan.
 */
public class PlanBlockedException extends ImpersonationException {
  private static final long serialVersionUID = 1L;
  private final transient Plan plan;

  public PlanBlockedException(String message, Plan plan) {
    super(message);
    this.plan = plan;
  }

  /** The plan that was not applied. */
  public Plan plan() {
    return plan;
  }
}
