package dev.impersonation.testkit.jqwik;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.impersonation.Access;
import dev.impersonation.Cloud;
import dev.impersonation.GroupKind;
import dev.impersonation.ImpersonationSetup;
import dev.impersonation.Principal;
import dev.impersonation.Scope.GroupScope;
import dev.impersonation.Scope;
import dev.impersonation.TenantTarget;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.RandomGenerator;
import net.jqwik.api.statistics.Statistics;
import net.jqwik.api.statistics.StatisticsReport;

/** The arbitraries produce values the library accepts. */
@StatisticsReport(onFailureOnly = true)
class ArbitrariesValidityProperties {
  private static final String DOMAIN = "contoso.com";

  @Provide
  Arbitrary<ImpersonationSetup> anySetups() {
    return Arbitraries.oneOf(
        ImpersonationArbitraries.setups(TenantTarget.exchangeOnline(ImpersonationArbitraries.ONLINE_DOMAIN)),
        ImpersonationArbitraries.setups(TenantTarget.exchangeOnline("fabrikam.onmicrosoft.us", Cloud.GCC_HIGH)),
        ImpersonationArbitraries.setups(TenantTarget.exchangeServer(ImpersonationArbitraries.SERVER_DOMAIN)));
  }

  /** A setup rebuilt from its parts builds again and is equal: build() never throws for generated values. */
  @Property(tries = 200, seed = "7001")
  void setupsAlwaysBuild(@ForAll("anySetups") ImpersonationSetup setup) {
    ImpersonationSetup.Builder b = ImpersonationSetup.builder().name(setup.name()).target(setup.target())
        .principal(setup.principal()).scope(setup.scope()).access(setup.access())
        .managementScopeName(setup.managementScopeName()).roleAssignmentName(setup.roleAssignmentName())
        .addAllVerifyMailboxes(setup.verifyMailboxes()).outsider(setup.outsider());
    ImpersonationSetup rebuilt = assertDoesNotThrow(b::build, setup::toString);
    assertEquals(setup, rebuilt);
    Statistics.label("method").collect(setup.access().method());
    Statistics.label("scope").collect(setup.scope().getClass().getSimpleName());
    Statistics.label("target").collect(setup.target().kind());
    Statistics.label("method").coverage(c -> {
      for (var method : dev.impersonation.AccessMethod.values()) {
        c.check(method).count(n -> n > 0);
      }
    });
    Statistics.label("scope").coverage(c -> {
      for (String scope : List.of("GroupScope", "MailboxListScope", "RecipientFilterScope", "AdministrativeUnitScope",
          "OrganizationScope")) {
        c.check(scope).count(n -> n > 0);
      }
    });
  }

  /** Generated UPNs pass the library's SMTP validation everywhere it takes an address. */
  @Property(tries = 500, seed = "7002")
  void upnsAreValidAddresses(@ForAll("upns") String upn) {
    assertValidAddress(upn);
  }

  @Provide
  Arbitrary<String> upns() {
    return ImpersonationArbitraries.upns(DOMAIN);
  }

  @Property(tries = 500, seed = "7003")
  void smtpAddressesAreValid(@ForAll("smtp") String address) {
    assertValidAddress(address);
    String local = address.substring(0, address.lastIndexOf('@'));
    cover("apostrophe", local.contains("'"));
    cover("dot", local.contains("."));
    cover("plus", local.contains("+"));
    cover("hyphen", local.contains("-"));
    cover("digit", local.chars().anyMatch(Character::isDigit));
    cover("upper case", local.chars().anyMatch(Character::isUpperCase));
  }

  /** Collects whether a case happened and requires it to happen at least once. */
  private static void cover(String label, boolean happened) {
    Statistics.label(label).collect(happened);
    Statistics.label(label).coverage(c -> c.check(true).count(n -> n > 0));
  }

  @Provide
  Arbitrary<String> smtp() {
    return ImpersonationArbitraries.smtpAddresses(DOMAIN);
  }

  private static void assertValidAddress(String address) {
    String local = address.substring(0, address.lastIndexOf('@'));
    assertFalse(local.startsWith(".") || local.endsWith(".") || local.contains(".."), address);
    assertTrue(address.endsWith("@" + DOMAIN), address);
    assertDoesNotThrow(() -> Principal.serviceAccount(address), address);
    assertDoesNotThrow(() -> Scope.mailboxes(address), address);
    assertDoesNotThrow(() -> Scope.distributionGroup("G").members(address).owner(address).primarySmtpAddress(address), address);
  }

  /** Group addresses and aliases are accepted on group scopes. */
  @Property(tries = 200, seed = "7004")
  void groupAddressesAndAliasesAreAccepted(@ForAll("groupAddresses") String address, @ForAll("aliases") String alias) {
    assertDoesNotThrow(() -> Scope.mailEnabledSecurityGroup("G").primarySmtpAddress(address).alias(alias), address + " " + alias);
  }

  @Provide
  Arbitrary<String> groupAddresses() {
    return ImpersonationArbitraries.groupAddresses(DOMAIN);
  }

  @Provide
  Arbitrary<String> aliases() {
    return ImpersonationArbitraries.aliases();
  }

  /** Hostile names are accepted as group, scope, role group and display names, and keep the promised shape. */
  @Property(tries = 500, seed = "7005")
  void hostileNamesAreValidNames(@ForAll("hostileNames") String name) {
    assertTrue(name.length() >= 1 && name.length() <= 64, name);
    assertFalse(name.isBlank(), name);
    assertTrue(name.chars().noneMatch(c -> Character.getType(c) == Character.CONTROL || c == 0x2028 || c == 0x2029), name);
    for (int i = 0; i < name.length(); i++) {
      char c = name.charAt(i);
      if (Character.isHighSurrogate(c)) {
        assertTrue(i + 1 < name.length() && Character.isLowSurrogate(name.charAt(i + 1)), "split surrogate pair: " + name);
        i++;
      } else {
        assertFalse(Character.isLowSurrogate(c), "lone low surrogate: " + name);
      }
    }
    for (GroupKind kind : GroupKind.values()) {
      assertDoesNotThrow(() -> groupScope(kind, name), name);
    }
    assertDoesNotThrow(() -> ImpersonationSetup.builder().name("Hostile").target(TenantTarget.exchangeServer(DOMAIN))
        .principal(Principal.serviceAccount("svc@" + DOMAIN)).scope(Scope.distributionGroup(name))
        .access(Access.applicationImpersonation().viaRoleGroup(name)).managementScopeName(name).roleAssignmentName(name)
        .build(), name);
    assertDoesNotThrow(() -> Principal.application("00000000-0000-0000-0000-000000000001").displayName(name), name);
  }

  @Provide
  Arbitrary<String> hostileNames() {
    return ImpersonationArbitraries.hostileName();
  }

  private static GroupScope groupScope(GroupKind kind, String name) {
    return switch (kind) {
      case DISTRIBUTION -> Scope.distributionGroup(name);
      case MAIL_ENABLED_SECURITY -> Scope.mailEnabledSecurityGroup(name);
      case ROOM_LIST -> Scope.roomList(name);
      case MICROSOFT_365 -> Scope.microsoft365Group(name);
      case SECURITY -> Scope.securityGroup(name);
    };
  }

  /** Hostile text covers every quote code point, the PowerShell specials, line breaks, scripts and surrogate pairs. */
  @Property(tries = 1000, seed = "7006")
  void hostileTextCoversTheHostileCharacters(@ForAll("hostileText") String text) {
    assertFalse(text.isEmpty());
    for (String q : ImpersonationArbitraries.SINGLE_QUOTES) {
      cover("single quote U+" + Integer.toHexString(q.charAt(0)), text.contains(q));
    }
    for (String q : ImpersonationArbitraries.DOUBLE_QUOTES) {
      cover("double quote U+" + Integer.toHexString(q.charAt(0)), text.contains(q));
    }
    for (String s : List.of("$", "$(", "${", "`", "#", ";", "|", "&", "{}", "@", "\r", "\n", "\u2028", "\u2029", "\t")) {
      cover("contains " + s.replace("\r", "CR").replace("\n", "LF").replace("\t", "TAB").replace("\u2028", "LS")
          .replace("\u2029", "PS"), text.contains(s));
    }
    cover("surrogate pair", text.chars().anyMatch(c -> Character.isHighSurrogate((char) c)));
    cover("combining mark", text.chars().anyMatch(c -> Character.getType(c) == Character.NON_SPACING_MARK));
    cover("cyrillic", text.chars().anyMatch(c -> Character.UnicodeBlock.of(c) == Character.UnicodeBlock.CYRILLIC));
    cover("cjk", text.chars().anyMatch(c -> Character.UnicodeBlock.of(c) == Character.UnicodeBlock.CJK_UNIFIED_IDEOGRAPHS));
    cover("arabic", text.chars().anyMatch(c -> Character.UnicodeBlock.of(c) == Character.UnicodeBlock.ARABIC));
    cover("devanagari", text.chars().anyMatch(c -> Character.UnicodeBlock.of(c) == Character.UnicodeBlock.DEVANAGARI));
  }

  @Provide
  Arbitrary<String> hostileText() {
    return ImpersonationArbitraries.hostileText();
  }

  @Property(tries = 100, seed = "7007")
  void appIdsAreGuids(@ForAll("appIds") String id) {
    assertDoesNotThrow(() -> Principal.application(id).servicePrincipal(id), id);
    assertDoesNotThrow(() -> Scope.administrativeUnit(id), id);
  }

  @Provide
  Arbitrary<String> appIds() {
    return ImpersonationArbitraries.appIds();
  }

  /** The same random source gives the same worlds, down to the seeded tenants: nothing depends on time or hash order. */
  @Example
  void generationIsDeterministic() {
    assertEquals(sampleWorlds(20261124L), sampleWorlds(20261124L));
  }

  private static List<String> sampleWorlds(long seed) {
    RandomGenerator<TenantWorld> generator = ImpersonationArbitraries.tenants().generator(100);
    Random random = new Random(seed);
    List<String> out = new ArrayList<>();
    for (int i = 0; i < 15; i++) {
      TenantWorld world = generator.next(random).value();
      out.add(world + "\n" + world.freshTenant().snapshot());
    }
    return out;
  }
}
