package dev.impersonation.exchange;

import com.fasterxml.jackson.databind.JsonNode;
import dev.impersonation.Secret;
import dev.impersonation.TenantException;
import dev.impersonation.TransientTenantException;
import dev.impersonation.exchange.internal.PowerShellFrames;
import dev.impersonation.exchange.internal.PowerShellProcess;
import dev.impersonation.exchange.internal.SecretRedactor;
import dev.impersonation.exchange.internal.WipeableBuffer;
import dev.impersonation.powershell.Cmdlet;
import dev.impersonation.powershell.ParameterValue;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs Exchange cmdlets in one long-lived PowerShell 7 process per transport: the ExchangeOnlineManagement module
 * (Exchange Online) or a Kerberos remote session (Exchange Server), set up by a {@link PowerShellConnectStep}.
 *
 * <p>The process runs the bundled {@code bootstrap.ps1} ({@code pwsh -NoLogo -NoProfile -NonInteractive -File
 * <temp copy of the script>}; the script file holds no secret). Java and the script exchange newline-delimited JSON
 * frames over stdin/stdout: after a handshake line {@code {"ready":true,"version":1}}, each request is one line such
 * as {@code {"id":3,"op":"invoke","cmdlet":"Get-Recipient","parameters":{"Identity":"a@contoso.com"},"secrets":{}}}
 * and each answer one line, {@code {"id":3,"ok":true,"rows":[...]}} or {@code {"id":3,"ok":false,"error":{...}}}.
 * Errors are classified by {@link ExchangeErrors}. Secrets travel only inside frames on stdin, where the script turns
 * them into SecureStrings; they are never on a command line, in an environment variable or in a log.
 *
 * <p>Behaviour:
 * <ul>
 *   <li>The process is started, and the connect step run, on the first command.</li>
 *   <li>A command that takes longer than the command timeout (default 15 minutes, the limit of the REST cmdlets)
 *       gets the process killed and a {@link TransientTenantException}; the next command starts a new process.</li>
 *   <li>A process that dies mid-command gives a {@link TransientTenantException}; the next command restarts it.</li>
 *   <li>Lines on stdout that are not frames (module banners, warnings) are skipped and logged at DEBUG; more than
 *       {@link Builder#maxNoiseLines(int)} of them for one answer is a {@link TenantException} and a restart.</li>
 *   <li>After a successful {@code Enable-OrganizationCustomization} the connect step runs again before the next
 *       command, as the vendor procedures advise.</li>
 *   <li>{@link #close()} asks the script to disconnect and exit, then kills the process if it has not.</li>
 *   <li>Thread-safe: commands run one at a time.</li>
 * </ul>
 *
 * <pre>{@code
 * TenantTarget target = TenantTarget.exchangeOnline("contoso.onmicrosoft.com");
 * try (PowerShellProcessTransport pwsh = PowerShellProcessTransport.builder()
 *     .connectStep(PowerShellConnectStep.exchangeOnlineCertificate(target, appId, Path.of("app.pfx"), pfxPassword))
 *     .build()) {
 *   ExchangeBackend exchange = new CmdletExchangeBackend(target, pwsh);
 *   List<Map<String, Object>> rows = pwsh.invoke(Cmdlet.of("Get-OrganizationConfig"));
 * }
 * }</pre>
 */
public final class PowerShellProcessTransport implements SecretCapableTransport {
  private static final Logger LOG = LoggerFactory.getLogger(PowerShellProcessTransport.class);

  private final Path executable;
  private final List<String> extraArguments;
  private final PowerShellConnectStep connectStep;
  private final Duration commandTimeout;
  private final Duration startupTimeout;
  private final Duration connectTimeout;
  private final Duration shutdownTimeout;
  private final int maxNoiseLines;
  private final int maxLineChars;

  private final ReentrantLock lock = new ReentrantLock();
  private final SecretRedactor redactor = new SecretRedactor();
  private volatile PowerShellProcess process;
  private volatile boolean closed;
  private boolean reconnectPending;
  private long nextId = 1;
  private final BootstrapScript script = new BootstrapScript();
  private final FrameWaits waits;
  private int starts;

  private PowerShellProcessTransport(Builder b) {
    this.executable = b.executable;
    this.extraArguments = List.copyOf(b.extraArguments);
    this.connectStep = b.connectStep;
    this.commandTimeout = b.commandTimeout;
    this.startupTimeout = b.startupTimeout;
    this.connectTimeout = b.connectTimeout;
    this.shutdownTimeout = b.shutdownTimeout;
    this.maxNoiseLines = b.maxNoiseLines;
    this.maxLineChars = b.maxLineChars;
    this.waits = new FrameWaits(redactor, maxNoiseLines, this::discard);
  }

  /** A builder with the defaults: {@code pwsh} on the PATH, no connect step, 15-minute command timeout. */
  public static Builder builder() {
    return new Builder();
  }

  @Override
  public String name() {
    return "exchange-powershell";
  }

  @Override
  public List<Map<String, Object>> invoke(Cmdlet cmdlet) {
    return invoke(cmdlet, Map.of());
  }

  @Override
  public List<Map<String, Object>> invoke(Cmdlet cmdlet, Map<String, Secret> secretParameters) {
    Objects.requireNonNull(cmdlet, "cmdlet");
    Objects.requireNonNull(secretParameters, "secretParameters");
    lock.lock();
    try {
      ensureOpen();
      long id = nextId++;
      Map<String, char[]> revealed = new LinkedHashMap<>();
      WipeableBuffer frame = new WipeableBuffer();
      try {
        secretParameters.forEach((name, secret) -> revealed.put(name, secret.reveal()));
        PowerShellFrames.writeInvoke(frame, id, cmdlet, revealed); // rejects what cannot be sent, before any start
        PowerShellProcess p = ready();
        revealed.values().forEach(redactor::add);
        wipe(revealed);
        LOG.debug("PowerShell {}: {} (request {}{})", p.handle().pid(), cmdlet.name(), id,
            secretParameters.isEmpty() ? "" : ", secret parameters " + secretParameters.keySet());
        JsonNode response = exchange(p, frame, id, cmdlet.name(), commandTimeout);
        if (response.path("ok").asBoolean(false)) {
          if (cmdlet.name().equalsIgnoreCase("Enable-OrganizationCustomization")) {
            reconnectPending = true;
          }
          return PowerShellFrames.rows(response);
        }
        throw error(response, identity(cmdlet), "");
      } finally {
        frame.wipe();
        wipe(revealed);
        redactor.clear();
      }
    } finally {
      lock.unlock();
    }
  }

  private static void wipe(Map<String, char[]> revealed) {
    revealed.values().forEach(c -> Arrays.fill(c, '\0'));
  }

  private static String identity(Cmdlet cmdlet) {
    for (String name : List.of("Identity", "Name")) {
      Optional<ParameterValue> v = cmdlet.get(name);
      if (v.isPresent() && v.get() instanceof ParameterValue.Text t) {
        return t.value();
      }
    }
    return null;
  }

  private TenantException error(JsonNode response, String identity, String prefix) {
    JsonNode e = response.path("error");
    String type = PowerShellFrames.text(e, "reason");
    if (type.isEmpty()) {
      type = PowerShellFrames.text(e, "type");
    }
    String message = redactor.redact(PowerShellFrames.text(e, "message"));
    String errorId = PowerShellFrames.text(e, "errorId");
    if (!errorId.isEmpty() && !message.contains(errorId)) {
      message = message + " [" + redactor.redact(errorId) + "]";
    }
    return ExchangeErrors.classify(type, prefix + message, identity);
  }

  private void ensureOpen() {
    if (closed) {
      throw new IllegalStateException("This PowerShellProcessTransport is closed; build a new one.");
    }
  }

  /** The running, connected process: started (and connected) when needed, reconnected when pending. */
  private PowerShellProcess ready() {
    PowerShellProcess p = process;
    if (p == null || !p.isAlive()) {
      if (p != null) {
        LOG.debug("PowerShell process {} exited with code {}; starting a new one", p.handle().pid(), p.exitCode());
        discard();
      }
      p = start();
      connect(p);
    } else if (reconnectPending) {
      LOG.debug("Reconnecting after Enable-OrganizationCustomization");
      connect(p);
    }
    return p;
  }

  private PowerShellProcess start() {
    List<String> command = new ArrayList<>();
    command.add(executable.toString());
    command.addAll(extraArguments);
    command.addAll(List.of("-NoLogo", "-NoProfile", "-NonInteractive", "-ExecutionPolicy", "Bypass", "-File",
        script.path().toString()));
    PowerShellProcess p;
    try {
      p = PowerShellProcess.start(command, redactor, maxLineChars);
    } catch (IOException e) {
      throw new TenantException("Cannot start PowerShell '" + executable + "': " + e.getMessage() + ". Install PowerShell 7 "
          + "(pwsh) or point PowerShellProcessTransport.builder().executable(...) at it.", e);
    }
    process = p;
    starts++;
    long deadline = System.nanoTime() + startupTimeout.toNanos();
    int noise = 0;
    while (true) {
      PowerShellProcess.Line line = waits.await(p, deadline, "the handshake", startupTimeout);
      if (line.eof()) {
        discard();
        throw new TenantException("PowerShell exited with code " + p.exitCode() + " before its handshake; stderr: "
            + p.stderrTail());
      }
      JsonNode frame = PowerShellFrames.parse(line.text());
      if (frame != null && frame.has("ready")) {
        int version = frame.path("version").asInt(-1);
        if (!frame.path("ready").asBoolean(false) || version != PowerShellFrames.VERSION) {
          discard();
          throw new TenantException("The PowerShell bootstrap speaks protocol version " + version + ", expected "
              + PowerShellFrames.VERSION + ".");
        }
        LOG.debug("PowerShell process {} is ready", p.handle().pid());
        return p;
      }
      noise = waits.noise(p, line, noise, "the handshake");
    }
  }

  private void connect(PowerShellProcess p) {
    reconnectPending = false;
    long id = nextId++;
    Map<String, char[]> revealed = new LinkedHashMap<>();
    WipeableBuffer frame = new WipeableBuffer();
    try {
      for (Map.Entry<String, Supplier<Secret>> e : connectStep.secretSuppliers().entrySet()) {
        Secret s = Objects.requireNonNull(e.getValue().get(), "the connect step supplied no " + e.getKey());
        revealed.put(e.getKey(), s.reveal());
      }
      revealed.values().forEach(redactor::add);
      PowerShellFrames.writeConnect(frame, id, connectStep.kind(), connectStep.settings(), revealed);
      wipe(revealed);
      LOG.debug("PowerShell {}: connect step ({})", p.handle().pid(), connectStep);
      JsonNode response = exchange(p, frame, id, "the connect step", connectTimeout);
      if (!response.path("ok").asBoolean(false)) {
        TenantException e = error(response, null, "Connecting PowerShell failed (" + connectStep + "): ");
        discard();
        throw e;
      }
    } catch (RuntimeException e) {
      reconnectPending = true;
      throw e;
    } finally {
      frame.wipe();
      wipe(revealed);
      redactor.clear();
    }
  }

  /** Sends {@code frame} and waits for the response with {@code id}. */
  private JsonNode exchange(PowerShellProcess p, WipeableBuffer frame, long id, String what, Duration timeout) {
    try {
      p.send(frame);
    } catch (IOException e) {
      int code = p.exitCode();
      discard();
      throw new TransientTenantException("The PowerShell process is gone (exit code " + code + ") and could not take "
          + what + "; it will be restarted on the next command.", e);
    } finally {
      frame.wipe();
    }
    long deadline = System.nanoTime() + timeout.toNanos();
    int noise = 0;
    while (true) {
      PowerShellProcess.Line line = waits.await(p, deadline, what, timeout);
      if (line.eof()) {
        int code = FrameWaits.waitExit(p);
        discard();
        throw new TransientTenantException("The PowerShell process exited (code " + code + ") while running " + what
            + "; it will be restarted on the next command.");
      }
      JsonNode response = PowerShellFrames.parse(line.text());
      if (response != null && response.path("id").asLong(-1) == id) {
        return response;
      }
      noise = waits.noise(p, line, noise, what);
    }
  }

  /** Kills the current process, if any, and forgets it. */
  private void discard() {
    PowerShellProcess p = process;
    process = null;
    if (p != null) {
      p.kill();
    }
  }

  /** The bundled bootstrap script ({@code dev/impersonation/exchange/bootstrap.ps1}, UTF-8 with BOM). */
  public static InputStream bootstrapScript() {
    return BootstrapScript.open();
  }

  /** The running process, for tests and diagnostics. */
  Optional<ProcessHandle> processHandle() {
    PowerShellProcess p = process;
    return p == null ? Optional.empty() : Optional.of(p.handle());
  }

  /** How many processes this transport has started. */
  int starts() {
    return starts;
  }

  /**
   * Asks the bootstrap to disconnect and exit, waits up to the shutdown timeout, then kills the process. If a command
   * is running, the process is killed at once and that command fails with a {@link TransientTenantException}.
   */
  @Override
  public void close() {
    closed = true;
    boolean locked = false;
    try {
      locked = lock.tryLock(100, TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    try {
      PowerShellProcess p = process;
      if (p != null && locked && p.isAlive()) {
        WipeableBuffer exit = new WipeableBuffer();
        try {
          PowerShellFrames.writeExit(exit);
          p.send(exit);
          p.closeStdin();
          if (!p.waitFor(shutdownTimeout)) {
            LOG.debug("PowerShell process {} did not exit within {}; killing it", p.handle().pid(), shutdownTimeout);
          }
        } catch (IOException e) {
          // already gone
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }
      discard();
      if (locked) {
        script.delete();
      }
    } finally {
      if (locked) {
        lock.unlock();
      }
    }
  }

  /** Configures a {@link PowerShellProcessTransport}. */
  public static final class Builder {
    private Path executable = Path.of("pwsh");
    private final List<String> extraArguments = new ArrayList<>();
    private PowerShellConnectStep connectStep = PowerShellConnectStep.none();
    private Duration commandTimeout = Duration.ofMinutes(15);
    private Duration startupTimeout = Duration.ofMinutes(1);
    private Duration connectTimeout = Duration.ofMinutes(5);
    private Duration shutdownTimeout = Duration.ofSeconds(5);
    private int maxNoiseLines = 1000;
    private int maxLineChars = 64 * 1024 * 1024;

    private Builder() {}

    /** The PowerShell 7 executable; default {@code pwsh}, looked up on the PATH. */
    public Builder executable(Path executable) {
      this.executable = Objects.requireNonNull(executable, "executable");
      return this;
    }

    /**
     * Arguments placed right after the executable, before {@code -NoLogo -NoProfile -NonInteractive -ExecutionPolicy
     * Bypass -File <script>}. Never put secrets here: they would be visible to every user of the machine.
     */
    public Builder extraArguments(List<String> arguments) {
      this.extraArguments.clear();
      this.extraArguments.addAll(arguments);
      return this;
    }

    /** How the process connects to Exchange; default {@link PowerShellConnectStep#none()}. */
    public Builder connectStep(PowerShellConnectStep connectStep) {
      this.connectStep = Objects.requireNonNull(connectStep, "connectStep");
      return this;
    }

    /** How long one cmdlet may run before the process is killed; default 15 minutes. */
    public Builder commandTimeout(Duration timeout) {
      this.commandTimeout = positive(timeout, "commandTimeout");
      return this;
    }

    /** How long the process may take to announce itself; default 1 minute. */
    public Builder startupTimeout(Duration timeout) {
      this.startupTimeout = positive(timeout, "startupTimeout");
      return this;
    }

    /** How long the connect step may take; default 5 minutes. */
    public Builder connectTimeout(Duration timeout) {
      this.connectTimeout = positive(timeout, "connectTimeout");
      return this;
    }

    /** How long {@link PowerShellProcessTransport#close()} waits for a clean exit; default 5 seconds. */
    public Builder shutdownTimeout(Duration timeout) {
      this.shutdownTimeout = positive(timeout, "shutdownTimeout");
      return this;
    }

    /** How many non-frame stdout lines are skipped while waiting for one frame; default 1000. */
    public Builder maxNoiseLines(int lines) {
      if (lines < 0) {
        throw new IllegalArgumentException("maxNoiseLines must not be negative");
      }
      this.maxNoiseLines = lines;
      return this;
    }

    /** The longest stdout line accepted (longer ones are cut, so they are noise); default 64 Mi characters. */
    public Builder maxLineChars(int chars) {
      if (chars < 64) {
        throw new IllegalArgumentException("maxLineChars must be at least 64");
      }
      this.maxLineChars = chars;
      return this;
    }

    private static Duration positive(Duration d, String what) {
      if (d == null || d.isZero() || d.isNegative()) {
        throw new IllegalArgumentException(what + " must be positive");
      }
      return d;
    }

    /** The transport; no process is started until the first command. */
    public PowerShellProcessTransport build() {
      return new PowerShellProcessTransport(this);
    }
  }

  /** The executable and the connect step; never a secret. */
  @Override
  public String toString() {
    return "PowerShellProcessTransport[" + executable + ", connect: " + connectStep + "]";
  }
}
