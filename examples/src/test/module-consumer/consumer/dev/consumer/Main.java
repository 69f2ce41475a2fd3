package dev.consumer;

import dev.impersonation.Access;
import dev.impersonation.ImpersonationSetup;
import dev.impersonation.Principal;
import dev.impersonation.Scope;
import dev.impersonation.Secret;
import dev.impersonation.SignIn;
import dev.impersonation.TenantTarget;
import dev.impersonation.exchange.ExchangeConnection;

/** Builds a setup and a connection through the exported API only, then shows that an internal class stays closed. */
public final class Main {
  public static void main(String[] args) throws Exception {
    TenantTarget target = TenantTarget.exchangeOnline("contoso.onmicrosoft.com");
    ImpersonationSetup setup = ImpersonationSetup.builder().name("CalendarSync").target(target)
        .principal(Principal.application("00000000-0000-4000-8000-000000000001"))
        .scope(Scope.mailEnabledSecurityGroup("Calendar Sync Users").members("ann@contoso.com"))
        .access(Access.rbacForApplications("Application Calendars.ReadWrite"))
        .build();
    SignIn signIn = SignIn.builder(target).appId("00000000-0000-4000-8000-0000000000aa")
        .clientSecret(Secret.of("not-a-real-secret")).build();
    ExchangeConnection exchange = ExchangeConnection.builder(signIn).build();
    System.out.println("setup " + setup.name() + " for " + setup.target().domain());
    System.out.println("endpoint " + exchange.endpoint());
    try {
      Class<?> hidden = Class.forName("dev.impersonation.internal.Pkcs12");
      hidden.getMethod("read", java.nio.file.Path.class, Secret.class).invoke(null, java.nio.file.Path.of("x.pfx"),
          Secret.of("x"));
      System.out.println("internal reachable");
    } catch (IllegalAccessException e) {
      System.out.println("internal closed");
    }
  }
}
