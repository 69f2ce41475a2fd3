package dev.impersonation.audit;

import com.fasterxml.jackson.annotation.JsonIgnore;
import dev.impersonation.InvalidSetupException;
import dev.impersonation.TenantConnection;
import dev.impersonation.TenantTarget;
import dev.impersonation.internal.Json;
import dev.impersonation.internal.Table;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * Who holds mailbox access in a tenant, whoever made it (docs/audit.md): ApplicationImpersonation and
 * {@code Application …} role assignments with their scopes, application access policies, principals holding FullAccess
 * over at least a threshold of mailboxes, and apps with tenant-wide mailbox consent (Microsoft Graph Mail, Calendars,
 * Contacts, MailboxSettings…, {@code full_access_as_app}). Each finding says what it reaches (a count and a sample) and
 * flags tenant-wide reach. The reads are inventories, paged by the services: no call per mailbox.
 * <pre>{@code
 * MailboxAccessAudit audit = MailboxAccessAudit.read(connection);
 * System.out.println(audit);                          // a table; audit.toJson() for machines
 * audit.tenantWide().forEach(f -> alert(f));
 * }</pre>
 * A section whose read failed is {@link Status#UNKNOWN} and one the connection cannot read is
 * {@link Status#NOT_AVAILABLE}; neither is ever reported as "nobody holds access". Reads only.
 *
 * @param target the tenant
 * @param readAt when, on the connection's clock
 * @param mailboxCount the organization's mailboxes; empty when they could not be counted
 * @param fullAccessThreshold the fewest mailboxes a principal's FullAccess grants must reach to be a finding
 * @param sections what was read, per kind of access
 * @param findings who holds access, in the order read
 */
public record MailboxAccessAudit(TenantTarget target, Instant readAt, Optional<Integer> mailboxCount, int fullAccessThreshold,
    List<Section> sections, List<Finding> findings) {
  /** The FullAccess threshold {@link #read(TenantConnection)} uses. */
  public static final int DEFAULT_FULL_ACCESS_THRESHOLD = 10;

  public MailboxAccessAudit {
    sections = List.copyOf(sections);
    findings = List.copyOf(findings);
  }

  /** A kind of mailbox access. */
  public enum Kind {
    /** The ApplicationImpersonation role assigned to a user or role group (EWS impersonation). */
    APPLICATION_IMPERSONATION,
    /** An {@code Application …} role of RBAC for Applications assigned to a service principal. */
    APPLICATION_ROLE,
    /** An application access policy (RestrictAccess or DenyAccess). */
    ACCESS_POLICY,
    /** FullAccess held over at least the threshold of mailboxes. */
    FULL_ACCESS,
    /** Tenant-wide application consent to mailbox data (Entra admin consent). */
    TENANT_WIDE_CONSENT
  }

  /** Whether a section could be read. */
  public enum Status {
    /** Read completely. */
    READ,
    /** A read failed: who holds this kind of access is unknown, not "nobody". */
    UNKNOWN,
    /** The connection cannot read it (no backend, or the target has no such thing, or only per mailbox). */
    NOT_AVAILABLE
  }

  /**
   * What was read for one kind of access.
   *
   * @param kind the kind
   * @param status whether it was read
   * @param detail what was read, or why not
   */
  public record Section(Kind kind, Status status, String detail) {}

  /**
   * One holder of mailbox access.
   *
   * @param kind the kind of access
   * @param principal who holds it: a user, role group (with its members), service principal or app
   * @param grant what is granted, e.g. "Application Mail.Read" or "Microsoft Graph Mail.ReadWrite"
   * @param scope what limits it, e.g. "management scope 'Sales' (Department -eq 'Sales')" or "none"
   * @param reach how many mailboxes it reaches; empty when that could not be read
   * @param sample a few of the mailboxes it reaches
   * @param tenantWide whether it reaches every mailbox of the organization
   * @param detail anything else worth knowing, e.g. why consent is not narrowed
   */
  public record Finding(Kind kind, String principal, String grant, String scope, Optional<Integer> reach, List<String> sample,
      boolean tenantWide, String detail) {
    public Finding {
      sample = List.copyOf(sample);
    }
  }

  /** Audits the tenant behind {@code connection} with the default FullAccess threshold. */
  public static MailboxAccessAudit read(TenantConnection connection) {
    return read(connection, DEFAULT_FULL_ACCESS_THRESHOLD);
  }

  /**
   * Audits the tenant behind {@code connection}.
   *
   * @param connection the tenant
   * @param fullAccessThreshold the fewest mailboxes a principal's FullAccess grants must reach to be reported, at least 1
   * @return the audit
   * @throws InvalidSetupException for a threshold below 1, before anything is read
   */
  public static MailboxAccessAudit read(TenantConnection connection, int fullAccessThreshold) {
    if (fullAccessThreshold < 1) {
      throw new InvalidSetupException("The FullAccess threshold must be at least 1 mailbox, not " + fullAccessThreshold + ".");
    }
    return new AuditReads(connection, fullAccessThreshold).read();
  }

  /** The findings of one kind. */
  public List<Finding> findings(Kind kind) {
    return findings.stream().filter(f -> f.kind() == kind).toList();
  }

  /** The findings that reach every mailbox of the organization. */
  @JsonIgnore
  public List<Finding> tenantWide() {
    return findings.stream().filter(Finding::tenantWide).toList();
  }

  /** True when every section was read: an absent finding then means nobody holds that kind of access. */
  @JsonIgnore
  public boolean isComplete() {
    return sections.stream().allMatch(s -> s.status() == Status.READ);
  }

  /** The audit as indented JSON. */
  public String toJson() {
    return Json.indented(this, "the audit");
  }

  @Override
  public String toString() {
    StringBuilder out = new StringBuilder("Mailbox access audit of " + target + " at " + readAt + ": "
        + mailboxCount.map(n -> n + " mailbox(es)").orElse("mailboxes not counted") + ", " + findings.size() + " finding(s), "
        + tenantWide().size() + " tenant-wide\n");
    for (Section s : sections) {
      out.append("  ").append(s.kind()).append(": ").append(s.status()).append(" - ").append(s.detail()).append('\n');
    }
    if (findings.isEmpty()) {
      return out.append(isComplete() ? "Nobody holds mailbox access of these kinds.\n" : "No finding in what could be read.\n").toString();
    }
    Table table = new Table("KIND", "PRINCIPAL", "GRANT", "SCOPE", "REACH", "TENANT-WIDE", "SAMPLE");
    for (Finding f : findings) {
      table.row(f.kind().name(), f.principal(), f.grant(), f.scope(), f.reach().map(String::valueOf).orElse("UNKNOWN"),
          f.tenantWide() ? "YES" : "no", String.join(", ", f.sample()));
    }
    return out.append(table.render()).toString();
  }
}
