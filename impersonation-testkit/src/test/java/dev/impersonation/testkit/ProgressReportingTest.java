package dev.impersonation.testkit;

import static dev.impersonation.testkit.Fixtures.RI_APP;
import static dev.impersonation.testkit.Fixtures.RI_SP;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.impersonation.Access;
import dev.impersonation.ImpersonationSetup;
import dev.impersonation.Principal;
import dev.impersonation.Scope;
import dev.impersonation.TenantTarget;
import dev.impersonation.plan.ProgressListener.ProgressEvent;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** Planning, long member steps and bounded waits all report progress. */
class ProgressReportingTest {
  static final List<String> MEMBERS = IntStream.range(0, 45).mapToObj(i -> "user" + i + "@contoso.com").toList();

  private static FakeTenant tenant() {
    FakeTenant.Builder b = FakeTenant.exchangeOnline(Fixtures.ONLINE).application(RI_APP, RI_SP, "Revenue Inbox");
    MEMBERS.forEach(b::userMailbox);
    // The group exists, so its members are added one by one (a group the plan creates takes them in the create).
    return b.distributionGroup("Sync Users").build();
  }

  private static ImpersonationSetup setup() {
    return ImpersonationSetup.builder().name("Sync").target(Fixtures.target(TenantTarget.Kind.EXCHANGE_ONLINE))
        .principal(Principal.application(RI_APP)).scope(Scope.distributionGroup("Sync Users").members(MEMBERS))
        .access(Access.rbacForApplications("Application Mail.Read")).build();
  }

  @Test
  @DisplayName("plan(connection, listener) reports each phase and the members it read")
  void planReportsItsPhases() {
    List<ProgressEvent> events = new ArrayList<>();
    setup().plan(tenant().connection(), events::add);
    List<String> messages = events.stream().map(ProgressEvent::message).toList();
    assertTrue(events.stream().allMatch(e -> e.kind() == ProgressEvent.Kind.INFO), events.toString());
    assertEquals("plan: reading the organization", messages.get(0));
    assertTrue(messages.stream().anyMatch(m -> m.startsWith("plan: reading the scope")), messages.toString());
    assertTrue(messages.get(messages.size() - 1).matches("plan: planned \\d+ step\\(s\\), 0 blocked"), messages.toString());
  }

  @Test
  @DisplayName("a member step written in many parts reports 'n of N' at most about 20 times, always the last")
  void memberStepsReportNofN() {
    List<ProgressEvent> events = new ArrayList<>();
    FakeTenant tenant = tenant();
    assertTrue(setup().apply(tenant.connection(), events::add).succeeded());
    List<String> progress = events.stream().map(ProgressEvent::message).filter(m -> m.contains(" of 45 member(s)")).toList();
    assertTrue(!progress.isEmpty() && progress.size() <= 21, progress.toString());
    assertTrue(progress.get(progress.size() - 1).endsWith("added 45 of 45 member(s)"), progress.toString());
  }

  @Test
  @DisplayName("WAITING events carry how long the wait has lasted and its deadline")
  void waitingEventsCarryElapsedAndDeadline() {
    FakeTenant tenant = tenant();
    ImpersonationSetup setup = setup();
    assertTrue(setup.apply(tenant.connection()).succeeded());
    List<ProgressEvent> events = new ArrayList<>();
    Instant start = tenant.clock().instant();
    setup.awaitVerification(tenant.connection(), Duration.ofHours(3), events::add);
    List<ProgressEvent> waits = events.stream().filter(e -> e.kind() == ProgressEvent.Kind.WAITING).toList();
    assertTrue(waits.size() >= 2, events.toString());
    for (ProgressEvent w : waits) {
      assertEquals(start.plus(Duration.ofHours(3)), w.deadline().orElseThrow());
      assertEquals(Duration.between(start, w.at()), w.elapsed().orElseThrow());
    }
    assertTrue(waits.get(1).elapsed().orElseThrow().compareTo(waits.get(0).elapsed().orElseThrow()) > 0);
    assertTrue(waits.get(1).toString().contains("waited 5m") && waits.get(1).toString().contains("of at most 3h"), waits.get(1).toString());
  }

  @Test
  @DisplayName("the console listener prints one line per event, waits with how long so far and until when")
  void consoleListenerShowsWaits() {
    FakeTenant tenant = tenant();
    ImpersonationSetup setup = setup();
    java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
    java.io.PrintStream out = new java.io.PrintStream(bytes, true, java.nio.charset.StandardCharsets.UTF_8);
    assertTrue(setup.apply(tenant.connection(), dev.impersonation.plan.ProgressListener.console(out)).succeeded());
    setup.awaitVerification(tenant.connection(), Duration.ofHours(3), dev.impersonation.plan.ProgressListener.console(out));
    List<String> lines = bytes.toString(java.nio.charset.StandardCharsets.UTF_8).lines().toList();
    assertTrue(lines.stream().anyMatch(l -> l.startsWith("  INFO: plan: reading the organization")), lines.toString());
    assertTrue(lines.stream().anyMatch(l -> l.contains("added 45 of 45 member(s)")), lines.toString());
    assertTrue(lines.stream().anyMatch(l -> l.startsWith("  WAITING: ") && l.contains(", waited ") && l.contains(", until 20")),
        lines.toString());
  }
}
