package dev.impersonation.examples;

import dev.impersonation.Access;
import dev.impersonation.ImpersonationSetup;
import dev.impersonation.Principal;
import dev.impersonation.Scope;
import dev.impersonation.TenantTarget;
import dev.impersonation.plan.ApplyResult;
import dev.impersonation.plan.Plan;
import dev.impersonation.testkit.FakeTenant;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Measures plan, apply, re-plan and verify against a FakeTenant for growing member counts, and counts the backend
 * calls each needs. Figures for the team's notes, never asserted: {@code Benchmark [members...]}.
 */
public final class Benchmark {
  private Benchmark() {}

  public static void main(String[] args) {
    int[] sizes = args.length == 0 ? new int[] {100, 1000, 5000} : java.util.Arrays.stream(args).mapToInt(Integer::parseInt).toArray();
    System.out.printf("%8s %10s %10s %10s %10s %12s %12s%n", "members", "plan ms", "apply ms", "replan ms", "verify ms",
        "calls/apply", "calls/replan");
    for (int round = 0; round < 2; round++) {
      for (int n : sizes) {
        FakeTenant.Builder b = FakeTenant.exchangeOnline("contoso.onmicrosoft.com")
            .application("6f1c2a3b-4d5e-4f60-8172-93a4b5c6d7e8", "9a2b3c4d-5e6f-4a7b-8c9d-0e1f2a3b4c5d", "Sync")
            .userMailbox("outsider@contoso.com");
        List<String> members = new ArrayList<>();
        for (int i = 0; i < n; i++) {
          String m = "user" + i + "@contoso.com";
          b.userMailbox(m);
          members.add(m);
        }
        FakeTenant tenant = b.build();
        ImpersonationSetup setup = ImpersonationSetup.builder().name("Bench").target(TenantTarget.exchangeOnline("contoso.onmicrosoft.com"))
            .principal(Principal.application("6f1c2a3b-4d5e-4f60-8172-93a4b5c6d7e8"))
            .scope(Scope.mailEnabledSecurityGroup("Bench Users").members(members))
            .access(Access.rbacForApplications("Application Mail.Read")).build();
        long t0 = System.nanoTime();
        Plan plan = setup.plan(tenant.connection());
        long t1 = System.nanoTime();
        int before = tenant.journal().size();
        ApplyResult result = setup.apply(plan, tenant.connection(), dev.impersonation.plan.ProgressListener.none());
        long t2 = System.nanoTime();
        int applyCalls = tenant.journal().size() - before;
        before = tenant.journal().size();
        Plan replan = setup.plan(tenant.connection());
        long t3 = System.nanoTime();
        int replanCalls = tenant.journal().size() - before;
        tenant.clock().advance(Duration.ofHours(2));
        boolean satisfied = setup.verify(tenant.connection()).isSatisfied();
        long t4 = System.nanoTime();
        if (!result.succeeded() || !replan.isConverged() || !satisfied) {
          throw new IllegalStateException("benchmark run did not converge for " + n);
        }
        if (round == 1) {
          System.out.printf("%8d %10.1f %10.1f %10.1f %10.1f %12d %12d%n", n, (t1 - t0) / 1e6, (t2 - t1) / 1e6,
              (t3 - t2) / 1e6, (t4 - t3) / 1e6, applyCalls, replanCalls);
        }
      }
    }
  }
}
