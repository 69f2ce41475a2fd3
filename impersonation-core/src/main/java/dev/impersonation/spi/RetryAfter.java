package dev.impersonation.spi;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Optional;

/**
 * Reads an HTTP {@code Retry-After} header the way every backend must (RFC 9110 §10.2.3): delta-seconds, tolerating a
 * fraction ("1.5", rounded up to the millisecond), or an HTTP-date measured from the answer's own {@code Date} header when
 * there is one, else from the connection's clock. A wait in the past is zero; a value that is neither is ignored.
 */
public final class RetryAfter {
  private RetryAfter() {}

  /**
   * The wait a {@code Retry-After} header asks for.
   *
   * @param header the header value (may be null)
   * @param dateHeader the answer's {@code Date} header (may be null)
   * @param clock the clock an HTTP-date is measured from when there is no usable {@code Date}
   * @return the wait, or empty if the header is absent or unreadable
   */
  public static Optional<Duration> parse(String header, String dateHeader, Clock clock) {
    if (header == null || header.isBlank()) {
      return Optional.empty();
    }
    String v = header.strip();
    if (v.matches("[+-]?[0-9]{1,9}(\\.[0-9]{1,9})?")) {
      long millis = new BigDecimal(v).movePointRight(3).setScale(0, RoundingMode.CEILING).longValueExact();
      return Optional.of(Duration.ofMillis(Math.max(0, millis)));
    }
    try {
      Instant at = ZonedDateTime.parse(v, DateTimeFormatter.RFC_1123_DATE_TIME).toInstant();
      Instant now = clock.instant();
      if (dateHeader != null && !dateHeader.isBlank()) {
        try {
          now = ZonedDateTime.parse(dateHeader.strip(), DateTimeFormatter.RFC_1123_DATE_TIME).toInstant();
        } catch (RuntimeException ignored) {
          // fall back to the clock
        }
      }
      Duration d = Duration.between(now, at);
      return Optional.of(d.isNegative() ? Duration.ZERO : d);
    } catch (RuntimeException e) {
      return Optional.empty();
    }
  }
}
