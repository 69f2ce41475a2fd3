package dev.impersonation;

import java.time.LocalDate;
import java.util.List;

/**
 * The setup needs EWS in Exchange Online on or after its shutdown (2027-04-01): nothing can make it work. The message
 * and {@link #graphRoles()} name the RBAC for Applications roles that give the same mailbox access over Microsoft Graph.
 */
public class EwsRetiredException extends UnsupportedOnTargetException {
  private static final long serialVersionUID = 1L;
  /** The replacement roles. */
  private final List<String> graphRoles;
  /** The shutdown date. */
  private final LocalDate shutdown;

  /**
   * @param message what was refused and what to use instead
   * @param shutdown the date EWS in Exchange Online shut down
   * @param graphRoles the {@code Application …} roles that replace it
   */
  public EwsRetiredException(String message, LocalDate shutdown, List<String> graphRoles) {
    super(message);
    this.shutdown = shutdown;
    this.graphRoles = List.copyOf(graphRoles);
  }

  /** The {@code Application …} roles of RBAC for Applications that replace EWS access, e.g. "Application Mail.ReadWrite". */
  public List<String> graphRoles() {
    return graphRoles;
  }

  /** The date EWS in Exchange Online shut down. */
  public LocalDate shutdown() {
    return shutdown;
  }
}
