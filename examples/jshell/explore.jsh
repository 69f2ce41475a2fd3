// Explore Impersonation Setup for Java against an in-memory Exchange Online tenant.
// Start it from the project root with:  mvn -q -pl examples -am compile exec:exec@jshell
import dev.impersonation.*;
import dev.impersonation.plan.*;
import dev.impersonation.verify.*;
import dev.impersonation.testkit.*;
import java.time.Duration;

// (JShell ends a snippet at the end of a complete line, so chained calls end lines with a dot.)
var tenant = FakeTenant.exchangeOnline("contoso.onmicrosoft.com").dehydrated().
    userMailbox("ann@contoso.com").userMailbox("bob@contoso.com").userMailbox("ceo@contoso.com").
    application("6f1c2a3b-4d5e-4f60-8172-93a4b5c6d7e8", "9a2b3c4d-5e6f-4a7b-8c9d-0e1f2a3b4c5d", "Calendar Sync").
    build();
var connection = tenant.connection();

var setup = ImpersonationSetup.builder().
    name("CalendarSync").
    target(TenantTarget.exchangeOnline("contoso.onmicrosoft.com")).
    principal(Principal.application("6f1c2a3b-4d5e-4f60-8172-93a4b5c6d7e8")).
    scope(Scope.mailEnabledSecurityGroup("Calendar Sync Users").members("ann@contoso.com", "bob@contoso.com")).
    access(Access.rbacForApplications("Application Calendars.ReadWrite")).
    build();

var plan = setup.plan(connection);
System.out.println(plan);
System.out.println("""
    Variables: tenant, connection, setup, plan. Try:
      setup.apply(connection, ProgressListener.console(System.out))
      setup.verify(connection)                      // PENDING_PROPAGATION at first
      tenant.clock().advance(Duration.ofHours(1))   // time moves only when you say so
      setup.verify(connection)                      // now GRANTED, outsider DENIED
      System.out.println(plan.toPowerShell())       // the script an admin would run
      setup.diagnose(connection)
      ImpersonationSetup.builder().name("X").target(TenantTarget.exchangeOnline("contoso.onmicrosoft.com")).
          principal(Principal.serviceAccount("svc@contoso.com")).scope(Scope.distributionGroup("G")).
          access(Access.applicationImpersonation()).build()   // the error names the modern equivalent
    Type /exit to leave.
    """);
