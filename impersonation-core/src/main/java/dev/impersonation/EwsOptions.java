package dev.impersonation;

import java.util.Optional;

/**
 * What a setup whose access goes through EWS may change about EWS itself. By default ({@link #reportOnly()}) the plan
 * shows the organization's EWS state, warns when EWS will refuse the principal and when it shuts down, and changes
 * nothing. Opt in to more:
 * <pre>{@code
 * .ews(EwsOptions.allowListing())                                   // add the app to EwsAllowedAppIDs when needed
 * .ews(EwsOptions.allowListing().enablingOrganization().acknowledged())  // and turn EWS on for the organization
 * .ews(EwsOptions.allowListing("<client app id>"))                  // a service account: the app it signs in with
 * }</pre>
 * Two changes reach beyond the principal, so they are planned only when {@link #acknowledged()}: turning EWS on for the
 * whole organization ({@code Set-OrganizationConfig -EwsEnabled $true}), and putting the first id on an empty allow
 * list (which shuts every application not on it out of EWS). The allow list exists only in Exchange Online; in
 * Exchange Online EWS is gone from 2027-04-01 whatever these options say (see {@code docs/ews.md}).
 *
 * @param allowList whether to add the app to the organization's {@code EwsAllowedAppIDs} when it is not on it
 * @param clientAppId the application (client) id the principal uses EWS through; for an application principal its own
 *     id (leave it empty), for a service account the vendor's client app
 * @param enableOrganization whether to set the organization's {@code EwsEnabled} to True when it is False or $null
 * @param tenantWideChangesAcknowledged whether the caller accepts the tenant-wide changes above
 */
public record EwsOptions(boolean allowList, Optional<String> clientAppId, boolean enableOrganization,
    boolean tenantWideChangesAcknowledged) {
  public EwsOptions {
    clientAppId = clientAppId == null ? Optional.empty() : clientAppId.map(id -> Names.requireGuid(id, "The EWS client app id"));
    if (clientAppId.isPresent() && !allowList) {
      throw new InvalidSetupException("An EWS client app id is only used to allow-list it: write EwsOptions.allowListing(\""
          + clientAppId.get() + "\").");
    }
  }

  /** Shows the EWS state in the plan and warns; changes nothing about EWS. The default. */
  public static EwsOptions reportOnly() {
    return new EwsOptions(false, Optional.empty(), false, false);
  }

  /** Adds the application principal to {@code EwsAllowedAppIDs} when the list holds ids and it is not among them. */
  public static EwsOptions allowListing() {
    return new EwsOptions(true, Optional.empty(), false, false);
  }

  /**
   * Adds {@code clientAppId} to {@code EwsAllowedAppIDs}: for a service account, the app (client) id of the vendor's
   * product that signs in as it and calls EWS.
   *
   * @param clientAppId the application (client) id, a GUID
   * @return the options
   */
  public static EwsOptions allowListing(String clientAppId) {
    return new EwsOptions(true, Optional.of(clientAppId), false, false);
  }

  /** Also sets the organization's {@code EwsEnabled} to True when it is False or $null; needs {@link #acknowledged()}. */
  public EwsOptions enablingOrganization() {
    return new EwsOptions(allowList, clientAppId, true, tenantWideChangesAcknowledged);
  }

  /**
   * Accepts the tenant-wide EWS changes these options may plan: turning EWS on for the organization, and the first id
   * on an empty allow list, which makes EWS refuse every application not on it.
   */
  public EwsOptions acknowledged() {
    return new EwsOptions(allowList, clientAppId, enableOrganization, true);
  }

  /** Whether these options change nothing. */
  public boolean isReportOnly() {
    return !allowList && !enableOrganization;
  }

  /** How plans show these options, e.g. "allow-list the app, enable EWS for the organization (acknowledged)". */
  public String describe() {
    if (isReportOnly()) {
      return "report only";
    }
    StringBuilder out = new StringBuilder();
    if (allowList) {
      out.append("allow-list ").append(clientAppId.map(id -> "app " + id).orElse("the app"));
    }
    if (enableOrganization) {
      out.append(out.length() > 0 ? ", " : "").append("enable EWS for the organization");
    }
    return out.append(tenantWideChangesAcknowledged ? " (tenant-wide changes acknowledged)" : "").toString();
  }
}
