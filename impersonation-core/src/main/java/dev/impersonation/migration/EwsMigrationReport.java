package dev.impersonation.migration;

import dev.impersonation.TenantTarget;
import dev.impersonation.internal.Json;
import dev.impersonation.internal.Table;
import dev.impersonation.spi.EwsRules;
import dev.impersonation.verify.MailboxAccess.AccessState;
import dev.impersonation.verify.MailboxAccess;
import dev.impersonation.verify.VerificationReport;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;

/**
 * Both sides of an {@link EwsMigration}, verified, and what the vendor still needs (docs/migration.md#ews).
 * {@link #toString()} is a table, one row per mailbox with its EWS and Graph state; {@link #toJson()} the same as JSON.
 *
 * @param ewsSetup the EWS setup's name
 * @param ewsUse how it uses EWS
 * @param graphSetup the Graph setup's name
 * @param graphRoles the Graph roles
 * @param ewsTarget where the EWS setup is
 * @param checkedAt when, on the EWS connection's clock
 * @param ews the EWS setup's verification; empty when EWS is retired there
 * @param ewsRetired why EWS cannot be verified at all (the 2027-04-01 shutdown), when it cannot
 * @param graph the Graph setup's verification
 * @param verdict which access the vendor still needs
 * @param advice what to do next, in a sentence or two
 */
public record EwsMigrationReport(String ewsSetup, String ewsUse, String graphSetup, List<String> graphRoles,
    TenantTarget ewsTarget, Instant checkedAt, Optional<VerificationReport> ews, Optional<String> ewsRetired,
    VerificationReport graph, Verdict verdict, String advice) {

  public EwsMigrationReport {
    graphRoles = List.copyOf(graphRoles);
  }

  /** Which access the vendor still needs. */
  public enum Verdict {
    /** Graph works for every checked mailbox: switch the product to Graph, then tear the EWS setup down. */
    GRAPH_READY,
    /** Graph is configured but not effective yet (role assignments take up to 2 hours): keep EWS, verify again. */
    KEEP_EWS_UNTIL_GRAPH_EFFECTIVE,
    /** Graph does not work yet (denied, mailbox not ready, or unknown) while EWS does: keep EWS, fix the Graph setup. */
    KEEP_EWS_FIX_GRAPH,
    /** Neither works: EWS is refused or retired and Graph is not effective. */
    NEITHER_WORKS
  }

  static EwsMigrationReport of(String ewsSetup, String ewsUse, String graphSetup, List<String> graphRoles, TenantTarget ewsTarget,
      Instant checkedAt, Optional<VerificationReport> ews, Optional<String> ewsRetired, VerificationReport graph) {
    boolean ewsWorks = ews.map(VerificationReport::isSatisfied).orElse(false);
    Verdict verdict;
    if (graph.isSatisfied()) {
      verdict = Verdict.GRAPH_READY;
    } else if (graph.isPending()) {
      verdict = ewsWorks ? Verdict.KEEP_EWS_UNTIL_GRAPH_EFFECTIVE : Verdict.NEITHER_WORKS;
    } else {
      verdict = ewsWorks ? Verdict.KEEP_EWS_FIX_GRAPH : Verdict.NEITHER_WORKS;
    }
    String deadline = ewsTarget.isExchangeOnline() ? " EWS in Exchange Online ends on " + EwsRules.SHUTDOWN + "." : "";
    String advice = switch (verdict) {
      case GRAPH_READY -> "Graph works for every checked mailbox: switch the product to Graph, then remove the EWS setup "
          + "with teardown(connection, record)." + (ewsWorks ? deadline : " EWS is not needed any more.");
      case KEEP_EWS_UNTIL_GRAPH_EFFECTIVE -> "Keep EWS: the Graph roles are assigned but not effective yet (up to 2 hours); "
          + "verify again." + deadline;
      case KEEP_EWS_FIX_GRAPH -> "Keep EWS: Graph is not granted for every checked mailbox; apply the Graph setup and see "
          + "its diagnosis." + deadline;
      case NEITHER_WORKS -> "The product has no working access: " + ewsRetired.orElse(ews.map(r -> "EWS verification is "
          + (r.isPending() ? "pending" : "not satisfied")).orElse("EWS was not verified")) + "; apply the Graph setup and "
          + "verify it.";
    };
    return new EwsMigrationReport(ewsSetup, ewsUse, graphSetup, graphRoles, ewsTarget, checkedAt, ews, ewsRetired, graph,
        verdict, advice);
  }

  /** Whether the vendor still needs the EWS access (every verdict but {@link Verdict#GRAPH_READY}). */
  public boolean ewsStillNeeded() {
    return verdict != Verdict.GRAPH_READY;
  }

  /** The report as indented JSON. */
  public String toJson() {
    return Json.indented(this, "the EWS migration report");
  }

  @Override
  public String toString() {
    Table table = new Table("MAILBOX", "EXPECTED", "EWS (" + ewsSetup + ")", "GRAPH (" + graphSetup + ")");
    for (MailboxAccess g : graph.mailboxes()) {
      String ewsState = ewsRetired.isPresent() ? "RETIRED"
          : ews.flatMap(r -> r.mailbox(g.mailbox())).map(m -> m.state().name()).orElse("-");
      table.row(g.mailbox(), g.inScope() ? "granted" : "denied (outsider)", ewsState, g.state().name());
    }
    LocalDate day = LocalDate.ofInstant(checkedAt, ZoneOffset.UTC);
    return "EWS to Graph for '" + ewsSetup + "' (" + ewsUse + ") on " + day + ": " + verdict + "\n"
        + "  Graph roles: " + String.join(", ", graphRoles) + "\n" + table.render()
        + (graph.mailboxes().stream().anyMatch(m -> m.state() == AccessState.UNKNOWN) ? "  (UNKNOWN: a read or probe failed)\n" : "")
        + "  " + advice + "\n";
  }
}
