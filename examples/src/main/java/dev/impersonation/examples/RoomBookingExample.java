package dev.impersonation.examples;

import dev.impersonation.Access;
import dev.impersonation.ImpersonationSetup;
import dev.impersonation.MemberCsv;
import dev.impersonation.Principal;
import dev.impersonation.Scope;
import dev.impersonation.Secret;
import dev.impersonation.TenantTarget;
import dev.impersonation.testkit.FakeTenant;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * Procedure 003 (Cronofy / Serraview rooms): a service account, the room list "Cronofy Room List" filled from a CSV
 * of room mailboxes and split, as the vendor advises, into lists of at most 75 rooms, owned by the service account;
 * the scope CronofyImpersonationScope covers every list; CronofyImpersonationAssignment grants ApplicationImpersonation.
 * On Exchange Online the same room lists scope RBAC for Applications ({@code Application Calendars.ReadWrite}).
 */
public final class RoomBookingExample implements VendorExample {
  static final String SERVICE_ACCOUNT = "cronofy@contoso.com";
  static final String APP_ID = "7a8b9c0d-1e2f-4a3b-8c4d-5e6f7a8b9c0d";
  static final String SP_ID = "8b9c0d1e-2f3a-4b4c-9d5e-6f7a8b9c0d1e";
  static final int ROOMS_PER_LIST = 75;

  @Override
  public String id() {
    return "rooms";
  }

  @Override
  public String title() {
    return "Cronofy/Serraview rooms: room lists from CSV (max 75 rooms each), scope, direct assignment";
  }

  /** The rooms listed in the bundled {@code rooms.csv} (column ResourceAccounts, as in the vendor's Import-Csv). */
  public static List<String> roomsFromCsv() {
    try (InputStream in = RoomBookingExample.class.getResourceAsStream("/rooms.csv")) {
      return MemberCsv.parse(new String(in.readAllBytes(), StandardCharsets.UTF_8), "ResourceAccounts", "rooms.csv");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public FakeTenant tenant(TenantTarget.Kind kind) {
    FakeTenant.Builder b = Contoso.people(kind);
    int i = 1;
    for (String room : roomsFromCsv()) {
      b.roomMailbox(room, String.format("Room %03d", i++));
    }
    b.roomMailbox("boardroom@contoso.com", "Board Room");
    return kind == TenantTarget.Kind.EXCHANGE_ONLINE ? b.application(APP_ID, SP_ID, "Cronofy").build() : b.build();
  }

  @Override
  public List<ImpersonationSetup> setups(TenantTarget.Kind kind) {
    ImpersonationSetup.Builder b = ImpersonationSetup.builder().name("Cronofy").target(Contoso.target(kind))
        .managementScopeName("CronofyImpersonationScope").roleAssignmentName("CronofyImpersonationAssignment")
        .outsider("boardroom@contoso.com");
    if (kind == TenantTarget.Kind.EXCHANGE_ONLINE) {
      b.principal(Principal.application(APP_ID))
          .scope(Scope.roomList("Cronofy Room List").alias("cronofy.resource.list")
              .primarySmtpAddress("cronofy.resource.list@contoso.com").members(roomsFromCsv())
              .maxMembersPerGroup(ROOMS_PER_LIST))
          .access(Access.rbacForApplications("Application Calendars.ReadWrite"));
    } else {
      b.principal(Principal.serviceAccount(SERVICE_ACCOUNT).createIfMissing("Cronofy Service", Secret.of("Example-only-1!")))
          .scope(Scope.roomList("Cronofy Room List").alias("cronofy.resource.list")
              .primarySmtpAddress("cronofy.resource.list@contoso.com").members(roomsFromCsv())
              .owner(SERVICE_ACCOUNT).maxMembersPerGroup(ROOMS_PER_LIST))
          .access(Access.applicationImpersonation());
    }
    return List.of(b.build());
  }
}
