package dev.impersonation.testkit;

import static dev.impersonation.testkit.Fixtures.ANN;
import static dev.impersonation.testkit.Fixtures.BOB;
import static dev.impersonation.testkit.Fixtures.CEO;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.impersonation.Access;
import dev.impersonation.ImpersonationSetup;
import dev.impersonation.Principal;
import dev.impersonation.Scope;
import dev.impersonation.Secret;
import dev.impersonation.TenantConnection;
import dev.impersonation.TenantTarget;
import dev.impersonation.plan.ApplyResult;
import dev.impersonation.plan.Plan;
import dev.impersonation.plan.ProgressListener.ProgressEvent;
import dev.impersonation.plan.Step.StepAction;
import dev.impersonation.spi.Operation;
import dev.impersonation.verify.MailboxAccess.AccessState;
import dev.impersonation.verify.VerificationReport;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** Secrets never leak (the library's trust rules); user values reach PowerShell and OPATH only as correct literals (docs/powershell-quoting.md). */
class SecretsAndEscapingTest {
  private static final String SECRET = "S3cr3t-Value!";

  // ------------------------------------------------------------ secrets

  @Test
  @DisplayName("DESIGN docs/graph.md: the new service account's password never appears in plans, scripts, results, events or the journal")
  void secretNeverLeaks() {
    FakeTenant tenant = Fixtures.people(TenantTarget.Kind.EXCHANGE_ONLINE).build();
    TenantConnection connection = tenant.connection();
    ImpersonationSetup setup = ImpersonationSetup.builder().name("Svc").target(Fixtures.target(TenantTarget.Kind.EXCHANGE_ONLINE))
        .principal(Principal.serviceAccount("svc@contoso.com").createIfMissing("Svc", "US", Fixtures.SKU, Secret.of(SECRET)))
        .scope(Scope.mailboxes(ANN, BOB)).access(Access.fullAccess()).outsider(CEO).build();
    Plan plan = setup.plan(connection);
    assertTrue(plan.steps().stream().anyMatch(s -> s.action() == StepAction.CREATE
        && s.operation().orElse(null) instanceof Operation.CreateServiceAccount), plan.toString());

    List<String> texts = new ArrayList<>();
    texts.add(setup.toString());
    texts.add(plan.toString());
    texts.add(plan.toJson());
    String script = plan.toPowerShell();
    texts.add(script);
    plan.steps().forEach(s -> texts.add(s.toString()));
    List<ProgressEvent> events = new ArrayList<>();
    ApplyResult result = setup.apply(plan, connection, events::add);
    assertTrue(result.succeeded(), result.toString());
    texts.add(result.toString());
    result.results().forEach(r -> texts.add(r.toString()));
    events.forEach(e -> texts.add(e.toString()));
    tenant.journal().forEach(e -> texts.add(e.toString()));
    texts.add(tenant.snapshot());
    texts.add(setup.verify(connection).toString());
    texts.add(setup.diagnose(connection).toString());

    assertTrue(tenant.journal().stream().anyMatch(e -> e.write() && e.operation().equals("CreateServiceAccount")),
        "the account was really created through the fake");
    for (String text : texts) {
      assertFalse(text.contains(SECRET), "secret leaked into:\n" + text);
      assertFalse(text.contains("S3cr3t"), "part of the secret leaked into:\n" + text);
    }
    assertFalse(plan.toJson().toLowerCase().contains("password\""), "no password field in the JSON:\n" + plan.toJson());
    assertTrue(script.contains("Read-Host"), script);
    assertTrue(script.lines().anyMatch(l -> l.contains("-Password (Read-Host -Prompt") && l.contains("-AsSecureString")), script);
  }

  @Test
  @DisplayName("DESIGN docs/cmdlets.md: a plan serialises to JSON with its target, steps and operations")
  void planSerialisesToJson() throws Exception {
    Fixtures.Scenario s = Fixtures.revenueInboxOnline();
    Plan plan = s.setup().plan(s.tenant().get().connection());
    com.fasterxml.jackson.databind.JsonNode json = Plan.jsonMapper().readTree(plan.toJson());
    assertEquals("EXCHANGE_ONLINE", json.get("target").get("kind").asText());
    assertEquals(Fixtures.ONLINE, json.get("target").get("domain").asText());
    assertEquals("GLOBAL", json.get("target").get("cloud").asText());
    assertEquals(plan.steps().size(), json.get("steps").size());
    assertEquals("EnableOrganizationCustomization", json.get("steps").get(0).get("operation").get("type").asText());
    assertEquals("RevenueInbox", json.get("setupName").asText());
    Plan server = Fixtures.revenueInboxServer().setup().plan(Fixtures.revenueInboxServer().tenant().get().connection());
    com.fasterxml.jackson.databind.JsonNode serverJson = Plan.jsonMapper().readTree(server.toJson());
    assertEquals("EXCHANGE_SERVER", serverJson.get("target").get("kind").asText());
  }

  // ------------------------------------------------------------ PowerShell literals (docs/powershell-quoting.md)

  private static final String NASTY = "O'Brien\u2019s \"Team\" $(whoami) `x`";

  private static boolean isQuote(char c) {
    return c == '\'' || c == '\u2018' || c == '\u2019' || c == '\u201A' || c == '\u201B';
  }

  /** A single-quoted literal of a PowerShell line: where it starts and ends, its raw content and its value. */
  record Literal(int start, int end, String raw, String value) {}

  /** Tokenizes the single-quoted literals of one line as PowerShell's tokenizer does (docs/powershell-quoting.md). */
  static List<Literal> literals(String line) {
    List<Literal> out = new ArrayList<>();
    int i = 0;
    while (i < line.length()) {
      char c = line.charAt(i);
      if (c == '#') {
        break;
      }
      if (c == '"' || c == '\u201C' || c == '\u201D' || c == '\u201E') {
        throw new AssertionError("a double-quoted string was emitted: " + line);
      }
      if (!isQuote(c)) {
        i++;
        continue;
      }
      int start = i++;
      StringBuilder value = new StringBuilder();
      while (true) {
        if (i >= line.length()) {
          throw new AssertionError("unterminated literal in: " + line);
        }
        char d = line.charAt(i);
        if (isQuote(d)) {
          if (i + 1 < line.length() && isQuote(line.charAt(i + 1))) {
            value.append(line.charAt(i + 1));
            i += 2;
            continue;
          }
          i++;
          break;
        }
        value.append(d);
        i++;
      }
      out.add(new Literal(start, i, line.substring(start + 1, i - 1), value.toString()));
    }
    return out;
  }

  /** Every quote character inside a literal's raw content comes as a pair of the same character. */
  static boolean correctlyDoubled(String raw) {
    for (int i = 0; i < raw.length(); i++) {
      if (isQuote(raw.charAt(i))) {
        if (i + 1 >= raw.length() || raw.charAt(i + 1) != raw.charAt(i)) {
          return false;
        }
        i++;
      }
    }
    return true;
  }

  private static List<String> code(String script) {
    return script.lines().filter(l -> !l.stripLeading().startsWith("#")).toList();
  }

  private static ImpersonationSetup nastySetup() {
    return ImpersonationSetup.builder().name("Sync").target(Fixtures.target(TenantTarget.Kind.EXCHANGE_SERVER))
        .principal(Principal.serviceAccount("svc@contoso.com"))
        .scope(Scope.distributionGroup(NASTY).members(ANN, BOB)).access(Access.applicationImpersonation()).build();
  }

  private static FakeTenant.Builder serverTenant() {
    return Fixtures.people(TenantTarget.Kind.EXCHANGE_SERVER).userMailbox("svc@contoso.com", "Sync Service");
  }

  @Test
  @DisplayName("docs/powershell-quoting.md: a group named O'Brien’s \"Team\" $(whoami) `x` appears in the script only as doubled single-quoted literals")
  void nastyGroupNameInTheScript() {
    FakeTenant tenant = serverTenant().build();
    ImpersonationSetup setup = nastySetup();
    Plan plan = setup.plan(tenant.connection());
    String script = plan.toPowerShell();

    List<String> code = code(script);
    assertTrue(code.stream().noneMatch(l -> l.contains(NASTY)), "the raw name appears outside a literal:\n" + script);
    List<Literal> named = new ArrayList<>();
    for (String line : code) {
      List<Literal> lits = literals(line);
      // $(whoami) and the backticks only ever appear inside literals.
      int from = 0;
      while ((from = line.indexOf("$(whoami)", from)) >= 0) {
        int at = from;
        assertTrue(lits.stream().anyMatch(l -> l.start() < at && at < l.end()), "$(whoami) outside a literal: " + line);
        from++;
      }
      int nameParam = line.indexOf("-Name '");
      if (nameParam >= 0) {
        Literal lit = lits.stream().filter(l -> l.start() == nameParam + "-Name ".length()).findFirst().orElseThrow();
        if (lit.value().equals(NASTY)) {
          named.add(lit);
        }
      }
      lits.stream().filter(l -> l.value().equals(NASTY))
          .forEach(l -> assertTrue(correctlyDoubled(l.raw()), "not doubled correctly: " + l.raw()));
    }
    assertEquals(1, named.size(), "one New-DistributionGroup -Name literal:\n" + script);
    assertEquals("O''Brien\u2019\u2019s \"Team\" $(whoami) `x`", named.get(0).raw());
  }

  @Test
  @DisplayName("docs/powershell-quoting.md: after apply the scope filter is MemberOfGroup -eq '<DN, ' doubled>' and verification is satisfied")
  void nastyGroupNameEndToEnd() {
    FakeTenant tenant = serverTenant().build();
    ImpersonationSetup setup = nastySetup();
    ApplyResult result = setup.apply(tenant.connection());
    assertTrue(result.succeeded(), result.toString());
    String dn = tenant.group(NASTY).orElseThrow().distinguishedName();
    assertTrue(dn.startsWith("CN=O'Brien\u2019s "), dn);
    String filter = tenant.managementScope("Sync-Scope").orElseThrow().recipientFilter();
    assertEquals("MemberOfGroup -eq '" + dn.replace("'", "''") + "'", filter);
    assertTrue(filter.contains("\u2019s"), "OPATH layer doubles only U+0027 (DOMAIN docs/powershell-quoting.md policy): " + filter);
    assertFalse(filter.contains("\u2019\u2019"), filter);
    assertTrue(setup.plan(tenant.connection()).isConverged());

    VerificationReport report = setup.verify(tenant.connection());
    assertTrue(report.isSatisfied(), report.toString());
    assertEquals(AccessState.GRANTED, report.mailboxes().stream().filter(m -> m.mailbox().equals(ANN)).findFirst().orElseThrow().state());
    assertTrue(report.mailboxes().stream().anyMatch(m -> !m.inScope() && m.state() == AccessState.DENIED), report.toString());
  }

  @Test
  @DisplayName("docs/powershell-quoting.md two layers: a known DN is rendered as OPATH (' doubled) inside a PowerShell literal (all quotes doubled)")
  void knownDnFilterIsEscapedTwice() {
    FakeTenant tenant = serverTenant().distributionGroup(NASTY, ANN, BOB).build();
    String dn = tenant.group(NASTY).orElseThrow().distinguishedName();
    Plan plan = nastySetup().plan(tenant.connection());
    String line = code(plan.toPowerShell()).stream().filter(l -> l.contains("New-ManagementScope")).findFirst().orElseThrow();
    int at = line.indexOf("-RecipientRestrictionFilter '");
    assertTrue(at >= 0, line);
    Literal lit = literals(line).stream().filter(l -> l.start() == at + "-RecipientRestrictionFilter ".length()).findFirst().orElseThrow();
    assertTrue(correctlyDoubled(lit.raw()), lit.raw());
    assertEquals("MemberOfGroup -eq '" + dn.replace("'", "''") + "'", lit.value());
    assertTrue(lit.raw().contains("O''''Brien\u2019\u2019s"), lit.raw());
  }

  @Test
  @DisplayName("docs/powershell-quoting.md: the same nasty name as a distribution-group scope on Exchange Online (-RecipientGroupScope) verifies after propagation")
  void nastyGroupNameOnline() {
    FakeTenant tenant = Fixtures.people(TenantTarget.Kind.EXCHANGE_ONLINE).application(Fixtures.RI_APP, Fixtures.RI_SP, "RI").build();
    ImpersonationSetup setup = ImpersonationSetup.builder().name("Sync").target(Fixtures.target(TenantTarget.Kind.EXCHANGE_ONLINE))
        .principal(Principal.application(Fixtures.RI_APP)).scope(Scope.distributionGroup(NASTY).members(ANN, BOB))
        .access(Access.rbacForApplications("Application Mail.Read")).build();
    assertTrue(setup.apply(tenant.connection()).succeeded());
    // The name itself is the -RecipientGroupScope (one literal, whatever it holds); no DN filter is built.
    assertEquals(List.of(NASTY), tenant.roleAssignments().stream().map(a -> a.scope()).toList());
    assertTrue(tenant.managementScope("Sync-Scope").isEmpty());
    VerificationReport report = setup.awaitVerification(tenant.connection(), Duration.ofHours(3),
        dev.impersonation.plan.ProgressListener.none());
    assertTrue(report.isSatisfied(), report.toString());
  }

  @Test
  @DisplayName("the literal tokenizer used above agrees with DOMAIN docs/powershell-quoting.md's table")
  void tokenizerMatchesDomainTable() {
    List<Literal> lits = literals("-Name 'O''Brien\u2019\u2019s \u201CTeam\u201D'".replace('\u201C', 'T').replace('\u201D', 'T'));
    assertEquals(1, lits.size());
    assertEquals("O'Brien\u2019s TTeamT", lits.get(0).value());
    assertEquals("''", literals("x ''''''")
        .get(0).value());
    assertFalse(correctlyDoubled("O'\u2019Brien"));
    assertTrue(correctlyDoubled("O''\u2019\u2019Brien"));
  }
}
