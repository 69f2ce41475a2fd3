package dev.impersonation.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.impersonation.testkit.FakeTenant;
import dev.impersonation.verify.MailboxAccess.AccessState;
import dev.impersonation.verify.MailboxAccess.GrantSource;
import dev.impersonation.verify.VerificationReport;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The role-aware verification example against the embedded fake tenant. */
class RoleAwareVerificationExampleTest {

  /** What both runs (embedded and over the simulators) must show. */
  static void assertRoleAware(RoleAwareVerificationExample.Result result) {
    VerificationReport before = result.withConsent();
    assertEquals(AccessState.GRANTED, before.mailbox(Contoso.ANN).orElseThrow().permission("Mail.Read").orElseThrow().state(),
        before.toString());
    assertEquals(Set.of(GrantSource.RBAC_FOR_APPLICATIONS),
        before.mailbox(Contoso.ANN).orElseThrow().permission("Mail.Read").orElseThrow().grantedBy());
    assertEquals(Set.of(GrantSource.ENTRA_CONSENT),
        before.mailbox(Contoso.ANN).orElseThrow().permission("Calendars.Read").orElseThrow().grantedBy(), before.toString());
    assertEquals(AccessState.DENIED, before.mailbox(Contoso.CEO).orElseThrow().permission("Mail.Read").orElseThrow().state());
    assertEquals(AccessState.GRANTED, before.mailbox(Contoso.CEO).orElseThrow().permission("Calendars.Read").orElseThrow().state(),
        "the consent reaches the outsider's calendar");
    assertFalse(before.isSatisfied());
    assertEquals(1, before.findings().size(), before.toString());
    assertTrue(before.findings().get(0).problem().contains("Calendars.Read"), before.findings().toString());
    assertTrue(before.findings().get(0).fix().contains("removingTenantWideConsent()"));

    VerificationReport after = result.afterFix();
    assertTrue(after.isSatisfied(), after.toString());
    for (String m : new String[] {Contoso.ANN, Contoso.BOB}) {
      assertEquals(AccessState.GRANTED, after.mailbox(m).orElseThrow().state(), after.toString());
      assertEquals(AccessState.GRANTED, after.mailbox(m).orElseThrow().permission("Mail.Read").orElseThrow().state());
      assertEquals(AccessState.DENIED, after.mailbox(m).orElseThrow().permission("Calendars.Read").orElseThrow().state(),
          after.toString());
    }
    assertEquals(AccessState.DENIED, after.mailbox(Contoso.CEO).orElseThrow().state(), after.toString());
    assertTrue(after.findings().isEmpty(), after.toString());
  }

  @Test
  void mailGrantedCalendarDeniedOutsiderDeniedAndTheConsentReported() {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    FakeTenant tenant = RoleAwareVerificationExample.tenant();
    RoleAwareVerificationExample.Result result = RoleAwareVerificationExample.run(tenant.connection(),
        new PrintStream(out, true, StandardCharsets.UTF_8));
    assertRoleAware(result);
    String text = out.toString(StandardCharsets.UTF_8);
    assertTrue(text.contains("FINDING D11"), text);
    assertTrue(text.contains("Per permission:"), text);
    assertTrue(text.contains("REVOKE"), "the fix revokes the consent:\n" + text);
  }

  @Test
  void mainRunsQuietlyToSuccess() {
    PrintStream original = System.out;
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
    try {
      RoleAwareVerificationExample.main(new String[0]);
    } finally {
      System.setOut(original);
    }
    assertTrue(out.toString(StandardCharsets.UTF_8).contains(": SATISFIED"));
  }
}
