package dev.impersonation.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.impersonation.TenantTarget;
import dev.impersonation.testkit.FakeTenant;
import java.io.OutputStream;
import java.io.PrintStream;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** The room procedure imports its rooms from CSV and splits them into room lists of at most 75, one scope over all. */
class RoomBookingExampleTest {

  @ParameterizedTest
  @EnumSource(TenantTarget.Kind.class)
  void splitsRoomsIntoListsOfAtMost75UnderOneScope(TenantTarget.Kind kind) {
    List<String> rooms = RoomBookingExample.roomsFromCsv();
    assertEquals(160, rooms.size());
    ExampleRun run = ExampleRun.run(new RoomBookingExample(), kind, new PrintStream(OutputStream.nullOutputStream()));
    FakeTenant tenant = run.tenant();
    List<String> lists = List.of("Cronofy Room List", "Cronofy Room List 2", "Cronofy Room List 3");
    int total = 0;
    for (String list : lists) {
      var group = tenant.group(list).orElseThrow();
      assertEquals(dev.impersonation.GroupKind.ROOM_LIST, group.kind());
      String n = list.equals("Cronofy Room List") ? "" : list.substring(list.length() - 1);
      assertEquals("cronofy.resource.list" + n + "@contoso.com", group.primarySmtpAddress(), "the declared address, numbered");
      int size = tenant.members(list).size();
      assertTrue(size <= 75, list + " has " + size + " rooms");
      total += size;
    }
    assertEquals(160, total);
    assertTrue(tenant.group("Cronofy Room List 4").isEmpty());
    if (kind == TenantTarget.Kind.EXCHANGE_ONLINE) {
      // RBAC for Applications: one -RecipientGroupScope assignment per room list, no management scope (no DN).
      assertTrue(tenant.managementScope("CronofyImpersonationScope").isEmpty());
      assertEquals(lists, tenant.roleAssignments().stream().filter(a -> a.scopeType() == dev.impersonation.spi.ScopeType.RECIPIENT_GROUP)
          .map(a -> a.scope()).sorted().toList());
    } else {
      String filter = tenant.managementScope("CronofyImpersonationScope").orElseThrow().recipientFilter();
      for (String list : lists) {
        assertTrue(filter.contains("MemberOfGroup -eq '" + tenant.group(list).orElseThrow().distinguishedName() + "'"), filter);
      }
      assertTrue(filter.contains(" -or "), filter);
    }
    assertTrue(run.succeeded());
  }
}
