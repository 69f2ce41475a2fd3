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
import dev.impersonation.exchange.ExchangeRestTransport;
import dev.impersonation.graph.GraphConnection;
import dev.impersonation.plan.ApplyResult;
import dev.impersonation.plan.Plan;
import dev.impersonation.plan.ProgressListener;
import dev.impersonation.spi.Sleeper;
import dev.impersonation.testkit.FakeTenant;
import dev.impersonation.testkit.exchange.ExchangeAdminSimulator;
import dev.impersonation.testkit.graph.GraphSimulator;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Issue 13's benchmark (docs/benchmarks.md): the library against the seeds' loop (one cmdlet or request per member,
 * one at a time) over both HTTP simulators, with a round trip added to every request and the Exchange endpoint's
 * per-tenant budget enforced, so that time is dominated by round trips as in production.
 *
 * <p>Time is simulated ({@link BenchmarkClock}): for the library every request really waits {@link #ROUND_TRIP} /
 * {@link #SPEED_UP} (7.5 ms) in the simulator, the wall time during which round trips are pending counts
 * {@value #SPEED_UP} times (so concurrent round trips count once), and waits (Retry-After, back-off) advance the clock
 * without sleeping; computing on this machine does not count. The seeds' loop sends one request at a time, so each of its
 * requests is accounted exactly one round trip without waiting (its time is then exact, and the run short).
 *
 * <p>Scenarios, for each size: a first setup, a converged re-run and 1% new members, for a new Exchange distribution
 * group, an existing (empty) mail-enabled security group, a new Microsoft 365 group (written over Graph) and an existing
 * (empty) administrative unit over Graph, all with RBAC for Applications; the seeds' loop does the first setup. Then
 * plan-only against 25,000 / 50,000 / 100,000 mailboxes in a child JVM with {@code -Xmx256m}. Prints a table and
 * writes {@code examples/target/benchmark.json}. Arguments: member counts (default 1000 10000); {@code --no-plan-only}.
 */
public final class ScaleBenchmark {
  /** The round trip each request stands for [U]: Exchange Online's admin endpoint publishes none. */
  static final Duration ROUND_TRIP = Duration.ofMillis(150);
  /** How much faster than real time the benchmark's clock runs: a request really waits ROUND_TRIP / SPEED_UP. */
  static final int SPEED_UP = 20;
  /** The simulated tenant's Exchange concurrency budget [U] (the documented PowerShell connection limit). */
  static final int TENANT_CONCURRENCY = 3;
  /** The simulated tenant's Exchange rate budget per minute [U] (Graph's identity-write limit, 3,000 per 150 s, as a stand-in). */
  static final int TENANT_REQUESTS_PER_MINUTE = 1200;
  private static final String DOMAIN = "contoso.onmicrosoft.com";
  static final String APP = "6f1c2a3b-4d5e-4f60-8172-93a4b5c6d7e8";
  static final String SP = "9a2b3c4d-5e6f-4a7b-8c9d-0e1f2a3b4c5d";
  private static final String ADMIN_APP = "00000000-0000-4000-8000-0000000000aa";
  static final String AU = "0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d";
  static final String GROUP = "Bench Users";
  /** The library's bound on one group's members; more are split into further groups. */
  private static final int MAX_PER_GROUP = 10_000;
  static final String ROLE = "Application Calendars.ReadWrite";

  private ScaleBenchmark() {}

  /** What the scope is made of. */
  enum Kind {
    DISTRIBUTION_GROUP("Exchange distribution group, new"),
    MAIL_ENABLED_SECURITY_GROUP("mail-enabled security group, existing"),
    MICROSOFT_365_GROUP("Microsoft 365 group over Graph, new"),
    ADMINISTRATIVE_UNIT("administrative unit over Graph, existing");

    final String label;

    Kind(String label) {
      this.label = label;
    }
  }

  /**
   * One scenario's figures.
   *
   * @param kind what the scope is made of
   * @param scenario what was run
   * @param members members declared
   * @param requests HTTP requests to both simulators (a Graph {@code $batch} counts once; refused requests count)
   * @param writes changes the tenant recorded
   * @param throttled requests answered 429 or "maximum number of concurrent requests"
   * @param simulatedSeconds the benchmark clock's advance (round trips, overhead × speed-up, waits)
   * @param peakHeapMb the heap pools' peak use during the scenario (sum of per-pool peaks, an upper bound)
   */
  public record Row(String kind, String scenario, int members, int requests, int writes, int throttled, double simulatedSeconds,
      long peakHeapMb) {}

  /** One plan-only figure: planning {@code mailboxes} members in a tenant of as many mailboxes, in a 256 MB heap. */
  public record PlanOnly(int mailboxes, boolean succeeded, double seedSeconds, double planSeconds, long peakHeapMb, String note) {}

  /** The two simulators of one tenant, on one benchmark clock. */
  static final class World implements AutoCloseable {
    final FakeTenant tenant;
    final BenchmarkClock clock = new BenchmarkClock();
    final ExchangeAdminSimulator exchange;
    final GraphSimulator graph;

    /** Requests really wait {@code wait} each, or, when {@code sequential}, are accounted one round trip each without waiting. */
    World(FakeTenant tenant, Duration wait, boolean sequential) {
      this.tenant = tenant;
      Duration latency = sequential ? Duration.ofNanos(1) : wait;
      Sleeper roundTrips = sequential ? clock.accountedRoundTrips(ROUND_TRIP) : clock.roundTrips();
      this.exchange = ExchangeAdminSimulator.builder(tenant).latency(latency, roundTrips)
          .maxConcurrentRequests(TENANT_CONCURRENCY).rateLimit(TENANT_REQUESTS_PER_MINUTE, Duration.ofMinutes(1), clock).start();
      this.graph = GraphSimulator.builder(tenant).latency(latency, roundTrips).start();
    }

    SignIn signIn() {
      return SignIn.builder(tenant.target()).appId(ADMIN_APP).clientSecret(Secret.of("benchmark-only-secret"))
          .signInVia(exchange.baseUrl()).libraryRetries(false).build();
    }

    TenantConnection connection() {
      SignIn signIn = signIn();
      return TenantConnection.builder(tenant.target())
          .exchange(ExchangeConnection.exchangeOnline(tenant.target()).signIn(signIn).baseUrl(exchange.baseUrl())
              .clock(clock, clock).build().backend())
          .directory(GraphConnection.exchangeOnline(tenant.target()).signIn(signIn).baseUrl(graph.graphUrl())
              .clock(clock, clock).build().directory())
          .accessProbe(tenant.connection().accessProbe().orElseThrow()).clock(clock, clock).build();
    }

    ExchangeRestTransport transport() {
      return ExchangeConnection.exchangeOnline(tenant.target()).signIn(signIn()).baseUrl(exchange.baseUrl()).clock(clock, clock)
          .build().transport();
    }

    int requests() {
      return exchange.requestCount() + graph.requestCount();
    }

    int throttled() {
      return (int) (exchange.requests().stream().filter(r -> r.status() == 429 || r.error().map(e -> e.contains("concurrent requests"))
          .orElse(false)).count() + graph.requests().stream().filter(r -> r.status() == 429).count());
    }

    @Override
    public void close() {
      exchange.close();
      graph.close();
    }
  }

  static String member(int i) {
    return String.format("user%06d@contoso.com", i);
  }

  static List<String> members(int n) {
    List<String> out = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      out.add(member(i));
    }
    return out;
  }

  static FakeTenant tenant(Kind kind, int mailboxes) {
    FakeTenant.Builder b = FakeTenant.exchangeOnline(DOMAIN).application(APP, SP, "Sync");
    for (int i = 0; i < mailboxes; i++) {
      b.userMailbox(member(i));
    }
    if (kind == Kind.MAIL_ENABLED_SECURITY_GROUP) {
      b.mailEnabledSecurityGroup(GROUP);
    } else if (kind == Kind.ADMINISTRATIVE_UNIT) {
      b.administrativeUnit(AU);
    }
    return b.build();
  }

  static ImpersonationSetup setup(Kind kind, List<String> members) {
    Scope scope = switch (kind) {
      case DISTRIBUTION_GROUP -> Scope.distributionGroup(GROUP).members(members).maxMembersPerGroup(MAX_PER_GROUP);
      case MAIL_ENABLED_SECURITY_GROUP -> Scope.mailEnabledSecurityGroup(GROUP).members(members).maxMembersPerGroup(MAX_PER_GROUP);
      case MICROSOFT_365_GROUP -> Scope.microsoft365Group(GROUP).members(members).maxMembersPerGroup(MAX_PER_GROUP);
      case ADMINISTRATIVE_UNIT -> Scope.administrativeUnit(AU).members(members);
    };
    return ImpersonationSetup.builder().name("Bench").target(TenantTarget.exchangeOnline(DOMAIN)).principal(Principal.application(APP))
        .scope(scope).access(Access.rbacForApplications(ROLE)).build();
  }

  // ------------------------------------------------------------ measuring

  private static void resetPeakHeap() {
    System.gc();
    for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
      if (pool.getType() == MemoryType.HEAP) {
        pool.resetPeakUsage();
      }
    }
  }

  static long peakHeapMb() {
    long bytes = 0;
    for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
      if (pool.getType() == MemoryType.HEAP && pool.getPeakUsage() != null) {
        bytes += pool.getPeakUsage().getUsed();
      }
    }
    return bytes >> 20;
  }

  /** Runs {@code body} in {@code world} and measures it. */
  static Row measure(Kind kind, String scenario, int members, World world, Runnable body) {
    resetPeakHeap();
    int requests = world.requests();
    int throttled = world.throttled();
    int writes = world.tenant.writes().size();
    Instant start = world.clock.instant();
    body.run();
    double seconds = Duration.between(start, world.clock.instant()).toMillis() / 1000.0;
    return new Row(kind.label, scenario, members, world.requests() - requests, world.tenant.writes().size() - writes,
        world.throttled() - throttled, seconds, peakHeapMb());
  }

  private static void planAndApply(ImpersonationSetup setup, TenantConnection connection) {
    Plan plan = setup.plan(connection);
    ApplyResult result = setup.apply(plan, connection, ProgressListener.none());
    if (!result.succeeded()) {
      throw new IllegalStateException("apply failed:\n" + result);
    }
  }

  /** The library: first setup, converged re-run, 1% new members; each request really waits {@code wait}. */
  static List<Row> library(Kind kind, int n, Duration wait) {
    int grown = n + Math.max(1, n / 100);
    List<Row> rows = new ArrayList<>();
    try (World world = new World(tenant(kind, grown), wait, false)) {
      TenantConnection connection = world.connection();
      ImpersonationSetup first = setup(kind, members(n));
      rows.add(measure(kind, "library: first setup", n, world, () -> planAndApply(first, connection)));
      rows.add(measure(kind, "library: converged re-run", n, world, () -> planAndApply(first, connection)));
      ImpersonationSetup more = setup(kind, members(grown));
      rows.add(measure(kind, "library: 1% new members", grown, world, () -> planAndApply(more, connection)));
    }
    return rows;
  }

  /** The seeds' loop's first setup ({@link SeedsLoop}). */
  static Row baseline(Kind kind, int n) {
    return SeedsLoop.firstSetup(kind, n);
  }

  // ------------------------------------------------------------ plan-only in a small heap

  /** Entry point of the child JVM: seeds {@code n} mailboxes and plans them all as members, in memory. */
  static PlanOnly planOnlyHere(int n) {
    resetPeakHeap();
    long t0 = System.nanoTime();
    FakeTenant tenant = tenant(Kind.MAIL_ENABLED_SECURITY_GROUP, n);
    long t1 = System.nanoTime();
    Plan plan = setup(Kind.MAIL_ENABLED_SECURITY_GROUP, members(n)).plan(tenant.connection());
    long t2 = System.nanoTime();
    return new PlanOnly(n, !plan.steps().isEmpty(), (t1 - t0) / 1e9, (t2 - t1) / 1e9, peakHeapMb(), plan.steps().size() + " steps");
  }

  /** Runs {@link #planOnlyHere} in a child JVM with {@code -Xmx256m}; a failure (e.g. OutOfMemoryError) is reported. */
  static PlanOnly planOnlyInSmallHeap(int n) {
    String classPath = classPath();
    String javaBin = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    ProcessBuilder pb = new ProcessBuilder(javaBin, "-Xmx256m", "-cp", classPath, ScaleBenchmark.class.getName(), "--plan-only-child",
        String.valueOf(n)).redirectErrorStream(true);
    try {
      Process p = pb.start();
      String out = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
      int code = p.waitFor();
      for (String line : out.split("\n")) {
        if (line.startsWith("PLAN-ONLY ")) {
          String[] f = line.substring(10).trim().split(" ");
          return new PlanOnly(n, true, Double.parseDouble(f[0]), Double.parseDouble(f[1]), Long.parseLong(f[2]), f[3] + " steps");
        }
      }
      String last = out.lines().filter(l -> l.contains("Error") || l.contains("Exception")).findFirst().orElse("exit " + code);
      return new PlanOnly(n, false, 0, 0, 0, last.strip());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** This program's class path (exec:java runs it in a class loader of its own, not on java.class.path). */
  private static String classPath() {
    ClassLoader loader = ScaleBenchmark.class.getClassLoader();
    if (loader instanceof java.net.URLClassLoader urls && urls.getURLs().length > 0) {
      List<String> entries = new ArrayList<>();
      for (java.net.URL u : urls.getURLs()) {
        try {
          entries.add(Path.of(u.toURI()).toString());
        } catch (java.net.URISyntaxException e) {
          throw new IllegalStateException(e);
        }
      }
      return String.join(java.io.File.pathSeparator, entries);
    }
    return System.getProperty("java.class.path");
  }

  // ------------------------------------------------------------ main

  public static void main(String[] args) {
    if (args.length == 2 && args[0].equals("--plan-only-child")) {
      PlanOnly r = planOnlyHere(Integer.parseInt(args[1]));
      System.out.printf(Locale.ROOT, "PLAN-ONLY %.2f %.2f %d %s%n", r.seedSeconds(), r.planSeconds(), r.peakHeapMb(),
          r.note().split(" ")[0]);
      return;
    }
    boolean planOnly = true;
    List<Integer> sizes = new ArrayList<>();
    for (String a : args) {
      if (a.equals("--no-plan-only")) {
        planOnly = false;
      } else {
        sizes.add(Integer.parseInt(a));
      }
    }
    if (sizes.isEmpty()) {
      sizes = List.of(1000, 10000);
    }
    long wall = System.nanoTime();
    List<Row> rows = new ArrayList<>();
    for (int n : sizes) {
      for (Kind kind : Kind.values()) {
        rows.addAll(library(kind, n, ROUND_TRIP.dividedBy(SPEED_UP)));
        rows.add(baseline(kind, n));
        System.out.printf(Locale.ROOT, "  done: %s, %,d members (%.0f s so far)%n", kind.label, n, (System.nanoTime() - wall) / 1e9);
      }
    }
    List<PlanOnly> plans = new ArrayList<>();
    if (planOnly) {
      for (int n : new int[] {25_000, 50_000, 100_000}) {
        plans.add(planOnlyInSmallHeap(n));
      }
    }
    System.out.println(table(rows, plans));
    Map<String, Object> json = new LinkedHashMap<>();
    json.put("roundTripMs", ROUND_TRIP.toMillis());
    json.put("speedUp", SPEED_UP);
    json.put("tenantConcurrency", TENANT_CONCURRENCY);
    json.put("tenantRequestsPerMinute", TENANT_REQUESTS_PER_MINUTE);
    json.put("clientConcurrency", ExchangeConnection.DEFAULT_MAX_CONCURRENT_REQUESTS);
    json.put("wallSeconds", Math.round((System.nanoTime() - wall) / 1e9));
    json.put("rows", rows);
    json.put("planOnly", plans);
    try {
      Path out = Path.of("examples", "target").toFile().isDirectory() ? Path.of("examples", "target", "benchmark.json")
          : Path.of("target", "benchmark.json");
      Files.createDirectories(out.getParent());
      Files.writeString(out, Plan.jsonMapper().writerWithDefaultPrettyPrinter().writeValueAsString(json));
      System.out.println("wrote " + out.toAbsolutePath());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The rows as a Markdown table, with the library's speed-up against the seeds' loop per kind and size. */
  static String table(List<Row> rows, List<PlanOnly> plans) {
    StringBuilder sb = new StringBuilder();
    sb.append("| scope | scenario | members | requests | writes | 429s | simulated s | vs seeds | peak heap MB |\n");
    sb.append("|---|---|---:|---:|---:|---:|---:|---:|---:|\n");
    for (Row r : rows) {
      String versus = "";
      if (r.scenario().equals("library: first setup")) {
        versus = rows.stream().filter(b -> b.kind().equals(r.kind()) && b.members() == r.members() && b.scenario().startsWith("seeds'"))
            .findFirst().map(b -> String.format(Locale.ROOT, "%.1f×", b.simulatedSeconds() / Math.max(0.001, r.simulatedSeconds())))
            .orElse("");
      }
      sb.append(String.format(Locale.ROOT, "| %s | %s | %,d | %,d | %,d | %d | %.1f | %s | %d |%n", r.kind(), r.scenario(), r.members(),
          r.requests(), r.writes(), r.throttled(), r.simulatedSeconds(), versus, r.peakHeapMb()));
    }
    if (!plans.isEmpty()) {
      sb.append("\n| plan-only, -Xmx256m | mailboxes | succeeded | seed s | plan s | peak heap MB | note |\n");
      sb.append("|---|---:|---|---:|---:|---:|---|\n");
      for (PlanOnly p : plans) {
        sb.append(String.format(Locale.ROOT, "| in memory | %,d | %s | %.2f | %.2f | %d | %s |%n", p.mailboxes(), p.succeeded() ? "yes" : "NO",
            p.seedSeconds(), p.planSeconds(), p.peakHeapMb(), p.note()));
      }
    }
    return sb.toString();
  }
}
