package dev.impersonation.plan;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;
import dev.impersonation.spi.BackendKind;
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
 * @param backend the name of the backend that will run it ("-" when none is needed), as tables and JSON show it
 * @param backendKind which of the connection's backends runs it, chosen once by the planner from the connection's
 *     capabilities; apply runs the step there and does not route again (empty when no backend runs it: no operation,
 *     or a read on a connection without backends). Not in the JSON, which names the backend in {@code backend}
 * @param operation the exact operation (absent for no-ops and blocked steps)
 * @param dependsOn numbers of the steps that must succeed first
 */
@JsonInclude(JsonInclude.Include.NON_ABSENT)
public record Step(int number, StepAction action, String resource, String reason, String backend,
    @JsonIgnore Optional<BackendKind> backendKind, Optional<Operation> operation, List<Integer> dependsOn) {
  public Step {
    backendKind = backendKind == null ? Optional.empty() : backendKind;
    dependsOn = List.copyOf(dependsOn);
  }
}
