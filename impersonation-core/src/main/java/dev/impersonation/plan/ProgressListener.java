package dev.impersonation.plan;

import java.io.PrintStream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Receives progress during apply and verify. Implementations must be quick; they run on the applying thread. */
@FunctionalInterface
public interface ProgressListener {
  /** Called for every event. */
  void onEvent(ProgressEvent event);

  /** Ignores every event. */
  static ProgressListener none() {
    return e -> { };
  }

  /** Logs every event through SLF4J (logger {@code dev.impersonation.progress}). */
  static ProgressListener logging() {
    Logger log = LoggerFactory.getLogger("dev.impersonation.progress");
    return e -> {
      switch (e.kind()) {
        case STEP_FAILED -> log.warn("{}", e);
        case RETRYING, WAITING -> log.info("{}", e);
        default -> log.debug("{}", e);
      }
    };
  }

  /** Prints one line per event to {@code out} (for examples and JShell; the library itself never prints). */
  static ProgressListener console(PrintStream out) {
    return e -> out.println("  " + e.kind() + e.step().map(s -> " #" + s.number()).orElse("") + ": " + e.message()
        + e.delay().map(w -> " (" + dev.impersonation.internal.Table.duration(w) + ")").orElse("")
        + e.elapsed().map(w -> ", waited " + dev.impersonation.internal.Table.duration(w)).orElse("")
        + e.deadline().map(d -> ", until " + d).orElse(""));
  }
}
