package dev.impersonation.exchange.internal;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Masks the secrets that are in flight (sent to the PowerShell process and not yet answered) in text that is about to
 * be logged or put in an exception. The bootstrap never writes secrets, so this is a second line of defence; secrets
 * are registered only while in flight and wiped when {@link #clear()} is called.
 */
public final class SecretRedactor {
  /** What replaces a secret. */
  public static final String MASK = "<redacted>";

  private final List<char[]> active = new ArrayList<>();

  /** Registers a copy of {@code secret} until {@link #clear()}. */
  public synchronized void add(char[] secret) {
    if (secret.length > 0) {
      active.add(secret.clone());
    }
  }

  /** Wipes and forgets every registered secret. */
  public synchronized void clear() {
    for (char[] s : active) {
      Arrays.fill(s, '\0');
    }
    active.clear();
  }

  /** {@code text} with every registered secret replaced by {@link #MASK}. */
  public synchronized String redact(String text) {
    if (text == null || active.isEmpty()) {
      return text;
    }
    char[] chars = text.toCharArray();
    StringBuilder out = new StringBuilder(chars.length);
    int i = 0;
    outer:
    while (i < chars.length) {
      for (char[] s : active) {
        if (matchesAt(chars, i, s)) {
          out.append(MASK);
          i += s.length;
          continue outer;
        }
      }
      out.append(chars[i++]);
    }
    return out.toString();
  }

  private static boolean matchesAt(char[] text, int at, char[] s) {
    if (at + s.length > text.length) {
      return false;
    }
    for (int k = 0; k < s.length; k++) {
      if (text[at + k] != s[k]) {
        return false;
      }
    }
    return true;
  }
}
