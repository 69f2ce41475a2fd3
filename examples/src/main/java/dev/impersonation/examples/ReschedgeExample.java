package dev.impersonation.examples;

import dev.impersonation.Access;
import dev.impersonation.ImpersonationSetup;
import dev.impersonation.Principal;
import dev.impersonation.Scope;
import dev.impersonation.TenantTarget;
import dev.impersonation.testkit.FakeTenant;
import java.util.List;

/**
 * Procedure 002 (Reschedge): a role group "Reschedge" with ApplicationImpersonation and View-Only Configuration and
 * the Default write scope, i.e. ORGANIZATION-WIDE. This library allows that only with an explicit acknowledgement and
 * warns in every plan. On Exchange Online: RBAC for Applications, unscoped, likewise acknowledged; the plan lists the
 * role group's two roles with what replaces each (View-Only Configuration: nothing needed, no Autodiscover).
 */
public final class ReschedgeExample implements VendorExample {
  static final String SERVICE_ACCOUNT = "reschedge@contoso.com";
  static final String APP_ID = "5e6f7a8b-9c0d-4e1f-a2b3-c4d5e6f7a8b9";
  static final String SP_ID = "6f7a8b9c-0d1e-4f2a-b3c4-d5e6f7a8b9c0";

  @Override
  public String id() {
    return "reschedge";
  }

  @Override
  public String title() {
    return "Reschedge: organization-wide impersonation role group (acknowledged)";
  }

  @Override
  public FakeTenant tenant(TenantTarget.Kind kind) {
    FakeTenant.Builder b = Contoso.people(kind);
    return kind == TenantTarget.Kind.EXCHANGE_ONLINE
        ? b.application(APP_ID, SP_ID, "Reschedge").build()
        : b.userMailbox(SERVICE_ACCOUNT, "Reschedge").build();
  }

  @Override
  public List<ImpersonationSetup> setups(TenantTarget.Kind kind) {
    ImpersonationSetup.Builder b = ImpersonationSetup.builder().name("Reschedge").target(Contoso.target(kind))
        .scope(Scope.organization().acknowledged())
        .addVerifyMailboxes(Contoso.ANN, Contoso.CEO);
    if (kind == TenantTarget.Kind.EXCHANGE_ONLINE) {
      // The seed's role group also carries View-Only Configuration: the plan says why RBAC for Applications needs none.
      b.principal(Principal.application(APP_ID)).access(Access.rbacForApplications("Application Calendars.ReadWrite")
          .replacingLegacyRoles("ApplicationImpersonation", "View-Only Configuration"));
    } else {
      b.principal(Principal.serviceAccount(SERVICE_ACCOUNT))
          .access(Access.applicationImpersonation().viaRoleGroup("Reschedge").withExtraRoles("View-Only Configuration"));
    }
    return List.of(b.build());
  }
}
