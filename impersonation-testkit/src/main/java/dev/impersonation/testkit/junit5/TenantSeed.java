package dev.impersonation.testkit.junit5;

import dev.impersonation.testkit.FakeTenant;

/**
 * Seeds the tenant of a {@link FakeTenantTest} in code. Implementations need a public no-argument constructor.
 *
 * <pre>{@code
 * public static final class Rooms implements TenantSeed {
 *   public void seed(FakeTenant.Builder tenant) {
 *     tenant.roomMailbox("room1@contoso.com", "Room 1").roomMailbox("room2@contoso.com", "Room 2");
 *   }
 * }
 * }</pre>
 */
@FunctionalInterface
public interface TenantSeed {
  /** Adds objects to the tenant being built. */
  void seed(FakeTenant.Builder tenant);
}
