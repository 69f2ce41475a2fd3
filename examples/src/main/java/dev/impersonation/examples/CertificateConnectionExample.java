package dev.impersonation.examples;

import dev.impersonation.Access;
import dev.impersonation.ImpersonationSetup;
import dev.impersonation.Principal;
import dev.impersonation.Scope;
import dev.impersonation.Secret;
import dev.impersonation.SignIn;
import dev.impersonation.TenantConnection;
import dev.impersonation.TenantTarget;
import dev.impersonation.exchange.ExchangeConnection;
import dev.impersonation.graph.GraphConnection;
import dev.impersonation.plan.Plan;
import dev.impersonation.plan.ProgressListener;
import dev.impersonation.spi.Sleeper;
import java.io.Console;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;

/**
 * Connects to a real Exchange Online tenant with an admin app's certificate: Microsoft Graph for the directory and the
 * Exchange admin REST endpoint for Exchange, sharing one sign-in (one MSAL token cache). Then it plans (and, with
 * {@code --apply}, applies and verifies) RBAC for Applications for a sync app over a mail-enabled security group.
 *
 * <pre>
 * mvn -q -pl examples -am compile exec:java -Dexec.mainClass=dev.impersonation.examples.CertificateConnectionExample \
 *   -Dexec.args="contoso.onmicrosoft.com &lt;adminAppId&gt; admin-app.pfx &lt;syncAppId&gt; ann@contoso.com bob@contoso.com"
 * </pre>
 *
 * The admin app needs {@code Exchange.ManageAsApp} and an Exchange role (e.g. Exchange Administrator) for Exchange, and
 * Graph application permissions to read users, groups and service principals ({@code User.Read.All},
 * {@code Group.ReadWrite.All}, {@code Application.Read.All}). The PFX password is read from the console, never from the
 * command line. Tests run the same code against the testkit's Exchange admin and Graph simulators.
 */
public final class CertificateConnectionExample {
  private CertificateConnectionExample() {}

  /** The admin app's sign-in with a PKCS#12 certificate; Exchange and Graph share it, so one token cache. */
  public static SignIn signIn(String tenantDomain, String adminAppId, Path pfx, Secret pfxPassword) {
    return SignIn.builder(TenantTarget.exchangeOnline(tenantDomain)).appId(adminAppId).certificate(pfx, pfxPassword).build();
  }

  /** The full connection: Exchange over REST and the directory over Graph, both signing in with {@code signIn}, on one clock. */
  public static TenantConnection connect(ExchangeConnection.Builder exchange, GraphConnection.Builder graph, Clock clock,
      Sleeper sleeper) {
    ExchangeConnection e = exchange.clock(clock, sleeper).build();
    GraphConnection g = graph.clock(clock, sleeper).build();
    return TenantConnection.builder(g.target()).exchange(e.backend()).directory(g.directory()).clock(clock, sleeper).build();
  }

  /**
   * The setup: the sync app gets calendar access to the members of "Calendar Sync Users" only. Its service principal
   * is looked up through Graph; without a Graph backend, use {@code Principal.application(id).servicePrincipal(objectId)}.
   */
  public static ImpersonationSetup setup(String tenantDomain, String syncAppId, List<String> members) {
    return ImpersonationSetup.builder().name("CalendarSync").target(TenantTarget.exchangeOnline(tenantDomain))
        .principal(Principal.application(syncAppId))
        .scope(Scope.mailEnabledSecurityGroup("Calendar Sync Users").members(members).hiddenFromAddressLists())
        .access(Access.rbacForApplications("Application Calendars.ReadWrite"))
        .build();
  }

  public static void main(String[] args) {
    List<String> rest = new ArrayList<>(List.of(args));
    boolean apply = rest.remove("--apply");
    if (rest.size() < 5) {
      System.err.println("Usage: CertificateConnectionExample <tenant.onmicrosoft.com> <adminAppId> <admin.pfx> "
          + "<syncAppId> <member>... [--apply]");
      System.exit(2);
    }
    Console console = System.console();
    if (console == null) {
      System.err.println("Run this from a terminal: the PFX password is read from the console.");
      System.exit(2);
    }
    Secret password = Secret.of(console.readPassword("PFX password: "));
    SignIn signIn = signIn(rest.get(0), rest.get(1), Path.of(rest.get(2)), password);
    TenantConnection connection = connect(ExchangeConnection.builder(signIn), GraphConnection.builder(signIn), Clock.systemUTC(),
        Sleeper.system());
    ImpersonationSetup setup = setup(rest.get(0), rest.get(3), rest.subList(4, rest.size()));
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
