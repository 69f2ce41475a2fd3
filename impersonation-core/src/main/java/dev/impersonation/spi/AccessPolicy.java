package dev.impersonation.spi;

import java.time.Instant;

/**
 * An application access policy ({@code Get-ApplicationAccessPolicy}).
 *
 * @param identity the policy's identity
 * @param appId the application it applies to
 * @param scopeGroup the policy scope group (SMTP address)
 * @param accessRight {@code RestrictAccess} or {@code DenyAccess}
 * @param description its description
 * @param createdAt when it was created, if known
 */
public record AccessPolicy(String identity, String appId, String scopeGroup, String accessRight, String description,
    Instant createdAt) {}
