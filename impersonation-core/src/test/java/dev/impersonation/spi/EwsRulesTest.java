package dev.impersonation.spi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.impersonation.TenantTarget;
import java.time.LocalDate;
import java.util.List;
import java.util.Optional;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** docs/ews.md#rules as a table, and the properties that must hold whatever the settings. */
class EwsRulesTest {
  private static final TenantTarget ONLINE = TenantTarget.exchangeOnline("contoso.onmicrosoft.com");
  private static final TenantTarget SERVER = TenantTarget.exchangeServer("contoso.com");
  private static final String APP = "5a6b7c8d-9e0f-4a1b-8c2d-3e4f5a6b7c8d";
  private static final String OTHER = "11111111-2222-4333-8444-555555555555";

  private static EwsOrganizationPolicy policy(String enabled, String list) {
    Optional<Boolean> e = enabled.equals("null") ? Optional.empty() : Optional.of(Boolean.parseBoolean(enabled));
    return new EwsOrganizationPolicy(e, EwsOrganizationPolicy.parseAllowedAppIds(list.equals("-") ? null : list));
  }

  @ParameterizedTest(name = "{0} on {1}: EwsEnabled {2}, list {3} -> {4}")
  @CsvSource(delimiter = '|', value = {
      "online | 2026-09-30 | null  | -            | true  | allows EWS until 2026-10-01",
      "online | 2026-10-01 | null  | -            | false | has meant off since 2026-10-01",
      "online | 2026-12-03 | false | -            | false | EwsEnabled is False",
      "online | 2026-12-03 | true  | -            | true  | EwsAllowedAppIDs is empty",
      "online | 2026-12-03 | true  | " + OTHER + " | false | is not on EwsAllowedAppIDs (1 app(s) listed)",
      "online | 2026-12-03 | true  | " + OTHER + ";" + APP + " | true | is on EwsAllowedAppIDs",
      "online | 2027-03-31 | true  | -            | true  | EwsAllowedAppIDs is empty",
      "online | 2027-04-01 | true  | " + APP + "   | false | shut down on 2027-04-01",
      "server | 2030-01-01 | null  | -            | true  | (Exchange Server)",
      "server | 2030-01-01 | true  | -            | true  | (Exchange Server)",
      "server | 2030-01-01 | false | -            | false | EwsEnabled is False",
  })
  void theOrganizationsPart(String target, LocalDate date, String enabled, String list, boolean allowed, String reason) {
    EwsRules.Verdict v = EwsRules.organization(target.equals("online") ? ONLINE : SERVER, date, policy(enabled, list), Optional.of(APP));
    assertEquals(allowed, v.allowed(), v.reason());
    assertTrue(v.reason().contains(reason), v.reason());
  }

  @ParameterizedTest
  @CsvSource({"true,true", "false,false"})
  void theMailboxMustAllowItToo(boolean mailboxEnabled, boolean allowed) {
    EwsRules.Verdict v = EwsRules.mailbox(ONLINE, LocalDate.of(2026, 12, 3), policy("true", "-"), Optional.of(APP), "ann@contoso.com",
        mailboxEnabled);
    assertEquals(allowed, v.allowed(), v.reason());
    if (!allowed) {
      assertTrue(v.reason().contains("EwsEnabled is False on the mailbox ann@contoso.com"), v.reason());
    }
  }

  @org.junit.jupiter.api.Test
  void anUnnamedAppCannotBeOnANonEmptyList() {
    EwsRules.Verdict v = EwsRules.organization(ONLINE, LocalDate.of(2026, 12, 3), policy("true", OTHER), Optional.empty());
    assertFalse(v.allowed());
    assertTrue(v.reason().contains("is not named"), v.reason());
  }

  @org.junit.jupiter.api.Test
  void theAllowListIsReadInEveryShapeAServiceReturns() {
    assertEquals(List.of(APP, OTHER), EwsOrganizationPolicy.parseAllowedAppIds(APP + ", " + OTHER));
    assertEquals(List.of(APP, OTHER), EwsOrganizationPolicy.parseAllowedAppIds(List.of(APP, OTHER + ";" + APP.toUpperCase())));
    assertEquals(List.of(), EwsOrganizationPolicy.parseAllowedAppIds(null));
    assertEquals(List.of(), EwsOrganizationPolicy.parseAllowedAppIds(" "));
    assertTrue(new EwsOrganizationPolicy(Optional.of(true), List.of(APP.toUpperCase())).allowListed(APP));
  }

  @Provide
  Arbitrary<EwsOrganizationPolicy> policies() {
    Arbitrary<Optional<Boolean>> enabled = Arbitraries.of(Optional.<Boolean>empty(), Optional.of(true), Optional.of(false));
    Arbitrary<List<String>> lists = Arbitraries.of(APP, OTHER, "22222222-3333-4444-8555-666666666666").list().ofMaxSize(3);
    return net.jqwik.api.Combinators.combine(enabled, lists).as(EwsOrganizationPolicy::new);
  }

  @Property
  void exchangeOnlineEwsIsGoneFromTheShutdownWhateverTheSettings(@ForAll("policies") EwsOrganizationPolicy p,
      @ForAll @IntRange(min = 0, max = 3650) int daysAfter, @ForAll boolean mailbox) {
    LocalDate date = EwsRules.SHUTDOWN.plusDays(daysAfter);
    assertFalse(EwsRules.mailbox(ONLINE, date, p, Optional.of(APP), "m@contoso.com", mailbox).allowed());
  }

  @Property
  void exchangeServerIgnoresTheDateAndTheList(@ForAll("policies") EwsOrganizationPolicy p,
      @ForAll @IntRange(min = -3650, max = 3650) int days) {
    LocalDate date = EwsRules.SHUTDOWN.plusDays(days);
    boolean expected = !p.ewsEnabled().equals(Optional.of(false));
    assertEquals(expected, EwsRules.organization(SERVER, date, p, Optional.of(APP)).allowed());
  }

  @Property
  void addingTheAppToTheListNeverTurnsAnAllowIntoARefusal(@ForAll("policies") EwsOrganizationPolicy p,
      @ForAll @IntRange(min = -400, max = 200) int days) {
    LocalDate date = EwsRules.SHUTDOWN.plusDays(days);
    boolean before = EwsRules.organization(ONLINE, date, p, Optional.of(APP)).allowed();
    List<String> withApp = new java.util.ArrayList<>(p.allowedAppIds());
    withApp.add(APP);
    boolean after = EwsRules.organization(ONLINE, date, new EwsOrganizationPolicy(p.ewsEnabled(), withApp), Optional.of(APP)).allowed();
    assertTrue(!before || after, "allowed before, refused after adding the app");
  }

  @Property
  void aMailboxWithEwsOffIsAlwaysRefused(@ForAll("policies") EwsOrganizationPolicy p, @ForAll boolean online,
      @ForAll @IntRange(min = -400, max = 400) int days) {
    assertFalse(EwsRules.mailbox(online ? ONLINE : SERVER, EwsRules.SHUTDOWN.plusDays(days), p, Optional.of(APP), "m@contoso.com",
        false).allowed());
  }
}
