package dev.impersonation.testkit.powershell;

/** {@code exit <code>} in the script. */
final class ScriptExit extends RuntimeException {
  private static final long serialVersionUID = 1L;
  final int code;

  ScriptExit(int code) {
    super(null, null, false, false);
    this.code = code;
  }
}
