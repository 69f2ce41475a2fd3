package dev.impersonation.internal;

import static org.junit.jupiter.api.Assertions.assertFalse;

import dev.impersonation.Principal.ServiceAccount;
import dev.impersonation.Principal;
import dev.impersonation.Secret;
import org.junit.jupiter.api.Test;

class JsonTest {

  @Test
  void jsonNeverContainsASecret() {
    ServiceAccount svc = Principal.serviceAccount("svc@contoso.com").createIfMissing("Svc", Secret.of("P@ss-w0rd!"));
    String json;
    try {
      json = Json.MAPPER.writeValueAsString(svc);
    } catch (Exception refused) {
      json = String.valueOf(refused.getMessage());
    }
    assertFalse(json.contains("P@ss-w0rd!"), json);
  }
}
