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
import dev.impersonation.testkit.FakeTenant;
import dev.impersonation.verify.VerificationReport;
import java.time.Duration;

/**
 * The README's main demo: against an embedded, dehydrated Exchange Online FakeTenant, give a calendar-sync app
 * scoped access to two mailboxes with RBAC for Applications. Prints the plan, applies it with progress, re-plans
 * (all no-ops), verifies (waiting out propagation on the fake clock) and prints the admin script.
 */
public final class Quickstart {
  static final String TENANT = "contoso.onmicrosoft.com";
  static final String APP_ID = "6f1c2a3b-4d5e-4f60-8172-93a4b5c6d7e8";
  static final String SP_OBJECT_ID = "9a2b3c4d-5e6f-4a7b-8c9d-0e1f2a3b4c5d";

  private Quickstart() {}

  /** The tenant: dehydrated, three users, an app with a service principal. */
  public static FakeTenant tenant() {
    return FakeTenant.exchangeOnline(TENANT).dehydrated()
        .userMailbox("ann@" + TENANT, "Ann Ames")
        .userMailbox("bob@" + TENANT, "Bob Brown")
        .userMailbox("ceo@" + TENANT, "Carol CEO")
        .application(APP_ID, SP_OBJECT_ID, "Calendar Sync")
        .build();
  }

  /** The desired state. */
  public static ImpersonationSetup setup() {
    return ImpersonationSetup.builder()
        .name("CalendarSync")
        .target(TenantTarget.exchangeOnline(TENANT))
        .principal(Principal.application(APP_ID))
        .scope(Scope.mailEnabledSecurityGroup("Calendar Sync Users")
            .members("ann@" + TENANT, "bob@" + TENANT).hiddenFromAddressLists())
        .access(Access.rbacForApplications("Application Calendars.ReadWrite"))
        .build();
  }

  public static void main(String[] args) {
    FakeTenant tenant = tenant();
    TenantConnection connection = tenant.connection();
    ImpersonationSetup setup = setup();
    System.out.println("== Setup\n" + setup + "\n");

    Plan plan = setup.plan(connection);
    System.out.println("== Plan\n" + plan);

    System.out.println("== Apply");
    ApplyResult result = setup.apply(plan, connection, ProgressListener.console(System.out));
    System.out.println(result);

    System.out.println("== Re-plan (expect only no-ops)\n" + setup.plan(connection));

    System.out.println("== Verify right away\n" + setup.verify(connection));
    VerificationReport report = setup.awaitVerification(connection, Duration.ofHours(3), ProgressListener.console(System.out));
    System.out.println("== Verify after waiting on the fake clock (now " + tenant.clock().instant() + ")\n" + report);

    System.out.println("== Diagnose\n" + setup.diagnose(connection));
    System.out.println("== Admin script (what an admin would run by hand)\n" + plan.toPowerShell());
  }
}
