package dev.impersonation.exchange;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.impersonation.Secret;
import dev.impersonation.TenantTarget;
import dev.impersonation.powershell.Cmdlet;
import dev.impersonation.powershell.ParameterValue;
import dev.impersonation.spi.Operation;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** New-Mailbox reaches a secret-capable transport with the password as a secret parameter and no prompt. */
class CmdletExchangeBackendSecretTest {
  @Test
  void newMailboxSendsThePasswordAsASecretNotAsAPrompt() {
    List<Cmdlet> sent = new ArrayList<>();
    List<Map<String, Secret>> secrets = new ArrayList<>();
    SecretCapableTransport recording = new SecretCapableTransport() {
      @Override
      public String name() {
        return "recording";
      }

      @Override
      public List<Map<String, Object>> invoke(Cmdlet cmdlet) {
        sent.add(cmdlet);
        return List.of();
      }

      @Override
      public List<Map<String, Object>> invoke(Cmdlet cmdlet, Map<String, Secret> secretParameters) {
        sent.add(cmdlet);
        secrets.add(secretParameters);
        return List.of();
      }
    };
    Secret password = Secret.of("Initial-Pw-1");
    new CmdletExchangeBackend(TenantTarget.exchangeServer("contoso.com"), recording).execute(
        new Operation.CreateServiceAccount("svc@contoso.com", "Service", "US", Optional.empty(), password));
    Cmdlet newMailbox = sent.stream().filter(c -> c.name().equals("New-Mailbox")).findFirst().orElseThrow();
    assertTrue(newMailbox.parameters().stream().noneMatch(p -> p.value() instanceof ParameterValue.SecretPrompt),
        () -> "a transport cannot prompt: " + newMailbox.parameters());
    assertEquals(List.of(Map.of("Password", password)), secrets);
  }
}
