package dev.impersonation;

import java.util.Optional;

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
