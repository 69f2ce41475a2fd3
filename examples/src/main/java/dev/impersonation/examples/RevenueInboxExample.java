package dev.impersonation.examples;

import dev.impersonation.Access;
import dev.impersonation.ImpersonationSetup;
import dev.impersonation.Principal;
import dev.impersonation.Scope;
import dev.impersonation.TenantTarget;
import dev.impersonation.testkit.FakeTenant;
import java.util.List;

/**
 * Procedure 001 (Revenue Inbox): service account MasterImpersonation owns the closed mail-enabled security group
 * RISG; the scope RIusersScope filters on its DN; the role group RIappImpersonation grants ApplicationImpersonation.
 * On Exchange Online the same group scopes RBAC for Applications for the Revenue Inbox app.
 */
public final class RevenueInboxExample implements VendorExample {
  static final String SERVICE_ACCOUNT = "MasterImpersonation@contoso.com";
  static final String ADMIN = "admin@contoso.com";
  static final String APP_ID = "3c4d5e6f-7a8b-4c9d-8e0f-1a2b3c4d5e6f";
  static final String SP_ID = "4d5e6f7a-8b9c-4d0e-9f1a-2b3c4d5e6f70";

  @Override
  public String id() {
    return "revenue-inbox";
  }

  @Override
  public String title() {
    return "Revenue Inbox: MasterImpersonation owns RISG, RIusersScope, role group RIappImpersonation";
  }

  @Override
  public FakeTenant tenant(TenantTarget.Kind kind) {
    FakeTenant.Builder b = Contoso.people(kind).userMailbox(ADMIN, "Admin");
    return kind == TenantTarget.Kind.EXCHANGE_ONLINE
        ? b.application(APP_ID, SP_ID, "Revenue Inbox").build()
        : b.userMailbox(SERVICE_ACCOUNT, "MasterImpersonation").build();
  }

  @Override
  public List<ImpersonationSetup> setups(TenantTarget.Kind kind) {
    ImpersonationSetup.Builder b = ImpersonationSetup.builder().name("RevenueInbox").target(Contoso.target(kind))
        .managementScopeName("RIusersScope");
    if (kind == TenantTarget.Kind.EXCHANGE_ONLINE) {
      b.principal(Principal.application(APP_ID))
          .scope(Scope.mailEnabledSecurityGroup("RISG").members(Contoso.ANN, Contoso.BOB, Contoso.DAN).owner(ADMIN).closed())
          .access(Access.rbacForApplications("Application Mail.ReadWrite", "Application Calendars.ReadWrite"));
    } else {
      b.principal(Principal.serviceAccount(SERVICE_ACCOUNT))
          .scope(Scope.mailEnabledSecurityGroup("RISG").members(Contoso.ANN, Contoso.BOB, Contoso.DAN)
              .owner(SERVICE_ACCOUNT).closed())
          .access(Access.applicationImpersonation().viaRoleGroup("RIappImpersonation"));
    }
    return List.of(b.build());
  }
}
