package dev.impersonation.examples.onboarding;

import dev.impersonation.plan.Plan;
import dev.impersonation.plan.Step;
import dev.impersonation.spi.Operation;
import java.util.ArrayList;
import java.util.List;

/** What the admin should know before applying a plan, read off its steps. */
final class PlanNotices {
  /** The planner's reason when the vendor's app has no service principal in the tenant yet. */
  static final String NO_SERVICE_PRINCIPAL = "has no service principal in this tenant";

  private PlanNotices() {}

  /** What the admin should know before applying, read off the plan's steps. */
  static List<String> of(Plan plan, VendorApp vendor) {
    List<String> out = new ArrayList<>();
    for (Step st : plan.steps()) {
      if (st.operation().filter(Operation.EnableOrganizationCustomization.class::isInstance).isPresent()) {
        out.add("Your organization is dehydrated (it has never been customized), so Exchange Online refuses RBAC changes. "
            + "The plan first runs Enable-OrganizationCustomization; Exchange can take a while to accept changes after "
            + "that. If the apply stops on this, nothing else was written: apply again later and it continues.");
        break;
      }
    }
    // EWS as the planner found it: the organization's EwsEnabled and allow list decide, and the shutdown date.
    plan.ews().ifPresent(ews -> out.add("EWS for " + vendor.displayName() + ": " + ews.summary()));
    return out;
  }

  /** Whether the plan is blocked only until an admin consents to the vendor's app (its service principal is missing). */
  static boolean needsConsent(Plan plan) {
    return plan.blockedSteps().stream().anyMatch(s -> s.reason().contains(NO_SERVICE_PRINCIPAL));
  }
}
