package dev.impersonation.spi;

/**
 * Exchange's pointer to an Entra service principal ({@code Get-ServicePrincipal}).
 *
 * @param appId the application id
 * @param objectId the Entra service principal object id
 * @param displayName its display name
 */
public record ExchangeServicePrincipal(String appId, String objectId, String displayName) {}
