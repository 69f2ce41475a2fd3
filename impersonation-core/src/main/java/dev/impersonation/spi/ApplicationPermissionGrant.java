package dev.impersonation.spi;

/**
 * A tenant-wide application permission granted to a service principal (Entra admin consent), e.g. Microsoft
 * Graph {@code Mail.ReadWrite}. Access is the union of such consent and Exchange RBAC, so a grant like this defeats
 * a scoped setup (docs/rbac-for-applications.md, docs/diagnostics.md#d11).
 *
 * @param resource the resource API, e.g. "Microsoft Graph"
 * @param permission the permission value, e.g. "Mail.ReadWrite"
 */
public record ApplicationPermissionGrant(String resource, String permission) {}
