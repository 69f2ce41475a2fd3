package dev.impersonation.examples.onboarding;

import java.security.SecureRandom;
import java.util.Base64;

/** Unguessable values (session ids, OAuth {@code state} and {@code nonce}, PKCE verifiers): 256 random bits, base64url. */
final class Unguessable {
  private static final SecureRandom RANDOM = new SecureRandom();

  private Unguessable() {}

  /** A new value of 43 URL-safe characters. */
  static String value() {
    byte[] b = new byte[32];
    RANDOM.nextBytes(b);
    return Base64.getUrlEncoder().withoutPadding().encodeToString(b);
  }
}
