// Impersonation Setup for Java in JShell: the same commands against an in-memory tenant (no sign-in) or a real one.
// Start it from the project root with:  mvn -q -pl examples -am compile exec:exec@jshell
import dev.impersonation.*;
import dev.impersonation.plan.*;
import dev.impersonation.verify.*;
import dev.impersonation.exchange.ExchangeConnection;
import dev.impersonation.graph.GraphConnection;
import dev.impersonation.testkit.*;
import java.time.Duration;

// (JShell ends a snippet at the end of a complete line, so chained calls end lines with a dot.)

/** An Exchange Online tenant in memory: dehydrated, three mailboxes, the Calendar Sync app. Nothing to sign in to. */
FakeTenant fakeTenant() {
  return FakeTenant.exchangeOnline("contoso.onmicrosoft.com").dehydrated().
      userMailbox("ann@contoso.com").userMailbox("bob@contoso.com").userMailbox("ceo@contoso.com").
      application("6f1c2a3b-4d5e-4f60-8172-93a4b5c6d7e8", "9a2b3c4d-5e6f-4a7b-8c9d-0e1f2a3b4c5d", "Calendar Sync").
      build();
}

/**
 * Signs in to a real Exchange Online tenant as an admin with a device code (the code and URL are printed when the first
 * request needs a token) and connects Exchange (admin REST endpoint) and Microsoft Graph with that one sign-in.
 * adminAppId: your admin app registration, a public client ("Allow public client flows") with delegated
 * Exchange.Manage and Graph User.Read.All, Group.ReadWrite.All, Application.Read.All (README, "Running against a real tenant").
 */
TenantConnection signIn(String tenantDomain, String adminAppId, String adminUpn) {
  var signIn = SignIn.builder(TenantTarget.exchangeOnline(tenantDomain)).appId(adminAppId).
      deviceCode(adminUpn, System.out::println).build();
  var exchange = ExchangeConnection.builder(signIn).build();
  var graph = GraphConnection.builder(signIn).build();
  return TenantConnection.builder(graph.target()).exchange(exchange.backend()).directory(graph.directory()).build();
}

/** A calendar-sync app's setup: Graph calendar access to exactly these mailboxes, through RBAC for Applications. */
ImpersonationSetup calendarSync(String tenantDomain, String syncAppId, String... mailboxes) {
  return ImpersonationSetup.builder().
      name("CalendarSync").
      target(TenantTarget.exchangeOnline(tenantDomain)).
      principal(Principal.application(syncAppId)).
      scope(Scope.mailEnabledSecurityGroup("Calendar Sync Users").members(mailboxes).hiddenFromAddressLists()).
      access(Access.rbacForApplications("Application Calendars.ReadWrite")).
      build();
}

/** A progress bar over a plan's steps, for apply. */
ProgressListener bar(Plan plan) {
  return ProgressListener.console(System.out, plan);
}

var tenant = fakeTenant();
var connection = tenant.connection();
var setup = calendarSync("contoso.onmicrosoft.com", "6f1c2a3b-4d5e-4f60-8172-93a4b5c6d7e8", "ann@contoso.com", "bob@contoso.com");
var plan = setup.plan(connection);
/** What to try; JShell prints its banner after this script, so type help() to see it again. */
void help() {
  System.out.println("""
    Variables: tenant (in memory), connection, setup, plan. Try:
      setup.apply(plan, connection, bar(plan))      // apply with a progress bar
      setup.verify(connection)                      // PENDING_PROPAGATION at first
      tenant.clock().advance(Duration.ofHours(2))   // in memory, time moves only when you say so
      setup.verify(connection)                      // now GRANTED, outsider DENIED
      System.out.println(plan.toPowerShell())       // the script an admin would run
      setup.diagnose(connection)
    A real tenant, same commands (the device code appears at the first plan):
      connection = signIn("contoso.onmicrosoft.com", "<admin app id>", "admin@contoso.com")
      setup = calendarSync("contoso.onmicrosoft.com", "<sync app id>", "ann@contoso.com", "bob@contoso.com")
      plan = setup.plan(connection)
    help() shows this again; /exit leaves.
    """);
}

System.out.println(plan);
help();
