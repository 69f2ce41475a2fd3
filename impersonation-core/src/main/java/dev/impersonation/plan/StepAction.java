package dev.impersonation.plan;

/** What a plan step does to the tenant. */
public enum StepAction {
  /** Creates an object that is absent. */
  CREATE,
  /** Changes an existing object (only in ways that add: owners, closed membership, hiding). */
  UPDATE,
  /** Adds members or permissions. */
  ADD_MEMBERS,
  /** Removes members (only with EXACT membership). */
  REMOVE_MEMBERS,
  /**
   * Removes permissions that exist, e.g. tenant-wide admin consent: destructive, planned only when the setup asks
   * for it explicitly ({@code RbacForApplications.removingTenantWideConsent()}).
   */
  REVOKE,
  /** Something the planner added to make later steps work: a wait, a DN lookup, organization customization. */
  PREREQUISITE,
  /** Already as desired. */
  NO_OP,
  /** Cannot proceed: a read failed, a conflicting object exists, or no backend can do it. The reason says why. */
  BLOCKED;

  /** Whether the step writes to the tenant. */
  public boolean writes() {
    return this == CREATE || this == UPDATE || this == ADD_MEMBERS || this == REMOVE_MEMBERS || this == REVOKE;
  }
}
