package dev.impersonation.testkit.signin;

/**
 * Built-in Microsoft Entra roles an admin signing in may hold, by their role template id (the value of the ID token's
 * {@code wids} claim). Every user also carries {@link #USER}, the default member role.
 */
public enum DirectoryRole {
  /** Global Administrator. */
  GLOBAL_ADMINISTRATOR("62e90394-69f5-4237-9190-012177145e10", "Global Administrator"),
  /** Exchange Administrator: Exchange Online's Organization Management, the role the setup needs. */
  EXCHANGE_ADMINISTRATOR("29232cdf-9323-42fd-ade2-1d097af3e4de", "Exchange Administrator"),
  /** Privileged Role Administrator (grants application permissions with admin consent). */
  PRIVILEGED_ROLE_ADMINISTRATOR("e8611ab8-c189-46e8-94e1-60213ab1f814", "Privileged Role Administrator"),
  /** Cloud Application Administrator (consents for applications, except Graph application permissions). */
  CLOUD_APPLICATION_ADMINISTRATOR("158c047a-c907-4556-b7ef-446551a6b5f7", "Cloud Application Administrator"),
  /** Application Administrator. */
  APPLICATION_ADMINISTRATOR("9b895d92-2cd3-44c7-9d02-a6ac2d5ea5c3", "Application Administrator"),
  /** Global Reader: reads everything, writes nothing. */
  GLOBAL_READER("f2ef992c-3afb-46b9-b7cf-a126ee74c451", "Global Reader"),
  /** User Administrator. */
  USER_ADMINISTRATOR("fe930be7-5e62-47db-91af-98c3a49a38b1", "User Administrator"),
  /** The default role of every member user. */
  USER("b79fbf4d-3ef9-4689-8143-76b194e85509", "User");

  private final String templateId;
  private final String displayName;

  DirectoryRole(String templateId, String displayName) {
    this.templateId = templateId;
    this.displayName = displayName;
  }

  /** The role template id, as in the {@code wids} claim. */
  public String templateId() {
    return templateId;
  }

  /** The role's name in the Entra admin center. */
  public String displayName() {
    return displayName;
  }
}
