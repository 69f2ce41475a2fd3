package dev.impersonation.exchange;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.impersonation.ObjectNotFoundException;
import dev.impersonation.Secret;
import dev.impersonation.TransientTenantException;
import dev.impersonation.powershell.Cmdlet;
import dev.impersonation.powershell.ParameterValue;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIf;

/**
 * The real {@code bootstrap.ps1} in a real PowerShell 7, against fake cmdlets defined by the connect step. Runs only
 * when {@code pwsh} is on the PATH; otherwise every test is skipped with a message saying so.
 */
@EnabledIf(value = "dev.impersonation.exchange.RealPwshTest#pwshOnPath", disabledReason = "pwsh not on PATH: skipping "
    + "the real-PowerShell tests of bootstrap.ps1 (install PowerShell 7 to run them; the stand-in tests cover the transport)")
class RealPwshTest {
  private static Path pwsh;

  private static final String FAKES = String.join("\n",
      "function global:Get-Fake {",
      "  [CmdletBinding()] param([string]$Identity, [switch]$Flag, [bool]$Enabled, [string[]]$List, [hashtable]$Table,",
      "    [securestring]$Password)",
      "  $plain = if ($Password) { [System.Net.NetworkCredential]::new('', $Password).Password } else { '' }",
      "  [pscustomobject]@{",
      "    Identity = $Identity; Flag = [bool]$Flag; Enabled = $Enabled; List = $List;",
      "    TableAdd = @($Table['Add']); TableKeys = @($Table.Keys | Sort-Object);",
      "    PasswordIsSecure = ($Password -is [securestring]); PasswordLength = $plain.Length;",
      "    When = [datetime]::new(2024, 1, 2, 3, 4, 5, [DateTimeKind]::Utc); Kind = [DayOfWeek]::Monday",
      "  }",
      "}",
      "function global:Get-Missing {",
      "  [CmdletBinding()] param([string]$Identity)",
      "  Write-Error -Message \"The operation couldn't be performed because object '$Identity' couldn't be found on 'DC1'.\" "
          + "-Category ObjectNotFound",
      "}",
      "function global:Start-Nap { [CmdletBinding()] param() Start-Sleep -Seconds 30 }",
      "function global:Get-Noisy { [CmdletBinding()] param() Write-Host 'hello from Write-Host'; Write-Warning 'careful'; 'plain' }");

  /** {@code pwsh} on the PATH, if any. */
  static Optional<Path> findPwsh() {
    return Stream.of(System.getenv().getOrDefault("PATH", "").split(File.pathSeparator))
        .filter(d -> !d.isBlank())
        .flatMap(d -> Stream.of(Path.of(d, "pwsh"), Path.of(d, "pwsh.exe")))
        .filter(Files::isExecutable).findFirst();
  }

  static boolean pwshOnPath() {
    return findPwsh().isPresent();
  }

  @BeforeAll
  static void locate() {
    pwsh = findPwsh().orElseThrow();
  }

  private static PowerShellProcessTransport.Builder builder() {
    return PowerShellProcessTransport.builder().executable(pwsh).connectStep(PowerShellConnectStep.script(FAKES))
        .startupTimeout(Duration.ofSeconds(60)).connectTimeout(Duration.ofSeconds(30)).commandTimeout(Duration.ofSeconds(30));
  }

  @Test
  void parametersSecretsAndRowsRoundTripThroughTheBootstrap() {
    try (PowerShellProcessTransport t = builder().build()) {
      List<Map<String, Object>> rows = t.invoke(Cmdlet.of("Get-Fake").text("Identity", "O'Brien\u2019s $x \u00e9")
          .flag("Flag").bool("Enabled", false).list("List", List.of("a", "b"))
          .param("Table", new ParameterValue.Table(Map.of("Add", List.of("x", "y")))), Map.of("Password", Secret.of("s3cr3t!")));
      assertEquals(1, rows.size(), rows::toString);
      Map<String, Object> row = rows.get(0);
      assertEquals("O'Brien\u2019s $x \u00e9", row.get("Identity"));
      assertEquals(true, row.get("Flag"));
      assertEquals(false, row.get("Enabled"));
      assertEquals(List.of("a", "b"), row.get("List"));
      assertEquals(List.of("x", "y"), row.get("TableAdd"));
      assertEquals(List.of("Add"), row.get("TableKeys"), "the @odata.type marker is not a key");
      assertEquals(true, row.get("PasswordIsSecure"));
      assertEquals(7, row.get("PasswordLength"));
      assertEquals("Monday", row.get("Kind"));
      assertEquals(java.time.Instant.parse("2024-01-02T03:04:05Z"), CmdletRows.instant(row, "When"));
      assertFalse(row.toString().contains("s3cr3t!"));
    }
  }

  @Test
  void errorsNoiseAndTimeouts() {
    try (PowerShellProcessTransport t = builder().commandTimeout(Duration.ofSeconds(3)).build()) {
      assertThrows(ObjectNotFoundException.class, () -> t.invoke(Cmdlet.of("Get-Missing").text("Identity", "ghost")));
      assertEquals(List.of(Map.of("Value", "plain")), t.invoke(Cmdlet.of("Get-Noisy")));
      Optional<ProcessHandle> before = t.processHandle();
      assertThrows(TransientTenantException.class, () -> t.invoke(Cmdlet.of("Start-Nap")));
      assertFalse(before.orElseThrow().isAlive());
      assertEquals(1, t.invoke(Cmdlet.of("Get-Fake")).size());
      assertTrue(t.starts() == 2);
    }
  }
}
