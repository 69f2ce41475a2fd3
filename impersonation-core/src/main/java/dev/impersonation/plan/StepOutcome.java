package dev.impersonation.plan;

/** What happened to a step during apply. */
public enum StepOutcome {
  /** The step ran and changed the tenant (or completed its wait / lookup). */
  APPLIED,
  /** The tenant answered "already exists / already a member": the desired state was already there. */
  ALREADY_DONE,
  /** A no-op: nothing to do. */
  SKIPPED,
  /** The step failed after its retries. */
  FAILED,
  /** Not run because an earlier step failed. */
  NOT_RUN
}
