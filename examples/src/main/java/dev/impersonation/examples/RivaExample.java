package dev.impersonation.examples;

import dev.impersonation.Access;
import dev.impersonation.ImpersonationSetup;
import dev.impersonation.Principal;
import dev.impersonation.Scope;
import dev.impersonation.Secret;
import dev.impersonation.TenantTarget;
import dev.impersonation.testkit.FakeTenant;
import java.util.List;

/**
 * Procedure 004 (Riva). A: ApplicationImpersonation limited by a custom recipient filter (the procedure's optional
 * New-ManagementScope step) instead of its organization-wide default. B: FullAccess with AutoMapping off on every user
 * mailbox except one, the procedure's bulk {@code Get-Mailbox -Filter} form: organization-wide, so acknowledged; the
 * mailboxes are read in one paged call (their grants too, on Exchange Online) and granted in one step; the exported
 * script loops over the filter's result when it runs ({@code Grant-FullAccessByFilter}), as the procedure's pipeline does.
 * On Exchange Online, A becomes RBAC for Applications with {@code Application EWS.AccessAsApp} over the same filter,
 * and B stays FullAccess, for a service account the plan creates, licenses and waits for.
 */
public final class RivaExample implements VendorExample {
  static final String SERVICE_ACCOUNT = "riva@contoso.com";
  static final String APP_ID = "9c0d1e2f-3a4b-4c5d-ae6f-7a8b9c0d1e2f";
  static final String SP_ID = "0d1e2f3a-4b5c-4d6e-8f7a-8b9c0d1e2f3a";
  static final String SALES = "Department -eq 'Sales'";
  /** B's bulk form: every user mailbox except one, as the procedure's {@code Get-Mailbox -Filter} pipeline (its Admin is our CEO). */
  static final String ALL_BUT_CEO = "(RecipientTypeDetails -eq 'UserMailbox') -and (Alias -ne 'ceo')";

  @Override
  public String id() {
    return "riva";
  }

  @Override
  public String title() {
    return "Riva: A) impersonation scoped by a recipient filter, B) FullAccess per mailbox";
  }

  @Override
  public FakeTenant tenant(TenantTarget.Kind kind) {
    FakeTenant.Builder b = Contoso.people(kind)
        .mailboxProperty(Contoso.ANN, "Department", "Sales").mailboxProperty(Contoso.BOB, "Department", "Sales")
        .mailboxProperty(Contoso.CEO, "Department", "Executive");
    return kind == TenantTarget.Kind.EXCHANGE_ONLINE
        ? b.application(APP_ID, SP_ID, "Riva").build()
        : b.userMailbox(SERVICE_ACCOUNT, "Riva Sync").build();
  }

  @Override
  public List<ImpersonationSetup> setups(TenantTarget.Kind kind) {
    ImpersonationSetup.Builder a = ImpersonationSetup.builder().name("Riva").target(Contoso.target(kind))
        .scope(Scope.recipientFilter(SALES)).addVerifyMailboxes(Contoso.ANN, Contoso.BOB).outsider(Contoso.CEO);
    if (kind == TenantTarget.Kind.EXCHANGE_ONLINE) {
      a.principal(Principal.application(APP_ID)).access(Access.rbacForApplications("Application EWS.AccessAsApp"));
    } else {
      a.principal(Principal.serviceAccount(SERVICE_ACCOUNT)).access(Access.applicationImpersonation());
    }
    ImpersonationSetup b = ImpersonationSetup.builder().name("Riva-FullAccess").target(Contoso.target(kind))
        .principal(kind == TenantTarget.Kind.EXCHANGE_ONLINE
            ? Principal.serviceAccount(SERVICE_ACCOUNT).createIfMissing("Riva Sync", "US", Contoso.LICENSE_SKU,
                Secret.of("Example-only-1!"))
            : Principal.serviceAccount(SERVICE_ACCOUNT))
        .scope(Scope.recipientFilter(ALL_BUT_CEO).acknowledged())
        .access(Access.fullAccess())
        .outsider(Contoso.CEO)
        .build();
    return List.of(a.build(), b);
  }
}
