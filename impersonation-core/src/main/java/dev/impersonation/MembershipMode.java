package dev.impersonation;

/** What the plan may do to a group's existing members. */
public enum MembershipMode {
  /** Default: add missing members, never remove one. */
  ADD_ONLY,
  /** Make the membership exactly the declared list: members that are not declared are removed. */
  EXACT,
  /** Leave the group's membership exactly as it is (the group must exist). */
  UNMANAGED
}
