package dev.impersonation.exchange.internal;

import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One running PowerShell (or stand-in) process: its stdin for frames, a reader thread that turns stdout into lines
 * (waited for with deadlines, never blocking forever), and a thread that drains stderr to SLF4J DEBUG through the
 * {@link SecretRedactor}. Not thread-safe; the transport serializes access.
 */
public final class PowerShellProcess {
  private static final Logger LOG = LoggerFactory.getLogger(PowerShellProcess.class);
  private static final int STDERR_TAIL = 20;

  /** A line of stdout, or the end of it. */
  public record Line(String text, boolean eof) {
    static final Line EOF = new Line(null, true);
  }

  private final Process process;
  private final OutputStream stdin;
  private final BlockingQueue<Line> lines = new LinkedBlockingQueue<>();
  private final Deque<String> stderrTail = new ArrayDeque<>();

  private PowerShellProcess(Process process, SecretRedactor redactor, int maxLineChars) {
    this.process = process;
    this.stdin = process.getOutputStream();
    long pid = process.pid();
    daemon("pwsh-stdout-" + pid, () -> pump(process.getInputStream(), maxLineChars, lines::add));
    daemon("pwsh-stderr-" + pid, () -> pump(process.getErrorStream(), maxLineChars, l -> {
      String text = redactor.redact(l.text());
      if (text != null) {
        LOG.debug("PowerShell {} stderr: {}", pid, text);
        synchronized (stderrTail) {
          stderrTail.addLast(text);
          if (stderrTail.size() > STDERR_TAIL) {
            stderrTail.removeFirst();
          }
        }
      }
    }));
  }

  /** Starts {@code command}; the environment is inherited unchanged and no secret is ever part of the command. */
  public static PowerShellProcess start(List<String> command, SecretRedactor redactor, int maxLineChars)
      throws IOException {
    ProcessBuilder pb = new ProcessBuilder(command);
    pb.redirectErrorStream(false);
    Process p = pb.start();
    LOG.debug("Started PowerShell process {}: {}", p.pid(), command);
    return new PowerShellProcess(p, redactor, maxLineChars);
  }

  private static void daemon(String name, Runnable body) {
    Thread t = new Thread(body, name);
    t.setDaemon(true);
    t.start();
  }

  /** Reads UTF-8 lines; a line longer than {@code max} chars is cut (the rest of it is dropped). */
  private static void pump(InputStream in, int max, Consumer<Line> sink) {
    try (Reader r = new InputStreamReader(in, StandardCharsets.UTF_8)) {
      StringBuilder line = new StringBuilder();
      boolean dropping = false;
      char[] buf = new char[8192];
      int n;
      while ((n = r.read(buf)) >= 0) {
        for (int i = 0; i < n; i++) {
          char c = buf[i];
          if (c == '\n') {
            int len = line.length();
            if (len > 0 && line.charAt(len - 1) == '\r') {
              line.setLength(len - 1);
            }
            sink.accept(new Line(line.toString(), false));
            line.setLength(0);
            dropping = false;
          } else if (!dropping) {
            if (line.length() >= max) {
              dropping = true;
            } else {
              line.append(c);
            }
          }
        }
      }
      if (line.length() > 0) {
        sink.accept(new Line(line.toString(), false));
      }
    } catch (IOException e) {
      // the process went away; report the end
    } finally {
      sink.accept(Line.EOF);
    }
  }

  /** Writes one frame line and flushes. */
  public void send(WipeableBuffer frame) throws IOException {
    frame.writeLineTo(stdin);
  }

  /** The next stdout line, {@link Line#eof()} at the end, or {@code null} if none came before {@code deadlineNanos}. */
  public Line next(long deadlineNanos) throws InterruptedException {
    Line l = lines.peek();
    if (l != null && l.eof()) {
      return l;
    }
    long left = deadlineNanos - System.nanoTime();
    l = left <= 0 ? lines.poll() : lines.poll(left, TimeUnit.NANOSECONDS);
    if (l != null && l.eof()) {
      lines.add(Line.EOF); // stay at the end
    }
    return l;
  }

  public boolean isAlive() {
    return process.isAlive();
  }

  public ProcessHandle handle() {
    return process.toHandle();
  }

  /** The exit code, or {@code -1} while running. */
  public int exitCode() {
    return process.isAlive() ? -1 : process.exitValue();
  }

  /** The last lines of stderr (already redacted), for diagnosing a failed start. */
  public String stderrTail() {
    synchronized (stderrTail) {
      return String.join(" | ", stderrTail);
    }
  }

  /** Waits up to {@code timeout} for the process to exit. */
  public boolean waitFor(Duration timeout) throws InterruptedException {
    return process.waitFor(timeout.toNanos(), TimeUnit.NANOSECONDS);
  }

  /** Closes stdin (the bootstrap then sees end of input and exits). */
  public void closeStdin() {
    try {
      stdin.close();
    } catch (IOException e) {
      // already gone
    }
  }

  /** Kills the process and its children at once and waits briefly for the end. */
  public void kill() {
    process.descendants().forEach(ProcessHandle::destroyForcibly);
    process.destroyForcibly();
    closeStdin();
    try {
      process.waitFor(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    LOG.debug("Killed PowerShell process {}", process.pid());
  }
}
