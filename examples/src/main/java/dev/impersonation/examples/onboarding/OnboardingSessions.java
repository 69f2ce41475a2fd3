package dev.impersonation.examples.onboarding;

import com.sun.net.httpserver.HttpExchange;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The browsers' sessions, each under a random {@code HttpOnly}, {@code SameSite=Lax} cookie ({@code Secure} behind https).
 * A session idle for two hours is forgotten with the admin's tokens, unless an apply is still running for it; the
 * sweep that frees idle sessions runs when a sign-in starts a new one, not on every request.
 */
final class OnboardingSessions {
  private static final String COOKIE = "onboarding";
  private static final Duration IDLE = Duration.ofHours(2);

  private final Map<String, OnboardingSession> sessions = new ConcurrentHashMap<>();
  private final boolean secure;

  OnboardingSessions(boolean secure) {
    this.secure = secure;
  }

  /**
   * The session of this request's cookie; else, with {@code create}, a new one whose cookie the response sets, or without
   * it a blank session that is not kept (so pages anyone may fetch keep no state on the server).
   */
  OnboardingSession of(HttpExchange ex, boolean create) {
    Instant now = Instant.now();
    String cookies = Objects.requireNonNullElse(ex.getRequestHeaders().getFirst("Cookie"), "");
    for (String c : cookies.split(";")) {
      String[] kv = c.strip().split("=", 2);
      OnboardingSession known = kv.length == 2 && kv[0].equals(COOKIE) ? sessions.get(kv[1]) : null;
      if (known != null && idle(known, now)) {
        sessions.remove(kv[1], known);
        known = null;
      }
      if (known != null) {
        known.lastSeen = now;
        return known;
      }
    }
    if (!create) {
      return new OnboardingSession();
    }
    // Forget idle sessions when a new one starts (a sign-in), not on every page and progress poll.
    sessions.values().removeIf(old -> idle(old, now));
    String key = Unguessable.value();
    OnboardingSession s = new OnboardingSession();
    sessions.put(key, s);
    ex.getResponseHeaders().add("Set-Cookie", COOKIE + "=" + key + "; Path=/; HttpOnly; SameSite=Lax" + (secure ? "; Secure" : ""));
    return s;
  }

  /** Idle for longer than the limit, with no apply still running for it. */
  private static boolean idle(OnboardingSession s, Instant now) {
    return s.lastSeen.isBefore(now.minus(IDLE)) && (s.job == null || s.job.done());
  }
}
