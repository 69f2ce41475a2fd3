package dev.impersonation.testkit.powershell;

/** {@code throw} in the script, or an error that stops it. */
final class ScriptStop extends RuntimeException {
  private static final long serialVersionUID = 1L;

  ScriptStop(String message) {
    super(message);
  }
}
