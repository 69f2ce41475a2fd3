package dev.impersonation;

/**
 * The tenant refused a create because the object exists ({@code ManagementObjectAlreadyExistsException},
 * {@code MemberAlreadyExistsException}, Graph "references already exist"). On a retried create the executor
 * treats this as success once it has read the object back.
 */
public class ObjectAlreadyExistsException extends TenantException {
  private static final long serialVersionUID = 1L;
  private final String identity;

  public ObjectAlreadyExistsException(String identity, String message) {
    super(message);
    this.identity = identity;
  }

  /** The identity that already exists. */
  public String identity() {
    return identity;
  }
}
