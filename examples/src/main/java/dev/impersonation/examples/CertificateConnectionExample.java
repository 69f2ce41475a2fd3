package dev.impersonation.examples;

import dev.impersonation.Access;
import dev.impersonation.ImpersonationSetup;
import dev.impersonation.Principal;
import dev.impersonation.Scope;
import dev.impersonation.Secret;
import dev.impersonation.TenantTarget;
import dev.impersonation.exchange.ExchangeConnection;
import dev.impersonation.plan.Plan;
import dev.impersonation.plan.ProgressListener;
import dev.impersonation.spi.TenantConnection;
import java.io.Console;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Connects to a real Exchange Online tenant over the admin REST endpoint with an app's certificate, then plans (and,
 * with {@code --apply}, applies and verifies) RBAC for Applications for a sync app over a mail-enabled security group.
 *
 * <pre>
 * mvn -q -pl examples -am compile exec:java -Dexec.mainClass=dev.impersonation.examples.CertificateConnectionExample \
 *   -Dexec.args="contoso.onmicrosoft.com &lt;adminAppId&gt; admin-app.pfx &lt;syncAppId&gt; &lt;syncSpObjectId&gt; ann@contoso.com bob@contoso.com"
 * </pre>
 *
 * The admin app needs the {@code Exchange.ManageAsApp} application permission and an Exchange role (e.g. Exchange
 * Administrator); the PFX password is read from the console, never from the command line. Tests run the same code
 * against the testkit's Exchange admin simulator.
 */
public final class CertificateConnectionExample {
  private CertificateConnectionExample() {}

  /** The Exchange connection for an admin app signing in with a PKCS#12 certificate. */
  public static ExchangeConnection exchange(String tenantDomain, String adminAppId, Path pfx, Secret pfxPassword) {
    return ExchangeConnection.exchangeOnline(tenantDomain).appId(adminAppId).certificate(pfx, pfxPassword);
  }

  /** The setup: the sync app gets calendar access to the members of "Calendar Sync Users" only. */
  public static ImpersonationSetup setup(String tenantDomain, String syncAppId, String syncSpObjectId, List<String> members) {
    return ImpersonationSetup.builder().name("CalendarSync").target(TenantTarget.exchangeOnline(tenantDomain))
        .principal(Principal.application(syncAppId).servicePrincipal(syncSpObjectId))
        .scope(Scope.mailEnabledSecurityGroup("Calendar Sync Users").members(members).hiddenFromAddressLists())
        .access(Access.rbacForApplications("Application Calendars.ReadWrite"))
        .build();
  }

  public static void main(String[] args) {
    List<String> rest = new ArrayList<>(List.of(args));
    boolean apply = rest.remove("--apply");
    if (rest.size() < 6) {
      System.err.println("Usage: CertificateConnectionExample <tenant.onmicrosoft.com> <adminAppId> <admin.pfx> "
          + "<syncAppId> <syncServicePrincipalObjectId> <member>... [--apply]");
      System.exit(2);
    }
    Console console = System.console();
    if (console == null) {
      System.err.println("Run this from a terminal: the PFX password is read from the console.");
      System.exit(2);
    }
    Secret password = Secret.of(console.readPassword("PFX password: "));
    TenantConnection connection = exchange(rest.get(0), rest.get(1), Path.of(rest.get(2)), password).connection();
    ImpersonationSetup setup = setup(rest.get(0), rest.get(3), rest.get(4), rest.subList(5, rest.size()));
    Plan plan = setup.plan(connection);
    System.out.println(plan);
    if (!apply) {
      System.out.println("Nothing changed. Re-run with --apply to apply this plan, or run this script by hand:\n");
      System.out.println(plan.toPowerShell());
      return;
    }
    System.out.println(setup.apply(plan, connection, ProgressListener.console(System.out)));
    System.out.println(setup.verify(connection));
  }
}
