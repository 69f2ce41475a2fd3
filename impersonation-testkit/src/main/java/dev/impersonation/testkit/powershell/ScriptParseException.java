package dev.impersonation.testkit.powershell;

/**
 * Thrown when text is outside the PowerShell subset {@link ScriptParser} reads: double-quoted strings, {@code $(...)}
 * or backticks outside a literal, unterminated literals, unknown statements, and so on. The parser is a safety check,
 * so it never skips what it does not understand.
 *
 * <p>{@link #line()} and {@link #column()} are 1-based; columns count UTF-16 code units from the start of the line.
 */
public final class ScriptParseException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final int line;
  private final int column;
  private final String reason;

  /**
   * @param reason what is wrong, without the position
   * @param line the 1-based line
   * @param column the 1-based column
   */
  public ScriptParseException(String reason, int line, int column) {
    super("line " + line + ", column " + column + ": " + reason);
    this.reason = reason;
    this.line = line;
    this.column = column;
  }

  /** The 1-based line of the problem. */
  public int line() {
    return line;
  }

  /** The 1-based column of the problem (UTF-16 code units). */
  public int column() {
    return column;
  }

  /** What is wrong, without the position. */
  public String reason() {
    return reason;
  }
}
