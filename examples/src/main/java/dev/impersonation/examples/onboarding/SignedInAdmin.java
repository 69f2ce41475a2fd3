package dev.impersonation.examples.onboarding;

import java.util.List;
import java.util.function.Function;

/**
 * The customer's admin after sign-in: who, in which tenant, with which directory roles (the ID token's {@code wids}), and
 * a way to get their access token for a scope (MSAL's cache and refresh token; never shown).
 *
 * @param userPrincipalName the admin's sign-in name
 * @param displayName their name
 * @param tenantId the tenant ({@code tid})
 * @param roleTemplateIds the {@code wids} claim; empty when the app registration does not emit it
 * @param rolesKnown whether the ID token carried a {@code wids} claim at all
 * @param tokenForScope the admin's current access token for a scope
 */
public record SignedInAdmin(String userPrincipalName, String displayName, String tenantId, List<String> roleTemplateIds,
    boolean rolesKnown, Function<String, String> tokenForScope) {
  /** Global Administrator's role template id. */
  public static final String GLOBAL_ADMINISTRATOR = "62e90394-69f5-4237-9190-012177145e10";
  /** Exchange Administrator's role template id. */
  public static final String EXCHANGE_ADMINISTRATOR = "29232cdf-9323-42fd-ade2-1d097af3e4de";

  public SignedInAdmin {
    roleTemplateIds = List.copyOf(roleTemplateIds);
  }

  /** The domain of the admin's sign-in name: the tenant domain the setup targets. */
  public String domain() {
    return userPrincipalName.substring(userPrincipalName.indexOf('@') + 1);
  }

  /** Whether the ID token shows a role that may run the setup (Global or Exchange Administrator). */
  public boolean canRunSetup() {
    return roleTemplateIds.contains(GLOBAL_ADMINISTRATOR) || roleTemplateIds.contains(EXCHANGE_ADMINISTRATOR);
  }

  @Override
  public String toString() {
    return "SignedInAdmin[" + userPrincipalName + " in " + tenantId + ", roles " + (rolesKnown ? roleTemplateIds : "unknown")
        + "]";
  }
}
