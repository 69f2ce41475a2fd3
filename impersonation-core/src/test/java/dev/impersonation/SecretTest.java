package dev.impersonation;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.impersonation.Principal.ServiceAccount;
import org.junit.jupiter.api.Test;

class SecretTest {
  private static final String PASSWORD = "P@ss-w0rd!";

  @Test
  void toStringIsRedacted() {
    Secret s = Secret.of(PASSWORD);
    assertEquals("Secret[redacted]", s.toString());
    assertFalse(s.toString().contains(PASSWORD));
  }

  @Test
  void revealReturnsACopyAndClearWipes() {
    char[] chars = PASSWORD.toCharArray();
    Secret s = Secret.of(chars);
    chars[0] = 'X';
    char[] revealed = s.reveal();
    assertArrayEquals(PASSWORD.toCharArray(), revealed);
    revealed[1] = 'Y';
    assertArrayEquals(PASSWORD.toCharArray(), s.reveal());
    s.clear();
    assertArrayEquals(new char[PASSWORD.length()], s.reveal());
  }

  @Test
  void emptyOrNullSecretsAreRejected() {
    assertThrows(InvalidSetupException.class, () -> Secret.of(""));
    assertThrows(InvalidSetupException.class, () -> Secret.of((String) null));
    assertThrows(InvalidSetupException.class, () -> Secret.of((char[]) null));
  }

  @Test
  void passwordNeverAppearsInSetupOrPrincipalText() {
    ServiceAccount svc = Principal.serviceAccount("svc@contoso.com")
        .createIfMissing("Impersonation Service", "US", "c7df2760-2c81-4ef7-b578-5b5392b571df", Secret.of(PASSWORD));
    ImpersonationSetup setup = ImpersonationSetup.builder().name("Cronofy")
        .target(TenantTarget.exchangeOnline("contoso.onmicrosoft.com"))
        .principal(svc)
        .scope(Scope.mailboxes("room1@contoso.com"))
        .access(Access.fullAccess())
        .build();
    for (String text : new String[] {setup.toString(), svc.toString(), setup.principal().toString(),
        svc.creation().orElseThrow().toString(), svc.displayIdentity(), String.valueOf(svc.hashCode())}) {
      assertFalse(text.contains(PASSWORD), text);
      assertFalse(text.contains("w0rd"), text);
    }
    assertEquals(PASSWORD, new String(svc.creation().orElseThrow().password().reveal()));
  }

  @Test
  void onPremisesCreationAlsoRedacts() {
    ServiceAccount svc = Principal.serviceAccount("svc@contoso.com").createIfMissing("Svc", Secret.of(PASSWORD));
    ImpersonationSetup setup = ImpersonationSetup.builder().name("Onprem")
        .target(TenantTarget.exchangeServer("contoso.com")).principal(svc)
        .scope(Scope.distributionGroup("Rooms")).access(Access.applicationImpersonation()).build();
    assertFalse(setup.toString().contains(PASSWORD), setup.toString());
    assertFalse(setup.principal().toString().contains(PASSWORD), setup.principal().toString());
  }
}
