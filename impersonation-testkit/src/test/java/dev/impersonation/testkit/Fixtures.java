package dev.impersonation.testkit;

import dev.impersonation.Access;
import dev.impersonation.ImpersonationSetup;
import dev.impersonation.Principal;
import dev.impersonation.Scope;
import dev.impersonation.Secret;
import dev.impersonation.TenantTarget;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

/** Tenants and setups shaped like the vendor procedures of docs/vendor-procedures.md (copied from the examples' shapes). */
final class Fixtures {
  static final String ONLINE = "contoso.onmicrosoft.com";
  static final String SERVER = "contoso.com";
  static final String ANN = "ann@contoso.com";
  static final String BOB = "bob@contoso.com";
  static final String DAN = "dan@contoso.com";
  static final String EVE = "eve@contoso.com";
  static final String FAY = "fay@contoso.com";
  static final String CEO = "ceo@contoso.com";
  static final String ADMIN = "admin@contoso.com";
  static final String SKU = "6fd2c87f-b296-42f0-b197-1e91e994b900";

  static final String RI_SERVICE_ACCOUNT = "MasterImpersonation@contoso.com";
  static final String RI_APP = "3c4d5e6f-7a8b-4c9d-8e0f-1a2b3c4d5e6f";
  static final String RI_SP = "4d5e6f7a-8b9c-4d0e-9f1a-2b3c4d5e6f70";
  static final String ROOMS_SERVICE_ACCOUNT = "cronofy@contoso.com";
  static final String ROOMS_APP = "7a8b9c0d-1e2f-4a3b-8c4d-5e6f7a8b9c0d";
  static final String ROOMS_SP = "8b9c0d1e-2f3a-4b4c-9d5e-6f7a8b9c0d1e";
  static final String FA_SERVICE_ACCOUNT = "riva@contoso.com";

  private Fixtures() {}

  static TenantTarget target(TenantTarget.Kind kind) {
    return kind == TenantTarget.Kind.EXCHANGE_ONLINE ? TenantTarget.exchangeOnline(ONLINE) : TenantTarget.exchangeServer(SERVER);
  }

  /** Ann, Bob, Dan, Eve, Fay, the CEO and an admin; Exchange Online ones are dehydrated and own a licence. */
  static FakeTenant.Builder people(TenantTarget.Kind kind) {
    FakeTenant.Builder b = kind == TenantTarget.Kind.EXCHANGE_ONLINE
        ? FakeTenant.exchangeOnline(ONLINE).dehydrated().license(SKU)
        : FakeTenant.exchangeServer(SERVER);
    return b.userMailbox(ANN, "Ann Ames").userMailbox(BOB, "Bob Brown").userMailbox(DAN, "Dan Dunn")
        .userMailbox(EVE, "Eve Evans").userMailbox(FAY, "Fay Fox").userMailbox(CEO, "Carol CEO").userMailbox(ADMIN, "Admin");
  }

  static List<String> rooms(int n) {
    List<String> rooms = new ArrayList<>();
    for (int i = 1; i <= n; i++) {
      rooms.add(String.format("room%02d@contoso.com", i));
    }
    return rooms;
  }

  /** A scenario: a fresh tenant factory and the setup to apply to it. */
  record Scenario(String name, Supplier<FakeTenant> tenant, ImpersonationSetup setup, List<String> preExistingMembers,
      String group) {
    @Override
    public String toString() {
      return name;
    }
  }

  /** Procedure 001 on Exchange Online: RBAC for Applications over a new, hidden MESG RISG. */
  static Scenario revenueInboxOnline() {
    ImpersonationSetup setup = ImpersonationSetup.builder().name("RevenueInbox").target(target(TenantTarget.Kind.EXCHANGE_ONLINE))
        .managementScopeName("RIusersScope")
        .principal(Principal.application(RI_APP))
        .scope(Scope.mailEnabledSecurityGroup("RISG").members(ANN, BOB, DAN).owner(ADMIN).closed().hiddenFromAddressLists())
        .access(Access.rbacForApplications("Application Mail.ReadWrite", "Application Calendars.ReadWrite"))
        .build();
    return new Scenario("RevenueInbox on Exchange Online", () -> people(TenantTarget.Kind.EXCHANGE_ONLINE)
        .application(RI_APP, RI_SP, "Revenue Inbox").build(), setup, List.of(), "RISG");
  }

  /** Procedure 001 on Exchange Server: RISG already exists with an undeclared member; role group RIappImpersonation. */
  static Scenario revenueInboxServer() {
    ImpersonationSetup setup = ImpersonationSetup.builder().name("RevenueInbox").target(target(TenantTarget.Kind.EXCHANGE_SERVER))
        .managementScopeName("RIusersScope")
        .principal(Principal.serviceAccount(RI_SERVICE_ACCOUNT))
        .scope(Scope.mailEnabledSecurityGroup("RISG").members(ANN, BOB, DAN).owner(RI_SERVICE_ACCOUNT).closed())
        .access(Access.applicationImpersonation().viaRoleGroup("RIappImpersonation").withExtraRoles("View-Only Configuration"))
        .build();
    return new Scenario("RevenueInbox on Exchange Server (existing RISG)", () -> people(TenantTarget.Kind.EXCHANGE_SERVER)
        .userMailbox(RI_SERVICE_ACCOUNT, "MasterImpersonation").mailEnabledSecurityGroup("RISG", ANN, EVE).build(),
        setup, List.of(ANN, EVE), "RISG");
  }

  /** Procedure 003 on Exchange Online: room lists of at most 2 rooms, the first existing with an undeclared room. */
  static Scenario roomsOnline() {
    List<String> rooms = rooms(5);
    ImpersonationSetup setup = ImpersonationSetup.builder().name("Cronofy").target(target(TenantTarget.Kind.EXCHANGE_ONLINE))
        .managementScopeName("CronofyImpersonationScope").roleAssignmentName("CronofyImpersonationAssignment")
        .outsider("boardroom@contoso.com")
        .principal(Principal.application(ROOMS_APP))
        .scope(Scope.roomList("Cronofy Room List").alias("cronofy.resource.list").members(rooms).maxMembersPerGroup(2))
        .access(Access.rbacForApplications("Application Calendars.ReadWrite"))
        .build();
    return new Scenario("Rooms on Exchange Online (existing first list)", () -> {
      FakeTenant.Builder b = people(TenantTarget.Kind.EXCHANGE_ONLINE);
      int i = 1;
      for (String room : rooms(5)) {
        b.roomMailbox(room, String.format("Room %03d", i++));
      }
      return b.roomMailbox("oldroom@contoso.com", "Old Room").roomMailbox("boardroom@contoso.com", "Board Room")
          .roomList("Cronofy Room List", "oldroom@contoso.com").application(ROOMS_APP, ROOMS_SP, "Cronofy").build();
    }, setup, List.of("oldroom@contoso.com"), "Cronofy Room List");
  }

  /** Procedure 003 on Exchange Server: the service account is created, three room lists, a direct assignment. */
  static Scenario roomsServer() {
    List<String> rooms = rooms(5);
    ImpersonationSetup setup = ImpersonationSetup.builder().name("Cronofy").target(target(TenantTarget.Kind.EXCHANGE_SERVER))
        .managementScopeName("CronofyImpersonationScope").roleAssignmentName("CronofyImpersonationAssignment")
        .outsider("boardroom@contoso.com")
        .principal(Principal.serviceAccount(ROOMS_SERVICE_ACCOUNT).createIfMissing("Cronofy Service", Secret.of("Test-only-1!")))
        .scope(Scope.roomList("Cronofy Room List").alias("cronofy.resource.list").members(rooms)
            .owner(ROOMS_SERVICE_ACCOUNT).maxMembersPerGroup(2))
        .access(Access.applicationImpersonation())
        .build();
    return new Scenario("Rooms on Exchange Server (new service account)", () -> {
      FakeTenant.Builder b = people(TenantTarget.Kind.EXCHANGE_SERVER);
      int i = 1;
      for (String room : rooms(5)) {
        b.roomMailbox(room, String.format("Room %03d", i++));
      }
      return b.roomMailbox("boardroom@contoso.com", "Board Room").build();
    }, setup, List.of(), "Cronofy Room List");
  }

  /** Procedure 004B on Exchange Online: FullAccess for a service account the plan creates, licenses and waits for. */
  static Scenario fullAccessOnline() {
    ImpersonationSetup setup = ImpersonationSetup.builder().name("Riva-FullAccess").target(target(TenantTarget.Kind.EXCHANGE_ONLINE))
        .principal(Principal.serviceAccount(FA_SERVICE_ACCOUNT).createIfMissing("Riva Sync", "US", SKU, Secret.of("Test-only-1!")))
        .scope(Scope.mailboxes(ANN, BOB)).access(Access.fullAccess()).outsider(CEO).build();
    return new Scenario("FullAccess on Exchange Online (new licensed account)",
        () -> people(TenantTarget.Kind.EXCHANGE_ONLINE).build(), setup, List.of(), "");
  }

  static List<Scenario> crashScenarios() {
    return List.of(revenueInboxOnline(), revenueInboxServer(), roomsOnline(), roomsServer(), fullAccessOnline(),
        administrativeUnitOnline());
  }

  static final String AU = "0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d";

  /** RBAC for Applications scoped to an existing administrative unit with an undeclared member; three members declared. */
  static Scenario administrativeUnitOnline() {
    ImpersonationSetup setup = ImpersonationSetup.builder().name("AuSync").target(target(TenantTarget.Kind.EXCHANGE_ONLINE))
        .principal(Principal.application(RI_APP)).outsider(CEO)
        .scope(Scope.administrativeUnit(AU).members(ANN, BOB, DAN))
        .access(Access.rbacForApplications("Application Mail.ReadWrite", "Application Calendars.ReadWrite"))
        .build();
    return new Scenario("Administrative unit on Exchange Online (existing unit, one undeclared member)",
        () -> people(TenantTarget.Kind.EXCHANGE_ONLINE).application(RI_APP, RI_SP, "AU Sync").administrativeUnit(AU, ANN, EVE)
            .build(), setup, List.of(), "");
  }
}
