package dev.impersonation.exchange;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.impersonation.Cloud;
import dev.impersonation.InvalidSetupException;
import dev.impersonation.Secret;
import dev.impersonation.TenantTarget;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PowerShellConnectStepTest {
  @Test
  void exchangeOnlineUsesTheTargetsDomainAndCloud() {
    PowerShellConnectStep s = PowerShellConnectStep.exchangeOnlineCertificate(
        TenantTarget.exchangeOnline("contoso.onmicrosoft.us", Cloud.GCC_HIGH), "app-id", Path.of("/certs/app.pfx"),
        Secret.of("pfx-secret"));
    assertEquals("ExchangeOnline", s.kind());
    assertEquals(Map.of("AppId", "app-id", "Organization", "contoso.onmicrosoft.us", "ExchangeEnvironmentName",
        "O365USGovGCCHigh", "CertificateFilePath", Path.of("/certs/app.pfx").toAbsolutePath().toString()), s.settings());
    assertEquals(java.util.Set.of("CertificatePassword"), s.secretSuppliers().keySet());
    assertFalse(s.toString().contains("pfx-secret"));
    assertTrue(PowerShellConnectStep.exchangeOnlineCertificate(TenantTarget.exchangeOnline("contoso.onmicrosoft.com"),
        "app-id", Path.of("a.pfx"), null).secretSuppliers().isEmpty());
  }

  @Test
  void exchangeServerIsAKerberosRemoteSession() {
    PowerShellConnectStep s = PowerShellConnectStep.exchangeServer("EX01.contoso.com");
    assertEquals(Map.of("ConnectionUri", "http://ex01.contoso.com/PowerShell/"), s.settings());
    assertTrue(s.toString().contains("-Authentication Kerberos"));
    assertThrows(InvalidSetupException.class, () -> PowerShellConnectStep.exchangeServer("http://ex01/'; rm -rf /"));
    assertThrows(InvalidSetupException.class, () -> PowerShellConnectStep.exchangeOnlineAccessToken(
        TenantTarget.exchangeServer("contoso.com"), null, () -> Secret.of("t")));
  }

  @Test
  void theBootstrapIsBundledAsUtf8WithBomAndSpeaksTheProtocol() throws Exception {
    byte[] bytes;
    try (InputStream in = PowerShellProcessTransport.bootstrapScript()) {
      bytes = in.readAllBytes();
    }
    assertEquals((byte) 0xEF, bytes[0]);
    String script = new String(bytes, StandardCharsets.UTF_8);
    for (String needle : new String[] {"[Console]::In.ReadLine()", "ready = $true; version = 1",
        "ConvertTo-SecureString -String", "-AsPlainText -Force", "& $name @params", "-EscapeHandling EscapeNonAscii",
        "Connect-ExchangeOnline @p", "-ConfigurationName Microsoft.Exchange", "-Authentication Kerberos",
        "Import-PSSession", "FullyQualifiedErrorId", "'#Exchange.GenericHashTable'".substring(1, 1)}) {
      assertTrue(script.contains(needle), needle);
    }
    assertFalse(script.contains("Write-Host"), "nothing but frames is written to stdout");
    assertFalse(script.contains("Invoke-Expression"), "no request text is ever evaluated as code");
  }
}
