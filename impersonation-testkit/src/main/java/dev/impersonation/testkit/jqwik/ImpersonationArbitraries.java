package dev.impersonation.testkit.jqwik;

import dev.impersonation.TenantConnection;
import dev.impersonation.Access;
import dev.impersonation.AccessMethod;
import dev.impersonation.Access.ApplicationAccessPolicy;
import dev.impersonation.Access.ApplicationImpersonation;
import dev.impersonation.GroupKind;
import dev.impersonation.Scope.GroupScope;
import dev.impersonation.ImpersonationSetup;
import dev.impersonation.MembershipMode;
import dev.impersonation.Access.RbacForApplications;
import dev.impersonation.Scope;
import dev.impersonation.TenantTarget;
import java.util.ArrayList;
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

  private static final List<String> SHELL = List.of("$", "$(", "${", "`", "#", ";", "|", "&", "{}", "{", "}", "@",
      "$(whoami)", "${env:TEMP}", "`$", "`n", "''", "\"\"", "$null", "\\", ",", "\\,", "=", "+", "<", ">", "*", "%", "(",
      ")", "[", "]", "-", "\u2013", "\u2014", "\u2015", " -or ", " -and ", "CN=", "OU=", ":", "/", "?", "!", "~", "^",
      "&&", "||", "2>&1", "@{", "@(", "';", "\";");
  private static final List<String> LINE_BREAKS = List.of("\r", "\n", "\r\n", "\u2028", "\u2029", "\t", "\u0085");
  private static final List<String> SCRIPTS = List.of("\u041f\u0440\u0438\u0432\u0435\u0442", "\u0429\u0443\u043a\u0430",
      "\u6771\u4eac", "\u6f22\u5b57", "\u4e2d\u6587", "\u0645\u0631\u062d\u0628\u0627", "\u0627\u0644\u0639\u0631\u0628\u064a\u0629",
      "\u0928\u092e\u0938\u094d\u0924\u0947", "\u0939\u093f\u0928\u094d\u0926\u0940", "\u0395\u03bb\u03bb\u03b7\u03bd\u03b9\u03ba\u03ac",
      "\u05e2\u05d1\u05e8\u05d9\u05ea", "\ud55c\uad6d\uc5b4", "\u0e44\u0e17\u0e22", "\u0130stanbul", "stra\u00dfe", "\u01c5");
  private static final List<String> COMBINING = List.of("e\u0301", "a\u0308", "\u0301", "n\u0303", "Z\u0351\u0346\u035b",
      "\u0915\u094d\u0937", "o\u0328\u0304");
  private static final List<String> EMOJI = List.of("\ud83d\ude00", "\ud83d\udc4d\ud83c\udffd", "\ud83d\udc69\u200d\ud83d\udcbb",
      "\ud83c\udde9\ud83c\uddea", "\ud835\udd18", "\u2764\ufe0f", "\ud83c\udff3\ufe0f\u200d\ud83c\udf08");
  private static final List<String> INVISIBLE = List.of("\u200b", "\u200d", "\u202e", "\ufeff", "\u00a0", "\u3000");

  private static final List<String> APPLICATION_ROLES = RbacForApplications.KNOWN_ROLES.stream().sorted().toList();
  private static final List<String> EXTRA_ROLES = List.of("View-Only Configuration", "View-Only Recipients",
      "Mail Recipients", "Mailbox Search");
  private static final List<String> FILTER_PROPERTIES = List.of("Department", "Company", "Office", "City",
      "CustomAttribute1", "Title");
  private static final int MAX_NAME = 64;
  // Single character sets: jqwik combines several ranges with a flatMap per character, which is slow.
  private static final String DIGITS = "0123456789";
  private static final String LOWER_ALNUM = "abcdefghijklmnopqrstuvwxyz" + DIGITS;
  private static final String ALNUM = LOWER_ALNUM + "ABCDEFGHIJKLMNOPQRSTUVWXYZ";
  /** Group names leave room for the {@code " <n>"} suffix of split groups. */
  private static final int MAX_GROUP_NAME = 60;

  private ImpersonationArbitraries() {}

  // ------------------------------------------------------------------ text

  private static Arbitrary<String> plainWords() {
    return Arbitraries.strings().withChars(ALNUM).ofMinLength(1).ofMaxLength(8);
  }

  /** Fragment categories with their weights; the first (plain words) is what values shrink to. */
  private enum Fragment {
    PLAIN(8), SPACE(2), SINGLE_QUOTE(4), DOUBLE_QUOTE(3), SHELL(4), SCRIPT(2), COMBINING(1), EMOJI(1), INVISIBLE(1),
    LINE_BREAK(2);

    final int weight;

    Fragment(int weight) {
      this.weight = weight;
    }

    List<String> strings() {
      return switch (this) {
        case PLAIN -> List.of();
        case SPACE -> List.of(" ");
        case SINGLE_QUOTE -> SINGLE_QUOTES;
        case DOUBLE_QUOTE -> DOUBLE_QUOTES;
        case SHELL -> ImpersonationArbitraries.SHELL;
        case SCRIPT -> SCRIPTS;
        case COMBINING -> ImpersonationArbitraries.COMBINING;
        case EMOJI -> ImpersonationArbitraries.EMOJI;
        case INVISIBLE -> ImpersonationArbitraries.INVISIBLE;
        case LINE_BREAK -> LINE_BREAKS;
      };
    }
  }

  /** Picks one of {@code choices} by weight, without flatMap (jqwik regenerates flatMapped values on every access). */
  @SuppressWarnings("unchecked")
  private static <T> Arbitrary<T> weighted(List<T> choices, java.util.function.ToIntFunction<T> weight) {
    return Arbitraries.frequency(choices.stream().map(c -> Tuple.of(weight.applyAsInt(c), c)).toArray(Tuple.Tuple2[]::new));
  }

  private static Arbitrary<String> fragments(boolean lineBreaks) {
    List<Fragment> kinds = java.util.Arrays.stream(Fragment.values())
        .filter(f -> lineBreaks || f != Fragment.LINE_BREAK).toList();
    return Combinators.combine(weighted(kinds, f -> f.weight), Arbitraries.integers().between(0, 9999), plainWords())
        .as((kind, index, word) -> kind == Fragment.PLAIN ? word : kind.strings().get(index % kind.strings().size()));
  }

  /**
   * Text that breaks naive quoting: plain words mixed with every PowerShell single quote (U+0027, U+2018-U+201B), double
   * quote (U+0022, U+201C-U+201E), {@code $}, {@code $(}, <code>${</code>, backtick, {@code # ; | & {} @}, CR, LF, U+2028,
   * U+2029, tab, NEL, Cyrillic, CJK, Arabic, Devanagari and other scripts, combining marks, invisible characters and
   * emoji (surrogate pairs, ZWJ sequences). May be any length from 1 to about 100 characters; may be blank.
   */
  public static Arbitrary<String> hostileText() {
    return fragments(true).list().ofMinSize(1).ofMaxSize(12).map(parts -> String.join("", parts));
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
    return HOSTILE_NAMES.computeIfAbsent(maxLength, ImpersonationArbitraries::newHostileName);
  }

  /** Arbitraries are immutable: sharing them lets jqwik reuse their generators inside flatMap. */
  private static final java.util.Map<Integer, Arbitrary<String>> HOSTILE_NAMES = new java.util.concurrent.ConcurrentHashMap<>();

  private static Arbitrary<String> newHostileName(int maxLength) {
    return fragments(false).list().ofMinSize(1).ofMaxSize(10).map(parts -> truncate(String.join("", parts), maxLength))
        .filter(ImpersonationArbitraries::isValidName);
  }

  private static String truncate(String s, int max) {
    if (s.length() <= max) {
      return s;
    }
    int end = max;
    if (Character.isHighSurrogate(s.charAt(end - 1))) {
      end--;
    }
    return s.substring(0, end);
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

  // ------------------------------------------------------------------ identifiers

  private static Arbitrary<String> lowerWords(int max) {
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
        Arbitraries.integers().between(0, 9999), Arbitraries.strings().withChars(DIGITS).ofMinLength(1).ofMaxLength(4), plainWords())
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

  private static Arbitrary<GroupScope> groupScopes(String domain, List<String> members, List<String> owners,
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

  private static Arbitrary<Access> accessFor(AccessMethod method) {
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
    return recipes(target).map(WorldRecipe::setup);
  }

  /**
   * Worlds on {@code target}: a seeded {@link dev.impersonation.testkit.FakeTenant} and a setup like those of
   * {@link #setups(TenantTarget)} that matches it (see {@link TenantWorld} for what is seeded).
   *
   * @param target an Exchange Online (any cloud) or Exchange Server target
   */
  public static Arbitrary<TenantWorld> tenants(TenantTarget target) {
    return recipes(target).map(TenantWorld::new);
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

  private record People(List<WorldRecipe.Mbx> users, List<WorldRecipe.Mbx> rooms, List<WorldRecipe.Mbx> shared) {
    List<String> userAddresses() {
      return users.stream().map(WorldRecipe.Mbx::address).toList();
    }

    List<String> roomAddresses() {
      return rooms.stream().map(WorldRecipe.Mbx::address).toList();
    }

    List<String> mailboxAddresses() {
      List<String> all = new ArrayList<>(userAddresses());
      shared.forEach(m -> all.add(m.address()));
      return all;
    }

    List<String> allAddresses() {
      List<String> all = mailboxAddresses();
      all.addAll(roomAddresses());
      return all;
    }
  }

  private static Arbitrary<People> people(String domain) {
    Arbitrary<List<String>> users = upns(domain).list().ofMinSize(3).ofMaxSize(7).uniqueElements(WorldRecipe::key);
    Arbitrary<List<String>> rooms = smtpAddresses(domain).list().ofMinSize(0).ofMaxSize(5).uniqueElements(WorldRecipe::key);
    Arbitrary<List<String>> shared = smtpAddresses(domain).list().ofMinSize(0).ofMaxSize(2).uniqueElements(WorldRecipe::key);
    Arbitrary<List<String>> names = hostileName().list().ofSize(14).uniqueElements(WorldRecipe::key);
    return Combinators.combine(users, rooms, shared, names).as((u, r, s, n) -> {
      int[] next = {0};
      java.util.function.Function<List<String>, List<WorldRecipe.Mbx>> named = addresses -> addresses.stream()
          .map(a -> new WorldRecipe.Mbx(a, n.get(next[0]++))).toList();
      return new People(named.apply(u), named.apply(r), named.apply(s));
    });
  }

  private static Arbitrary<WorldRecipe.PrincipalPart> principals(AccessMethod method, String domain) {
    if (method == AccessMethod.RBAC_FOR_APPLICATIONS || method == AccessMethod.APPLICATION_ACCESS_POLICY) {
      var flags = Combinators.combine(Arbitraries.of(true, false), Arbitraries.of(true, false)).as(Tuple::of);
      return Combinators.combine(appIds(), appIds(), hostileName(), flags).as((app, sp, name, f) ->
          new WorldRecipe.PrincipalPart(true, app, sp, name, f.get1(), f.get2(), "", "", false));
    }
    // A service account the plan creates gets a '+' in its address, which no seeded group's derived address has.
    Arbitrary<String> existing = upns(domain);
    Arbitrary<String> created = lowerWords(10).map(w -> "svc+" + w + "@" + domain);
    return Combinators.combine(Arbitraries.of(true, true, false), existing, created, hostileName())
        .as((exists, account, newAccount, name) -> new WorldRecipe.PrincipalPart(false, "", "", "", false, false,
            exists ? account : newAccount, name, exists));
  }

  private static List<GroupKind> groupKinds(AccessMethod method, boolean online) {
    return switch (method) {
      case RBAC_FOR_APPLICATIONS -> List.of(GroupKind.DISTRIBUTION, GroupKind.MAIL_ENABLED_SECURITY, GroupKind.ROOM_LIST,
          GroupKind.MICROSOFT_365);
      case APPLICATION_ACCESS_POLICY -> List.of(GroupKind.MAIL_ENABLED_SECURITY);
      case APPLICATION_IMPERSONATION -> List.of(GroupKind.DISTRIBUTION, GroupKind.MAIL_ENABLED_SECURITY, GroupKind.ROOM_LIST);
      case FULL_ACCESS_DELEGATION -> online
          ? List.of(GroupKind.DISTRIBUTION, GroupKind.MAIL_ENABLED_SECURITY, GroupKind.ROOM_LIST, GroupKind.MICROSOFT_365,
              GroupKind.SECURITY)
          : List.of(GroupKind.DISTRIBUTION, GroupKind.MAIL_ENABLED_SECURITY, GroupKind.ROOM_LIST);
    };
  }

  private enum ScopeShape { GROUP, FILTER, ADMINISTRATIVE_UNIT, ORGANIZATION, MAILBOXES }

  private static List<ScopeShape> shapes(AccessMethod method) {
    return switch (method) {
      case RBAC_FOR_APPLICATIONS -> List.of(ScopeShape.GROUP, ScopeShape.FILTER, ScopeShape.ADMINISTRATIVE_UNIT,
          ScopeShape.ORGANIZATION);
      case APPLICATION_ACCESS_POLICY -> List.of(ScopeShape.GROUP);
      case APPLICATION_IMPERSONATION -> List.of(ScopeShape.GROUP, ScopeShape.FILTER, ScopeShape.ORGANIZATION);
      case FULL_ACCESS_DELEGATION -> List.of(ScopeShape.GROUP, ScopeShape.MAILBOXES);
    };
  }

  private static Arbitrary<WorldRecipe.ScopePart> scopes(TenantTarget target, AccessMethod method, People people,
      WorldRecipe.PrincipalPart principal) {
    String domain = target.domain();
    List<String> owners = new ArrayList<>(people.userAddresses());
    if (!principal.application()) {
      owners.add(principal.account());
    }
    List<ScopeChoice> choices = new ArrayList<>();
    for (ScopeShape shape : shapes(method)) {
      if (shape == ScopeShape.GROUP) {
        groupKinds(method, target.isExchangeOnline()).forEach(k -> choices.add(new ScopeChoice(shape, k)));
      } else {
        choices.add(new ScopeChoice(shape, null));
      }
    }
    int groupKinds = groupKinds(method, target.isExchangeOnline()).size();
    // Groups are the common case: three times as likely as all other shapes together.
    int others = choices.size() - groupKinds;
    Arbitrary<ScopeChoice> choice = weighted(choices, c -> c.shape() == ScopeShape.GROUP ? Math.max(1, 3 * others) : groupKinds);
    return choice.flatMap(c -> switch (c.shape()) {
      case GROUP -> {
        List<String> pool = c.kind() == GroupKind.ROOM_LIST ? people.roomAddresses() : people.mailboxAddresses();
        yield Combinators.combine(groupScopes(domain, pool, owners, List.of(c.kind()), method != AccessMethod.APPLICATION_ACCESS_POLICY),
            Arbitraries.of(true, false).list().ofSize(8), Arbitraries.integers().between(-1, 7).list().ofSize(8),
            subsetList(pool, 0, 4)).as(ImpersonationArbitraries::partitions);
      }
      case FILTER -> filters(people.userAddresses());
      case ADMINISTRATIVE_UNIT -> Combinators.combine(appIds(), subsetList(people.userAddresses(), 0, 4)).as((id, members) ->
          new WorldRecipe.ScopePart(Scope.administrativeUnit(id), List.of(), List.of(), List.of(), id, members));
      case ORGANIZATION -> Arbitraries.just(new WorldRecipe.ScopePart(Scope.organization().acknowledged(), List.of(), List.of(),
          List.of(), "", List.of()));
      case MAILBOXES -> subsetList(people.allAddresses(), 1, 5).map(list ->
          new WorldRecipe.ScopePart(Scope.mailboxes(list), List.of(), List.of(), List.of(), "", List.of()));
    });
  }

  private record ScopeChoice(ScopeShape shape, GroupKind kind) {}

  /**
   * Which of a group scope's groups exist, with which members: disjoint, at most max each and only declared members when
   * the members are split (so they always fit), else any of the pool. Drawn from fixed-size raw material.
   */
  private static WorldRecipe.ScopePart partitions(GroupScope g, List<Boolean> existsRaw, List<Integer> slotsRaw,
      List<String> subset) {
    int n = g.groupCount();
    List<Boolean> exists = new ArrayList<>(existsRaw.subList(0, n));
    if (g.membershipMode() == MembershipMode.UNMANAGED) {
      exists.set(0, true);
    }
    List<List<String>> pre = new ArrayList<>();
    if (g.maxMembersPerGroup().isPresent()) {
      int max = g.maxMembersPerGroup().get();
      List<List<String>> groups = new ArrayList<>();
      for (int i = 0; i < n; i++) {
        groups.add(new ArrayList<>());
      }
      for (int m = 0; m < g.members().size(); m++) {
        int slot = slotsRaw.get(m);
        if (slot >= 0 && groups.get(slot % n).size() < max) {
          groups.get(slot % n).add(g.members().get(m));
        }
      }
      groups.forEach(list -> pre.add(List.copyOf(list)));
    } else {
      pre.add(subset);
    }
    return new WorldRecipe.ScopePart(g, List.copyOf(exists), List.copyOf(pre), List.of(), "", List.of());
  }

  private static String opathLiteral(String value) {
    return "'" + value.replace("'", "''") + "'";
  }

  private static Arbitrary<WorldRecipe.ScopePart> filters(List<String> users) {
    Arbitrary<Tuple.Tuple3<String, Boolean, String>> clause = Combinators.combine(Arbitraries.of(FILTER_PROPERTIES),
        Arbitraries.of(true, false), hostileName(40)).as(Tuple::of);
    return Combinators.combine(clause.list().ofMinSize(1).ofMaxSize(2), Arbitraries.of(" -or ", " -and "),
        subsetList(users, 0, 4)).as((clauses, join, matching) -> {
          List<String> parts = new ArrayList<>();
          List<WorldRecipe.Prop> props = new ArrayList<>();
          for (var c : clauses) {
            boolean like = c.get2();
            parts.add(c.get1() + (like ? " -like " : " -eq ") + opathLiteral(like ? c.get3() + "*" : c.get3()));
            for (String m : matching) {
              props.add(new WorldRecipe.Prop(m, c.get1(), c.get3()));
            }
          }
          String filter = parts.size() == 1 ? parts.get(0) : "(" + String.join(")" + join + "(", parts) + ")";
          return new WorldRecipe.ScopePart(Scope.recipientFilter(filter), List.of(), List.of(), props, "", List.of());
        });
  }

  private static Arbitrary<WorldRecipe.NamePart> names(Access access, People people) {
    int assignmentMax = MAX_NAME;
    if (access instanceof RbacForApplications r && r.roles().size() > 1) {
      int suffix = r.roles().stream().mapToInt(role -> role.replaceFirst("^Application ", "").length()).max().orElse(0);
      assignmentMax = MAX_NAME - 1 - suffix;
    }
    List<String> outsiders = people.allAddresses();
    return Combinators.combine(setupNames(), hostileName().optional(0.4), hostileName(assignmentMax).optional(0.3),
        subsetList(people.userAddresses(), 0, 2), Arbitraries.of(outsiders).optional(0.3))
        .as(WorldRecipe.NamePart::new);
  }

  private static Arbitrary<WorldRecipe.SeedPart> seeds(TenantTarget target, People people, WorldRecipe.PrincipalPart principal,
      Access access, WorldRecipe.ScopePart scope) {
    boolean online = target.isExchangeOnline();
    Arbitrary<Boolean> coin = Arbitraries.of(true, false);
    List<GroupKind> decoyKinds = online
        ? List.of(GroupKind.DISTRIBUTION, GroupKind.MAIL_ENABLED_SECURITY, GroupKind.ROOM_LIST, GroupKind.MICROSOFT_365,
            GroupKind.SECURITY)
        : List.of(GroupKind.DISTRIBUTION, GroupKind.MAIL_ENABLED_SECURITY, GroupKind.ROOM_LIST);
    Arbitrary<WorldRecipe.Decoy> decoy = Combinators.combine(Arbitraries.of(decoyKinds), hostileName(),
        subsetList(people.roomAddresses(), 0, 3), subsetList(people.userAddresses(), 0, 3))
        .as((k, name, rooms, users) -> new WorldRecipe.Decoy(k, name, k == GroupKind.ROOM_LIST ? rooms : users));
    Arbitrary<List<WorldRecipe.Decoy>> decoys = decoy.list().ofMinSize(0).ofMaxSize(3).uniqueElements(d -> WorldRecipe.key(d.name()));
    Arbitrary<List<Boolean>> flags = coin.list().ofSize(8);
    List<String> candidates = new ArrayList<>();
    if (scope.scope() instanceof dev.impersonation.Scope.MailboxListScope list) {
      candidates.addAll(list.mailboxes());
    } else if (scope.scope() instanceof GroupScope g) {
      candidates.addAll(g.members());
      scope.preMembers().forEach(candidates::addAll);
    }
    List<String> roles = access instanceof RbacForApplications r ? r.roles()
        : access instanceof ApplicationImpersonation ? List.of(ApplicationImpersonation.ROLE) : List.of();
    List<String> roleGroupExtras = access instanceof ApplicationImpersonation ai ? ai.extraRoles() : List.of();
    return Combinators.combine(flags, subsetList(roles, 0, 3), subsetList(roleGroupExtras, 0, 2),
        subsetList(candidates.stream().distinct().toList(), 0, 3), decoys).as((f, someRoles, extras, done, ds) -> {
          boolean dehydrated = online && f.get(0);
          boolean app = principal.application();
          boolean rbac = access.method() == AccessMethod.RBAC_FOR_APPLICATIONS;
          boolean pointer = rbac && f.get(1);
          boolean needsScope = scope.scope() instanceof GroupScope || scope.scope() instanceof dev.impersonation.Scope.RecipientFilterScope;
          boolean managementScope = needsScope && (rbac || access.method() == AccessMethod.APPLICATION_IMPERSONATION);
          boolean allGroupsExist = scope.partitionExists().stream().allMatch(b -> b);
          boolean existingScope = managementScope && !dehydrated && allGroupsExist && f.get(2);
          boolean scopeReady = existingScope || !needsScope;
          boolean accountReady = !app && principal.accountExists();
          boolean direct = access instanceof ApplicationImpersonation ai && ai.roleGroup().isEmpty();
          List<String> existingRoles = List.of();
          if (rbac && pointer && !dehydrated && scopeReady && f.get(3)) {
            existingRoles = someRoles;
          } else if (direct && accountReady && scopeReady && f.get(3)) {
            existingRoles = roles;
          }
          boolean stale = f.get(4) && ((rbac && pointer && !dehydrated) || (direct && accountReady));
          boolean viaRoleGroup = access instanceof ApplicationImpersonation ai && ai.roleGroup().isPresent();
          boolean roleGroup = viaRoleGroup && scopeReady && f.get(5);
          List<String> roleGroupRoles = new ArrayList<>();
          roleGroupRoles.add(ApplicationImpersonation.ROLE);
          roleGroupRoles.addAll(extras);
          boolean member = roleGroup && accountReady && f.get(6);
          List<String> fullAccessDone = access.method() == AccessMethod.FULL_ACCESS_DELEGATION && accountReady ? done : List.of();
          return new WorldRecipe.SeedPart(dehydrated, app && f.get(7), pointer, existingScope, existingRoles, stale,
              roleGroup, List.copyOf(roleGroupRoles), member, fullAccessDone, ds);
        });
  }

  static Arbitrary<WorldRecipe> recipes(TenantTarget target) {
    String domain = target.domain();
    // Few, shallow flatMaps: jqwik regenerates a flatMapped value each time it is accessed.
    return Combinators.combine(people(domain), accessMethods(target.kind())).as(Tuple::of).flatMap(pm -> {
      People people = pm.get1();
      AccessMethod method = pm.get2();
      return Combinators.combine(principals(method, domain), accessFor(method)).as(Tuple::of).flatMap(pa -> {
        WorldRecipe.PrincipalPart principal = pa.get1();
        Access access = pa.get2();
        return Combinators.combine(scopes(target, method, people, principal), names(access, people)).as(Tuple::of)
            .flatMap(sn -> seeds(target, people, principal, access, sn.get1()).map(seeds ->
                new WorldRecipe(target, people.users(), people.rooms(), people.shared(), principal, access, sn.get1(),
                    sn.get2(), seeds)));
      });
    })
        .filter(WorldRecipe::consistent)
        // Edge cases of nested flatMaps multiply; the parts keep theirs.
        .withoutEdgeCases();
  }
}
