package dev.impersonation.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.impersonation.TenantTarget;
import dev.impersonation.plan.Step.StepAction;
import dev.impersonation.verify.MailboxAccess.AccessState;
import dev.impersonation.verify.MailboxAccess;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Each vendor procedure, legacy on Exchange Server and modern on Exchange Online: plan, apply, re-plan, verify. */
class VendorExamplesTest {

  static Stream<Arguments> examples() {
    return VendorExample.all().stream().flatMap(e -> Stream.of(TenantTarget.Kind.values()).map(k -> Arguments.of(e, k)));
  }

  @ParameterizedTest(name = "{0} on {1}")
  @MethodSource("examples")
  void appliesConvergesAndVerifies(VendorExample example, TenantTarget.Kind kind) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ExampleRun run = ExampleRun.run(example, kind, new PrintStream(out, true, StandardCharsets.UTF_8));
    String log = out.toString(StandardCharsets.UTF_8);
    for (ExampleRun.Cycle c : run.cycles()) {
      assertTrue(c.plan().blockedSteps().isEmpty(), () -> "blocked steps:\n" + c.plan());
      assertFalse(c.plan().changes().isEmpty(), () -> "a fresh tenant needs changes:\n" + c.plan());
      assertTrue(c.applied().succeeded(), () -> c.applied().toString());
      assertPlanJson(c.plan());
      assertTrue(c.replan().isConverged(), () -> "re-plan is not all no-ops:\n" + c.replan());
      for (MailboxAccess m : c.verification().mailboxes()) {
        assertEquals(m.inScope() ? AccessState.GRANTED : AccessState.DENIED, m.state(), () -> m + "\n" + c.verification());
      }
      assertTrue(c.verification().mailboxes().stream().anyMatch(MailboxAccess::inScope), "at least one in-scope mailbox checked");
      boolean organizationWide = c.setup().scope() instanceof dev.impersonation.Scope.OrganizationScope;
      assertEquals(!organizationWide, c.verification().mailboxes().stream().anyMatch(m -> !m.inScope()),
          "an outsider is checked unless the scope is the whole organization");
    }
    assertTrue(run.succeeded(), log);
    // A second apply on the converged tenant writes nothing.
    int writes = run.tenant().writes().size();
    run.cycles().forEach(c -> c.setup().apply(run.tenant().connection()));
    assertEquals(writes, run.tenant().writes().size(), "re-applying a converged setup must not write");
  }

  /** The JSON form carries every step with its action, reason and typed operation. */
  private static void assertPlanJson(dev.impersonation.plan.Plan plan) {
    try {
      String text = plan.toJson();
      assertFalse(text.contains("Example-only-1!") || text.contains("\"password\""), "no secret in plan JSON");
      com.fasterxml.jackson.databind.JsonNode json = dev.impersonation.plan.Plan.jsonMapper().readTree(text);
      assertEquals(plan.setupName(), json.get("setupName").asText());
      assertEquals(plan.steps().size(), json.get("steps").size());
      for (int i = 0; i < plan.steps().size(); i++) {
        var step = plan.steps().get(i);
        var node = json.get("steps").get(i);
        assertEquals(step.action().name(), node.get("action").asText());
        assertEquals(step.reason(), node.get("reason").asText());
        step.operation().ifPresent(op -> assertEquals(op.getClass().getSimpleName(), node.get("operation").get("type").asText()));
      }
    } catch (java.io.IOException e) {
      throw new AssertionError(e);
    }
  }

  @ParameterizedTest(name = "{0} on {1}")
  @MethodSource("examples")
  void legacyOnServerModernOnline(VendorExample example, TenantTarget.Kind kind) {
    example.setups(kind).forEach(s -> {
      if (kind == TenantTarget.Kind.EXCHANGE_ONLINE) {
        assertFalse(s.access() instanceof dev.impersonation.Access.ApplicationImpersonation, "no ApplicationImpersonation on EXO");
      }
    });
    boolean dehydratedOnline = kind == TenantTarget.Kind.EXCHANGE_ONLINE;
    var plan = example.setups(kind).get(0).plan(example.tenant(kind).connection());
    boolean customizes = plan.steps().stream().anyMatch(s -> s.action() == StepAction.PREREQUISITE
        && s.operation().orElse(null) instanceof dev.impersonation.spi.Operation.EnableOrganizationCustomization);
    assertEquals(dehydratedOnline, customizes, () -> "organization customization only on the dehydrated EXO tenant\n" + plan);
  }
}
