package dev.impersonation;

/**
 * The tenant says the object does not exist (Exchange {@code ManagementObjectNotFoundException}, Graph
 * {@code Request_ResourceNotFound}). Right after a create this is usually replication lag, so the executor
 * retries it for objects it has just written.
 */
public class ObjectNotFoundException extends TenantException {
  private static final long serialVersionUID = 1L;
  private final String identity;

  public ObjectNotFoundException(String identity, String message) {
    super(message);
    this.identity = identity;
  }

  /** The identity that was looked up. */
  public String identity() {
    return identity;
  }
}
