package dev.impersonation.spi;

/**
 * One tenant-wide application permission (Entra admin consent) of any client app, as an inventory lists it:
 * {@code GET /servicePrincipals/{resource}/appRoleAssignedTo} on the resource API's service principal (one paged read per
 * resource, not a call per app).
 *
 * @param clientServicePrincipalId the client app's service principal object id
 * @param clientAppId the client app's application id; empty when it could not be read
 * @param clientName the client app's display name
 * @param resource the resource API, e.g. "Microsoft Graph" or "Office 365 Exchange Online"
 * @param permission the permission value, e.g. "Mail.ReadWrite" or "full_access_as_app"
 */
public record TenantConsentGrant(String clientServicePrincipalId, String clientAppId, String clientName, String resource,
    String permission) {}
