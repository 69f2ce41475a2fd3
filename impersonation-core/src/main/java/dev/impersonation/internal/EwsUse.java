package dev.impersonation.internal;

import dev.impersonation.Access.ApplicationAccessPolicy;
import dev.impersonation.Access.ApplicationImpersonation;
import dev.impersonation.Access.FullAccessDelegation;
import dev.impersonation.Access.RbacForApplications;
import dev.impersonation.ImpersonationSetup;
import dev.impersonation.Principal.Application;
import dev.impersonation.spi.AppPermissions;
import java.util.Optional;

/**
 * Whether, and how surely, a setup's access goes through EWS: an {@code Application EWS.AccessAsApp} role, an access
 * policy over {@code full_access_as_app} and ApplicationImpersonation are EWS by definition; FullAccess for a service
 * account is EWS for the vendors this library serves (their how-tos test it with the Remote Connectivity Analyzer's EWS
 * test), but a product may use it over Outlook or Graph instead, so it earns warnings, never a refusal.
 *
 * @param certain whether the access is EWS by definition
 * @param how how the access uses EWS, for plans and messages
 */
public record EwsUse(boolean certain, String how) {

  /** How {@code setup} uses EWS; empty when it does not. */
  public static Optional<EwsUse> of(ImpersonationSetup setup) {
    if (setup.access() instanceof RbacForApplications r && r.roles().stream().anyMatch(AppPermissions::isEws)) {
      return Optional.of(new EwsUse(true, "the role Application EWS.AccessAsApp"));
    }
    if (setup.access() instanceof ApplicationAccessPolicy p && p.graphPermissions().stream().anyMatch(AppPermissions::isEws)) {
      return Optional.of(new EwsUse(true, "full_access_as_app under an application access policy"));
    }
    if (setup.access() instanceof ApplicationImpersonation) {
      return Optional.of(new EwsUse(true, "EWS impersonation (ApplicationImpersonation)"));
    }
    if (setup.access() instanceof FullAccessDelegation) {
      return Optional.of(new EwsUse(false, "FullAccess, which the service account's product uses over EWS"));
    }
    return Optional.empty();
  }

  /** The app whose id the allow list must hold: the application principal, or the service account's declared client app. */
  static Optional<String> appId(ImpersonationSetup setup) {
    if (setup.principal() instanceof Application app) {
      return Optional.of(app.appId());
    }
    return setup.ews().clientAppId();
  }
}
