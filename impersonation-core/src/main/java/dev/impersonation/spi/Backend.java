package dev.impersonation.spi;

import java.util.Set;

/** A backend performs write operations for one tenant. Implementations are thread-safe. */
public interface Backend {
  /** A short name for plans and logs, e.g. "exchange-rest" or "in-memory". */
  String name();

  /** What this backend can write. */
  Set<Capability> capabilities();

  /**
   * Performs one write. Throws a {@link dev.impersonation.TenantException} subtype on failure:
   * {@link dev.impersonation.ObjectAlreadyExistsException} for duplicates, {@link dev.impersonation.ThrottledException}
   * with the service's Retry-After, {@link dev.impersonation.ObjectNotFoundException} for missing references.
   */
  void execute(Operation operation);

  /**
   * How many members one {@link Operation.AddGroupMembers} or {@link Operation.RemoveGroupMembers} given to this backend
   * may carry. The executor splits longer lists into parts of this size. The default, 1, suits backends that write one
   * member per call (Exchange cmdlets); a backend that batches (Graph: 20 references per request, 20 requests per
   * {@code $batch}) answers more, and must then treat "already a member" and "not a member" as success per member.
   */
  default int maxMembersPerWrite() {
    return 1;
  }
}
