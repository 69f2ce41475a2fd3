package dev.impersonation.internal;

import java.util.Optional;
import java.util.function.Supplier;

/**
 * The result of one read: PRESENT with a value, ABSENT (the service said so), or UNKNOWN (the read failed). A
 * failed read is never taken as absent.
 */
record Observed<T>(State state, T value, String error) {
  enum State { PRESENT, ABSENT, UNKNOWN }

  static <T> Observed<T> read(Supplier<Optional<T>> reader) {
    try {
      return reader.get().map(v -> new Observed<>(State.PRESENT, v, "")).orElseGet(() -> new Observed<>(State.ABSENT, null, ""));
    } catch (RuntimeException e) {
      return unknown(e.getClass().getSimpleName() + ": " + e.getMessage());
    }
  }

  static <T> Observed<T> readValue(Supplier<T> reader) {
    return read(() -> Optional.of(reader.get()));
  }

  static <T> Observed<T> unknown(String why) {
    return new Observed<>(State.UNKNOWN, null, why);
  }

  boolean present() {
    return state == State.PRESENT;
  }

  boolean absent() {
    return state == State.ABSENT;
  }

  boolean unknown() {
    return state == State.UNKNOWN;
  }

  /** This observation with its value mapped; ABSENT and UNKNOWN stay as they are. */
  <U> Observed<U> map(java.util.function.Function<T, U> f) {
    return present() ? new Observed<>(State.PRESENT, f.apply(value), "") : new Observed<>(state, null, error);
  }

  /** The reason to block a step on this read. */
  String blockedReason(String what) {
    return "could not read " + what + " (" + error + "); a failed read is never taken as absent: fix the cause and plan again";
  }
}
