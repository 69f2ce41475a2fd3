package dev.impersonation;

/** The signed-in admin or application may not perform the operation. Fix the admin's roles, then re-run. */
public class AccessDeniedException extends TenantException {
  private static final long serialVersionUID = 1L;

  public AccessDeniedException(String message) {
    super(message);
  }
}
