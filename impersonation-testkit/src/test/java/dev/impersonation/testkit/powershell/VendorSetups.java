package dev.impersonation.testkit.powershell;

import dev.impersonation.Access;
import dev.impersonation.ImpersonationSetup;
import dev.impersonation.Principal;
import dev.impersonation.Scope;
import dev.impersonation.Secret;
import dev.impersonation.TenantTarget;
import dev.impersonation.testkit.FakeTenant;
import java.util.ArrayList;
import java.util.List;

/**
 * The vendor examples of {@code examples/} (copied, as the testkit cannot depend on that module): a freshly seeded
 * tenant per example and target, and the setups whose plans become the admin script.
 */
final class VendorSetups {
  static final String ONLINE = "contoso.onmicrosoft.com";
  static final String SERVER = "contoso.com";
  static final String ANN = "ann@contoso.com";
  static final String BOB = "bob@contoso.com";
  static final String DAN = "dan@contoso.com";
  static final String CEO = "ceo@contoso.com";
  static final String SKU = "6fd2c87f-b296-42f0-b197-1e91e994b900";

  private VendorSetups() {}

  /** One example on one target. */
  record Example(String id, TenantTarget.Kind kind, FakeTenant tenant, List<ImpersonationSetup> setups) {
    boolean online() {
      return kind == TenantTarget.Kind.EXCHANGE_ONLINE;
    }

    /** The admin script for every setup, as {@code ExportScripts} writes it. */
    String script() {
      StringBuilder script = new StringBuilder();
      for (ImpersonationSetup setup : setups) {
        if (script.length() > 0) {
          script.append("\n");
        }
        script.append(setup.plan(tenant.connection()).toPowerShell());
      }
      return script.toString();
    }

    @Override
    public String toString() {
      return id + " on " + kind;
    }
  }

  static List<Example> all() {
    List<Example> out = new ArrayList<>();
    for (TenantTarget.Kind kind : TenantTarget.Kind.values()) {
      out.add(penelope(kind));
      out.add(revenueInbox(kind));
      out.add(reschedge(kind));
      out.add(rooms(kind));
      out.add(riva(kind));
      out.add(ewsVendor(kind));
    }
    out.add(accessPolicyMigration());
    out.add(ewsMigration());
    return out;
  }

  static TenantTarget target(TenantTarget.Kind kind) {
    return kind == TenantTarget.Kind.EXCHANGE_ONLINE ? TenantTarget.exchangeOnline(ONLINE) : TenantTarget.exchangeServer(SERVER);
  }

  static FakeTenant.Builder people(TenantTarget.Kind kind) {
    FakeTenant.Builder b = kind == TenantTarget.Kind.EXCHANGE_ONLINE
        ? FakeTenant.exchangeOnline(ONLINE).dehydrated().license(SKU)
        : FakeTenant.exchangeServer(SERVER);
    return b.userMailbox(ANN, "Ann Ames").userMailbox(BOB, "Bob Brown").userMailbox(DAN, "Dan Dunn")
        .userMailbox(CEO, "Carol CEO");
  }

  /** Procedure 000: a group, LimitedImpersonationScope on its DN, a role group (server) or RBAC for Applications. */
  static Example penelope(TenantTarget.Kind kind) {
    String account = "penelope.sync@contoso.com";
    String app = "1e5f8a90-2b3c-4d4e-9f60-718293a4b5c6";
    FakeTenant tenant = kind == TenantTarget.Kind.EXCHANGE_ONLINE
        ? people(kind).application(app, "2a3b4c5d-6e7f-4081-92a3-b4c5d6e7f809", "Penelope").build()
        : people(kind).userMailbox(account, "Penelope Sync").build();
    ImpersonationSetup.Builder b = ImpersonationSetup.builder().name("Penelope").target(target(kind))
        .managementScopeName("LimitedImpersonationScope");
    if (kind == TenantTarget.Kind.EXCHANGE_ONLINE) {
      b.principal(Principal.application(app)).scope(Scope.microsoft365Group("Penelope Users").members(ANN, BOB))
          .access(Access.rbacForApplications("Application Mail.ReadWrite", "Application Calendars.ReadWrite"));
    } else {
      b.principal(Principal.serviceAccount(account)).scope(Scope.distributionGroup("Penelope Users").members(ANN, BOB))
          .access(Access.applicationImpersonation().viaRoleGroup("Penelope Impersonation"));
    }
    return new Example("penelope", kind, tenant, List.of(b.build()));
  }

  /** Procedure 001: MasterImpersonation owns RISG, RIusersScope, role group RIappImpersonation. */
  static Example revenueInbox(TenantTarget.Kind kind) {
    String account = "MasterImpersonation@contoso.com";
    String admin = "admin@contoso.com";
    String app = "3c4d5e6f-7a8b-4c9d-8e0f-1a2b3c4d5e6f";
    FakeTenant.Builder t = people(kind).userMailbox(admin, "Admin");
    FakeTenant tenant = kind == TenantTarget.Kind.EXCHANGE_ONLINE
        ? t.application(app, "4d5e6f7a-8b9c-4d0e-9f1a-2b3c4d5e6f70", "Revenue Inbox").build()
        : t.userMailbox(account, "MasterImpersonation").build();
    ImpersonationSetup.Builder b = ImpersonationSetup.builder().name("RevenueInbox").target(target(kind))
        .managementScopeName("RIusersScope");
    if (kind == TenantTarget.Kind.EXCHANGE_ONLINE) {
      b.principal(Principal.application(app))
          .scope(Scope.mailEnabledSecurityGroup("RISG").members(ANN, BOB, DAN).owner(admin).closed())
          .access(Access.rbacForApplications("Application Mail.ReadWrite", "Application Calendars.ReadWrite"));
    } else {
      b.principal(Principal.serviceAccount(account))
          .scope(Scope.mailEnabledSecurityGroup("RISG").members(ANN, BOB, DAN).owner(account).closed())
          .access(Access.applicationImpersonation().viaRoleGroup("RIappImpersonation"));
    }
    return new Example("revenue-inbox", kind, tenant, List.of(b.build()));
  }

  /** Procedure 002: organization-wide, acknowledged. */
  static Example reschedge(TenantTarget.Kind kind) {
    String account = "reschedge@contoso.com";
    String app = "5e6f7a8b-9c0d-4e1f-a2b3-c4d5e6f7a8b9";
    FakeTenant tenant = kind == TenantTarget.Kind.EXCHANGE_ONLINE
        ? people(kind).application(app, "6f7a8b9c-0d1e-4f2a-b3c4-d5e6f7a8b9c0", "Reschedge").build()
        : people(kind).userMailbox(account, "Reschedge").build();
    ImpersonationSetup.Builder b = ImpersonationSetup.builder().name("Reschedge").target(target(kind))
        .scope(Scope.organization().acknowledged()).addVerifyMailboxes(ANN, CEO);
    if (kind == TenantTarget.Kind.EXCHANGE_ONLINE) {
      b.principal(Principal.application(app)).access(Access.rbacForApplications("Application Calendars.ReadWrite")
          .replacingLegacyRoles("ApplicationImpersonation", "View-Only Configuration"));
    } else {
      b.principal(Principal.serviceAccount(account))
          .access(Access.applicationImpersonation().viaRoleGroup("Reschedge").withExtraRoles("View-Only Configuration"));
    }
    return new Example("reschedge", kind, tenant, List.of(b.build()));
  }

  static List<String> rooms() {
    List<String> rooms = new ArrayList<>();
    for (int i = 1; i <= 160; i++) {
      rooms.add(String.format("room%03d@contoso.com", i));
    }
    return rooms;
  }

  /** Procedure 003: 160 rooms in room lists of at most 75, one scope over every list, a direct assignment. */
  static Example rooms(TenantTarget.Kind kind) {
    String account = "cronofy@contoso.com";
    String app = "7a8b9c0d-1e2f-4a3b-8c4d-5e6f7a8b9c0d";
    FakeTenant.Builder t = people(kind);
    int i = 1;
    for (String room : rooms()) {
      t.roomMailbox(room, String.format("Room %03d", i++));
    }
    t.roomMailbox("boardroom@contoso.com", "Board Room");
    FakeTenant tenant = kind == TenantTarget.Kind.EXCHANGE_ONLINE
        ? t.application(app, "8b9c0d1e-2f3a-4b4c-9d5e-6f7a8b9c0d1e", "Cronofy").build() : t.build();
    ImpersonationSetup.Builder b = ImpersonationSetup.builder().name("Cronofy").target(target(kind))
        .managementScopeName("CronofyImpersonationScope").roleAssignmentName("CronofyImpersonationAssignment")
        .outsider("boardroom@contoso.com");
    if (kind == TenantTarget.Kind.EXCHANGE_ONLINE) {
      b.principal(Principal.application(app))
          .scope(Scope.roomList("Cronofy Room List").alias("cronofy.resource.list")
              .primarySmtpAddress("cronofy.resource.list@contoso.com").members(rooms()).maxMembersPerGroup(75))
          .access(Access.rbacForApplications("Application Calendars.ReadWrite"));
    } else {
      b.principal(Principal.serviceAccount(account).createIfMissing("Cronofy Service", Secret.of("Example-only-1!")))
          .scope(Scope.roomList("Cronofy Room List").alias("cronofy.resource.list")
              .primarySmtpAddress("cronofy.resource.list@contoso.com").members(rooms()).owner(account)
              .maxMembersPerGroup(75))
          .access(Access.applicationImpersonation());
    }
    return new Example("rooms", kind, tenant, List.of(b.build()));
  }

  /** Procedure 004: a Department filter scope, then FullAccess for a (created, licensed) service account. */
  static Example riva(TenantTarget.Kind kind) {
    String account = "riva@contoso.com";
    String app = "9c0d1e2f-3a4b-4c5d-ae6f-7a8b9c0d1e2f";
    FakeTenant.Builder t = people(kind).mailboxProperty(ANN, "Department", "Sales").mailboxProperty(BOB, "Department", "Sales")
        .mailboxProperty(CEO, "Department", "Executive");
    FakeTenant tenant = kind == TenantTarget.Kind.EXCHANGE_ONLINE
        ? t.application(app, "0d1e2f3a-4b5c-4d6e-8f7a-8b9c0d1e2f3a", "Riva").build()
        : t.userMailbox(account, "Riva Sync").build();
    ImpersonationSetup.Builder a = ImpersonationSetup.builder().name("Riva").target(target(kind))
        .scope(Scope.recipientFilter("Department -eq 'Sales'")).addVerifyMailboxes(ANN, BOB).outsider(CEO);
    if (kind == TenantTarget.Kind.EXCHANGE_ONLINE) {
      a.principal(Principal.application(app)).access(Access.rbacForApplications("Application EWS.AccessAsApp"));
    } else {
      a.principal(Principal.serviceAccount(account)).access(Access.applicationImpersonation());
    }
    ImpersonationSetup b = ImpersonationSetup.builder().name("Riva-FullAccess").target(target(kind))
        .principal(kind == TenantTarget.Kind.EXCHANGE_ONLINE
            ? Principal.serviceAccount(account).createIfMissing("Riva Sync", "US", SKU, Secret.of("Example-only-1!"))
            : Principal.serviceAccount(account))
        .scope(Scope.recipientFilter("(RecipientTypeDetails -eq 'UserMailbox') -and (Alias -ne 'ceo')").acknowledged())
        .access(Access.fullAccess()).outsider(CEO).build();
    return new Example("riva", kind, tenant, List.of(a.build(), b));
  }

  private static final String EWS_APP = "5a6b7c8d-9e0f-4a1b-8c2d-3e4f5a6b7c8d";
  private static final String EWS_SP = "6b7c8d9e-0f1a-4b2c-9d3e-4f5a6b7c8d9e";

  /** The EWS vendor of December 2026: EWS.AccessAsApp and the allow list online, ApplicationImpersonation on the server. */
  static Example ewsVendor(TenantTarget.Kind kind) {
    FakeTenant.Builder b = people(kind).startingAt(java.time.Instant.parse("2026-12-03T09:00:00Z"));
    FakeTenant tenant = kind == TenantTarget.Kind.EXCHANGE_ONLINE
        ? b.application(EWS_APP, EWS_SP, "Legacy EWS Sync").organizationEwsEnabled(true)
            .organizationEwsAllowedAppIds("0c1d2e3f-4a5b-4c6d-8e7f-8a9b0c1d2e3f").build()
        : b.userMailbox("ews-sync@contoso.com", "EWS Sync").build();
    return new Example("ews-vendor", kind, tenant, List.of(ewsVendorSetup(kind)));
  }

  private static ImpersonationSetup ewsVendorSetup(TenantTarget.Kind kind) {
    ImpersonationSetup.Builder b = ImpersonationSetup.builder().name("EwsSync").target(target(kind)).outsider(CEO);
    return kind == TenantTarget.Kind.EXCHANGE_ONLINE
        ? b.principal(Principal.application(EWS_APP)).scope(Scope.mailEnabledSecurityGroup("EWS Sync Users").members(ANN, BOB, DAN))
            .access(Access.rbacForApplications("Application EWS.AccessAsApp")).allowingEws().build()
        : b.principal(Principal.serviceAccount("ews-sync@contoso.com")).scope(Scope.distributionGroup("EWS Sync Users")
            .members(ANN, BOB, DAN)).access(Access.applicationImpersonation()).build();
  }

  /** The access-policy migration: a RestrictAccess policy over a group with a nested group, and tenant-wide consent. */
  static Example accessPolicyMigration() {
    String app = "2b3c4d5e-6f70-4a81-9b2c-3d4e5f607182";
    FakeTenant tenant = FakeTenant.exchangeOnline(ONLINE).userMailbox(ANN).userMailbox(BOB).userMailbox(DAN)
        .userMailbox("eve@contoso.com").userMailbox(CEO).application(app, "3c4d5e6f-7081-4b92-8c3d-4e5f60718293", "Calendar Sync")
        .consent(app, "Mail.ReadWrite", "Calendars.ReadWrite").mailEnabledSecurityGroup("Sales", DAN, "eve@contoso.com")
        .mailEnabledSecurityGroup("Sync Users", ANN, BOB, "Sales").mailEnabledSecurityGroup("Executives", CEO)
        .accessPolicy(app, "Sync Users", "RestrictAccess").accessPolicy(app, "Executives", "DenyAccess").build();
    ImpersonationSetup setup = dev.impersonation.migration.AccessPolicyMigration.read(tenant.connection(), app)
        .flatteningNestedMembers().removingConsentAndPolicyWhenConfirmed().toSetup("CalendarSync");
    return new Example("access-policy-migration", TenantTarget.Kind.EXCHANGE_ONLINE, tenant, List.of(setup));
  }

  /** The EWS vendor's Graph roles planned beside its applied EWS setup. */
  static Example ewsMigration() {
    Example ews = ewsVendor(TenantTarget.Kind.EXCHANGE_ONLINE);
    ews.setups().get(0).apply(ews.tenant().connection());
    ImpersonationSetup graph = dev.impersonation.migration.EwsMigration.of(ews.setups().get(0))
        .withGraphRoles("Application Mail.ReadWrite", "Application Calendars.ReadWrite").graphSetup();
    return new Example("ews-migration", TenantTarget.Kind.EXCHANGE_ONLINE, ews.tenant(), List.of(graph));
  }
}
