package dev.impersonation.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.impersonation.Access;
import dev.impersonation.ImpersonationSetup;
import dev.impersonation.Principal;
import dev.impersonation.Scope;
import dev.impersonation.TenantTarget;
import dev.impersonation.verify.MailboxAccess;
import dev.impersonation.verify.VerificationReport;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** verify checks a sample of a large scope one by one, always the declared mailboxes and the outsider (issue 13). */
class VerificationSampleTest {
  private static final String APP = "4d5e6f70-8192-4a3b-8c4d-5e6f708192a3";

  private static List<String> members() {
    List<String> out = new ArrayList<>();
    for (int i = 0; i < 120; i++) {
      out.add(String.format("user%03d@contoso.com", i));
    }
    return out;
  }

  private static FakeTenant tenant() {
    FakeTenant.Builder b = FakeTenant.exchangeOnline(Fixtures.ONLINE).application(APP, "5e6f7081-92a3-4b4c-9d5e-6f708192a3b4", "Sync")
        .userMailbox("outsider@contoso.com");
    members().forEach(b::userMailbox);
    return b.build();
  }

  private static ImpersonationSetup.Builder setup() {
    return ImpersonationSetup.builder().name("Sync").target(TenantTarget.exchangeOnline(Fixtures.ONLINE))
        .principal(Principal.application(APP)).scope(Scope.mailEnabledSecurityGroup("Sync Users").members(members()))
        .access(Access.rbacForApplications("Application Mail.Read")).outsider("outsider@contoso.com")
        .addVerifyMailboxes("user119@contoso.com");
  }

  @Test
  void aLargeScopeIsCheckedBySampleWithTheDeclaredMailboxesAndTheOutsider() {
    FakeTenant tenant = tenant();
    ImpersonationSetup setup = setup().build();
    setup.apply(tenant.connection());
    tenant.clock().advance(Duration.ofHours(2));
    VerificationReport report = setup.verify(tenant.connection());
    assertTrue(report.isSatisfied(), report::toString);
    List<MailboxAccess> inScope = report.mailboxes().stream().filter(MailboxAccess::inScope).toList();
    assertEquals(ImpersonationSetup.DEFAULT_VERIFICATION_SAMPLE + 1, inScope.size(), "the first 50 and the declared one");
    assertTrue(inScope.stream().anyMatch(m -> m.mailbox().equals("user119@contoso.com")), "a declared mailbox is always checked");
    assertTrue(report.mailboxes().stream().anyMatch(m -> !m.inScope() && m.mailbox().equals("outsider@contoso.com")));
    assertTrue(report.notes().stream().anyMatch(n -> n.startsWith("Checked 51 of 120")), report.notes()::toString);
  }

  @Test
  void everyMailboxWhenAsked() {
    FakeTenant tenant = tenant();
    ImpersonationSetup setup = setup().verifyingEveryMailbox().build();
    setup.apply(tenant.connection());
    tenant.clock().advance(Duration.ofHours(2));
    VerificationReport report = setup.verify(tenant.connection());
    assertEquals(120, report.mailboxes().stream().filter(MailboxAccess::inScope).count());
    assertTrue(report.isSatisfied(), report::toString);
  }
}
