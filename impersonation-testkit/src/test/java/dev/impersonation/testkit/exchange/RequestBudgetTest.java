package dev.impersonation.testkit.exchange;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.impersonation.testkit.FakeClock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class RequestBudgetTest {
  private final FakeClock clock = new FakeClock(Instant.parse("2026-12-04T00:00:00Z"));

  @Test
  void aRequestOverTheConcurrencyBudgetGetsTheLiveConcurrentRequestsAnswer() {
    RequestBudget budget = new RequestBudget(Duration.ZERO, clock, 2, Integer.MAX_VALUE, Duration.ofSeconds(1), clock);
    assertTrue(budget.admit().isEmpty());
    assertTrue(budget.admit().isEmpty());
    AdminApiReply refused = budget.admit().orElseThrow();
    assertEquals(400, refused.status);
    assertTrue(refused.error.orElseThrow().contains("maximum number of concurrent requests per tenant"), refused.error.toString());
    budget.done();
    assertTrue(budget.admit().isEmpty(), "one finished, one more fits");
    assertEquals(1, budget.refusals()[0]);
  }

  @Test
  void aRequestOverTheRateBudgetGets429WithTheSecondsLeftInTheWindow() {
    RequestBudget budget = new RequestBudget(Duration.ZERO, clock, Integer.MAX_VALUE, 3, Duration.ofSeconds(10), clock);
    for (int i = 0; i < 3; i++) {
      assertTrue(budget.admit().isEmpty());
      budget.done();
    }
    clock.advance(Duration.ofMillis(8500));
    AdminApiReply refused = budget.admit().orElseThrow();
    assertEquals(429, refused.status);
    assertEquals("1.500", refused.headers.get("Retry-After"));
    clock.advance(Duration.ofMillis(1500));
    assertTrue(budget.admit().isEmpty(), "a new window");
    assertEquals(1, budget.refusals()[1]);
  }

  @Test
  void theLatencyIsWaitedWhileTheRequestCountsInFlight() {
    List<Duration> waited = new ArrayList<>();
    RequestBudget[] holder = new RequestBudget[1];
    List<Boolean> refusedDuringWait = new ArrayList<>();
    holder[0] = new RequestBudget(Duration.ofMillis(150), d -> {
      waited.add(d);
      // While this request waits out its round trip, it holds the only slot.
      refusedDuringWait.add(holder[0].admit().isPresent());
    }, 1, Integer.MAX_VALUE, Duration.ofSeconds(1), clock);
    assertTrue(holder[0].admit().isEmpty());
    assertEquals(List.of(Duration.ofMillis(150)), waited);
    assertEquals(List.of(true), refusedDuringWait);
  }
}
