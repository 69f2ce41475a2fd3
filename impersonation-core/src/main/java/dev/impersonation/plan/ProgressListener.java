package dev.impersonation.plan;

import java.io.PrintStream;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
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

  /**
   * A progress bar over {@code plan}'s steps for a console (JShell, a terminal): one line per finished step, e.g.
   * {@code [######------------] 3/9 #3 CREATE role assignment 'X': succeeded}, and one line per retry or wait in between.
   * Line by line rather than redrawn in place, so it reads the same in a terminal, a log file and a CI console.
   */
  static ProgressListener console(PrintStream out, Plan plan) {
    int total = Math.max(1, plan.steps().size());
    int[] finished = {0};
    return e -> {
      switch (e.kind()) {
        case STEP_SUCCEEDED, STEP_SKIPPED, STEP_FAILED -> {
          int done = Math.min(total, ++finished[0]);
          int filled = done * 20 / total;
          String outcome = switch (e.kind()) {
            case STEP_SUCCEEDED -> "succeeded";
            case STEP_SKIPPED -> "skipped";
            default -> "FAILED: " + e.message();
          };
          out.println("[" + "#".repeat(filled) + "-".repeat(20 - filled) + "] " + done + "/" + total
              + e.step().map(st -> " #" + st.number() + " " + st.action() + " " + st.resource()).orElse("") + ": " + outcome);
        }
        case RETRYING, WAITING -> out.println("      " + e.kind().name().toLowerCase() + ": " + e.message()
            + e.delay().map(w -> " (" + dev.impersonation.internal.Table.duration(w) + ")").orElse(""));
        default -> { }
      }
    };
  }

  /**
   * One progress report during apply or verify.
   *
   * @param at when, on the connection's clock
   * @param kind what happened
   * @param step the step concerned, if any
   * @param message a readable description
   * @param delay the wait that starts, for {@link Kind#WAITING} and {@link Kind#RETRYING}
   * @param elapsed for {@link Kind#WAITING}: how long this wait has lasted so far
   * @param deadline for {@link Kind#WAITING}: when the wait ends at the latest (it is bounded), on the connection's clock
   */
  public record ProgressEvent(Instant at, Kind kind, Optional<Step> step, String message, Optional<Duration> delay,
      Optional<Duration> elapsed, Optional<Instant> deadline) {
    /** Kinds of progress. */
    public enum Kind { STEP_STARTED, STEP_SUCCEEDED, STEP_SKIPPED, STEP_FAILED, RETRYING, WAITING, INFO }

    /** An event without elapsed time or deadline. */
    public ProgressEvent(Instant at, Kind kind, Optional<Step> step, String message, Optional<Duration> delay) {
      this(at, kind, step, message, delay, Optional.empty(), Optional.empty());
    }

    /** A {@link Kind#WAITING} event: the next pause, how long the wait has lasted and when it ends at the latest. */
    public static ProgressEvent waiting(Instant at, Optional<Step> step, String message, Duration pause, Duration elapsed,
        Instant deadline) {
      return new ProgressEvent(at, Kind.WAITING, step, message, Optional.of(pause), Optional.of(elapsed), Optional.of(deadline));
    }

    @Override
    public String toString() {
      return at + " " + kind + step.map(s -> " [" + s.number() + "]").orElse("") + " " + message
          + delay.map(w -> " (" + dev.impersonation.internal.Table.duration(w) + ")").orElse("")
          + elapsed.map(e -> ", waited " + dev.impersonation.internal.Table.duration(e)).orElse("")
          + deadline.map(d -> " of at most " + dev.impersonation.internal.Table.duration(Duration.between(at.minus(elapsed.orElse(Duration.ZERO)), d))).orElse("");
    }
  }
}
