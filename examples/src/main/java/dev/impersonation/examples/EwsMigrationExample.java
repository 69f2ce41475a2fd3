package dev.impersonation.examples;

import dev.impersonation.ImpersonationSetup;
import dev.impersonation.TenantConnection;
import dev.impersonation.TenantTarget;
import dev.impersonation.migration.EwsMigration;
import dev.impersonation.migration.EwsMigrationReport;
import dev.impersonation.plan.ApplyResult;
import dev.impersonation.plan.Plan;
import dev.impersonation.plan.ProgressListener;
import dev.impersonation.testkit.FakeTenant;
import java.io.PrintStream;
import java.time.Duration;
import java.time.Instant;
import java.util.function.Function;

/**
 * An EWS vendor moving to Microsoft Graph before the 2027-04-01 shutdown (docs/migration.md#ews): the EWS setup of
 * {@link EwsVendorExample} runs on a tenant dated 2026-12-03; the Graph roles a calendar-and-mail sync needs are planned
 * beside it over the same group, applied, and both are verified: right after the apply (Graph not effective yet: keep
 * EWS), two hours later (Graph ready: switch the product), and after the shutdown (EWS gone). The EWS setup is then torn
 * down from its record: its role assignment and its allow-list entry go, the backup product's entry stays, and the group
 * it created is kept with its members because the Graph setup's assignments scope to it.
 * Run it with {@code Examples ews-migration}, or {@link #main} directly.
 */
public final class EwsMigrationExample {
  /**
   * What one run produced.
   *
   * @param ewsApplied the EWS setup's apply
   * @param graphPlan the Graph setup's plan
   * @param graphApplied its apply
   * @param atOnce both verified right after the apply
   * @param twoHoursLater both verified two hours later
   * @param afterShutdown both verified on 2027-04-02
   * @param ewsTeardown the EWS setup's teardown plan
   * @param ewsRemoved what applying it did
   * @param afterTeardown the Graph setup verified after the EWS teardown
   * @param tenant the tenant it ran against
   */
  public record Run(ApplyResult ewsApplied, Plan graphPlan, ApplyResult graphApplied, EwsMigrationReport atOnce,
      EwsMigrationReport twoHoursLater, EwsMigrationReport afterShutdown, Plan ewsTeardown, ApplyResult ewsRemoved,
      dev.impersonation.verify.VerificationReport afterTeardown, FakeTenant tenant) {
    /** True when the verdicts went from "keep EWS" to "Graph ready" and the EWS setup was removed. */
    public boolean succeeded() {
      return ewsApplied.succeeded() && graphApplied.succeeded()
          && atOnce.verdict() == EwsMigrationReport.Verdict.KEEP_EWS_UNTIL_GRAPH_EFFECTIVE
          && twoHoursLater.verdict() == EwsMigrationReport.Verdict.GRAPH_READY
          && afterShutdown.verdict() == EwsMigrationReport.Verdict.GRAPH_READY && ewsRemoved.succeeded() && afterTeardown.isSatisfied();
    }
  }

  private EwsMigrationExample() {}

  /** The EWS setup of the EWS vendor example, on Exchange Online. */
  public static ImpersonationSetup ewsSetup() {
    return new EwsVendorExample().setups(TenantTarget.Kind.EXCHANGE_ONLINE).get(0);
  }

  /** The migration: Mail and Calendars read-write over Graph, for the same app. */
  public static EwsMigration migration() {
    return EwsMigration.of(ewsSetup()).withGraphRoles("Application Mail.ReadWrite", "Application Calendars.ReadWrite");
  }

  /** Runs the migration on a fresh tenant through the connection {@code connect} makes for it, printing to {@code out}. */
  public static Run run(PrintStream out, Function<FakeTenant, TenantConnection> connect) {
    FakeTenant tenant = new EwsVendorExample().tenant(TenantTarget.Kind.EXCHANGE_ONLINE);
    TenantConnection connection = connect.apply(tenant);
    ImpersonationSetup ews = ewsSetup();
    ApplyResult ewsApplied = ews.apply(ews.plan(connection), connection, ProgressListener.none());
    out.println("The vendor's EWS setup today:\n" + ewsApplied);
    out.println(tenant.advanceUntilVerified(ews, Duration.ofHours(30)));

    EwsMigration migration = migration();
    out.println(migration);
    ImpersonationSetup graph = migration.graphSetup();
    Plan graphPlan = graph.plan(connection);
    out.println(graphPlan);
    ApplyResult graphApplied = graph.apply(graphPlan, connection, ProgressListener.none());
    out.println(graphApplied);

    EwsMigrationReport atOnce = migration.verify(connection);
    out.println("Right after the apply:\n" + atOnce);
    tenant.clock().advance(Duration.ofHours(2));
    EwsMigrationReport later = migration.verify(connection);
    out.println("Two hours later:\n" + later);
    tenant.clock().advance(Duration.between(tenant.clock().instant(), Instant.parse("2027-04-02T09:00:00Z")));
    EwsMigrationReport afterShutdown = migration.verify(connection);
    out.println("On 2027-04-02:\n" + afterShutdown);

    Plan teardown = ews.teardown(connection, ewsApplied.record());
    out.println("Removing the EWS setup:\n" + teardown);
    ApplyResult removed = ews.apply(teardown, connection, ProgressListener.none());
    out.println(removed);
    out.println("EwsAllowedAppIDs now: " + tenant.ewsSettings().allowedAppIds());
    dev.impersonation.verify.VerificationReport afterTeardown = graph.verify(connection);
    out.println("The Graph setup after the EWS teardown:\n" + afterTeardown);
    return new Run(ewsApplied, graphPlan, graphApplied, atOnce, later, afterShutdown, teardown, removed, afterTeardown, tenant);
  }

  /** Runs the migration against the in-memory tenant and prints every stage. */
  public static void main(String[] args) {
    Run run = run(System.out, FakeTenant::connection);
    System.out.println(">>> ews-migration: " + (run.succeeded() ? "OK" : "FAILED"));
    if (!run.succeeded()) {
      System.exit(1);
    }
  }
}
