package dev.impersonation.spi;

import dev.impersonation.TenantConnection;
/**
 * Which of a connection's backends runs a plan step's operation. The planner chooses once, from the connection's
 * capabilities (the first kind, in this order, whose backend has the operation's {@link Capability}: Exchange before the
 * directory, the routing order of {@link TenantConnection#backends()}), and records the choice on the step
 * ({@link dev.impersonation.plan.Step#backendKind()}). Apply runs the step on the connection's backend of that kind and
 * does not route again; a connection without it is refused before anything is written.
 */
public enum BackendKind {
  /** The connection's {@link TenantConnection#exchange() Exchange backend} (cmdlets). */
  EXCHANGE("Exchange backend"),
  /** The connection's {@link TenantConnection#directory() directory backend} (Microsoft Graph). */
  DIRECTORY("directory (Graph) backend");

  private final String label;

  BackendKind(String label) {
    this.label = label;
  }

  /** How messages name it, e.g. "Exchange backend". */
  public String label() {
    return label;
  }
}
