package dev.impersonation.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The benchmark's scenarios run and keep their shape (docs/benchmarks.md); figures are reported, never timed here. */
class ScaleBenchmarkTest {
  @Test
  void fewerRequestsThanTheSeedsLoopAndAConvergedRerunWritesNothing() {
    List<ScaleBenchmark.Row> rows = ScaleBenchmark.run(120);
    assertEquals(4, rows.size(), rows::toString);
    ScaleBenchmark.Row first = rows.get(0);
    ScaleBenchmark.Row rerun = rows.get(1);
    ScaleBenchmark.Row baseline = rows.get(3);
    assertEquals(0, rerun.writes(), rows::toString);
    assertTrue(first.requests() * 4 < baseline.requests(), "chunked reads and members in the create: " + rows);
    assertEquals(123, baseline.requests(), "the seeds' loop: one cmdlet per member plus three");
  }
}
