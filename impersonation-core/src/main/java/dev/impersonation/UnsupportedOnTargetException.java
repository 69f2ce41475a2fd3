package dev.impersonation;

/**
 * The setup asks for something the chosen tenant target cannot do, for example ApplicationImpersonation on
 * Exchange Online (retired there) or RBAC for Applications on Exchange Server (cloud only). The message
 * names the equivalent that does work and how to express it with this API.
 */
public class UnsupportedOnTargetException extends InvalidSetupException {
  private static final long serialVersionUID = 1L;

  public UnsupportedOnTargetException(String message) {
    super(message);
  }
}
