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
}
