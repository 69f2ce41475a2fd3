package dev.impersonation.verify;

import com.fasterxml.jackson.annotation.JsonIgnore;
import dev.impersonation.internal.Table;
import dev.impersonation.verify.Diagnosis.Finding;
import dev.impersonation.verify.MailboxAccess.AccessState;
import dev.impersonation.verify.MailboxAccess.PermissionAccess;
import java.time.Instant;
import java.util.List;

/**
 * Proof of the outcome: every checked in-scope mailbox and at least one outsider (least privilege).
 *
 * @param setupName the setup's name
 * @param principal the principal, as displayed
 * @param mailboxes one row per checked mailbox
 * @param notes caveats, e.g. "no access probe configured: configured state only"
 * @param organizationWide whether the scope is the whole organization (then no outsider exists to check)
 * @param verifiedAt when, on the connection's clock
 * @param findings least-privilege findings, e.g. tenant-wide Entra consent that reaches beyond the declared scope
 */
public record VerificationReport(String setupName, String principal, List<MailboxAccess> mailboxes, List<String> notes,
    boolean organizationWide, Instant verifiedAt, List<Finding> findings) {
  public VerificationReport {
    mailboxes = List.copyOf(mailboxes);
    notes = List.copyOf(notes);
    findings = List.copyOf(findings);
  }

  /** A report without findings. */
  public VerificationReport(String setupName, String principal, List<MailboxAccess> mailboxes, List<String> notes,
      boolean organizationWide, Instant verifiedAt) {
    this(setupName, principal, mailboxes, notes, organizationWide, verifiedAt, List.of());
  }

  /**
   * True when every in-scope mailbox is granted and every outsider denied, with at least one in-scope mailbox and,
   * unless the scope is the whole organization, at least one outsider checked (least privilege).
   */
  @JsonIgnore
  public boolean isSatisfied() {
    return mailboxes.stream().anyMatch(MailboxAccess::inScope) && mailboxes.stream().allMatch(MailboxAccess::asIntended)
        && (organizationWide || mailboxes.stream().anyMatch(m -> !m.inScope()));
  }

  /** True when something is still propagating or provisioning and nothing is wrong otherwise. */
  @JsonIgnore
  public boolean isPending() {
    return !isSatisfied() && mailboxes.stream().noneMatch(m -> !m.inScope() && m.state() == AccessState.GRANTED)
        && mailboxes.stream().anyMatch(m -> m.state() == AccessState.PENDING_PROPAGATION || m.state() == AccessState.MAILBOX_NOT_READY);
  }

  /** The row of one mailbox, if it was checked. */
  public java.util.Optional<MailboxAccess> mailbox(String mailbox) {
    return mailboxes.stream().filter(m -> m.mailbox().equalsIgnoreCase(mailbox)).findFirst();
  }

  /** Rows in the given state. */
  public List<MailboxAccess> inState(AccessState state) {
    return mailboxes.stream().filter(m -> m.state() == state).toList();
  }

  @Override
  public String toString() {
    Table table = new Table("MAILBOX", "EXPECTED", "STATE", "OK", "EVIDENCE");
    for (MailboxAccess m : mailboxes) {
      table.row(m.mailbox(), m.inScope() ? "granted" : "denied (outsider)", m.state().name(), m.asIntended() ? "yes" : "NO",
          m.evidence());
    }
    StringBuilder out = new StringBuilder("Verification of '").append(setupName).append("' for ").append(principal)
        .append(": ").append(isSatisfied() ? "SATISFIED" : isPending() ? "PENDING" : "NOT SATISFIED").append('\n')
        .append(table.render());
    if (mailboxes.stream().anyMatch(m -> !m.permissions().isEmpty())) {
      Table perms = new Table("MAILBOX", "PERMISSION", "EXPECTED", "STATE", "GRANTED BY", "OK", "EVIDENCE");
      for (MailboxAccess m : mailboxes) {
        for (PermissionAccess p : m.permissions()) {
          perms.row(m.mailbox(), p.permission(), p.expected() ? "granted" : "denied", p.state().name(),
              p.grantedBy().isEmpty() ? "-" : p.grantedBy().stream().map(Enum::name).sorted()
                  .collect(java.util.stream.Collectors.joining(", ")),
              p.asIntended() ? "yes" : "NO", p.evidence());
        }
      }
      out.append("Per permission:\n").append(perms.render());
    }
    findings.forEach(f -> out.append("FINDING ").append(f.code()).append(' ').append(f.severity()).append(": ")
        .append(f.problem()).append(" Fix: ").append(f.fix()).append('\n'));
    notes.forEach(n -> out.append("NOTE: ").append(n).append('\n'));
    return out.toString();
  }
}
