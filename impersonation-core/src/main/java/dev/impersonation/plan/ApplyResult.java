package dev.impersonation.plan;

import com.fasterxml.jackson.annotation.JsonIgnore;
import dev.impersonation.internal.Table;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * What {@code apply} did: one result per plan step, and the {@link SetupRecord} of what it made.
 *
 * @param plan the plan that was applied
 * @param results the result of each step, in plan order
 * @param record what this apply made and the baseline read after it: keep it for {@code drift} and {@code teardown}
 */
public record ApplyResult(Plan plan, List<StepResult> results, SetupRecord record) {
  public ApplyResult {
    results = List.copyOf(results);
    record = record == null ? dev.impersonation.internal.SetupRecords.of(plan, results) : record;
  }

  /** A result whose record has no baseline. @param plan the plan @param results the results */
  public ApplyResult(Plan plan, List<StepResult> results) {
    this(plan, results, null);
  }

  /** True when no step failed. */
  @JsonIgnore
  public boolean succeeded() {
    return results.stream().noneMatch(r -> r.outcome() == StepOutcome.FAILED);
  }

  /** The first failed step, if any. */
  @JsonIgnore
  public Optional<StepResult> failure() {
    return results.stream().filter(r -> r.outcome() == StepOutcome.FAILED).findFirst();
  }

  /** Total time waited on the clock. */
  @JsonIgnore
  public Duration totalWaited() {
    return results.stream().map(StepResult::waited).reduce(Duration.ZERO, Duration::plus);
  }

  @Override
  public String toString() {
    Table table = new Table("#", "OUTCOME", "RESOURCE", "ATTEMPTS", "WAITED", "DETAILS");
    for (StepResult r : results) {
      table.row(String.valueOf(r.step().number()), r.outcome().name(), r.step().resource(), String.valueOf(r.attempts()),
          Table.duration(r.waited()), r.message());
    }
    return "Apply " + (succeeded() ? "succeeded" : "FAILED") + " for '" + plan.setupName() + "'\n" + table.render();
  }

  /**
   * The result of one step.
   *
   * @param step the step
   * @param outcome what happened
   * @param attempts how many calls were made (retries included)
   * @param waited time spent waiting (Retry-After, back-off, readiness) on the connection's clock
   * @param message details, e.g. the final error
   */
  public record StepResult(Step step, StepOutcome outcome, int attempts, Duration waited, String message) {}

  /** What happened to a step during apply. */
  public enum StepOutcome {
    /** The step ran and changed the tenant (or completed its wait / lookup). */
    APPLIED,
    /** The tenant answered "already exists / already a member": the desired state was already there. */
    ALREADY_DONE,
    /** A no-op: nothing to do. */
    SKIPPED,
    /** The step failed after its retries. */
    FAILED,
    /** Not run because an earlier step failed. */
    NOT_RUN
  }
}
