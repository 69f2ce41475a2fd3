package dev.impersonation;

import java.util.Optional;

/**
 * A service-account mailbox, identified by its user principal name. Created by the plan only when
 * {@link #createIfMissing} was called; otherwise a missing account blocks the plan.
 *
 * @param userPrincipalName the account's UPN, which is also its primary SMTP address in the vendor procedures
 * @param creation how to create it when absent, if it may be created
 */
public record ServiceAccount(String userPrincipalName, Optional<Creation> creation) implements Principal {

  /**
   * How to create a missing service account.
   *
   * @param displayName display name of the new user
   * @param usageLocation two-letter country code, required by Exchange Online before a licence can be assigned
   * @param licenseSkuId the SKU id (GUID) of a licence that includes an Exchange Online mailbox (EXO only)
   * @param password the initial password; never rendered, logged or serialised
   */
  public record Creation(String displayName, String usageLocation, Optional<String> licenseSkuId, Secret password) {
    public Creation {
      Names.requireName(displayName, "The service account's display name");
      if (usageLocation == null || !usageLocation.matches("[A-Z]{2}")) {
        throw new InvalidSetupException("usageLocation must be a two-letter upper-case country code such as 'US', "
            + "but got " + Names.quoted(usageLocation) + ". Exchange Online refuses a licence without it.");
      }
      licenseSkuId = licenseSkuId.map(s -> Names.requireGuid(s, "The licence SKU id"));
      if (password == null) {
        throw new InvalidSetupException("A new service account needs an initial password: pass Secret.of(...).");
      }
    }

    @Override
    public String toString() {
      return "Creation[displayName=" + displayName + ", usageLocation=" + usageLocation + ", licenseSkuId="
          + licenseSkuId.orElse("-") + ", password=" + password + "]";
    }
  }

  public ServiceAccount {
    Names.requireSmtp(userPrincipalName, "The service account");
  }

  static ServiceAccount of(String upn) {
    return new ServiceAccount(upn, Optional.empty());
  }

  /**
   * Creates the account when it does not exist yet. On Exchange Online the licence SKU is needed for a
   * mailbox to appear; the plan then waits (on the connection's clock) until the mailbox is usable.
   */
  public ServiceAccount createIfMissing(String displayName, String usageLocation, String licenseSkuId, Secret password) {
    return new ServiceAccount(userPrincipalName,
        Optional.of(new Creation(displayName, usageLocation, Optional.ofNullable(licenseSkuId), password)));
  }

  /** Creates the account on Exchange Server (no licence) when it does not exist yet. */
  public ServiceAccount createIfMissing(String displayName, Secret password) {
    return new ServiceAccount(userPrincipalName,
        Optional.of(new Creation(displayName, "US", Optional.empty(), password)));
  }

  @Override
  public String displayIdentity() {
    return userPrincipalName;
  }
}
