package dev.impersonation.testkit;

import static dev.impersonation.testkit.Fixtures.ANN;
import static dev.impersonation.testkit.Fixtures.BOB;
import static dev.impersonation.testkit.Fixtures.CEO;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.impersonation.InvalidSetupException;
import dev.impersonation.TransientTenantException;
import dev.impersonation.audit.MailboxAccessAudit.Kind;
import dev.impersonation.audit.MailboxAccessAudit.Status;
import dev.impersonation.audit.MailboxAccessAudit;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The mailbox access audit (docs/audit.md): what it finds, and that an unread section is never "nobody". */
class AuditTest {
  private static FakeTenant server() {
    return FakeTenant.exchangeServer(Fixtures.SERVER).userMailbox("svc@contoso.com").userMailbox(ANN).userMailbox(BOB)
        .userMailbox(CEO).managementScope("Sales", "Department -eq 'Sales'").mailboxProperty(ANN, "Department", "Sales")
        .roleGroup("Vendor Impersonation", List.of("ApplicationImpersonation"), List.of("svc@contoso.com"), "Sales")
        .roleAssignment("Old-Impersonation", "ApplicationImpersonation", "svc@contoso.com", "").build();
  }

  @Test
  void exchangeServerShowsImpersonationByRoleGroupAndSaysWhatItCannotRead() {
    MailboxAccessAudit audit = MailboxAccessAudit.read(server().connection());
    List<MailboxAccessAudit.Finding> impersonation = audit.findings(Kind.APPLICATION_IMPERSONATION);
    assertEquals(2, impersonation.size(), audit::toString);
    assertTrue(impersonation.stream().anyMatch(f -> f.tenantWide() && f.principal().contains("svc@contoso.com")), audit::toString);
    assertTrue(impersonation.stream().anyMatch(f -> f.principal().contains("role group Vendor Impersonation (members: svc@contoso.com)")
        && f.reach().orElseThrow() == 1 && !f.tenantWide()), audit::toString);
    assertEquals(Status.NOT_AVAILABLE, section(audit, Kind.ACCESS_POLICY));
    assertEquals(Status.NOT_AVAILABLE, section(audit, Kind.FULL_ACCESS), "Exchange Server lists permissions per mailbox only");
    assertFalse(audit.isComplete());
    assertTrue(audit.toString().contains("NOT_AVAILABLE") && audit.toJson().contains("\"APPLICATION_IMPERSONATION\""));
  }

  @Test
  void aFailedReadIsUnknownNeverNobody() {
    FakeTenant tenant = FakeTenant.exchangeOnline(Fixtures.ONLINE).userMailbox(ANN).userMailbox(CEO).build();
    tenant.faults().fail("fullAccessGrants", 1000, () -> new TransientTenantException("503 Service Unavailable"));
    MailboxAccessAudit audit = MailboxAccessAudit.read(tenant.connection());
    assertEquals(Status.UNKNOWN, section(audit, Kind.FULL_ACCESS), audit::toString);
    assertEquals(Status.READ, section(audit, Kind.APPLICATION_ROLE));
    assertFalse(audit.toString().contains("Nobody holds"), audit::toString);
  }

  @Test
  void theThresholdIsCheckedBeforeAnythingIsRead() {
    FakeTenant tenant = server();
    tenant.clearJournal();
    assertThrows(InvalidSetupException.class, () -> MailboxAccessAudit.read(tenant.connection(), 0));
    assertTrue(tenant.journal().isEmpty());
  }

  private static Status section(MailboxAccessAudit audit, Kind kind) {
    return audit.sections().stream().filter(s -> s.kind() == kind).findFirst().orElseThrow().status();
  }
}
