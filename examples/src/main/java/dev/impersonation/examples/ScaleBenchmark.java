package dev.impersonation.examples;

import dev.impersonation.Access;
import dev.impersonation.ImpersonationSetup;
import dev.impersonation.Principal;
import dev.impersonation.Scope;
import dev.impersonation.Secret;
import dev.impersonation.SignIn;
import dev.impersonation.TenantConnection;
import dev.impersonation.TenantTarget;
import dev.impersonation.exchange.ExchangeConnection;
import dev.impersonation.plan.Plan;
import dev.impersonation.plan.ProgressListener;
import dev.impersonation.testkit.FakeTenant;
import dev.impersonation.testkit.exchange.ExchangeAdminSimulator;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The Exchange path measured in requests over the Exchange admin API simulator, against the seeds' loop (docs/benchmarks.md):
 * a first setup of N members in a new mail-enabled security group with RBAC for Applications, a converged re-run, 1% new
 * members, and the same first setup done the seeds' way (one cmdlet per member, sequentially). Simulated time is
 * requests × an assumed round trip ({@value #ROUND_TRIP_MS} ms [U]), as both clients send one request at a time. Prints
 * a table and writes {@code examples/target/benchmark.json}: {@code ScaleBenchmark [members...]} (default 1000 5000).
 */
public final class ScaleBenchmark {
  static final int ROUND_TRIP_MS = 150;
  private static final String APP = "6f1c2a3b-4d5e-4f60-8172-93a4b5c6d7e8";
  private static final String SP = "9a2b3c4d-5e6f-4a7b-8c9d-0e1f2a3b4c5d";
  private static final String DOMAIN = "contoso.onmicrosoft.com";

  private ScaleBenchmark() {}

  /**
   * One scenario's figures.
   *
   * @param scenario what was run
   * @param members members declared
   * @param requests InvokeCommand requests
   * @param writes requests that changed the tenant
   * @param simulatedSeconds requests × the round trip
   * @param heapMb heap in use after the scenario
   */
  public record Row(String scenario, int members, int requests, int writes, double simulatedSeconds, long heapMb) {}

  private static FakeTenant tenant(int mailboxes) {
    FakeTenant.Builder b = FakeTenant.exchangeOnline(DOMAIN).application(APP, SP, "Sync");
    for (int i = 0; i < mailboxes; i++) {
      b.userMailbox(String.format("user%06d@contoso.com", i));
    }
    return b.build();
  }

  private static List<String> members(int n) {
    List<String> out = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      out.add(String.format("user%06d@contoso.com", i));
    }
    return out;
  }

  private static ImpersonationSetup setup(List<String> members) {
    return ImpersonationSetup.builder().name("Bench").target(TenantTarget.exchangeOnline(DOMAIN)).principal(Principal.application(APP))
        .scope(Scope.mailEnabledSecurityGroup("Bench Users").members(members).maxMembersPerGroup(5000))
        .access(Access.rbacForApplications("Application Calendars.ReadWrite")).build();
  }

  private static TenantConnection overRest(FakeTenant tenant, ExchangeAdminSimulator simulator) {
    SignIn signIn = SignIn.builder(tenant.target()).appId("00000000-0000-4000-8000-0000000000aa")
        .clientSecret(Secret.of("benchmark-only-secret")).signInVia(simulator.baseUrl()).libraryRetries(false).build();
    TenantConnection memory = tenant.connection();
    return TenantConnection.builder(tenant.target())
        .exchange(ExchangeConnection.exchangeOnline(tenant.target()).signIn(signIn).baseUrl(simulator.baseUrl())
            .clock(tenant.clock(), tenant.clock()).build().backend())
        .directory(memory.directory().orElseThrow()).accessProbe(memory.accessProbe().orElseThrow())
        .clock(tenant.clock(), tenant.clock()).build();
  }

  private static Row row(String scenario, int members, ExchangeAdminSimulator simulator, int before, int writesBefore, FakeTenant tenant) {
    int requests = simulator.requestCount() - before;
    int writes = tenant.writes().size() - writesBefore;
    Runtime rt = Runtime.getRuntime();
    return new Row(scenario, members, requests, writes, requests * ROUND_TRIP_MS / 1000.0, (rt.totalMemory() - rt.freeMemory()) >> 20);
  }

  /** Runs the scenarios for {@code n} members in a tenant of {@code 2n} mailboxes. */
  static List<Row> run(int n) {
    List<Row> rows = new ArrayList<>();
    FakeTenant tenant = tenant(2 * n);
    try (ExchangeAdminSimulator simulator = ExchangeAdminSimulator.start(tenant)) {
      TenantConnection connection = overRest(tenant, simulator);
      ImpersonationSetup first = setup(members(n));
      int before = simulator.requestCount();
      int writes = tenant.writes().size();
      Plan plan = first.plan(connection);
      if (!first.apply(plan, connection, ProgressListener.none()).succeeded()) {
        throw new IllegalStateException("first setup failed for " + n);
      }
      rows.add(row("library: first setup", n, simulator, before, writes, tenant));
      before = simulator.requestCount();
      writes = tenant.writes().size();
      Plan again = first.plan(connection);
      first.apply(again, connection, ProgressListener.none());
      rows.add(row("library: converged re-run", n, simulator, before, writes, tenant));
      ImpersonationSetup grown = setup(members(n + Math.max(1, n / 100)));
      before = simulator.requestCount();
      writes = tenant.writes().size();
      grown.apply(grown.plan(connection), connection, ProgressListener.none());
      rows.add(row("library: 1% new members", n + Math.max(1, n / 100), simulator, before, writes, tenant));
    }
    rows.add(baseline(n));
    return rows;
  }

  /** The seeds' loop: create the group, add each member with its own cmdlet, point Exchange at the app, assign the role. */
  private static Row baseline(int n) {
    FakeTenant tenant = tenant(2 * n);
    try (ExchangeAdminSimulator simulator = ExchangeAdminSimulator.start(tenant)) {
      int writes = tenant.writes().size();
      tenant.invokeExchangeCmdlet("New-DistributionGroup", Map.of("Name", "Bench Users", "Type", "Security"));
      for (String m : members(n)) {
        tenant.invokeExchangeCmdlet("Add-DistributionGroupMember", Map.of("Identity", "Bench Users", "Member", m));
      }
      tenant.invokeExchangeCmdlet("New-ServicePrincipal", Map.of("AppId", APP, "ObjectId", SP));
      tenant.invokeExchangeCmdlet("New-ManagementRoleAssignment", Map.of("Role", "Application Calendars.ReadWrite", "App", SP,
          "RecipientGroupScope", "Bench Users"));
      int requests = n + 3;
      Runtime rt = Runtime.getRuntime();
      return new Row("seeds' loop: first setup", n, requests, tenant.writes().size() - writes, requests * ROUND_TRIP_MS / 1000.0,
          (rt.totalMemory() - rt.freeMemory()) >> 20);
    }
  }

  public static void main(String[] args) {
    int[] sizes = args.length == 0 ? new int[] {1000, 5000} : java.util.Arrays.stream(args).mapToInt(Integer::parseInt).toArray();
    List<Row> rows = new ArrayList<>();
    for (int n : sizes) {
      rows.addAll(run(n));
    }
    System.out.printf("%-28s %8s %9s %7s %12s %8s%n", "scenario", "members", "requests", "writes", "simulated s", "heap MB");
    for (Row r : rows) {
      System.out.printf("%-28s %8d %9d %7d %12.1f %8d%n", r.scenario(), r.members(), r.requests(), r.writes(), r.simulatedSeconds(),
          r.heapMb());
    }
    Map<String, Object> json = new LinkedHashMap<>();
    json.put("roundTripMs", ROUND_TRIP_MS);
    json.put("rows", rows);
    try {
      Path out = Path.of("examples", "target").toFile().isDirectory() ? Path.of("examples", "target", "benchmark.json")
          : Path.of("target", "benchmark.json");
      Files.createDirectories(out.getParent());
      Files.writeString(out, dev.impersonation.plan.Plan.jsonMapper().writerWithDefaultPrettyPrinter().writeValueAsString(json));
      System.out.println("wrote " + out.toAbsolutePath());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
