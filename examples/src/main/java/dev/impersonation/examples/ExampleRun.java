package dev.impersonation.examples;

import dev.impersonation.ImpersonationSetup;
import dev.impersonation.TenantConnection;
import dev.impersonation.TenantTarget;
import dev.impersonation.plan.ApplyResult;
import dev.impersonation.plan.Plan;
import dev.impersonation.plan.ProgressListener;
import dev.impersonation.testkit.FakeTenant;
import dev.impersonation.verify.VerificationReport;
import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Runs one example on one kind of tenant: plan, apply, re-plan (expect no-ops), verify (waiting out propagation on
 * the fake clock), and keeps everything for inspection.
 *
 * @param example the example
 * @param kind the target kind
 * @param tenant the tenant it ran against
 * @param cycles one cycle per setup
 */
public record ExampleRun(VendorExample example, TenantTarget.Kind kind, FakeTenant tenant, List<Cycle> cycles) {

  /**
   * One setup's cycle.
   *
   * @param setup the setup
   * @param plan the first plan
   * @param applied the apply result
   * @param replan the plan made right after applying
   * @param verification the final verification
   */
  public record Cycle(ImpersonationSetup setup, Plan plan, ApplyResult applied, Plan replan, VerificationReport verification) {}

  /** Runs {@code example} on a fresh tenant of {@code kind}, printing to {@code out}. */
  public static ExampleRun run(VendorExample example, TenantTarget.Kind kind, PrintStream out) {
    return run(example, kind, out, FakeTenant::connection);
  }

  /**
   * Runs {@code example} on a fresh tenant of {@code kind} through the connection {@code connect} makes for it (e.g.
   * the Exchange REST backend against a simulator of that tenant).
   */
  public static ExampleRun run(VendorExample example, TenantTarget.Kind kind, PrintStream out,
      java.util.function.Function<FakeTenant, TenantConnection> connect) {
    FakeTenant tenant = example.tenant(kind);
    TenantConnection connection = connect.apply(tenant);
    List<Cycle> cycles = new ArrayList<>();
    out.println("######## " + example.title() + " on " + tenant.target());
    for (ImpersonationSetup setup : example.setups(kind)) {
      Plan plan = setup.plan(connection);
      out.println(plan);
      ApplyResult applied = setup.apply(plan, connection, ProgressListener.console(out));
      out.println(applied);
      Plan replan = setup.plan(connection);
      out.println("Re-plan: " + (replan.isConverged() ? "converged (only no-ops)" : "NOT converged\n" + replan));
      VerificationReport report = setup.awaitVerification(connection, Duration.ofHours(3), ProgressListener.none());
      out.println(report);
      cycles.add(new Cycle(setup, plan, applied, replan, report));
    }
    return new ExampleRun(example, kind, tenant, cycles);
  }

  /** True when every setup applied, converged and verified. */
  public boolean succeeded() {
    return cycles.stream().allMatch(c -> c.applied().succeeded() && c.replan().isConverged() && c.verification().isSatisfied());
  }
}
