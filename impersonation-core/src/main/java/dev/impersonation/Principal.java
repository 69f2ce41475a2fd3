package dev.impersonation;

/**
 * Who gets access: a {@link ServiceAccount} mailbox (legacy EWS impersonation, FullAccess delegation) or an
 * Entra {@link Application} (RBAC for Applications, application access policies).
 */
public sealed interface Principal permits ServiceAccount, Application {

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
}
