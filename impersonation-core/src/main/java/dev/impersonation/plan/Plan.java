package dev.impersonation.plan;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.impersonation.TenantTarget;
import dev.impersonation.internal.Json;
import dev.impersonation.internal.PlanScript;
import dev.impersonation.internal.Table;
import dev.impersonation.plan.Step.StepAction;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * The ordered steps that take a tenant from what was read to the desired state. Pure data: print it (a table),
 * serialise it ({@link #toJson()}), or render the PowerShell an admin would run ({@link #toPowerShell()}).
 *
 * @param setupName the setup's name
 * @param target the tenant target
 * @param principal the principal, as displayed
 * @param scope the scope, as displayed
 * @param access the access method, as displayed
 * @param steps the steps, in execution order
 * @param warnings warnings every reader should see (e.g. organization-wide access)
 * @param plannedAt when the tenant was read
 * @param verification what the admin script's closing verification block checks (empty: no block)
 * @param ews EWS as the planner found it, for a setup whose access goes through EWS (empty otherwise)
 */
public record Plan(String setupName, TenantTarget target, String principal, String scope, String access,
    List<Step> steps, List<String> warnings, Instant plannedAt, Optional<ScriptVerification> verification,
    Optional<EwsState> ews) {
  public Plan {
    steps = List.copyOf(steps);
    warnings = List.copyOf(warnings);
    verification = verification == null ? Optional.empty() : verification;
    ews = ews == null ? Optional.empty() : ews;
  }

  /** A plan without an EWS state. */
  public Plan(String setupName, TenantTarget target, String principal, String scope, String access,
      List<Step> steps, List<String> warnings, Instant plannedAt, Optional<ScriptVerification> verification) {
    this(setupName, target, principal, scope, access, steps, warnings, plannedAt, verification, Optional.empty());
  }

  /** A plan whose script has no verification block. */
  public Plan(String setupName, TenantTarget target, String principal, String scope, String access,
      List<Step> steps, List<String> warnings, Instant plannedAt) {
    this(setupName, target, principal, scope, access, steps, warnings, plannedAt, Optional.empty(), Optional.empty());
  }

  /** True when every step is a no-op: the tenant already matches the setup. */
  @JsonIgnore
  public boolean isConverged() {
    return steps.stream().allMatch(s -> s.action() == StepAction.NO_OP);
  }

  /** The steps that cannot proceed. */
  @JsonIgnore
  public List<Step> blockedSteps() {
    return steps.stream().filter(s -> s.action() == StepAction.BLOCKED).toList();
  }

  /** The steps that change the tenant or prepare a change (everything but no-ops and blocked steps). */
  @JsonIgnore
  public List<Step> changes() {
    return steps.stream().filter(s -> s.action() != StepAction.NO_OP && s.action() != StepAction.BLOCKED).toList();
  }

  /** The plan as indented JSON; secrets are never included. */
  public String toJson() {
    return Json.indented(this, "the plan");
  }

  /** The JSON mapper plans use, for callers who embed plans in their own documents. */
  public static ObjectMapper jsonMapper() {
    return Json.MAPPER.copy();
  }

  /**
   * The PowerShell script an admin would run for this plan: connects (and stops if the session belongs to another
   * organization), stops on the first error, is safe to run twice, prompts for secrets instead of containing them, and
   * ends with a verification block that prints GRANTED / DENIED per mailbox and exits with 1 when least privilege
   * fails. Save it as UTF-8 <em>with</em> a byte-order mark:
   * Windows PowerShell 5.1 (the Exchange Management Shell) reads BOM-less files as ANSI, where some UTF-8 bytes turn
   * into curly quotes that end a literal early.
   */
  public String toPowerShell() {
    return PlanScript.render(this);
  }

  /** A readable table, one row per step, with the warnings below. */
  @Override
  public String toString() {
    Table table = new Table("#", "ACTION", "RESOURCE", "BACKEND", "REASON");
    for (Step s : steps) {
      table.row(String.valueOf(s.number()), s.action().name(), s.resource(), s.backend(), s.reason());
    }
    StringBuilder out = new StringBuilder()
        .append("Plan '").append(setupName).append("' for ").append(target).append('\n')
        .append("  principal: ").append(principal).append('\n')
        .append("  scope:     ").append(scope).append('\n')
        .append("  access:    ").append(access).append('\n');
    ews.ifPresent(e -> out.append("  EWS:       ").append(e.summary()).append('\n'));
    out.append(table.render());
    long changes = changes().size();
    out.append(isConverged() ? "Converged: nothing to do.\n"
        : changes + " step(s) to run, " + blockedSteps().size() + " blocked.\n");
    warnings.forEach(w -> out.append("WARNING: ").append(w).append('\n'));
    return out.toString();
  }

  /**
   * EWS for this setup as the plan read it, by the rules in force on {@code rulesOn} (see {@code docs/ews.md}).
   *
   * @param uses how the setup's access uses EWS, e.g. "the role Application EWS.AccessAsApp"
   * @param organizationEwsEnabled the organization's EwsEnabled as read: "True", "False", "$null", or "unknown"
   * @param allowedAppIds the organization's EwsAllowedAppIDs as read (empty when empty or unread)
   * @param appId the app checked against the allow list; empty when not known (a service account's app not named)
   * @param allowed whether the rules let the app use EWS before this plan's steps; empty when the settings could not be read
   * @param reason why, naming the deciding setting, or why it could not be read
   * @param rulesOn the date the rules were taken on (the connection's clock)
   * @param shutdown when EWS in Exchange Online shuts down; empty for Exchange Server, which is not affected
   * @param graphReplacementRoles the RBAC for Applications roles that replace EWS access over Microsoft Graph
   */
  public record EwsState(String uses, String organizationEwsEnabled, List<String> allowedAppIds, Optional<String> appId,
      Optional<Boolean> allowed, String reason, java.time.LocalDate rulesOn, Optional<java.time.LocalDate> shutdown,
      List<String> graphReplacementRoles) {
    public EwsState {
      allowedAppIds = List.copyOf(allowedAppIds);
      graphReplacementRoles = List.copyOf(graphReplacementRoles);
    }

    /** One line for the plan's table header: allowed or not and why, the shutdown and its replacement. */
    public String summary() {
      String verdict = allowed.map(a -> a ? "allowed" : "REFUSED").orElse("UNKNOWN");
      String end = shutdown.map(d -> "; Exchange Online EWS shuts down on " + d + " ("
          + java.time.temporal.ChronoUnit.DAYS.between(rulesOn, d) + " days): move to " + String.join(", ", graphReplacementRoles))
          .orElse("");
      return verdict + " on " + rulesOn + ": " + reason + " [org EwsEnabled " + organizationEwsEnabled + ", "
          + (allowedAppIds.isEmpty() ? "allow list empty" : allowedAppIds.size() + " app(s) allow-listed") + "]" + end;
    }
  }

  /**
   * What the closing verification block of a plan's admin script checks, taken from the setup: which check proves the
   * access method, for which principal and roles, and which mailboxes should be GRANTED or DENIED. Mailboxes the setup
   * does not name are picked while the script runs (a member of {@link #group()}, and a mailbox outside the scope when
   * {@link #pickOutsider()}).
   *
   * @param check the check that proves this access method
   * @param principal the app id (application methods) or the service account's UPN
   * @param roles the roles whose grant is checked (RBAC for Applications, ApplicationImpersonation); empty otherwise
   * @param granted mailboxes that must be GRANTED
   * @param denied mailboxes that must be DENIED
   * @param group the Exchange group of the scope, to pick a member from at run time when none is named
   * @param groupMembersDenied true when the group's members must be DENIED (an access policy with DenyAccess)
   * @param pickOutsider whether the script picks a mailbox outside the scope at run time
   * @param organizationWide whether the scope is the whole organization (no outsider exists)
   */
  public record ScriptVerification(Check check, String principal, List<String> roles, List<String> granted,
      List<String> denied, Optional<String> group, boolean groupMembersDenied, boolean pickOutsider,
      boolean organizationWide) {
    public ScriptVerification {
      roles = List.copyOf(roles);
      granted = List.copyOf(granted);
      denied = List.copyOf(denied);
    }

    /** The cmdlet that proves an access method, read without the service's permission cache. */
    public enum Check {
      /** {@code Test-ServicePrincipalAuthorization -Identity <app> -Resource <mailbox>} (RBAC for Applications). */
      SERVICE_PRINCIPAL_AUTHORIZATION("ServicePrincipalAuthorization"),
      /** {@code Test-ApplicationAccessPolicy -Identity <mailbox> -AppId <app>}. */
      APPLICATION_ACCESS_POLICY("ApplicationAccessPolicy"),
      /** {@code Get-MailboxPermission -Identity <mailbox> -User <account>}: FullAccess, not denied. */
      MAILBOX_PERMISSION("MailboxPermission"),
      /** {@code Get-ManagementRoleAssignment -Role <role> -RoleAssignee <account> -WritableRecipient <mailbox>}. */
      ROLE_ASSIGNMENT("RoleAssignment");

      private final String scriptName;

      Check(String scriptName) {
        this.scriptName = scriptName;
      }

      /** The value the script's verification function takes for {@code -Check}. */
      public String scriptName() {
        return scriptName;
      }
    }
  }
}
