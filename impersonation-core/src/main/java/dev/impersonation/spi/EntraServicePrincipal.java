package dev.impersonation.spi;

/**
 * An application's service principal in Entra.
 *
 * @param appId the application id
 * @param objectId the service principal's object id
 * @param displayName its display name
 */
public record EntraServicePrincipal(String appId, String objectId, String displayName) {}
