package dev.impersonation;

import java.util.Arrays;

/**
 * A password or other secret. It never shows itself: {@code toString()} is redacted, it is excluded from
 * JSON, and scripts prompt for it instead of embedding it. Call {@link #clear()} when done to wipe the copy.
 */
public final class Secret {
  private final char[] value;

  private Secret(char[] value) {
    this.value = value.clone();
  }

  /** Wraps a copy of {@code value}; the caller may wipe its own array afterwards. */
  public static Secret of(char[] value) {
    if (value == null || value.length == 0) {
      throw new InvalidSetupException("A secret must not be empty: pass the password characters, e.g. Secret.of(console.readPassword()).");
    }
    return new Secret(value);
  }

  /** Convenience for tests and JShell; prefer {@link #of(char[])} in production code. */
  public static Secret of(String value) {
    if (value == null) {
      throw new InvalidSetupException("A secret must not be null.");
    }
    return of(value.toCharArray());
  }

  /** A copy of the secret characters, for the backend that must send them. Wipe it after use. */
  public char[] reveal() {
    return value.clone();
  }

  /** Overwrites the held characters. */
  public void clear() {
    Arrays.fill(value, '\0');
  }

  @Override
  public String toString() {
    return "Secret[redacted]";
  }
}
