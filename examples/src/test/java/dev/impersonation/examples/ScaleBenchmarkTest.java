package dev.impersonation.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The benchmark's scenarios run and keep their shape (docs/benchmarks.md) with no added latency; figures are reported by
 * the benchmark itself, never timed here.
 */
class ScaleBenchmarkTest {
  @Test
  void everyKindConvergesWithFewerRequestsThanTheSeedsLoopAndARerunWritesNothing() {
    for (ScaleBenchmark.Kind kind : ScaleBenchmark.Kind.values()) {
      List<ScaleBenchmark.Row> rows = ScaleBenchmark.library(kind, 150, Duration.ZERO);
      ScaleBenchmark.Row baseline = ScaleBenchmark.baseline(kind, 150);
      assertEquals(3, rows.size(), rows::toString);
      ScaleBenchmark.Row first = rows.get(0);
      ScaleBenchmark.Row rerun = rows.get(1);
      ScaleBenchmark.Row grown = rows.get(2);
      assertEquals(0, rerun.writes(), kind + ": " + rows);
      // Issue 13's bound: at most 1.1 requests per member plus a fixed number of reads; where the service takes many
      // members per write (a create, Graph), far fewer than the seeds' one per member.
      assertTrue(first.requests() <= 150 * 1.1 + 30, kind + ": " + first);
      if (kind != ScaleBenchmark.Kind.MAIL_ENABLED_SECURITY_GROUP) {
        assertTrue(first.requests() * 2 < baseline.requests(), kind + ": " + first + " vs " + baseline);
      }
      assertTrue(baseline.requests() >= 150, "the seeds' loop sends one request per member: " + baseline);
      assertTrue(grown.writes() >= 1 && grown.writes() <= 3, kind + ": one new member costs one write: " + grown);
    }
  }

  @Test
  void planOnlyInAChildJvmReportsItsFigures() {
    ScaleBenchmark.PlanOnly r = ScaleBenchmark.planOnlyHere(2_000);
    assertTrue(r.succeeded(), r.toString());
    assertTrue(r.peakHeapMb() > 0, r.toString());
  }
}
