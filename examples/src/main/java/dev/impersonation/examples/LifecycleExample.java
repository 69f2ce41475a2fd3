package dev.impersonation.examples;

import dev.impersonation.Access;
import dev.impersonation.ImpersonationSetup;
import dev.impersonation.Principal;
import dev.impersonation.Scope;
import dev.impersonation.TenantConnection;
import dev.impersonation.TenantTarget;
import dev.impersonation.plan.ApplyResult;
import dev.impersonation.plan.Plan;
import dev.impersonation.plan.ProgressListener;
import dev.impersonation.plan.SetupRecord;
import dev.impersonation.spi.OwnedObject;
import dev.impersonation.spi.ScopeType;
import dev.impersonation.testkit.FakeTenant;
import dev.impersonation.verify.DriftReport;
import dev.impersonation.verify.VerificationReport;
import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * A setup's life after its first apply (docs/lifecycle.md): apply returns a record (printed as JSON); drift is clean;
 * someone removes the role assignment in the admin center, drift reports it (each finding also an event an alert could
 * raise); applying again repairs it; teardown then removes exactly what the setup made and leaves the tenant's
 * pre-existing objects as they were: the group the setup reused and its member Eve, an unrelated group, and another
 * application's RBAC assignment and scope. Run it with {@code Examples lifecycle}, or {@link #main} directly.
 */
public final class LifecycleExample {
  static final String APP_ID = "4d5e6f70-8192-4a3b-8c4d-5e6f708192a3";
  static final String SP_ID = "5e6f7081-92a3-4b4c-9d5e-6f708192a3b4";
  static final String OTHER_APP_ID = "6f708192-a3b4-4c5d-8e6f-708192a3b4c5";
  static final String OTHER_SP_ID = "708192a3-b4c5-4d6e-9f70-8192a3b4c5d6";
  public static final String GROUP = "Sync Users";
  public static final String EVE = "eve@contoso.com";

  /**
   * What one run produced.
   *
   * @param applied the first apply, with its record
   * @param cleanDrift drift right after the apply
   * @param drift drift after the role assignment was removed outside the setup
   * @param alerts the findings as they were reported, one event each
   * @param reapplied the second apply, which repairs what the setup owns
   * @param repairedDrift drift after the second apply, against the merged records
   * @param verified verification after the repair, propagation waited out on the fake clock
   * @param teardown the teardown plan
   * @param tornDown what applying the teardown did
   * @param snapshotBefore the tenant before the setup, as {@link FakeTenant#snapshot()}
   * @param snapshotAfter the tenant after the teardown
   * @param tenant the tenant it ran against
   */
  public record Run(ApplyResult applied, DriftReport cleanDrift, DriftReport drift, List<DriftReport.Drift> alerts,
      ApplyResult reapplied, DriftReport repairedDrift, VerificationReport verified, Plan teardown, ApplyResult tornDown,
      String snapshotBefore, String snapshotAfter, FakeTenant tenant) {
    /** True when drift was found and repaired and the teardown left the tenant as it was before the setup. */
    public boolean succeeded() {
      return applied.succeeded() && cleanDrift.isClean() && !drift.findings(DriftReport.Kind.ROLE_ASSIGNMENT_REMOVED).isEmpty()
          && reapplied.succeeded() && repairedDrift.isClean() && verified.isSatisfied() && tornDown.succeeded()
          && snapshotBefore.equals(snapshotAfter);
    }
  }

  private LifecycleExample() {}

  /** Exchange Online (customized already) with a group the setup reuses (Eve in it), an unrelated group, and another app's scoped assignment. */
  public static FakeTenant tenant() {
    return FakeTenant.exchangeOnline(Contoso.ONLINE).userMailbox(Contoso.ANN, "Ann Ames").userMailbox(Contoso.BOB, "Bob Brown")
        .userMailbox(Contoso.CEO, "Carol CEO").userMailbox(EVE, "Eve Evans")
        .application(APP_ID, SP_ID, "Calendar Sync").application(OTHER_APP_ID, OTHER_SP_ID, "Other Vendor")
        .mailEnabledSecurityGroup(GROUP, EVE).distributionGroup("All Staff", Contoso.ANN, Contoso.BOB, Contoso.CEO)
        .managementScope("Other Vendor Users", "Department -eq 'Sales'")
        .appRoleAssignment("Other Vendor-Mail.Read", "Application Mail.Read", OTHER_APP_ID, ScopeType.MANAGEMENT_SCOPE,
            "Other Vendor Users")
        .build();
  }

  /** The vendor's setup: RBAC for Applications over the existing group, Ann and Bob added to it. */
  public static ImpersonationSetup setup() {
    return ImpersonationSetup.builder().name("CalendarSync").target(Contoso.target(TenantTarget.Kind.EXCHANGE_ONLINE))
        .principal(Principal.application(APP_ID)).scope(Scope.mailEnabledSecurityGroup(GROUP).members(Contoso.ANN, Contoso.BOB))
        .access(Access.rbacForApplications("Application Calendars.ReadWrite")).addVerifyMailboxes(Contoso.ANN)
        .outsider(Contoso.CEO).build();
  }

  /** Runs the life cycle on a fresh tenant through the connection {@code connect} makes for it, printing to {@code out}. */
  public static Run run(PrintStream out, Function<FakeTenant, TenantConnection> connect) {
    FakeTenant tenant = tenant();
    String before = tenant.snapshot();
    TenantConnection connection = connect.apply(tenant);
    ImpersonationSetup setup = setup();

    ApplyResult applied = setup.apply(setup.plan(connection), connection, ProgressListener.none());
    out.println(applied);
    SetupRecord record = applied.record();
    out.println("RECORD (keep it with the customer's tenant; it holds no secret):\n" + record.toJson());
    DriftReport clean = setup.drift(connection, record);
    out.println(clean);

    String assignment = record.objects(OwnedObject.Kind.ROLE_ASSIGNMENT).get(0).identity();
    out.println("-- someone removes the role assignment '" + assignment + "' in the admin center --");
    tenant.invokeExchangeCmdlet("Remove-ManagementRoleAssignment", Map.of("Identity", assignment));
    List<DriftReport.Drift> alerts = new ArrayList<>();
    DriftReport drift = setup.drift(connection, record, d -> {
      alerts.add(d);
      out.println("  ALERT " + d.kind() + ": " + d.subject());
    });
    out.println(drift);

    ApplyResult reapplied = setup.apply(setup.plan(connection), connection, ProgressListener.none());
    out.println("Re-apply:\n" + reapplied);
    record = record.merge(reapplied.record());
    DriftReport repaired = setup.drift(connection, record);
    out.println(repaired);
    VerificationReport verified = setup.awaitVerification(connection, Duration.ofHours(3), ProgressListener.none());
    out.println(verified);

    Plan teardown = setup.teardown(connection, record);
    out.println("TEARDOWN:\n" + teardown);
    ApplyResult tornDown = setup.apply(teardown, connection, ProgressListener.none());
    out.println(tornDown);
    String after = tenant.snapshot();
    out.println("Tenant after teardown: " + (after.equals(before) ? "as it was before the setup (pre-existing objects untouched)"
        : "DIFFERENT from before the setup"));
    out.println("  '" + GROUP + "' members: " + tenant.members(GROUP) + "; role assignments: "
        + tenant.roleAssignments().stream().map(a -> a.name()).toList());
    return new Run(applied, clean, drift, alerts, reapplied, repaired, verified, teardown, tornDown, before, after, tenant);
  }

  /** Runs the life cycle against the in-memory tenant and prints every stage. */
  public static void main(String[] args) {
    Run run = run(System.out, FakeTenant::connection);
    System.out.println(">>> lifecycle: " + (run.succeeded() ? "OK" : "FAILED"));
    if (!run.succeeded()) {
      System.exit(1);
    }
  }
}
