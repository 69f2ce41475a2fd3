package dev.impersonation.examples;

import dev.impersonation.Access;
import dev.impersonation.ImpersonationSetup;
import dev.impersonation.Principal;
import dev.impersonation.Scope;
import dev.impersonation.TenantTarget;
import dev.impersonation.testkit.FakeTenant;
import java.time.Instant;
import java.util.List;

/**
 * An EWS vendor in December 2026 (docs/ews.md): a sync product that still calls EWS with {@code full_access_as_app}.
 * On Exchange Online its app gets the role {@code Application EWS.AccessAsApp} over a group, and, because the
 * organization restricts EWS to an allow list that already holds a backup product, the plan adds the app to
 * {@code EwsAllowedAppIDs} (keeping the backup product) and shows the EWS state and the 2027-04-01 shutdown with the Graph
 * roles to move to. On Exchange Server, which the EWS retirement does not touch, the same product uses
 * ApplicationImpersonation.
 */
public final class EwsVendorExample implements VendorExample {
  /** The date the example's tenant lives on. */
  static final Instant TODAY = Instant.parse("2026-12-03T09:00:00Z");
  static final String APP_ID = "5a6b7c8d-9e0f-4a1b-8c2d-3e4f5a6b7c8d";
  static final String SP_ID = "6b7c8d9e-0f1a-4b2c-9d3e-4f5a6b7c8d9e";
  /** A backup product the customer allow-listed earlier: it must stay on the list. */
  static final String BACKUP_APP_ID = "0c1d2e3f-4a5b-4c6d-8e7f-8a9b0c1d2e3f";
  static final String SERVICE_ACCOUNT = "ews-sync@contoso.com";

  @Override
  public String id() {
    return "ews-vendor";
  }

  @Override
  public String title() {
    return "An EWS sync vendor in 2026-12: Application EWS.AccessAsApp, the EWS allow list, the 2027-04-01 shutdown";
  }

  @Override
  public FakeTenant tenant(TenantTarget.Kind kind) {
    FakeTenant.Builder b = Contoso.people(kind).startingAt(TODAY);
    return kind == TenantTarget.Kind.EXCHANGE_ONLINE
        ? b.application(APP_ID, SP_ID, "Legacy EWS Sync").organizationEwsEnabled(true).organizationEwsAllowedAppIds(BACKUP_APP_ID)
            .build()
        : b.userMailbox(SERVICE_ACCOUNT, "EWS Sync").build();
  }

  @Override
  public List<ImpersonationSetup> setups(TenantTarget.Kind kind) {
    ImpersonationSetup.Builder b = ImpersonationSetup.builder().name("EwsSync").target(Contoso.target(kind));
    if (kind == TenantTarget.Kind.EXCHANGE_ONLINE) {
      b.principal(Principal.application(APP_ID))
          .scope(Scope.mailEnabledSecurityGroup("EWS Sync Users").members(Contoso.ANN, Contoso.BOB, Contoso.DAN))
          .access(Access.rbacForApplications("Application EWS.AccessAsApp"))
          .allowingEws();
    } else {
      b.principal(Principal.serviceAccount(SERVICE_ACCOUNT))
          .scope(Scope.distributionGroup("EWS Sync Users").members(Contoso.ANN, Contoso.BOB, Contoso.DAN))
          .access(Access.applicationImpersonation());
    }
    return List.of(b.build());
  }
}
