package dev.impersonation;

/**
 * Exchange Online refused an RBAC write because the organization is dehydrated
 * ({@code Cmdlet-InvalidOperationInDehydratedContextException}). The planner adds
 * {@code Enable-OrganizationCustomization} when it sees {@code IsDehydrated = True}; the error may persist for a
 * while after enabling, so the executor retries it.
 */
public class OrganizationNotCustomizedException extends TenantException {
  private static final long serialVersionUID = 1L;

  public OrganizationNotCustomizedException(String message) {
    super(message);
  }

  @Override
  public boolean isTransient() {
    return true;
  }
}
