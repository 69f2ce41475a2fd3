package dev.impersonation.examples;

import dev.impersonation.Access;
import dev.impersonation.ImpersonationSetup;
import dev.impersonation.Principal;
import dev.impersonation.Scope;
import dev.impersonation.TenantTarget;
import dev.impersonation.testkit.FakeTenant;
import java.util.List;

/**
 * Procedure 000 (Penelope): a group of users, the scope "LimitedImpersonationScope" on its DN, and a role group with
 * ApplicationImpersonation. Legacy on Exchange Server; on Exchange Online the app gets RBAC for Applications over a
 * Microsoft 365 group (Exchange knows it, so MemberOfGroup works).
 */
public final class PenelopeExample implements VendorExample {
  static final String SERVICE_ACCOUNT = "penelope.sync@contoso.com";
  static final String APP_ID = "1e5f8a90-2b3c-4d4e-9f60-718293a4b5c6";
  static final String SP_ID = "2a3b4c5d-6e7f-4081-92a3-b4c5d6e7f809";

  @Override
  public String id() {
    return "penelope";
  }

  @Override
  public String title() {
    return "Penelope: group + LimitedImpersonationScope + ApplicationImpersonation role group";
  }

  @Override
  public FakeTenant tenant(TenantTarget.Kind kind) {
    FakeTenant.Builder b = Contoso.people(kind);
    return kind == TenantTarget.Kind.EXCHANGE_ONLINE
        ? b.application(APP_ID, SP_ID, "Penelope").build()
        : b.userMailbox(SERVICE_ACCOUNT, "Penelope Sync").build();
  }

  @Override
  public List<ImpersonationSetup> setups(TenantTarget.Kind kind) {
    ImpersonationSetup.Builder b = ImpersonationSetup.builder().name("Penelope").target(Contoso.target(kind))
        .managementScopeName("LimitedImpersonationScope");
    if (kind == TenantTarget.Kind.EXCHANGE_ONLINE) {
      b.principal(Principal.application(APP_ID))
          .scope(Scope.microsoft365Group("Penelope Users").members(Contoso.ANN, Contoso.BOB))
          .access(Access.rbacForApplications("Application Mail.ReadWrite", "Application Calendars.ReadWrite"));
    } else {
      b.principal(Principal.serviceAccount(SERVICE_ACCOUNT))
          .scope(Scope.distributionGroup("Penelope Users").members(Contoso.ANN, Contoso.BOB))
          .access(Access.applicationImpersonation().viaRoleGroup("Penelope Impersonation"));
    }
    return List.of(b.build());
  }
}
