package dev.impersonation.testkit.junit5;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

import dev.impersonation.TenantConnection;
import dev.impersonation.testkit.FakeClock;
import dev.impersonation.testkit.FakeTenant;
import dev.impersonation.testkit.Faults;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.platform.testkit.engine.EngineTestKit;
import org.junit.platform.testkit.engine.EventType;
import org.junit.platform.testkit.engine.Events;

/**
 * Runs sample test classes through the JUnit engine to check how the extension behaves for test authors. The samples
 * are static nested classes, which Surefire does not run on their own (its default excludes skip {@code *$*}); two of
 * them fail on purpose.
 */
class FakeTenantExtensionTest {
  static final List<FakeTenant> SEEN = new ArrayList<>();

  private static Events run(Class<?> sample) {
    SEEN.clear();
    return EngineTestKit.engine("junit-jupiter").selectors(selectClass(sample)).execute().testEvents();
  }

  @FakeTenantTest(exchangeOnline = "contoso.onmicrosoft.com", dehydrated = true, seeds = AnnSeed.class)
  static class Declarative {
    @Test
    void one(FakeTenant tenant, TenantConnection connection, FakeClock clock, Faults faults) {
      SEEN.add(tenant);
      assertTrue(tenant.isDehydrated());
      assertTrue(tenant.mailbox("ann@contoso.com").isPresent());
      assertSame(tenant.clock(), clock);
      assertSame(tenant.faults(), faults);
      assertEquals(tenant.target(), connection.target());
    }

    @Test
    void two(FakeTenant tenant) {
      SEEN.add(tenant);
    }
  }

  /** Seeds Ann. */
  public static final class AnnSeed implements TenantSeed {
    @Override
    public void seed(FakeTenant.Builder tenant) {
      tenant.userMailbox("ann@contoso.com");
    }
  }

  @Test
  void declarativeStyleInjectsAFreshTenantPerTest() {
    run(Declarative.class).assertStatistics(s -> s.started(2).succeeded(2));
    assertEquals(2, SEEN.size());
    assertNotSame(SEEN.get(0), SEEN.get(1));
  }

  static class Programmatic {
    @RegisterExtension
    final FakeTenantExtension fake = FakeTenantExtension.of(() -> FakeTenant.exchangeServer("contoso.com").userMailbox("ann@contoso.com"));

    @Test
    void one(FakeTenant tenant) {
      SEEN.add(tenant);
      assertSame(fake.tenant(), tenant);
    }

    @Test
    void two(FakeTenant tenant) {
      SEEN.add(tenant);
    }
  }

  @Test
  void anInstanceFieldGivesEachTestItsOwnTenant() {
    run(Programmatic.class).assertStatistics(s -> s.started(2).succeeded(2));
    assertNotSame(SEEN.get(0), SEEN.get(1));
  }

  @TestMethodOrder(MethodOrderer.OrderAnnotation.class)
  static class Shared {
    @RegisterExtension
    static final FakeTenantExtension FAKE = FakeTenantExtension.of(() -> FakeTenant.exchangeServer("contoso.com"));

    @Test
    @Order(1)
    void one(FakeTenant tenant) {
      SEEN.add(tenant);
      tenant.clock().advance(java.time.Duration.ofHours(1));
    }

    @Test
    @Order(2)
    void two(FakeTenant tenant) {
      SEEN.add(tenant);
      assertEquals(FakeTenant.EPOCH.plusSeconds(3600), tenant.clock().instant(), "state carries over");
    }
  }

  @Test
  void aStaticFieldSharesOneTenantPerClass() {
    run(Shared.class).assertStatistics(s -> s.started(2).succeeded(2));
    assertSame(SEEN.get(0), SEEN.get(1));
  }

  @org.junit.jupiter.api.extension.ExtendWith(FakeTenantExtension.class)
  static class MissingAnnotation {
    @Test
    void test(FakeTenant tenant) {
      SEEN.add(tenant);
    }
  }

  @Test
  void registeringWithoutTheAnnotationExplainsWhatToDo() {
    Events events = run(MissingAnnotation.class);
    events.assertStatistics(s -> s.failed(1));
    Throwable failure = events.filter(e -> e.getType() == EventType.FINISHED).findFirst().orElseThrow()
        .getPayload(org.junit.platform.engine.TestExecutionResult.class).orElseThrow().getThrowable().orElseThrow();
    assertTrue(failure.getMessage().contains("@FakeTenantTest") && failure.getMessage().contains("@RegisterExtension"),
        failure.getMessage());
  }

  @FakeTenantTest(exchangeOnline = "contoso.onmicrosoft.com")
  static class FailingTest {
    @Test
    void fails(FakeTenant tenant) {
      tenant.connection().exchange().orElseThrow().findRecipient("ghost@contoso.com");
      throw new AssertionError("the code under test did something wrong");
    }
  }

  @Test
  void aFailureCarriesTheTenantsJournal() {
    Events events = run(FailingTest.class);
    Throwable failure = events.filter(e -> e.getType() == EventType.FINISHED).findFirst().orElseThrow()
        .getPayload(org.junit.platform.engine.TestExecutionResult.class).orElseThrow().getThrowable().orElseThrow();
    assertEquals(1, failure.getSuppressed().length);
    assertTrue(failure.getSuppressed()[0].getMessage().contains("findRecipient(ghost@contoso.com)"),
        failure.getSuppressed()[0].getMessage());
  }
}
