package dev.impersonation.exchange;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.impersonation.InvalidSetupException;
import dev.impersonation.Secret;
import dev.impersonation.SignIn;
import dev.impersonation.TenantTarget;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** The builder's PowerShell variants: Exchange Server over a Kerberos session, Exchange Online with a PFX or a token. */
class ExchangeConnectionPowerShellTest {

  @Test
  void exchangeServerUsesPowerShellWithAKerberosSession() {
    ExchangeConnection c = ExchangeConnection.exchangeServer("contoso.com", "mail01.contoso.com").build();
    assertEquals(TenantTarget.exchangeServer("contoso.com", "mail01.contoso.com").server(), java.util.Optional.of("mail01.contoso.com"));
    assertTrue(c.toString().contains("Kerberos remote session to mail01.contoso.com"), c.toString());
    assertTrue(c.powerShellTransport().toString().contains("mail01.contoso.com"), c.powerShellTransport().toString());
    InvalidSetupException e = assertThrows(InvalidSetupException.class, c::transport);
    assertTrue(e.getMessage().contains("no REST endpoint"));
    assertThrows(InvalidSetupException.class, c::accessToken);
    assertThrows(InvalidSetupException.class, () -> ExchangeConnection.exchangeOnline(TenantTarget.exchangeServer("contoso.com")));
  }

  @Test
  void exchangeOnlineOverPowerShellConnectsWithTheCertificateFile(@org.junit.jupiter.api.io.TempDir Path dir) throws Exception {
    Path pfx = SignInOverMsalTest.pkcs12(dir, "pfx-password-value");
    ExchangeConnection c = ExchangeConnection.builder(SignIn.builder(TenantTarget.exchangeOnline("contoso.onmicrosoft.com"))
        .appId("00000000-0000-4000-8000-000000000001").certificate(pfx, Secret.of("pfx-password-value")).build())
        .powerShell(Path.of("/opt/pwsh/pwsh")).build();
    String transport = c.powerShellTransport().toString();
    assertTrue(transport.contains("-CertificateFilePath") && transport.contains(pfx.getFileName().toString()), transport);
    assertTrue(!transport.contains("pfx-password-value") && !c.toString().contains("pfx-password-value"), transport);
    assertTrue(c.toString().contains("PowerShell /opt/pwsh/pwsh"), c.toString());
  }

  @Test
  void exchangeOnlineOverPowerShellWithoutAFileUsesAnAccessToken() {
    ExchangeConnection c = ExchangeConnection.builder(SignIn.builder(TenantTarget.exchangeOnline("contoso.onmicrosoft.com"))
        .tokenSupplier("admin@contoso.onmicrosoft.com", scope -> "token-for-" + scope).build()).powerShell(Path.of("pwsh")).build();
    String transport = c.powerShellTransport().toString();
    assertTrue(transport.contains("-AccessToken <redacted>"), transport);
    assertTrue(!transport.contains("token-for-"), transport);
  }
}
