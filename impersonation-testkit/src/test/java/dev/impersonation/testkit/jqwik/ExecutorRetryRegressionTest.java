package dev.impersonation.testkit.jqwik;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.impersonation.Access;
import dev.impersonation.ImpersonationSetup;
import dev.impersonation.Principal;
import dev.impersonation.Scope;
import dev.impersonation.Secret;
import dev.impersonation.TenantTarget;
import dev.impersonation.plan.ApplyResult;
import dev.impersonation.plan.Plan;
import dev.impersonation.plan.ProgressListener.ProgressEvent;
import dev.impersonation.testkit.FakeTenant;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The two executor bugs the fault-tolerance property found, pinned down as examples. */
class ExecutorRetryRegressionTest {
  private static final String DOMAIN = "contoso.com";

  /** The retry budget is per call: a fault on the 10th of ten member additions is retried, not fatal. */
  @Test
  void aFaultAfterMaxAttemptsCallsOfAStepIsRetried() {
    FakeTenant.Builder b = FakeTenant.exchangeServer(DOMAIN).userMailbox("svc@" + DOMAIN);
    List<String> members = new ArrayList<>();
    for (int i = 1; i <= 10; i++) {
      members.add("user" + i + "@" + DOMAIN);
      b.userMailbox("user" + i + "@" + DOMAIN);
    }
    // The group exists, so each member is its own call (a group the plan creates takes them in the create).
    FakeTenant tenant = b.distributionGroup("Budget Users").build();
    ImpersonationSetup setup = ImpersonationSetup.builder().name("Budget").target(TenantTarget.exchangeServer(DOMAIN))
        .principal(Principal.serviceAccount("svc@" + DOMAIN)).scope(Scope.distributionGroup("Budget Users").members(members))
        .access(Access.applicationImpersonation()).build();
    Plan plan = setup.plan(tenant.connection());
    tenant.faults().on("AddGroupMembers").onCall(10).unavailable();
    List<ProgressEvent> events = new ArrayList<>();
    ApplyResult result = setup.apply(plan, tenant.connection(), events::add);
    assertTrue(result.succeeded(), result.toString());
    assertEquals(1, events.stream().filter(e -> e.kind() == ProgressEvent.Kind.RETRYING).count(), events.toString());
    assertTrue(events.stream().anyMatch(e -> e.message().contains("(attempt 1 of 8)")), events.toString());
    assertEquals(10, tenant.members("Budget Users").size());
  }

  /** A throttled read while waiting for a new mailbox is a RETRYING event that waits Retry-After. */
  @Test
  void aThrottledReadWhileWaitingForAMailboxIsARetry() {
    FakeTenant tenant = FakeTenant.exchangeServer(DOMAIN).userMailbox("ann@" + DOMAIN).build();
    ImpersonationSetup setup = ImpersonationSetup.builder().name("Await").target(TenantTarget.exchangeServer(DOMAIN))
        .principal(Principal.serviceAccount("svc@" + DOMAIN).createIfMissing("Svc", Secret.of("Test-only-1!")))
        .scope(Scope.mailboxes("ann@" + DOMAIN)).access(Access.fullAccess()).build();
    Plan plan = setup.plan(tenant.connection());
    tenant.faults().on("exchange.findRecipient").onCall(1).throttle(Duration.ofSeconds(7));
    List<ProgressEvent> events = new ArrayList<>();
    ApplyResult result = setup.apply(plan, tenant.connection(), events::add);
    assertTrue(result.succeeded(), result.toString());
    List<ProgressEvent> retries = events.stream().filter(e -> e.kind() == ProgressEvent.Kind.RETRYING).toList();
    assertEquals(1, retries.size(), events.toString());
    assertEquals(Duration.ofSeconds(7), retries.get(0).delay().orElseThrow());
    assertTrue(events.stream().noneMatch(e -> e.kind() == ProgressEvent.Kind.WAITING), "not 'not provisioned yet': " + events);
  }
}
