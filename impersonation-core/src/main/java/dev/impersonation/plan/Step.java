package dev.impersonation.plan;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.impersonation.spi.Operation;
import java.util.List;
import java.util.Optional;

/**
 * One step of a {@link Plan}.
 *
 * @param number 1-based position in the plan
 * @param action what it does
 * @param resource the object it concerns, e.g. "management scope 'RIusersScope'"
 * @param reason why the planner chose this action
 * @param backend the backend that will run it ("-" when none is needed)
 * @param operation the exact operation (absent for no-ops and blocked steps)
 * @param dependsOn numbers of the steps that must succeed first
 */
@JsonInclude(JsonInclude.Include.NON_ABSENT)
public record Step(int number, StepAction action, String resource, String reason, String backend,
    Optional<Operation> operation, List<Integer> dependsOn) {
  public Step {
    dependsOn = List.copyOf(dependsOn);
  }
}
