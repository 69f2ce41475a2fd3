package dev.impersonation.testkit.signin;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/** What the simulated token endpoint issues: random codes and tokens, unsigned-but-shaped ID tokens, PKCE hashes. */
final class SignInTokens {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final SecureRandom RANDOM = new SecureRandom();

  private SignInTokens() {}

  static String resourceScopes(String scope) {
    return List.of(scope.split(" ")).stream().filter(s -> !s.isBlank())
        .filter(s -> !Set.of("openid", "profile", "offline_access").contains(s)).collect(Collectors.joining(" "));
  }

  static String jwt(Map<String, Object> claims) throws IOException {
    byte[] header = JSON.writeValueAsBytes(Map.of("typ", "JWT", "alg", "RS256", "kid", "simulated"));
    return b64(header) + "." + b64(JSON.writeValueAsBytes(claims)) + "." + b64("simulated-signature".getBytes(StandardCharsets.UTF_8));
  }

  static String s256(String verifier) {
    try {
      return b64(MessageDigest.getInstance("SHA-256").digest(verifier.getBytes(StandardCharsets.US_ASCII)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  static String b64(byte[] bytes) {
    return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
  }

  static String random() {
    byte[] b = new byte[24];
    RANDOM.nextBytes(b);
    return b64(b);
  }
}
