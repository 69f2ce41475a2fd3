package dev.impersonation.testkit.jqwik;

import dev.impersonation.Access.ApplicationAccessPolicy;
import dev.impersonation.Access.ApplicationImpersonation;
import dev.impersonation.Access.RbacForApplications;
import dev.impersonation.Access;
import dev.impersonation.AccessMethod;
import dev.impersonation.GroupKind;
import dev.impersonation.ImpersonationSetup;
import dev.impersonation.MembershipMode;
import dev.impersonation.Scope.GroupScope;
import dev.impersonation.Scope;
import dev.impersonation.TenantConnection;
import dev.impersonation.TenantTarget;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.UUID;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.Tuple;

/**
 * jqwik arbitraries for property tests of code that uses Impersonation Setup for Java: hostile text and names, valid
 * addresses and ids, scopes, access methods, whole valid {@link ImpersonationSetup}s, and {@link TenantWorld}s (a seeded
 * {@link dev.impersonation.testkit.FakeTenant} with a setup that matches it).
 *
 * <pre>{@code
 * @Property(tries = 100, seed = "42")
 * void applyConverges(@ForAll("worlds") TenantWorld world) {
 *   TenantConnection connection = world.tenant().connection();
 *   assertTrue(world.setup().apply(connection).succeeded());
 *   assertTrue(world.setup().plan(connection).isConverged());
 * }
 *
 * @Provide
 * Arbitrary<TenantWorld> worlds() {
 *   return ImpersonationArbitraries.tenants();
 * }
 * }</pre>
 *
 * <p>Every arbitrary draws only from jqwik's random source (no unseeded {@code Random}, no clock, no iteration over
 * hash-ordered sets), so a property's {@code seed} reproduces its values. Values shrink towards plain, short ones.
 * jqwik is an optional dependency of the testkit: add {@code net.jqwik:jqwik} to your test scope to use this class.
 */
public final class ImpersonationArbitraries {
  /** The domain of generated Exchange Online worlds. */
  public static final String ONLINE_DOMAIN = "contoso.onmicrosoft.com";
  /** The domain of generated Exchange Server worlds. */
  public static final String SERVER_DOMAIN = "contoso.com";

  /** The five code points PowerShell reads as a single quote (docs/powershell-quoting.md). */
  public static final List<String> SINGLE_QUOTES = List.of("'", "\u2018", "\u2019", "\u201A", "\u201B");
  /** The four code points PowerShell reads as a double quote (docs/powershell-quoting.md). */
  public static final List<String> DOUBLE_QUOTES = List.of("\"", "\u201C", "\u201D", "\u201E");

  private static final List<String> APPLICATION_ROLES = RbacForApplications.KNOWN_ROLES.stream().sorted().toList();
  private static final List<String> EXTRA_ROLES = List.of("View-Only Configuration", "View-Only Recipients",
      "Mail Recipients", "Mailbox Search");
  static final List<String> FILTER_PROPERTIES = List.of("Department", "Company", "Office", "City",
      "CustomAttribute1", "Title");
  static final int MAX_NAME = 64;
  // Single character sets: jqwik combines several ranges with a flatMap per character, which is slow.
  private static final String DIGITS = "0123456789";
  private static final String LOWER_ALNUM = "abcdefghijklmnopqrstuvwxyz" + DIGITS;
  static final String ALNUM = LOWER_ALNUM + "ABCDEFGHIJKLMNOPQRSTUVWXYZ";
  /** Group names leave room for the {@code " <n>"} suffix of split groups. */
  private static final int MAX_GROUP_NAME = 60;

  private ImpersonationArbitraries() {}

  // ------------------------------------------------------------------ text

  /**
   * Text that breaks naive quoting: plain words mixed with every PowerShell single quote (U+0027, U+2018-U+201B), double
   * quote (U+0022, U+201C-U+201E), {@code $}, {@code $(}, <code>${</code>, backtick, {@code # ; | & {} @}, CR, LF, U+2028,
   * U+2029, tab, NEL, Cyrillic, CJK, Arabic, Devanagari and other scripts, combining marks, invisible characters and
   * emoji (surrogate pairs, ZWJ sequences). May be any length from 1 to about 100 characters; may be blank.
   */
  public static Arbitrary<String> hostileText() {
    return HostileText.fragments(true).list().ofMinSize(1).ofMaxSize(12).map(parts -> String.join("", parts));
  }

  /**
   * Like {@link #hostileText()} but valid as an Exchange object name ({@code -Name}) and accepted by the library as a
   * group, scope, role group or display name: 1-64 characters, not blank, no control characters (tab, CR, LF, NEL, ...)
   * and no line or paragraph separators (U+2028, U+2029). Surrogate pairs are never split.
   */
  public static Arbitrary<String> hostileName() {
    return hostileName(MAX_NAME);
  }

  /**
   * {@link #hostileName()} of at most {@code maxLength} characters (UTF-16 code units, as Exchange counts them).
   *
   * @param maxLength at least 1, at most 64
   */
  public static Arbitrary<String> hostileName(int maxLength) {
    if (maxLength < 1 || maxLength > MAX_NAME) {
      throw new IllegalArgumentException("maxLength must be 1-64, got " + maxLength);
    }
    return HostileText.name(maxLength);
  }

  static boolean isValidName(String s) {
    if (s.isEmpty() || s.isBlank() || s.length() > MAX_NAME) {
      return false;
    }
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (Character.getType(c) == Character.CONTROL || c == '\u2028' || c == '\u2029') {
        return false;
      }
    }
    return true;
  }

  /** Picks one of {@code choices} by weight, without flatMap (jqwik regenerates flatMapped values on every access). */
  @SuppressWarnings("unchecked")
  static <T> Arbitrary<T> weighted(List<T> choices, java.util.function.ToIntFunction<T> weight) {
    return Arbitraries.frequency(choices.stream().map(c -> Tuple.of(weight.applyAsInt(c), c)).toArray(Tuple.Tuple2[]::new));
  }

  // ------------------------------------------------------------------ identifiers

  static Arbitrary<String> lowerWords(int max) {
    return Arbitraries.strings().withChars(LOWER_ALNUM).ofMinLength(1).ofMaxLength(max);
  }

  private static Arbitrary<String> joined(Arbitrary<String> a, Arbitrary<String> sep, Arbitrary<String> b) {
    return Combinators.combine(a, sep, b).as((x, s, y) -> x + s + y);
  }

  private static final List<String> COMMON_SEPARATORS = List.of("'", "+", "-", "_", "\u2019");
  private static final List<String> RARE_SEPARATORS = List.of("$", "&", "`", "{", "}", "|", "~", "!", "#", "%", "*", "/", "=",
      "?", "^", "'", "\u2018");

  /** One dot-free atom of an address's local part. */
  private static Arbitrary<String> atoms() {
    return Combinators.combine(Arbitraries.integers().between(0, 11), lowerWords(10), lowerWords(8),
        Arbitraries.integers().between(0, 9999), Arbitraries.strings().withChars(DIGITS).ofMinLength(1).ofMaxLength(4), HostileText.plainWords())
        .as((kind, a, b, sep, digits, mixed) -> {
          if (kind < 6) {
            return a;
          } else if (kind < 9) {
            return a + COMMON_SEPARATORS.get(sep % COMMON_SEPARATORS.size()) + b;
          } else if (kind < 10) {
            return a + RARE_SEPARATORS.get(sep % RARE_SEPARATORS.size()) + b;
          } else if (kind < 11) {
            return digits;
          }
          return mixed;
        });
  }

  private static String checkDomain(String domain) {
    // Validates the domain the way the library does (TenantTarget rejects anything else).
    return TenantTarget.exchangeServer(domain).domain();
  }

  /**
   * SMTP addresses in {@code domain} that the library accepts (the SMTP rule of its validation): one to three dot-joined
   * atoms with letters (both cases), digits, apostrophes ({@code o'brien}, also U+2018/U+2019), {@code + - _}, and
   * rarely {@code $ & ` { } | ~ ! # % * / = ? ^}; never a leading, trailing or doubled dot.
   *
   * @param domain a DNS domain such as {@code contoso.com}
   */
  public static Arbitrary<String> smtpAddresses(String domain) {
    String d = checkDomain(domain);
    return atoms().list().ofMinSize(1).ofMaxSize(3).map(parts -> String.join(".", parts))
        .filter(local -> local.length() <= 64).map(local -> local + "@" + d);
  }

  /**
   * User principal names in {@code domain}, shaped like people's ({@code first.last}, {@code o'brien}, {@code ann+sync},
   * {@code j.doe-smith2}) or like any {@link #smtpAddresses(String)}; all pass the library's SMTP validation.
   *
   * @param domain a DNS domain such as {@code contoso.com}
   */
  public static Arbitrary<String> upns(String domain) {
    String d = checkDomain(domain);
    Arbitrary<String> person = Combinators.combine(lowerWords(8), Arbitraries.of(".", "'", "-", "+", "_", "\u2019", ""),
        lowerWords(10), Arbitraries.of(true, false)).as((first, sep, last, capital) -> {
          String local = first + sep + last;
          return (capital ? Character.toUpperCase(local.charAt(0)) + local.substring(1) : local) + "@" + d;
        });
    return Combinators.combine(Arbitraries.integers().between(0, 4), person, smtpAddresses(domain))
        .as((kind, p, any) -> kind < 3 ? p : any);
  }

  /** Entra application (client) ids and object ids: GUIDs, now and then in upper case. */
  public static Arbitrary<String> appIds() {
    return Combinators.combine(Arbitraries.longs(), Arbitraries.longs(), Arbitraries.integers().between(0, 5))
        .as((hi, lo, upper) -> {
          String id = new UUID(hi, lo).toString();
          return upper == 5 ? id.toUpperCase(Locale.ROOT) : id;
        });
  }

  /** Setup names the library accepts: 1-32 letters, digits, spaces, {@code . _ -}, starting with a letter or digit. */
  public static Arbitrary<String> setupNames() {
    Arbitrary<Character> first = Arbitraries.chars().with(ALNUM.toCharArray());
    Arbitrary<String> rest = Arbitraries.strings().withChars(ALNUM + " ._-").ofMinLength(0).ofMaxLength(31);
    return Combinators.combine(first, rest).as((f, r) -> f + r);
  }

  /** One to three distinct {@code Application ...} roles from {@link RbacForApplications#KNOWN_ROLES}. */
  public static Arbitrary<List<String>> applicationRoles() {
    return Arbitraries.of(APPLICATION_ROLES).list().uniqueElements().ofMinSize(1).ofMaxSize(3);
  }

  /**
   * Mail aliases the library accepts that contain at least one character the fake tenant never puts in addresses it
   * derives from names ({@code + ' & $ ` { } | ~ ! # % * / = ? ^}), so they cannot collide with those.
   */
  public static Arbitrary<String> aliases() {
    return joined(lowerWords(10), Arbitraries.of("+", "'", "&", "$", "`", "{", "}", "|", "~", "!", "#", "%", "*", "/",
        "=", "?", "^"), lowerWords(10));
  }

  /**
   * Primary SMTP addresses for groups in {@code domain}, with a local part like {@link #aliases()}.
   *
   * @param domain a DNS domain such as {@code contoso.com}
   */
  public static Arbitrary<String> groupAddresses(String domain) {
    String d = checkDomain(domain);
    return aliases().map(a -> a + "@" + d);
  }

  // ------------------------------------------------------------------ scopes and access

  static <T> Arbitrary<List<T>> subsetList(List<T> pool, int min, int max) {
    int hi = Math.min(max, pool.size());
    if (hi == 0) {
      return Arbitraries.just(List.of());
    }
    return Arbitraries.of(pool).list().uniqueElements().ofMinSize(Math.min(min, hi)).ofMaxSize(hi);
  }

  /**
   * Group scopes of every kind over {@code possibleMembers}: a hostile name, up to six members, up to two owners from
   * the same list, optional alias and primary SMTP address in {@code domain}, hidden or not, ADD_ONLY / EXACT /
   * existing membership (UNMANAGED, then without members), sometimes split with {@code maxMembersPerGroup}. Whether a
   * kind fits an access method or target is checked by {@code ImpersonationSetup.build()}: see
   * {@link #groupScopes(String, List, List, List)} to choose kinds.
   *
   * @param domain the domain of generated group addresses
   * @param possibleMembers member (and owner) addresses, e.g. {@code upns(domain)} samples or a world's mailboxes
   */
  public static Arbitrary<GroupScope> groupScopes(String domain, List<String> possibleMembers) {
    return groupScopes(domain, possibleMembers, possibleMembers, List.of(GroupKind.values()));
  }

  /**
   * Group scopes of the given kinds, with members from {@code possibleMembers} and owners from {@code possibleOwners}.
   *
   * @param domain the domain of generated group addresses
   * @param possibleMembers member addresses (room mailboxes for room lists)
   * @param possibleOwners owner addresses
   * @param kinds the group kinds to choose from (not empty)
   */
  public static Arbitrary<GroupScope> groupScopes(String domain, List<String> possibleMembers, List<String> possibleOwners,
      List<GroupKind> kinds) {
    return groupScopes(domain, possibleMembers, possibleOwners, kinds, true);
  }

  static Arbitrary<GroupScope> groupScopes(String domain, List<String> members, List<String> owners,
      List<GroupKind> kinds, boolean allowSplit) {
    Arbitrary<GroupKind> kind = Arbitraries.of(List.copyOf(kinds));
    var basics = Combinators.combine(kind, hostileName(MAX_GROUP_NAME), subsetList(members, 0, 6), subsetList(owners, 0, 2))
        .as(Tuple::of);
    var details = Combinators.combine(aliases().optional(0.3), groupAddresses(domain).optional(0.3),
        Arbitraries.of(true, false), Arbitraries.of(MembershipMode.ADD_ONLY, MembershipMode.ADD_ONLY, MembershipMode.EXACT,
            MembershipMode.UNMANAGED),
        allowSplit ? Arbitraries.integers().between(1, 4).optional(0.3) : Arbitraries.just(Optional.<Integer>empty()))
        .as(Tuple::of);
    return Combinators.combine(basics, details).as((b, d) -> {
      GroupScope g = groupScope(b.get1(), b.get2());
      MembershipMode mode = d.get4();
      if (mode != MembershipMode.UNMANAGED) {
        g = g.members(b.get3());
      }
      for (String owner : b.get4()) {
        g = g.owner(owner);
      }
      if (d.get1().isPresent()) {
        g = g.alias(d.get1().get());
      }
      if (d.get2().isPresent()) {
        g = g.primarySmtpAddress(d.get2().get());
      }
      if (d.get3()) {
        g = g.hiddenFromAddressLists();
      }
      g = g.membershipMode(mode);
      if (mode != MembershipMode.UNMANAGED && d.get5().isPresent()) {
        g = g.maxMembersPerGroup(d.get5().get());
      }
      return g;
    });
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

  /** The access methods that work on a target kind (ApplicationImpersonation only on Exchange Server, ...). */
  public static Arbitrary<AccessMethod> accessMethods(TenantTarget.Kind kind) {
    return kind == TenantTarget.Kind.EXCHANGE_ONLINE
        ? Arbitraries.of(AccessMethod.RBAC_FOR_APPLICATIONS, AccessMethod.RBAC_FOR_APPLICATIONS, AccessMethod.RBAC_FOR_APPLICATIONS,
            AccessMethod.APPLICATION_ACCESS_POLICY, AccessMethod.FULL_ACCESS_DELEGATION, AccessMethod.FULL_ACCESS_DELEGATION)
        : Arbitraries.of(AccessMethod.APPLICATION_IMPERSONATION, AccessMethod.APPLICATION_IMPERSONATION,
            AccessMethod.FULL_ACCESS_DELEGATION);
  }

  /**
   * Access values that work on a target kind: on Exchange Online RBAC for Applications (one to three roles), application
   * access policies (RestrictAccess, now and then DenyAccess) and FullAccess; on Exchange Server ApplicationImpersonation
   * (direct, or through a role group with a hostile name and extra roles) and FullAccess.
   *
   * @param kind the target kind
   */
  public static Arbitrary<Access> accessFor(TenantTarget.Kind kind) {
    return accessMethods(kind).flatMap(ImpersonationArbitraries::accessFor);
  }

  static Arbitrary<Access> accessFor(AccessMethod method) {
    return switch (method) {
      case RBAC_FOR_APPLICATIONS -> applicationRoles().map(roles -> Access.rbacForApplications(roles.toArray(String[]::new)));
      case APPLICATION_ACCESS_POLICY -> Arbitraries.of(Access.applicationAccessPolicy(), Access.applicationAccessPolicy(),
          Access.applicationAccessPolicy(), Access.applicationAccessPolicy(),
          new ApplicationAccessPolicy(ApplicationAccessPolicy.Right.DENY_ACCESS));
      case FULL_ACCESS_DELEGATION -> Arbitraries.just(Access.fullAccess());
      case APPLICATION_IMPERSONATION -> Combinators.combine(Arbitraries.of(false, true), hostileName(),
          subsetList(EXTRA_ROLES, 0, 2)).as((viaRoleGroup, rg, extra) -> viaRoleGroup
              ? Access.applicationImpersonation().viaRoleGroup(rg).withExtraRoles(extra.toArray(String[]::new))
              : Access.applicationImpersonation());
    };
  }

  // ------------------------------------------------------------------ worlds and setups

  /**
   * Whole setups that {@code build()} for {@code target}: Exchange Online with RBAC for Applications (group, recipient
   * filter, administrative unit or acknowledged organization scope), an access policy (mail-enabled security group) or
   * FullAccess (any group kind or a mailbox list); Exchange Server with ApplicationImpersonation (direct or via a role
   * group; group, filter or organization scope) or FullAccess. Names are hostile wherever the library allows it.
   * These are the setups of {@link #tenants(TenantTarget)}, without building the tenants.
   *
   * @param target the tenant target every setup uses
   */
  public static Arbitrary<ImpersonationSetup> setups(TenantTarget target) {
    return WorldRecipes.recipes(target).map(WorldRecipe::setup);
  }

  /**
   * Worlds on {@code target}: a seeded {@link dev.impersonation.testkit.FakeTenant} and a setup like those of
   * {@link #setups(TenantTarget)} that matches it (see {@link TenantWorld} for what is seeded).
   *
   * @param target an Exchange Online (any cloud) or Exchange Server target
   */
  public static Arbitrary<TenantWorld> tenants(TenantTarget target) {
    return WorldRecipes.recipes(target).map(TenantWorld::new);
  }

  /**
   * Worlds of one kind, on {@link #ONLINE_DOMAIN} or {@link #SERVER_DOMAIN}.
   *
   * @param kind the target kind
   */
  public static Arbitrary<TenantWorld> tenants(TenantTarget.Kind kind) {
    return tenants(kind == TenantTarget.Kind.EXCHANGE_ONLINE ? TenantTarget.exchangeOnline(ONLINE_DOMAIN)
        : TenantTarget.exchangeServer(SERVER_DOMAIN));
  }

  /** Worlds of both kinds (Exchange Online about twice as often, as it has more access methods). */
  @SuppressWarnings("unchecked")
  public static Arbitrary<TenantWorld> tenants() {
    return Arbitraries.frequencyOf(Tuple.of(2, tenants(TenantTarget.Kind.EXCHANGE_ONLINE)),
        Tuple.of(1, tenants(TenantTarget.Kind.EXCHANGE_SERVER)));
  }
}
