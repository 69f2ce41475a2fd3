package dev.impersonation.exchange;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.impersonation.ObjectAlreadyExistsException;
import dev.impersonation.ObjectNotFoundException;
import dev.impersonation.OrganizationNotCustomizedException;
import dev.impersonation.Secret;
import dev.impersonation.TenantException;
import dev.impersonation.TenantTarget;
import dev.impersonation.TransientTenantException;
import dev.impersonation.powershell.Cmdlet;
import dev.impersonation.powershell.ParameterValue;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The transport against {@link StandInPowerShell}: protocol, errors, timeouts, crashes, noise, secrets, shutdown. */
class PowerShellProcessTransportTest {
  @TempDir
  Path dir;

  private Path log() {
    return dir.resolve("events.log");
  }

  private static Map<String, Object> one(List<Map<String, Object>> rows) {
    assertEquals(1, rows.size(), () -> "rows: " + rows);
    return rows.get(0);
  }

  private static long pid(PowerShellProcessTransport t) {
    return ((Number) one(t.invoke(Cmdlet.of("Get-ConnectCount"))).get("Pid")).longValue();
  }

  @Test
  void everyParameterKindRoundTrips() {
    Map<String, List<String>> table = new LinkedHashMap<>();
    table.put("Add", List.of("svc@contoso.com", "ops@contoso.com"));
    table.put("Remove", List.of("old@contoso.com"));
    Cmdlet cmdlet = Cmdlet.of("Test-Echo")
        .text("Identity", "O'Brien\u2019s \u201cTeam\u201d $x `y \u00e9")
        .bool("AutoMapping", false)
        .bool("Enabled", true)
        .flag("Confirm")
        .list("RecipientTypeDetails", List.of("UserMailbox", "RoomMailbox"))
        .list("Empty", List.of())
        .param("ManagedBy", new ParameterValue.Table(table));
    try (PowerShellProcessTransport t = StandIn.builder(log()).build()) {
      Map<String, Object> row = one(t.invoke(cmdlet));
      @SuppressWarnings("unchecked")
      Map<String, Object> params = (Map<String, Object>) row.get("Parameters");
      assertEquals("O'Brien\u2019s \u201cTeam\u201d $x `y \u00e9", params.get("Identity"));
      assertEquals(false, params.get("AutoMapping"));
      assertEquals(true, params.get("Enabled"));
      assertEquals(true, params.get("Confirm"));
      assertEquals(List.of("UserMailbox", "RoomMailbox"), params.get("RecipientTypeDetails"));
      assertEquals(List.of(), params.get("Empty"));
      assertEquals(Map.of("@odata.type", "#Exchange.GenericHashTable", "Add", List.of("svc@contoso.com", "ops@contoso.com"),
          "Remove", List.of("old@contoso.com")), params.get("ManagedBy"));
      assertEquals(List.of("Identity", "AutoMapping", "Enabled", "Confirm", "RecipientTypeDetails", "Empty", "ManagedBy"),
          new ArrayList<>(params.keySet()), "parameter order is kept");
    }
  }

  @Test
  void rowsKeepTheirTypesAndDatesParse() {
    try (PowerShellProcessTransport t = StandIn.builder(log()).build()) {
      Map<String, Object> row = one(t.invoke(Cmdlet.of("Get-Thing")));
      assertEquals("thing", row.get("Name"));
      assertEquals(2, row.get("Count"));
      assertEquals(true, row.get("Enabled"));
      assertEquals(List.of("a", "b"), row.get("Tags"));
      assertTrue(row.containsKey("Notes") && row.get("Notes") == null);
      assertEquals("O'Brien\u2019s \u201cTeam\u201d \u00e9", row.get("Unicode"));
      assertEquals(Instant.parse("2024-01-02T03:04:05Z"), CmdletRows.instant(row, "WhenCreatedUTC"));
    }
  }

  @Test
  void valuesThatBelongInScriptsAreRejectedBeforeAnyProcessStarts() {
    try (PowerShellProcessTransport t = StandIn.builder(log()).build()) {
      assertThrows(IllegalArgumentException.class,
          () -> t.invoke(Cmdlet.of("Test-Echo").param("Password", new ParameterValue.SecretPrompt("Password", true))));
      assertThrows(IllegalArgumentException.class,
          () -> t.invoke(Cmdlet.of("Test-Echo").param("Identity", new ParameterValue.Variable("dn"))));
      assertThrows(IllegalArgumentException.class,
          () -> t.invoke(Cmdlet.of("Test-Echo").text("Password", "x"), Map.of("password", Secret.of("y"))));
      assertEquals(0, t.starts());
      assertTrue(t.processHandle().isEmpty());
    }
  }

  @Test
  void errorsAreClassifiedAndKeepTheProcess() {
    try (PowerShellProcessTransport t = StandIn.builder(log()).build()) {
      long pid = pid(t);
      ObjectNotFoundException nf = assertThrows(ObjectNotFoundException.class, () -> t.invoke(Cmdlet.of("Test-Error")
          .text("Identity", "ghost@contoso.com").text("Type", "ManagementObjectNotFoundException")
          .text("Message", "The operation couldn't be performed because object 'ghost@contoso.com' couldn't be found on 'DC1'.")));
      assertTrue(nf.getMessage().contains("ghost@contoso.com"), nf.getMessage());
      assertThrows(ObjectAlreadyExistsException.class, () -> t.invoke(Cmdlet.of("Test-Error").text("Name", "Scope1")
          .text("Type", "ManagementObjectAlreadyExistsException").text("Message", "The name \"Scope1\" is already being used.")));
      assertThrows(OrganizationNotCustomizedException.class, () -> t.invoke(Cmdlet.of("Test-Error")
          .text("Type", "InvalidOperationInDehydratedContextException").text("Message",
              "This operation is not supported; you first need to run the command: Enable-OrganizationCustomization.")));
      TenantException unknown = assertThrows(TenantException.class, () -> t.invoke(Cmdlet.of("Get-Nothing")));
      assertTrue(unknown.getMessage().contains("not recognized"), unknown.getMessage());
      assertEquals(pid, pid(t), "errors are answers, not crashes");
      assertEquals(1, t.starts());
    }
  }

  @Test
  void aHungCommandTimesOutKillsTheProcessAndTheNextCommandRestarts() throws Exception {
    try (PowerShellProcessTransport t = StandIn.builder(log()).commandTimeout(Duration.ofSeconds(1)).build()) {
      ProcessHandle first = t.invoke(Cmdlet.of("Get-Thing")).isEmpty() ? null : t.processHandle().orElseThrow();
      long began = System.nanoTime();
      TransientTenantException e = assertThrows(TransientTenantException.class, () -> t.invoke(Cmdlet.of("Test-Hang")));
      assertTrue(Duration.ofNanos(System.nanoTime() - began).compareTo(Duration.ofSeconds(4)) < 0);
      assertTrue(e.getMessage().contains("Test-Hang timed out after 1 s"), e.getMessage());
      assertTrue(e.isTransient());
      assertFalse(first.isAlive(), "the hung process is killed");
      assertTrue(t.processHandle().isEmpty());
      assertEquals("thing", one(t.invoke(Cmdlet.of("Get-Thing"))).get("Name"));
      assertNotEquals(first.pid(), t.processHandle().orElseThrow().pid());
      assertEquals(2, StandIn.count(log(), "start"));
      assertEquals(2, StandIn.count(log(), "connect"), "the connect step runs again after the restart");
    }
  }

  @Test
  void aCrashMidCommandIsTransientAndTheNextCommandRestarts() throws Exception {
    try (PowerShellProcessTransport t = StandIn.builder(log(), "--crash-on=2").build()) {
      t.invoke(Cmdlet.of("Get-Thing"));
      ProcessHandle first = t.processHandle().orElseThrow();
      TransientTenantException e = assertThrows(TransientTenantException.class, () -> t.invoke(Cmdlet.of("Get-Thing")));
      assertTrue(e.getMessage().contains("exited (code 3) while running Get-Thing"), e.getMessage());
      assertFalse(first.isAlive());
      // the restarted process crashes halfway through writing a frame
      TransientTenantException half = assertThrows(TransientTenantException.class, () -> t.invoke(Cmdlet.of("Test-Crash")));
      assertTrue(half.getMessage().contains("code 5"), half.getMessage());
      assertEquals("thing", one(t.invoke(Cmdlet.of("Get-Thing"))).get("Name"));
      assertEquals(3, t.starts());
      assertEquals(3, StandIn.count(log(), "connect"));
    }
  }

  @Test
  void noiseBetweenFramesAndBeforeTheHandshakeIsSkipped() {
    try (PowerShellProcessTransport t = StandIn.builder(log(), "--mode=garbage-before-handshake").build()) {
      assertEquals(true, one(t.invoke(Cmdlet.of("Test-Garbage").text("Lines", "12"))).get("Survived"));
      assertEquals("thing", one(t.invoke(Cmdlet.of("Get-Thing"))).get("Name"), "a stale frame with another id is not an answer");
      assertEquals(1, t.starts());
    }
  }

  @Test
  void tooMuchNoiseFailsClearlyAndRestarts() throws Exception {
    try (PowerShellProcessTransport t = StandIn.builder(log()).maxNoiseLines(5).build()) {
      t.invoke(Cmdlet.of("Get-Thing"));
      ProcessHandle first = t.processHandle().orElseThrow();
      TenantException e = assertThrows(TenantException.class, () -> t.invoke(Cmdlet.of("Test-Garbage").text("Lines", "40")));
      assertTrue(e.getMessage().contains("more than 5 lines that are not protocol frames while waiting for Test-Garbage"),
          e.getMessage());
      assertFalse(first.isAlive());
      assertEquals("thing", one(t.invoke(Cmdlet.of("Get-Thing"))).get("Name"));
      assertEquals(2, t.starts());
    }
    try (PowerShellProcessTransport t = StandIn.builder(dir.resolve("forever.log"), "--mode=garbage-forever")
        .maxNoiseLines(50).build()) {
      TenantException e = assertThrows(TenantException.class, () -> t.invoke(Cmdlet.of("Get-Thing")));
      assertTrue(e.getMessage().contains("waiting for the handshake") && e.getMessage().contains("banner line"), e.getMessage());
      assertTrue(t.processHandle().isEmpty());
    }
  }

  @Test
  void slowOutputIsReassembled() {
    try (PowerShellProcessTransport t = StandIn.builder(log()).build()) {
      assertEquals("x".repeat(5000), one(t.invoke(Cmdlet.of("Test-Slow"))).get("Slow"));
      assertEquals("thing", one(t.invoke(Cmdlet.of("Get-Thing"))).get("Name"));
    }
  }

  @Test
  void secretsTravelOnlyInsideFramesOnStdin() throws Exception {
    String password = "P@ss-w0rd\u00e9-'\"$(whoami)-" + System.nanoTime();
    String pfxPassword = "pfx-" + System.nanoTime();
    TenantTarget target = TenantTarget.exchangeOnline("contoso.onmicrosoft.com");
    PowerShellConnectStep step = PowerShellConnectStep.exchangeOnlineCertificate(target, "11111111-2222-3333-4444-555555555555",
        dir.resolve("app.pfx"), Secret.of(pfxPassword));
    try (PowerShellProcessTransport t = StandIn.builder(log()).connectStep(step).build()) {
      Map<String, Object> row = one(t.invoke(Cmdlet.of("Test-Echo").text("Name", "svc"), Map.of("Password", Secret.of(password))));
      assertEquals(List.of("Password"), row.get("SecretNames"));
      assertEquals(Map.of("Password", StandInPowerShell.sha256(password)), row.get("SecretSha256"), "the secret arrived intact");
      assertEquals(false, row.get("SecretInArgs"));
      assertEquals(false, row.get("SecretInEnv"));
      assertFalse(row.toString().contains(password));
      @SuppressWarnings("unchecked")
      Map<String, Object> connect = (Map<String, Object>) row.get("Connect");
      assertEquals(Map.of("CertificatePassword", StandInPowerShell.sha256(pfxPassword)), connect.get("secretSha256"));
      assertEquals(false, connect.get("secretInArgs"));
      assertEquals(false, connect.get("secretInEnv"));
      @SuppressWarnings("unchecked")
      Map<String, Object> settings = (Map<String, Object>) connect.get("connect");
      assertEquals("ExchangeOnline", settings.get("kind"));
      assertEquals("contoso.onmicrosoft.com", settings.get("Organization"));
      assertEquals("O365Default", settings.get("ExchangeEnvironmentName"));
      assertFalse(settings.containsKey("CertificatePassword"));

      ProcessHandle.Info info = t.processHandle().orElseThrow().info();
      String commandLine = info.commandLine().orElse("") + " " + String.join(" ", info.arguments().orElse(new String[0]));
      assertTrue(commandLine.contains("-NonInteractive"), "the command line is visible: " + commandLine);
      assertFalse(commandLine.contains(password));
      assertFalse(commandLine.contains(pfxPassword));

      TenantException e = assertThrows(TenantException.class, () -> t.invoke(Cmdlet.of("Test-Error").text("Type", "X")
          .text("Message", "bad"), Map.of("Password", Secret.of(password))));
      assertFalse(e.toString().contains(password));
      TransientTenantException crash = assertThrows(TransientTenantException.class,
          () -> t.invoke(Cmdlet.of("Test-Crash"), Map.of("Password", Secret.of(password))));
      assertFalse(crash.toString().contains(password));
      assertFalse(step.toString().contains(pfxPassword));
    }
    String events = Files.readString(log());
    assertFalse(events.contains(password) || events.contains(pfxPassword));
  }

  @Test
  void accessTokensAreAskedForOnEveryConnect() {
    int[] asked = {0};
    PowerShellConnectStep step = PowerShellConnectStep.exchangeOnlineAccessToken(
        TenantTarget.exchangeOnline("contoso.onmicrosoft.us", dev.impersonation.Cloud.GCC_HIGH), null, () -> {
          asked[0]++;
          return Secret.of("token-" + asked[0]);
        });
    try (PowerShellProcessTransport t = StandIn.builder(log()).connectStep(step).build()) {
      Map<String, Object> row = one(t.invoke(Cmdlet.of("Test-Echo")));
      @SuppressWarnings("unchecked")
      Map<String, Object> connect = (Map<String, Object>) row.get("Connect");
      assertEquals(Map.of("AccessToken", sha("token-1")), connect.get("secretSha256"));
      t.invoke(Cmdlet.of("Enable-OrganizationCustomization"));
      row = one(t.invoke(Cmdlet.of("Test-Echo")));
      @SuppressWarnings("unchecked")
      Map<String, Object> again = (Map<String, Object>) row.get("Connect");
      assertEquals(Map.of("AccessToken", sha("token-2")), again.get("secretSha256"));
      assertEquals(2, asked[0]);
    }
  }

  private static String sha(String s) {
    try {
      return StandInPowerShell.sha256(s);
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }

  @Test
  void enableOrganizationCustomizationIsFollowedByAReconnect() throws Exception {
    try (PowerShellProcessTransport t = StandIn.builder(log()).build()) {
      assertEquals(1, one(t.invoke(Cmdlet.of("Get-ConnectCount"))).get("Connects"));
      long pid = t.processHandle().orElseThrow().pid();
      t.invoke(Cmdlet.of("Enable-OrganizationCustomization"));
      assertEquals(2, one(t.invoke(Cmdlet.of("Get-ConnectCount"))).get("Connects"), "reconnected before the next cmdlet");
      assertEquals(2, one(t.invoke(Cmdlet.of("Get-ConnectCount"))).get("Connects"), "only once");
      assertThrows(ObjectAlreadyExistsException.class, () -> t.invoke(Cmdlet.of("Enable-OrganizationCustomization").flag("Fail")));
      assertEquals(2, one(t.invoke(Cmdlet.of("Get-ConnectCount"))).get("Connects"), "a failed enable needs no reconnect");
      assertEquals(pid, t.processHandle().orElseThrow().pid(), "same process");
      assertEquals(List.of("connect None", "connect None"),
          StandIn.events(log()).stream().filter(e -> e.startsWith("connect")).toList());
    }
  }

  @Test
  void aFailingConnectStepIsReportedAndRetried() throws Exception {
    try (PowerShellProcessTransport t = StandIn.builder(log()).connectStep(PowerShellConnectStep.script("fail")).build()) {
      TenantException e = assertThrows(TenantException.class, () -> t.invoke(Cmdlet.of("Get-Thing")));
      assertTrue(e.getMessage().startsWith("RuntimeException: Connecting PowerShell failed (custom connect script)"),
          e.getMessage());
      assertInstanceOf(dev.impersonation.AccessDeniedException.class, e, "'not allowed to' is an access problem");
      assertThrows(TenantException.class, () -> t.invoke(Cmdlet.of("Get-Thing")));
      assertEquals(2, StandIn.count(log(), "connect"));
      assertEquals(0, StandIn.count(log(), "invoke"), "no cmdlet runs on an unconnected session");
    }
  }

  @Test
  void closeAsksTheProcessToExitAndLeavesNothingRunning() throws Exception {
    PowerShellProcessTransport t = StandIn.builder(log()).build();
    t.invoke(Cmdlet.of("Get-Thing"));
    ProcessHandle h = t.processHandle().orElseThrow();
    t.close();
    assertFalse(h.isAlive());
    assertTrue(StandIn.events(log()).contains("exit"), "clean exit frame: " + StandIn.events(log()));
    assertThrows(IllegalStateException.class, () -> t.invoke(Cmdlet.of("Get-Thing")));
    t.close(); // idempotent

    PowerShellProcessTransport stubborn = StandIn.builder(dir.resolve("stubborn.log"), "--mode=ignore-exit")
        .shutdownTimeout(Duration.ofMillis(300)).build();
    stubborn.invoke(Cmdlet.of("Get-Thing"));
    ProcessHandle s = stubborn.processHandle().orElseThrow();
    stubborn.close();
    assertFalse(s.isAlive(), "killed after the shutdown timeout");
  }

  @Test
  void closeDuringACommandKillsTheProcess() throws Exception {
    PowerShellProcessTransport t = StandIn.builder(log()).commandTimeout(Duration.ofSeconds(30)).build();
    t.invoke(Cmdlet.of("Get-Thing"));
    ProcessHandle h = t.processHandle().orElseThrow();
    ExecutorService pool = Executors.newSingleThreadExecutor();
    try {
      Future<?> hang = pool.submit(() -> t.invoke(Cmdlet.of("Test-Hang")));
      Thread.sleep(300);
      t.close();
      Exception e = assertThrows(java.util.concurrent.ExecutionException.class, () -> hang.get(5, java.util.concurrent.TimeUnit.SECONDS));
      assertInstanceOf(TransientTenantException.class, e.getCause());
      assertFalse(h.isAlive());
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void startupFailuresAreClear() {
    try (PowerShellProcessTransport t = PowerShellProcessTransport.builder().executable(dir.resolve("no-such-pwsh")).build()) {
      TenantException e = assertThrows(TenantException.class, () -> t.invoke(Cmdlet.of("Get-Thing")));
      assertTrue(e.getMessage().startsWith("Cannot start PowerShell"), e.getMessage());
    }
    try (PowerShellProcessTransport t = StandIn.builder(log(), "--mode=bad-version").build()) {
      TenantException e = assertThrows(TenantException.class, () -> t.invoke(Cmdlet.of("Get-Thing")));
      assertTrue(e.getMessage().contains("protocol version 99, expected 1"), e.getMessage());
    }
    try (PowerShellProcessTransport t = StandIn.builder(log(), "--mode=no-handshake")
        .startupTimeout(Duration.ofMillis(1500)).build()) {
      TransientTenantException e = assertThrows(TransientTenantException.class, () -> t.invoke(Cmdlet.of("Get-Thing")));
      assertTrue(e.getMessage().startsWith("The handshake timed out after 1500 ms"), e.getMessage());
      assertTrue(t.processHandle().isEmpty());
    }
  }

  @Test
  void commandsFromManyThreadsRunOneAtATimeInOneProcess() throws Exception {
    try (PowerShellProcessTransport t = StandIn.builder(log()).build()) {
      ExecutorService pool = Executors.newFixedThreadPool(4);
      try {
        List<Future<List<Map<String, Object>>>> all = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
          all.add(pool.submit(() -> t.invoke(Cmdlet.of("Get-Thing"))));
        }
        for (Future<List<Map<String, Object>>> f : all) {
          assertEquals("thing", one(f.get()).get("Name"));
        }
      } finally {
        pool.shutdownNow();
      }
      assertEquals(1, t.starts());
    }
  }

  @Test
  void theBackendSendsTheMailboxPasswordAsASecret() throws Exception {
    // CmdletExchangeBackend passes New-Mailbox's password through SecretCapableTransport; the stand-in does not know
    // New-Mailbox, so the call fails, but the request is logged without the password.
    String password = "Mailbox-Pw-" + System.nanoTime();
    try (PowerShellProcessTransport t = StandIn.builder(log()).build()) {
      TenantException e = assertThrows(TenantException.class,
          () -> t.invoke(Cmdlet.of("New-Mailbox").text("Name", "svc"), Map.of("Password", Secret.of(password))));
      assertTrue(e.getMessage().contains("New-Mailbox"), e.getMessage());
      assertFalse(e.getMessage().contains(password));
    }
    assertTrue(StandIn.events(log()).contains("invoke New-Mailbox"));
  }
}
