package dev.impersonation.examples;

import dev.impersonation.Access.RbacForApplications;
import dev.impersonation.Access;
import dev.impersonation.ImpersonationException;
import dev.impersonation.ImpersonationSetup;
import dev.impersonation.Principal;
import dev.impersonation.Scope;
import dev.impersonation.TenantConnection;
import dev.impersonation.TenantTarget;
import dev.impersonation.plan.ProgressListener;
import dev.impersonation.testkit.FakeTenant;
import dev.impersonation.verify.VerificationReport;
import java.io.PrintStream;
import java.time.Duration;

/**
 * Role-aware verification: a mail-archiving app gets {@code Application Mail.Read} on a mail-enabled security group,
 * and nothing else, but it also holds a tenant-wide Entra consent for Microsoft Graph {@code Calendars.Read} from an
 * earlier, broader setup. Exchange answers with the union of both.
 *
 * <ol>
 *   <li>Apply the roles and verify per permission (after the RBAC cache window): mail is GRANTED by RBAC for the
 *       group's members and DENIED for the outsider; the calendar is reachable everywhere through the consent, which the
 *       report flags as a least-privilege finding with its fix.</li>
 *   <li>Apply the fix ({@code removingTenantWideConsent()}) and verify again: mail GRANTED, calendar DENIED, the
 *       outsider DENIED, nothing to report.</li>
 * </ol>
 *
 * <p>Runs against the embedded fake tenant ({@link #main}); the examples' tests also run it over the Graph and
 * Exchange admin simulators.
 */
public final class RoleAwareVerificationExample {
  static final String APP_ID = "5b6c7d8e-9f0a-4b1c-8d2e-3f4a5b6c7d8e";
  static final String SP_ID = "6c7d8e9f-0a1b-4c2d-9e3f-4a5b6c7d8e9f";
  static final String GROUP = "Mail Archive Users";

  private RoleAwareVerificationExample() {}

  /** Both verifications of one run. @param withConsent before the fix @param afterFix after removing the consent */
  public record Result(VerificationReport withConsent, VerificationReport afterFix) {}

  /** The tenant: four people and the app, which already holds tenant-wide consent for Calendars.Read. */
  public static FakeTenant tenant() {
    return Contoso.people(TenantTarget.Kind.EXCHANGE_ONLINE).application(APP_ID, SP_ID, "Mail Archiver")
        .consent(APP_ID, "Calendars.Read").build();
  }

  /** The setup: Application Mail.Read only; verification also checks Calendars.Read, which must be denied. */
  public static ImpersonationSetup setup(boolean removeConsent) {
    RbacForApplications access = Access.rbacForApplications("Application Mail.Read");
    return ImpersonationSetup.builder().name("MailArchive").target(Contoso.target(TenantTarget.Kind.EXCHANGE_ONLINE))
        .principal(Principal.application(APP_ID))
        .scope(Scope.mailEnabledSecurityGroup(GROUP).members(Contoso.ANN, Contoso.BOB).closed())
        .access(removeConsent ? access.removingTenantWideConsent() : access)
        .addVerifyPermissions("Calendars.Read")
        .outsider(Contoso.CEO)
        .build();
  }

  /** Applies, verifies, applies the fix and verifies again through {@code connection}, printing to {@code out}. */
  public static Result run(TenantConnection connection, PrintStream out) {
    ImpersonationSetup setup = setup(false);
    if (!setup.apply(connection, ProgressListener.console(out)).succeeded()) {
      throw new ImpersonationException("The setup did not apply; see the output above.");
    }
    try {
      // RBAC for Applications caches permissions for 30 minutes to 2 hours: wait it out on the connection's clock.
      connection.sleeper().sleep(Duration.ofHours(2));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new ImpersonationException("Interrupted while waiting for propagation.", e);
    }
    VerificationReport withConsent = setup.verify(connection);
    out.println(withConsent);

    ImpersonationSetup fixed = setup(true);
    out.println(fixed.plan(connection));
    if (!fixed.apply(connection, ProgressListener.console(out)).succeeded()) {
      throw new ImpersonationException("The fix did not apply; see the output above.");
    }
    VerificationReport afterFix = fixed.awaitVerification(connection, Duration.ofHours(3), ProgressListener.console(out));
    out.println(afterFix);
    return new Result(withConsent, afterFix);
  }

  public static void main(String[] args) {
    FakeTenant tenant = tenant();
    Result result = run(tenant.connection(), System.out);
    if (!result.afterFix().isSatisfied()) {
      System.exit(1);
    }
  }
}
