package dev.impersonation.exchange;

import dev.impersonation.TenantException;
import dev.impersonation.TransientTenantException;
import dev.impersonation.exchange.internal.PowerShellProcess;
import dev.impersonation.exchange.internal.SecretRedactor;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * How the transport waits for the PowerShell process's next line: bounded by a deadline, with lines that are not
 * protocol frames skipped (redacted in the log) up to a limit; every failed wait stops the process.
 */
final class FrameWaits {
  private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(PowerShellProcessTransport.class);
  private final SecretRedactor redactor;
  private final int maxNoiseLines;
  private final Runnable discard;

  FrameWaits(SecretRedactor redactor, int maxNoiseLines, Runnable discard) {
    this.redactor = redactor;
    this.maxNoiseLines = maxNoiseLines;
    this.discard = discard;
  }

  static int waitExit(PowerShellProcess p) {
    try {
      p.waitFor(Duration.ofSeconds(2));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    return p.exitCode();
  }

  PowerShellProcess.Line await(PowerShellProcess p, long deadline, String what, Duration timeout) {
    PowerShellProcess.Line line;
    try {
      line = p.next(deadline);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      discard.run();
      throw new TransientTenantException("Interrupted while waiting for " + what + "; the PowerShell process was stopped.", e);
    }
    if (line == null) {
      discard.run();
      throw new TransientTenantException(capitalize(what) + " timed out after " + human(timeout) + "; the PowerShell "
          + "process was stopped and will be restarted on the next command. Exchange's REST cmdlets stop after 15 "
          + "minutes, so split bulk work into smaller commands.");
    }
    return line;
  }

  int noise(PowerShellProcess p, PowerShellProcess.Line line, int count, String what) {
    String text = redactor.redact(line.text());
    LOG.debug("PowerShell {} wrote a line that is not a frame (skipped): {}", p.handle().pid(), text);
    if (count + 1 > maxNoiseLines) {
      discard.run();
      String shown = text.length() > 200 ? text.substring(0, 200) + "..." : text;
      throw new TenantException("PowerShell wrote more than " + maxNoiseLines + " lines that are not protocol frames while "
          + "waiting for " + what + " (last: '" + shown + "'); the process was stopped and will be restarted on the "
          + "next command. Check that the executable runs the bundled bootstrap script.");
    }
    return count + 1;
  }

  private static String capitalize(String s) {
    return s.startsWith("the ") ? "The " + s.substring(4) : s;
  }

  private static String human(Duration d) {
    if (d.toMillis() % 60_000 == 0) {
      return d.toMinutes() + " min";
    }
    if (d.toMillis() % 1000 == 0) {
      return d.toSeconds() + " s";
    }
    return d.toMillis() + " ms";
  }
}
