package dev.impersonation.plan;

import java.time.Duration;

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
