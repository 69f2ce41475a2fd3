package dev.impersonation.plan;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * One progress report during apply or verify.
 *
 * @param at when, on the connection's clock
 * @param kind what happened
 * @param step the step concerned, if any
 * @param message a readable description
 * @param delay the wait that starts, for {@link Kind#WAITING} and {@link Kind#RETRYING}
 */
public record ProgressEvent(Instant at, Kind kind, Optional<Step> step, String message, Optional<Duration> delay) {
  /** Kinds of progress. */
  public enum Kind { STEP_STARTED, STEP_SUCCEEDED, STEP_SKIPPED, STEP_FAILED, RETRYING, WAITING, INFO }

  @Override
  public String toString() {
    return at + " " + kind + step.map(s -> " [" + s.number() + "]").orElse("") + " " + message
        + delay.map(w -> " (" + dev.impersonation.internal.Table.duration(w) + ")").orElse("");
  }
}
