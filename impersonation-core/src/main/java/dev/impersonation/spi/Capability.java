package dev.impersonation.spi;

/**
 * What a backend can write. The planner routes each operation to the first backend of the connection that has
 * the operation's capability and records that choice on the step ({@link BackendKind}), where apply runs it; an
 * operation nobody can perform becomes a blocked step saying which backend to add.
 */
public enum Capability {
  EXCHANGE_ORGANIZATION("change the Exchange organization configuration", "an Exchange backend"),
  EXCHANGE_RECIPIENTS("create Exchange Server mailboxes", "an Exchange backend"),
  EXCHANGE_GROUPS("write distribution groups, mail-enabled security groups and room lists", "an Exchange backend"),
  EXCHANGE_RBAC("write management scopes, role assignments and role groups", "an Exchange backend"),
  EXCHANGE_APPLICATIONS("write application access policies", "an Exchange backend"),
  EXCHANGE_MAILBOX_PERMISSIONS("write mailbox permissions", "an Exchange backend"),
  DIRECTORY_USERS("create users and assign licences", "a directory (Graph) backend"),
  DIRECTORY_GROUPS("write Microsoft 365 and security groups", "a directory (Graph) backend"),
  DIRECTORY_APPLICATIONS("grant or revoke application permissions (admin consent)", "a directory (Graph) backend"),
  /**
   * RBAC for Applications on Exchange Online: management scopes, the app's service principal pointer and its role
   * assignments. Exchange backends have it; so does the Graph backend, through the Exchange RBAC endpoints of Graph beta.
   */
  EXCHANGE_APPLICATION_RBAC("write management scopes and role assignments for applications (RBAC for Applications)",
      "an Exchange backend, or a Graph backend with RoleManagement.ReadWrite.Exchange"),
  DIRECTORY_ADMINISTRATIVE_UNITS("write administrative unit membership", "a directory (Graph) backend");

  private final String description;
  private final String provider;

  Capability(String description, String provider) {
    this.description = description;
    this.provider = provider;
  }

  /** What the capability allows, e.g. "write management scopes, role assignments and role groups". */
  public String description() {
    return description;
  }

  /** Which kind of backend usually provides it. */
  public String provider() {
    return provider;
  }
}
