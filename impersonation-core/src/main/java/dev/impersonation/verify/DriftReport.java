package dev.impersonation.verify;

import com.fasterxml.jackson.annotation.JsonIgnore;
import dev.impersonation.internal.Json;
import dev.impersonation.internal.Table;
import java.time.Instant;
import java.util.List;

/**
 * How the tenant has moved away from what a setup's apply made and what the setup declares (docs/lifecycle.md). Each
 * {@link Drift} is an event a vendor can alert on; {@link #toString()} is a table and {@link #toJson()} the same as JSON.
 *
 * @param setupName the setup's name
 * @param checkedAt when the tenant was read
 * @param findings what drifted, in the order found; empty when nothing did
 */
public record DriftReport(String setupName, Instant checkedAt, List<Drift> findings) {
  public DriftReport {
    findings = List.copyOf(findings);
  }

  /** What kind of drift. */
  public enum Kind {
    /** A role assignment the setup made is gone. */
    ROLE_ASSIGNMENT_REMOVED,
    /** A role assignment of the setup's name now has another role or scope. */
    ROLE_ASSIGNMENT_RESCOPED,
    /** The setup's management scope is gone or its filter was edited. */
    SCOPE_CHANGED,
    /** A group, service principal pointer, access policy or mailbox permission the setup made is gone. */
    OBJECT_REMOVED,
    /** A declared member is no longer in the scope. */
    MEMBER_LEFT,
    /** Someone added a member to the scope group outside the setup's declared list. */
    MEMBER_ADDED_OUTSIDE,
    /** Mailboxes reach the scope group through a nested group, which the scope does not cover. */
    NOT_COVERED,
    /** Tenant-wide consent was added to the app since the apply: it defeats the scope. */
    CONSENT_ADDED,
    /** An organization-wide assignment of the setup's role to the principal appeared: the scope no longer limits it. */
    ORGANIZATION_WIDE_ASSIGNMENT,
    /** Whether EWS admits the principal changed since the apply. */
    EWS_CHANGED,
    /** Something else the setup needs is not as it was. */
    OTHER_CHANGE,
    /** Part of the tenant could not be read: drift there is unknown, not absent. */
    UNKNOWN
  }

  /**
   * One finding.
   *
   * @param kind what kind of drift
   * @param subject what drifted, e.g. "role assignment 'Sync-Mail.Read'" or a mailbox
   * @param detail what was expected and what was found
   * @param repairedByReapply whether applying the setup again restores it (what the setup owns); otherwise a person
   *     must decide (e.g. consent added, a member added outside the list, an assignment rescoped)
   */
  public record Drift(Kind kind, String subject, String detail, boolean repairedByReapply) {}

  /** True when nothing drifted and everything could be read. */
  @JsonIgnore
  public boolean isClean() {
    return findings.isEmpty();
  }

  /** The findings of one kind. */
  public List<Drift> findings(Kind kind) {
    return findings.stream().filter(d -> d.kind() == kind).toList();
  }

  /** The report as indented JSON. */
  public String toJson() {
    return Json.indented(this, "the drift report");
  }

  /** A readable table, one row per finding. */
  @Override
  public String toString() {
    if (findings.isEmpty()) {
      return "Drift of '" + setupName + "' at " + checkedAt + ": none, the tenant is as the setup left it.\n";
    }
    Table table = new Table("KIND", "SUBJECT", "REAPPLY REPAIRS", "DETAIL");
    findings.forEach(d -> table.row(d.kind().name(), d.subject(), d.repairedByReapply() ? "yes" : "no", d.detail()));
    return "Drift of '" + setupName + "' at " + checkedAt + ": " + findings.size() + " finding(s)\n" + table.render();
  }
}
