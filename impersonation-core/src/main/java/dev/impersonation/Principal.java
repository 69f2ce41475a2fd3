package dev.impersonation;

import java.util.Optional;

/**
 * Who gets access: a {@link ServiceAccount} mailbox (legacy EWS impersonation, FullAccess delegation) or an
 * Entra {@link Application} (RBAC for Applications, application access policies).
 */
public sealed interface Principal permits Principal.ServiceAccount, Principal.Application {

  /** A service-account mailbox that must already exist; call {@link ServiceAccount#createIfMissing} to create it. */
  static ServiceAccount serviceAccount(String userPrincipalName) {
    return ServiceAccount.of(userPrincipalName);
  }

  /** An Entra application, by its application (client) id. */
  static Application application(String appId) {
    return Application.of(appId);
  }

  /** The identity shown in plans and reports. */
  String displayIdentity();

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

  /**
   * An Entra application that reads mailboxes app-only.
   *
   * @param appId the application (client) id
   * @param servicePrincipalObjectId the object id of its service principal in this tenant (Enterprise applications);
   *     looked up through the directory backend when not given
   * @param displayName a display name for the Exchange service-principal pointer; the app id when not given
   */
  public record Application(String appId, Optional<String> servicePrincipalObjectId, Optional<String> displayName)
      implements Principal {

    public Application {
      appId = Names.requireGuid(appId, "The application (client) id");
      servicePrincipalObjectId = servicePrincipalObjectId.map(s -> Names.requireGuid(s, "The service principal object id"));
      displayName = displayName.map(n -> Names.requireName(n, "The application's display name"));
    }

    static Application of(String appId) {
      return new Application(appId, Optional.empty(), Optional.empty());
    }

    /** The service principal's object id (Entra > Enterprise applications), which Exchange's {@code -App} needs. */
    public Application servicePrincipal(String objectId) {
      return new Application(appId, Optional.of(objectId), displayName);
    }

    /** The display name used for the Exchange service-principal pointer. */
    public Application displayName(String name) {
      return new Application(appId, servicePrincipalObjectId, Optional.of(name));
    }

    @Override
    public String displayIdentity() {
      return displayName.map(n -> n + " (" + appId + ")").orElse(appId);
    }
  }
}
