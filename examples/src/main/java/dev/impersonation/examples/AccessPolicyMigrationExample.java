package dev.impersonation.examples;

import dev.impersonation.Access;
import dev.impersonation.ImpersonationSetup;
import dev.impersonation.Principal;
import dev.impersonation.Scope;
import dev.impersonation.TenantConnection;
import dev.impersonation.migration.AccessPolicyMigration;
import dev.impersonation.plan.ApplyResult;
import dev.impersonation.plan.Plan;
import dev.impersonation.plan.ProgressListener;
import dev.impersonation.testkit.FakeTenant;
import dev.impersonation.verify.VerificationReport;
import java.io.PrintStream;
import java.time.Duration;
import java.util.function.Function;

/**
 * A tenant configured by a vendor's access-policy how-to (tenant-wide Mail.ReadWrite and Calendars.ReadWrite consent, a
 * RestrictAccess policy on "Sync Users", which holds a nested group "Sales", and a DenyAccess policy on the executives)
 * migrated to RBAC for Applications (docs/migration.md): verification before, the migration's findings, the plan, apply,
 * and verification after. Run it with {@code Examples migration}, or {@link #main} directly.
 */
public final class AccessPolicyMigrationExample {
  static final String APP_ID = "2b3c4d5e-6f70-4a81-9b2c-3d4e5f607182";
  static final String SP_ID = "3c4d5e6f-7081-4b92-8c3d-4e5f60718293";
  static final String GROUP = "Sync Users";
  static final String EVE = "eve@contoso.com";

  /**
   * What one run produced.
   *
   * @param before verification of the access-policy setup before the migration
   * @param migration what the migration read
   * @param plan the migration's plan
   * @param applied what apply did
   * @param replan the plan right after applying
   * @param after verification of the migrated setup, propagation waited out on the fake clock
   * @param tenant the tenant it ran against
   */
  public record Run(VerificationReport before, AccessPolicyMigration migration, Plan plan, ApplyResult applied, Plan replan,
      VerificationReport after, FakeTenant tenant) {
    /** True when the migration applied, converged and verified. */
    public boolean succeeded() {
      return before.isSatisfied() && applied.succeeded() && replan.isConverged() && after.isSatisfied();
    }
  }

  private AccessPolicyMigrationExample() {}

  /** The tenant as the vendor's how-to left it. */
  public static FakeTenant tenant() {
    FakeTenant.Builder b = Contoso.people(dev.impersonation.TenantTarget.Kind.EXCHANGE_ONLINE).userMailbox(EVE, "Eve Evans");
    return b.application(APP_ID, SP_ID, "Calendar Sync").consent(APP_ID, "Mail.ReadWrite", "Calendars.ReadWrite")
        .mailEnabledSecurityGroup("Sales", Contoso.DAN, EVE).mailEnabledSecurityGroup(GROUP, Contoso.ANN, Contoso.BOB, "Sales")
        .mailEnabledSecurityGroup("Executives", Contoso.CEO)
        .accessPolicy(APP_ID, GROUP, "RestrictAccess").accessPolicy(APP_ID, "Executives", "DenyAccess").build();
  }

  /** The vendor's setup as this library would have declared it: the policy and the consent. */
  static ImpersonationSetup legacySetup() {
    return ImpersonationSetup.builder().name("CalendarSync").target(Contoso.target(dev.impersonation.TenantTarget.Kind.EXCHANGE_ONLINE))
        .principal(Principal.application(APP_ID)).scope(Scope.mailEnabledSecurityGroup(GROUP).existingMembership())
        .access(Access.applicationAccessPolicy().withGraphPermissions("Mail.ReadWrite", "Calendars.ReadWrite"))
        .addVerifyMailboxes(Contoso.DAN, EVE).outsider(Contoso.CEO).build();
  }

  /** Runs the migration on a fresh tenant through the connection {@code connect} makes for it, printing to {@code out}. */
  public static Run run(PrintStream out, Function<FakeTenant, TenantConnection> connect) {
    FakeTenant tenant = tenant();
    TenantConnection connection = connect.apply(tenant);
    VerificationReport before = legacySetup().verify(connection);
    out.println("BEFORE (application access policy):\n" + before);
    AccessPolicyMigration migration = AccessPolicyMigration.read(connection, APP_ID).flatteningNestedMembers()
        .removingConsentAndPolicyWhenConfirmed();
    out.println(migration);
    ImpersonationSetup setup = migration.toSetup("CalendarSync");
    Plan plan = setup.plan(connection);
    out.println(plan);
    ApplyResult applied = setup.apply(plan, connection, ProgressListener.console(out));
    out.println(applied);
    Plan replan = setup.plan(connection);
    out.println("Re-plan: " + (replan.isConverged() ? "converged (only no-ops)" : "NOT converged\n" + replan));
    VerificationReport after = setup.awaitVerification(connection, Duration.ofHours(3), ProgressListener.none());
    out.println("AFTER (RBAC for Applications):\n" + after);
    return new Run(before, migration, plan, applied, replan, after, tenant);
  }

  /** Runs the migration against the in-memory tenant and prints every stage. */
  public static void main(String[] args) {
    Run run = run(System.out, FakeTenant::connection);
    System.out.println(">>> migration: " + (run.succeeded() ? "OK" : "FAILED"));
    if (!run.succeeded()) {
      System.exit(1);
    }
  }
}
