package dev.impersonation.examples;

import dev.impersonation.TenantConnection;
import dev.impersonation.TenantTarget;
import dev.impersonation.audit.MailboxAccessAudit;
import dev.impersonation.spi.ScopeType;
import dev.impersonation.testkit.FakeTenant;
import java.io.PrintStream;
import java.util.function.Function;

/**
 * An audit of a messy Exchange Online tenant (docs/audit.md), as an admin inheriting it would run before onboarding a new
 * vendor: a legacy organization-wide ApplicationImpersonation assignment nobody removed, a calendar app's
 * {@code Application Mail.Read} scoped to Sales, an old CRM whose Mail.ReadWrite consent is narrowed by a RestrictAccess
 * policy (and denied the executives by a DenyAccess one), an archiver with tenant-wide {@code full_access_as_app} and no
 * policy, a backup account with FullAccess on a dozen mailboxes and a help desk with two. Run it with
 * {@code Examples audit}, or {@link #main} directly.
 */
public final class AuditExample {
  static final String CALENDAR_APP = "1a2b3c4d-5e6f-4a7b-8c9d-0e1f2a3b4c5d";
  static final String CRM_APP = "2b3c4d5e-6f7a-4b8c-9d0e-1f2a3b4c5d6e";
  static final String ARCHIVER_APP = "3c4d5e6f-7a8b-4c9d-8e0f-2a3b4c5d6e7f";
  static final String BACKUP = "backup@contoso.com";
  static final String HELPDESK = "helpdesk@contoso.com";
  /** How many staff mailboxes the backup account holds FullAccess on. */
  public static final int STAFF = 12;

  private AuditExample() {}

  /** The messy tenant. */
  public static FakeTenant tenant() {
    FakeTenant.Builder b = Contoso.people(TenantTarget.Kind.EXCHANGE_ONLINE).userMailbox("eve@contoso.com", "Eve Evans")
        .userMailbox("oldsync@contoso.com", "Old Sync").userMailbox(BACKUP, "Backup").userMailbox(HELPDESK, "Help Desk")
        .mailboxProperty(Contoso.ANN, "Department", "Sales").mailboxProperty(Contoso.BOB, "Department", "Sales");
    for (int i = 1; i <= STAFF; i++) {
      b.userMailbox(String.format("staff%02d@contoso.com", i), String.format("Staff %02d", i));
    }
    b.roleAssignment("Legacy-Impersonation", "ApplicationImpersonation", "oldsync@contoso.com", "")
        .application(CALENDAR_APP, "4d5e6f7a-8b9c-4d0e-9f1a-3b4c5d6e7f80", "Calendar Sync")
        .managementScope("Sales Scope", "Department -eq 'Sales'")
        .appRoleAssignment("CalendarSync-Mail.Read", "Application Mail.Read", CALENDAR_APP, ScopeType.MANAGEMENT_SCOPE, "Sales Scope")
        .application(CRM_APP, "5e6f7a8b-9c0d-4e1f-8a2b-4c5d6e7f8091", "Old CRM").consent(CRM_APP, "Mail.ReadWrite", "User.Read.All")
        .mailEnabledSecurityGroup("CRM Users", Contoso.DAN, "eve@contoso.com").mailEnabledSecurityGroup("Executives", Contoso.CEO)
        .accessPolicy(CRM_APP, "CRM Users", "RestrictAccess").accessPolicy(CRM_APP, "Executives", "DenyAccess")
        .application(ARCHIVER_APP, "6f7a8b9c-0d1e-4f2a-9b3c-5d6e7f8091a2", "Archiver").consent(ARCHIVER_APP, "full_access_as_app");
    for (int i = 1; i <= STAFF; i++) {
      b.fullAccess(String.format("staff%02d@contoso.com", i), BACKUP);
    }
    return b.fullAccess(Contoso.ANN, HELPDESK).fullAccess(Contoso.BOB, HELPDESK).build();
  }

  /** Audits a fresh messy tenant through the connection {@code connect} makes for it, printing to {@code out}. */
  public static MailboxAccessAudit run(PrintStream out, Function<FakeTenant, TenantConnection> connect) {
    FakeTenant tenant = tenant();
    MailboxAccessAudit audit = MailboxAccessAudit.read(connect.apply(tenant));
    out.println(audit);
    out.println("Tenant-wide: " + audit.tenantWide().stream().map(f -> f.kind() + " " + f.principal()).toList());
    return audit;
  }

  /** Audits the in-memory messy tenant and prints the table and the JSON. */
  public static void main(String[] args) {
    MailboxAccessAudit audit = run(System.out, FakeTenant::connection);
    System.out.println(audit.toJson());
    System.out.println(">>> audit: " + (audit.isComplete() ? "OK" : "INCOMPLETE"));
  }
}
