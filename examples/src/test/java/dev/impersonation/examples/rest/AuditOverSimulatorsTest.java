package dev.impersonation.examples.rest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.impersonation.audit.MailboxAccessAudit.Finding;
import dev.impersonation.audit.MailboxAccessAudit.Kind;
import dev.impersonation.audit.MailboxAccessAudit;
import dev.impersonation.examples.AuditExample;
import dev.impersonation.testkit.FakeTenant;
import dev.impersonation.testkit.JournalEntry;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The audit of a messy tenant (docs/audit.md) in memory and over the HTTP simulators: the same findings both ways, every
 * section read, and inventory reads only: no read per mailbox.
 */
class AuditOverSimulatorsTest {
  private final OverHttp http = new OverHttp();

  @AfterEach
  void stop() throws Exception {
    http.close();
  }

  @Test
  void theSameFindingsInMemoryAndOverHttp() {
    MailboxAccessAudit[] audits = new MailboxAccessAudit[2];
    String memory = OverHttp.printed(out -> audits[0] = AuditExample.run(out, FakeTenant::connection));
    String overHttp = OverHttp.printed(out -> audits[1] = AuditExample.run(out, http::connect));
    for (MailboxAccessAudit audit : audits) {
      assertTrue(audit.isComplete(), audit::toString);
      Finding legacy = audit.findings(Kind.APPLICATION_IMPERSONATION).get(0);
      assertTrue(legacy.tenantWide() && legacy.principal().contains("oldsync@contoso.com"), audit::toString);
      Finding calendar = audit.findings(Kind.APPLICATION_ROLE).get(0);
      assertEquals(2, calendar.reach().orElseThrow(), "Sales: Ann and Bob\n" + audit);
      assertFalse(calendar.tenantWide());
      assertEquals(2, audit.findings(Kind.ACCESS_POLICY).size(), audit::toString);
      List<Finding> consent = audit.findings(Kind.TENANT_WIDE_CONSENT);
      assertEquals(2, consent.size(), "User.Read.All is not mailbox consent\n" + audit);
      Finding crm = consent.stream().filter(f -> f.principal().startsWith("Old CRM")).findFirst().orElseThrow();
      assertFalse(crm.tenantWide(), "narrowed by its RestrictAccess policy: " + crm);
      assertEquals(2, crm.reach().orElseThrow());
      Finding archiver = consent.stream().filter(f -> f.principal().startsWith("Archiver")).findFirst().orElseThrow();
      assertTrue(archiver.tenantWide() && archiver.grant().contains("full_access_as_app"), archiver::toString);
      List<Finding> fullAccess = audit.findings(Kind.FULL_ACCESS);
      assertEquals(1, fullAccess.size(), "the help desk's 2 grants are under the threshold\n" + audit);
      assertEquals(AuditExample.STAFF, fullAccess.get(0).reach().orElseThrow());
    }
    assertEquals(audits[0].findings(), audits[1].findings());
    assertEquals(memory, overHttp);
  }

  @Test
  void inventoryReadsOnlyNoCallPerMailbox() {
    FakeTenant tenant = AuditExample.tenant();
    tenant.clearJournal();
    MailboxAccessAudit.read(http.connect(tenant));
    Set<String> perMailbox = Set.of("mailboxPermissions", "findRecipient", "findMailbox", "testConfiguredAccess");
    List<JournalEntry> reads = tenant.journal();
    assertTrue(reads.stream().noneMatch(j -> perMailbox.contains(j.operation())), reads::toString);
    // One inventory read per kind, one per scope, group or consenting app: fewer than the mailboxes, none repeated.
    assertTrue(reads.size() < tenant.mailboxes().size(), reads.size() + " reads for " + tenant.mailboxes().size() + " mailboxes: " + reads);
    assertEquals(reads.size(), reads.stream().map(j -> j.operation() + "(" + j.detail() + ")").distinct().count(), reads::toString);
  }
}
