package dev.impersonation.exchange.internal;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Optional;
import java.util.regex.Pattern;

/** Tenant GUIDs: recognising one, and reading it from an access token's {@code tid} claim. */
public final class TenantIds {
  private static final Pattern GUID = Pattern.compile("[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}");

  private TenantIds() {}

  /** Whether {@code value} is a GUID such as {@code 0f0e0d0c-1111-2222-3333-444455556666}. */
  public static boolean isGuid(String value) {
    return value != null && GUID.matcher(value).matches();
  }

  /**
   * The {@code tid} claim of a JWT access token, when it is one and the claim is a GUID. The token is only decoded,
   * never verified (the service verifies it); nothing of it is logged.
   */
  public static Optional<String> tidClaim(String token) {
    if (token == null) {
      return Optional.empty();
    }
    String[] parts = token.split("\\.");
    if (parts.length != 3) {
      return Optional.empty();
    }
    try {
      byte[] payload = Base64.getUrlDecoder().decode(parts[1].replace('+', '-').replace('/', '_').replace("=", ""));
      JsonNode claims = InvokeCommandJson.MAPPER.readTree(new String(payload, StandardCharsets.UTF_8));
      String tid = claims.path("tid").asText("");
      return isGuid(tid) ? Optional.of(tid.toLowerCase(java.util.Locale.ROOT)) : Optional.empty();
    } catch (Exception notAJwt) {
      return Optional.empty();
    }
  }
}
