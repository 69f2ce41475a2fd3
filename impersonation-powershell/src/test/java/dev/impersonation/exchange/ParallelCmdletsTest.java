package dev.impersonation.exchange;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.impersonation.ObjectAlreadyExistsException;
import dev.impersonation.TenantException;
import dev.impersonation.ThrottledException;
import dev.impersonation.exchange.internal.AdaptiveConcurrency;
import dev.impersonation.powershell.Cmdlet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class ParallelCmdletsTest {
  private static List<Cmdlet> adds(int n) {
    List<Cmdlet> out = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      out.add(Cmdlet.of("Add-DistributionGroupMember").text("Identity", "Sync Users").text("Member", "user" + i + "@contoso.com"));
    }
    return out;
  }

  private static String member(Cmdlet c) {
    return ((dev.impersonation.powershell.ParameterValue.Text) c.get("Member").orElseThrow()).value();
  }

  @Test
  void sendsUpToTheLimitAtOnceAndEachCmdletOnce() {
    CyclicBarrier allThree = new CyclicBarrier(3);
    AtomicInteger inFlight = new AtomicInteger();
    AtomicInteger peak = new AtomicInteger();
    Set<String> sent = ConcurrentHashMap.newKeySet();
    new ParallelCmdlets(new AdaptiveConcurrency(3)).sendAll(adds(9), c -> {
      peak.accumulateAndGet(inFlight.incrementAndGet(), Math::max);
      try {
        // Three cmdlets meet here at once, or the test fails by timeout: proof that three were in flight together.
        allThree.await(10, TimeUnit.SECONDS);
      } catch (Exception e) {
        throw new IllegalStateException(e);
      }
      assertTrue(sent.add(member(c)), "sent twice: " + member(c));
      inFlight.decrementAndGet();
    }, e -> false);
    assertEquals(9, sent.size());
    assertEquals(3, peak.get());
  }

  @Test
  void theFirstThrottleStopsNewCmdletsHalvesTheLimitAndReachesTheExecutorWithItsRetryAfter() {
    AdaptiveConcurrency concurrency = new AdaptiveConcurrency(4);
    ThrottledException throttled = new ThrottledException("Add-DistributionGroupMember was throttled", Duration.ofMillis(1500));
    ThrottledException e = assertThrows(ThrottledException.class, () -> new ParallelCmdlets(concurrency).sendAll(adds(200), c -> {
      if (member(c).equals("user7@contoso.com")) {
        throw throttled;
      }
    }, x -> false));
    assertSame(throttled, e);
    assertEquals(Duration.ofMillis(1500), e.retryAfter().orElseThrow());
    assertEquals(2, concurrency.limit());

    // One at a time, the order is fixed: the eighth cmdlet is throttled and nothing after it is sent.
    AtomicInteger sent = new AtomicInteger();
    assertThrows(ThrottledException.class, () -> new ParallelCmdlets(new AdaptiveConcurrency(1)).sendAll(adds(200), c -> {
      sent.incrementAndGet();
      if (member(c).equals("user7@contoso.com")) {
        throw throttled;
      }
    }, x -> false));
    assertEquals(8, sent.get());
  }

  @Test
  void membersInPlaceCountAsDoneAndOnlyAnAllInPlaceListSaysSo() {
    ParallelCmdlets parallel = new ParallelCmdlets(new AdaptiveConcurrency(2));
    // Some already members: done, no failure.
    parallel.sendAll(adds(6), c -> {
      if (member(c).endsWith("1@contoso.com")) {
        throw new ObjectAlreadyExistsException(member(c), "MemberAlreadyExistsException: already a member");
      }
    }, e -> false);
    // Every one already a member: the executor hears "already in place".
    assertThrows(ObjectAlreadyExistsException.class, () -> parallel.sendAll(adds(4), c -> {
      throw new ObjectAlreadyExistsException(member(c), "MemberAlreadyExistsException: already a member");
    }, e -> false));
  }

  @Test
  void aRemovalOfSomeoneNoLongerAMemberIsDoneAndOtherFailuresAreNot() {
    ParallelCmdlets parallel = new ParallelCmdlets(new AdaptiveConcurrency(1));
    dev.impersonation.spi.Operation removal = new dev.impersonation.spi.Operation.RemoveGroupMembers("Sync Users",
        dev.impersonation.GroupKind.DISTRIBUTION, List.of("ann@contoso.com"));
    parallel.sendAll(removal, adds(1), c -> {
      throw new TenantException("MemberNotFoundException: The recipient \"ann@contoso.com\" isn't a member of the group \"Sync Users\".");
    });
    TenantException other = assertThrows(TenantException.class, () -> parallel.sendAll(removal, adds(1), c -> {
      throw new TenantException("ManagementObjectNotFoundException: Couldn't find object \"Sync Users\".");
    }));
    assertTrue(other.getMessage().contains("Couldn't find object"), other.getMessage());
  }

  @Test
  void theLimitGrowsBackOneStepAfterARunOfUnthrottledAnswers() {
    AdaptiveConcurrency c = new AdaptiveConcurrency(4);
    cycle(c, true);
    cycle(c, true);
    assertEquals(1, c.limit());
    cycle(c, true);
    assertEquals(1, c.limit(), "never below 1");
    for (int i = 0; i < 20; i++) {
      cycle(c, false);
    }
    assertEquals(2, c.limit());
    for (int i = 0; i < 39; i++) {
      cycle(c, false);
    }
    assertEquals(2, c.limit());
    cycle(c, false);
    assertEquals(3, c.limit());
    assertEquals(3, c.throttles());
    assertThrows(IllegalArgumentException.class, () -> new AdaptiveConcurrency(0));
  }

  private static void cycle(AdaptiveConcurrency c, boolean throttled) {
    try {
      c.acquire();
    } catch (InterruptedException e) {
      throw new IllegalStateException(e);
    }
    c.release(throttled);
  }
}
