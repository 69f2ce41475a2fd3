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

  /** What a plan step does to the tenant. */
  public enum StepAction {
    /** Creates an object that is absent. */
    CREATE,
    /** Changes an existing object (only in ways that add: owners, closed membership, hiding). */
    UPDATE,
    /** Adds members or permissions. */
    ADD_MEMBERS,
    /** Removes members (only with EXACT membership). */
    REMOVE_MEMBERS,
    /**
     * Removes permissions that exist, e.g. tenant-wide admin consent: destructive, planned only when the setup asks
     * for it explicitly ({@code RbacForApplications.removingTenantWideConsent()}).
     */
    REVOKE,
    /** Something the planner added to make later steps work: a wait, a DN lookup, organization customization. */
    PREREQUISITE,
    /** Already as desired. */
    NO_OP,
    /** Cannot proceed: a read failed, a conflicting object exists, or no backend can do it. The reason says why. */
    BLOCKED;

    /** Whether the step writes to the tenant. */
    public boolean writes() {
      return this == CREATE || this == UPDATE || this == ADD_MEMBERS || this == REMOVE_MEMBERS || this == REVOKE;
    }
  }
}
