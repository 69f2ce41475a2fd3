package dev.impersonation.testkit;

import dev.impersonation.GroupKind;
import dev.impersonation.ObjectAlreadyExistsException;
import dev.impersonation.ObjectNotFoundException;
import dev.impersonation.OrganizationNotCustomizedException;
import dev.impersonation.TenantException;
import dev.impersonation.TenantTarget;
import dev.impersonation.spi.AssigneeType;
import dev.impersonation.spi.EwsOrganizationPolicy;
import dev.impersonation.spi.RecipientType;
import dev.impersonation.spi.ScopeType;
import dev.impersonation.testkit.internal.OpathReader;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

/**
 * The one store behind every face of a {@link FakeTenant}. Behaviour follows docs/: DN shapes (cmdlets.md), error
 * texts (error-texts.md), dehydrated organizations (cmdlets.md#organization), provisioning and propagation delays
 * (graph.md#licences, rbac-for-applications.md#behaviour), what Graph may not write (graph.md#groups). Not thread-safe by itself: the backends lock on it.
 */
final class TenantState {
  /** docs/error-texts.md: the dehydrated-organization error. */
  static final String DEHYDRATED_TEXT = "Cmdlet-InvalidOperationInDehydratedContextException: This operation is not "
      + "available in current organization configuration. To run this cmdlet, you first need to run the command: "
      + "Enable-OrganizationCustomization.";
  /** docs/error-texts.md [M]: Enable-OrganizationCustomization on a customized organization. */
  static final String ALREADY_CUSTOMIZED_TEXT = "This operation is not required. Organization is already enabled for customization.";
  /** docs/error-texts.md: Graph refuses to write DLs and MESGs. */
  static final String GRAPH_DL_TEXT = "Request_BadRequest: Cannot Create (or Update) a mail-enabled security groups and or distribution list.";
  /** docs/error-texts.md: Graph duplicate member. */
  static final String GRAPH_DUPLICATE_MEMBER_TEXT = "Request_BadRequest: One or more added object references already exist "
      + "for the following modified properties: 'members'.";

  final TenantTarget target;
  final FakeClock clock;
  final String pod;
  boolean dehydrated;
  Boolean ewsEnabled = Boolean.TRUE;
  /** {@code EwsAllowedAppIDs} as Exchange shows it. */
  List<String> ewsAllowedAppIds = List.of();
  /** The list EWS enforced before its last change, and when that change was made: EWS enforces a change only later. */
  List<String> ewsAllowedAppIdsBefore = List.of();
  Instant ewsAllowListChangedAt = Instant.EPOCH;
  /** How long a change of EwsAllowedAppIDs takes to be enforced (Microsoft: up to 24 hours; docs/ews.md). */
  Duration ewsAllowListDelay = Duration.ofMinutes(30);
  Duration provisioningDelay = Duration.ofMinutes(15);
  Duration rbacPropagationDelay = Duration.ofMinutes(45);
  Duration accessPolicyDelay = Duration.ofMinutes(90);
  Duration onPremisesPropagationDelay = Duration.ZERO;
  final Map<String, String> licenses = new LinkedHashMap<>();

  final Map<String, MailboxObject> mailboxes = new LinkedHashMap<>();
  final Map<String, UserObject> users = new LinkedHashMap<>();
  final Map<String, GroupObject> groups = new LinkedHashMap<>();
  /** Indexes, so seeding and look-ups stay linear with 100,000 mailboxes: mailboxes by UPN and name (first wins, as a scan). */
  private final Map<String, MailboxObject> mailboxByOtherKey = new HashMap<>();
  /** Groups by SMTP address, id and DN (first wins). */
  private final Map<String, GroupObject> groupByOtherKey = new HashMap<>();
  /** The DNs in use, for {@link #dn}. */
  private final Set<String> takenDns = new HashSet<>();
  final Map<String, ScopeObject> scopes = new LinkedHashMap<>();
  final Map<String, AssignmentObject> assignments = new LinkedHashMap<>();
  final Map<String, RoleGroupObject> roleGroups = new LinkedHashMap<>();
  final Map<String, List<PermissionObject>> permissions = new LinkedHashMap<>();
  final Map<String, ServicePrincipalObject> exchangeServicePrincipals = new LinkedHashMap<>();
  final Map<String, AppObject> apps = new LinkedHashMap<>();
  final List<PolicyObject> policies = new ArrayList<>();
  final Map<String, Set<String>> administrativeUnits = new LinkedHashMap<>();
  final List<JournalEntry> journal = new ArrayList<>();
  final Faults faults = new Faults();
  /** Objects created while read-after-write lag is on: kind:name to [remaining reads], with their creation time. */
  private final Map<String, int[]> lagReads = new LinkedHashMap<>();
  private final Map<String, Instant> lagSince = new LinkedHashMap<>();

  static final class MailboxObject {
    String name;
    String smtp;
    String upn;
    RecipientType type;
    String dn;
    boolean ewsEnabled = true;
    Instant usableAt;
    final Map<String, String> attributes = new LinkedHashMap<>();
  }

  static final class UserObject {
    String id;
    String upn;
    String displayName;
    String usageLocation = "";
    final List<String> licenses = new ArrayList<>();
  }

  static final class GroupObject {
    String id;
    String name;
    GroupKind kind;
    String smtp;
    String dn;
    final List<String> managedBy = new ArrayList<>();
    boolean closed = true;
    boolean hidden;
    String notes = "";
    final Set<String> members = new LinkedHashSet<>();
  }

  record ScopeObject(String name, String filter, Instant createdAt) {}

  record AssignmentObject(String name, String role, String assignee, AssigneeType type, ScopeType scopeType, String scope,
      Instant createdAt) {}

  static final class RoleGroupObject {
    String name;
    final List<String> roles = new ArrayList<>();
    final List<String> members = new ArrayList<>();
    String scope = "";
    String description = "";
    Instant createdAt;
  }

  record PermissionObject(String user, String rights, boolean deny, Instant createdAt) {}

  record ServicePrincipalObject(String appId, String objectId, String displayName) {}

  static final class AppObject {
    String appId;
    String objectId;
    String displayName;
    final List<String> consent = new ArrayList<>();
  }

  record PolicyObject(String id, String appId, String groupKey, String right, String description, Instant createdAt) {}

  TenantState(TenantTarget target, FakeClock clock) {
    this.target = target;
    this.clock = clock;
    this.pod = "NAMPR01A" + String.format(Locale.ROOT, "%03d", Math.abs(target.domain().hashCode()) % 1000);
  }

  Instant now() {
    return clock.instant();
  }

  /**
   * Runs one backend call under the store's lock: the fault check first, then the body, write counting for crash
   * injection, and a journal entry with the outcome. Every face of the tenant (in-memory backends, simulators) uses it.
   */
  <T> T call(String backend, String operation, String detail, boolean write, java.util.function.Supplier<T> body) {
    synchronized (this) {
      try {
        faults.beforeCall(backend, operation, write);
        T result = body.get();
        if (write) {
          faults.afterWrite();
        }
        journal.add(new JournalEntry(now(), backend, operation, detail, write, "ok"));
        return result;
      } catch (RuntimeException e) {
        journal.add(new JournalEntry(now(), backend, operation, detail, write, e.getClass().getSimpleName() + ": " + e.getMessage()));
        throw e;
      }
    }
  }

  /** Records a newly created object for read-after-write lag (when {@link Faults#readAfterWriteLag} is on). */
  void created(String kind, String name) {
    String k = kind + ":" + key(name);
    if (faults.lagReads() > 0) {
      lagReads.put(k, new int[] {faults.lagReads()});
    }
    if (!faults.lagTime().isZero()) {
      lagSince.put(k, now());
    }
  }

  /** Whether a read or reference of a new object still misses it; each call consumes one lagging read. */
  boolean lagging(String kind, String name) {
    String k = kind + ":" + key(name);
    Instant since = lagSince.get(k);
    if (since != null) {
      if (since.plus(faults.lagTime()).isAfter(now())) {
        return true;
      }
      lagSince.remove(k);
    }
    int[] left = lagReads.get(k);
    if (left != null) {
      if (left[0]-- > 0) {
        return true;
      }
      lagReads.remove(k);
    }
    return false;
  }

  /** Changes whenever a user, mailbox or group is added or removed (caches of id look-ups key on it). */
  long objectsVersion;

  static String key(String identity) {
    return identity.toLowerCase(Locale.ROOT);
  }

  // ------------------------------------------------------------ DNs (docs/cmdlets.md): read them, never build them

  String dn(String name) {
    String cn = escapeDn(name);
    String dn = dnFor(cn);
    if (takenDns.contains(key(dn))) {
      // Exchange makes the CN unique by appending digits, which is why a DN must be read, never built [U].
      dn = dnFor(cn + String.format(Locale.ROOT, "%08d", Math.abs((name + takenDns.size()).hashCode()) % 100_000_000));
    }
    return dn;
  }

  private String dnFor(String cn) {
    if (target.isExchangeOnline()) {
      return "CN=" + cn + ",OU=" + target.domain() + ",OU=Microsoft Exchange Hosted Organizations,DC=" + pod
          + ",DC=PROD,DC=OUTLOOK,DC=COM";
    }
    StringBuilder dcs = new StringBuilder();
    for (String label : target.domain().split("\\.")) {
      dcs.append(",DC=").append(label);
    }
    return "CN=" + cn + ",CN=Users" + dcs;
  }

  static String escapeDn(String value) {
    StringBuilder out = new StringBuilder();
    for (char c : value.toCharArray()) {
      if (",+\"\\<>;=".indexOf(c) >= 0) {
        out.append('\\');
      }
      out.append(c);
    }
    return out.toString();
  }

  String server() {
    return target.isExchangeOnline() ? pod + "DC01." + pod + ".PROD.OUTLOOK.COM" : "DC01." + target.domain().toUpperCase(Locale.ROOT);
  }

  ObjectNotFoundException notFound(String identity) {
    return new ObjectNotFoundException(identity, "ManagementObjectNotFoundException: The operation couldn't be performed "
        + "because object '" + identity + "' couldn't be found on '" + server() + "'.");
  }

  static ObjectAlreadyExistsException nameTaken(String name) {
    return new ObjectAlreadyExistsException(name, "ManagementObjectAlreadyExistsException: The name \"" + name
        + "\" is already being used. Please try another name.");
  }

  void requireCustomized(String cmdlet) {
    if (target.isExchangeOnline() && dehydrated) {
      throw new OrganizationNotCustomizedException(DEHYDRATED_TEXT.replace("this cmdlet", cmdlet));
    }
  }

  /** Replaces EwsAllowedAppIDs, as {@code Set-OrganizationConfig -EwsAllowedAppIDs} does (the whole list at once). */
  void setEwsAllowedAppIds(List<String> ids) {
    ewsAllowedAppIdsBefore = enforcedEwsAllowedAppIds();
    ewsAllowedAppIds = List.copyOf(ids);
    ewsAllowListChangedAt = now();
  }

  /** Adds one app to EwsAllowedAppIDs unless it is on it. */
  void allowEwsApplication(String appId) {
    if (ewsAllowedAppIds.stream().noneMatch(a -> a.equalsIgnoreCase(appId))) {
      List<String> ids = new ArrayList<>(ewsAllowedAppIds);
      ids.add(appId);
      setEwsAllowedAppIds(ids);
    }
  }

  /** The allow list EWS enforces now: the last change only once {@link #ewsAllowListDelay} has passed. */
  List<String> enforcedEwsAllowedAppIds() {
    return ewsAllowListChangedAt.plus(ewsAllowListDelay).isAfter(now()) ? ewsAllowedAppIdsBefore : ewsAllowedAppIds;
  }

  /** The organization's EWS settings as Exchange shows them (the list only in Exchange Online). */
  EwsOrganizationPolicy ewsPolicy() {
    return new EwsOrganizationPolicy(Optional.ofNullable(ewsEnabled), target.isExchangeOnline() ? ewsAllowedAppIds : List.of());
  }

  /** The organization's EWS settings as EWS enforces them now (an allow-list change lags). */
  EwsOrganizationPolicy enforcedEwsPolicy() {
    return new EwsOrganizationPolicy(Optional.ofNullable(ewsEnabled),
        target.isExchangeOnline() ? enforcedEwsAllowedAppIds() : List.of());
  }

  void requireCloud(String what) {
    if (!target.isExchangeOnline()) {
      throw new TenantException("The term or parameter for '" + what + "' is not recognized: it exists only in Exchange Online. "
          + "(ParameterBindingException / CommandNotFoundException on Exchange Server)");
    }
  }

  // ------------------------------------------------------------ lookups

  Optional<MailboxObject> mailbox(String identity) {
    String k = key(identity);
    MailboxObject direct = mailboxes.get(k);
    if (direct != null) {
      return Optional.of(direct);
    }
    return Optional.ofNullable(mailboxByOtherKey.get(k));
  }

  Optional<MailboxObject> usableMailbox(String identity) {
    return mailbox(identity).filter(m -> !m.usableAt.isAfter(now()));
  }

  Optional<GroupObject> group(String identity) {
    String k = key(identity);
    GroupObject direct = groups.get(k);
    if (direct != null) {
      return Optional.of(direct);
    }
    return Optional.ofNullable(groupByOtherKey.get(k));
  }

  Optional<UserObject> user(String upn) {
    return Optional.ofNullable(users.get(key(upn)));
  }

  String smtpFor(String name) {
    String alias = name.replaceAll("[^A-Za-z0-9._-]", "");
    if (alias.isEmpty()) {
      alias = "group" + (groups.size() + 1);
    }
    String candidate = alias + "@" + target.domain();
    int n = 2;
    while (mailbox(candidate).isPresent() || group(candidate).isPresent()) {
      candidate = alias + n++ + "@" + target.domain();
    }
    return candidate;
  }

  // ------------------------------------------------------------ writes used by seeding and backends

  MailboxObject addMailbox(String smtp, String name, RecipientType type, Instant usableAt) {
    if (mailbox(smtp).isPresent() || group(smtp).isPresent()) {
      throw new ObjectAlreadyExistsException(smtp, "The proxy address \"SMTP:" + smtp + "\" is already being used.");
    }
    MailboxObject m = new MailboxObject();
    m.name = name;
    m.smtp = smtp;
    m.upn = smtp;
    m.type = type;
    m.dn = dn(name);
    m.usableAt = usableAt;
    mailboxes.put(key(smtp), m);
    objectsVersion++;
    takenDns.add(key(m.dn));
    mailboxByOtherKey.putIfAbsent(key(m.upn), m);
    mailboxByOtherKey.putIfAbsent(key(m.name), m);
    return m;
  }

  UserObject addUser(String upn, String displayName) {
    if (users.containsKey(key(upn))) {
      throw new ObjectAlreadyExistsException(upn, "Request_BadRequest: Another object with the same value for property "
          + "userPrincipalName already exists.");
    }
    UserObject u = new UserObject();
    u.id = uuid("user:" + upn);
    u.upn = upn;
    u.displayName = displayName;
    users.put(key(upn), u);
    objectsVersion++;
    return u;
  }

  GroupObject addGroup(String name, GroupKind kind, String smtp) {
    if (group(name).isPresent() || (kind.isExchangeKnown() && mailbox(name).isPresent())) {
      throw nameTaken(name);
    }
    GroupObject g = new GroupObject();
    g.id = uuid("group:" + name);
    g.name = name;
    g.kind = kind;
    g.smtp = kind == GroupKind.SECURITY ? "" : (smtp != null ? smtp : smtpFor(name));
    g.dn = kind.isExchangeKnown() ? dn(name) : "";
    groups.put(key(name), g);
    objectsVersion++;
    takenDns.add(key(g.dn));
    for (String other : new String[] {g.smtp, g.id, g.dn}) {
      if (other != null && !other.isEmpty()) {
        groupByOtherKey.putIfAbsent(key(other), g);
      }
    }
    created("group", name);
    return g;
  }

  /** Removes a group and forgets its keys (teardown). */
  boolean removeGroup(GroupObject g) {
    objectsVersion++;
    if (!groups.values().remove(g)) {
      return false;
    }
    takenDns.remove(key(g.dn));
    groupByOtherKey.values().removeIf(x -> x == g);
    return true;
  }

  String memberKey(String identity) {
    Optional<MailboxObject> m = mailbox(identity);
    if (m.isPresent()) {
      return key(m.get().smtp);
    }
    Optional<GroupObject> g = group(identity);
    if (g.isPresent() && !g.get().smtp.isEmpty()) {
      return key(g.get().smtp);
    }
    Optional<UserObject> u = user(identity);
    if (u.isPresent()) {
      return key(u.get().upn);
    }
    throw notFound(identity);
  }

  String uuid(String seed) {
    return UUID.nameUUIDFromBytes((target.domain() + "/" + seed).getBytes(java.nio.charset.StandardCharsets.UTF_8)).toString();
  }

  // ------------------------------------------------------------ scope evaluation

  /** Whether a recipient is a direct member of the group with this DN (MemberOfGroup, docs/cmdlets.md). */
  boolean directMemberOfDn(MailboxObject m, String dn) {
    return groups.values().stream().anyMatch(g -> g.dn.equalsIgnoreCase(dn) && g.members.contains(key(m.smtp)));
  }

  /** Whether a recipient is a member of a group, nested members counted (access policies, docs/rbac-for-applications.md). */
  boolean memberNested(String memberKey, GroupObject g, Set<String> seen) {
    if (!seen.add(key(g.name))) {
      return false;
    }
    if (g.members.contains(memberKey)) {
      return true;
    }
    for (String inner : g.members) {
      Optional<GroupObject> nested = group(inner);
      if (nested.isPresent() && memberNested(memberKey, nested.get(), seen)) {
        return true;
      }
    }
    return false;
  }

  boolean inManagementScope(String scopeName, MailboxObject m) {
    ScopeObject s = scopes.get(key(scopeName));
    if (s == null) {
      return false;
    }
    return matchesFilter(s.filter(), m);
  }

  /** Whether an OPATH recipient filter matches a mailbox (as a management scope or {@code Get-Mailbox -Filter} does). */
  boolean matchesFilter(String filter, MailboxObject m) {
    return OpathReader.matches(filter, property -> switch (property.toLowerCase(Locale.ROOT)) {
      case "primarysmtpaddress", "windowsemailaddress" -> m.smtp;
      case "userprincipalname" -> m.upn;
      case "name", "displayname" -> m.name;
      case "alias" -> m.smtp.substring(0, m.smtp.indexOf('@'));
      case "recipienttypedetails" -> m.type.value();
      case "recipienttype" -> m.type.isMailbox() ? "UserMailbox" : "MailUniversalDistributionGroup";
      default -> {
        String v = m.attributes.get(property.toLowerCase(Locale.ROOT));
        if (v == null && !property.toLowerCase(Locale.ROOT).matches("department|company|office|city|customattribute\\d+|title")) {
          throw new TenantException("The property '" + property + "' isn't a supported filterable property (fake tenant).");
        }
        yield v;
      }
    }, dn -> directMemberOfDn(m, dn));
  }

  /** Whether an assignment's scope covers a mailbox. */
  boolean covers(AssignmentObject a, MailboxObject m) {
    return switch (a.scopeType()) {
      case ORGANIZATION -> true;
      case MANAGEMENT_SCOPE -> inManagementScope(a.scope(), m);
      case ADMINISTRATIVE_UNIT -> administrativeUnits.getOrDefault(key(a.scope()), Set.of()).contains(key(m.smtp));
      // -RecipientGroupScope: the group's direct members only, nested groups not counted (docs/group-scopes.md).
      case RECIPIENT_GROUP -> group(a.scope()).map(g -> g.members.contains(key(m.smtp))).orElse(false);
    };
  }

  /**
   * Every role assignment, as {@code Get-ManagementRoleAssignment} lists them: the explicit ones, and one per role of each
   * role group ({@code <Role>-<RoleGroup>}, as New-RoleGroup makes them) unless an explicit one stands for it.
   */
  List<AssignmentObject> allAssignments() {
    List<AssignmentObject> out = new ArrayList<>(assignments.values());
    for (RoleGroupObject g : roleGroups.values()) {
      for (String role : g.roles) {
        boolean explicit = assignments.values().stream().anyMatch(a -> a.type() == AssigneeType.SECURITY_GROUP
            && a.assignee().equalsIgnoreCase(g.name) && a.role().equalsIgnoreCase(role));
        if (!explicit) {
          out.add(new AssignmentObject(role + "-" + g.name, role, g.name, AssigneeType.SECURITY_GROUP,
              g.scope.isEmpty() ? ScopeType.ORGANIZATION : ScopeType.MANAGEMENT_SCOPE, g.scope, g.createdAt));
        }
      }
    }
    return out;
  }

  /** Every role assignment of one assignee, as the SPI shows them (Get-ManagementRoleAssignment -RoleAssignee). */
  List<dev.impersonation.spi.RoleAssignment> roleAssignmentsOf(String assignee) {
    return assignments.values().stream().filter(a -> a.assignee().equalsIgnoreCase(assignee))
        .map(a -> new dev.impersonation.spi.RoleAssignment(a.name(), a.role(), a.assignee(), a.type(), a.scopeType(), a.scope(),
            a.createdAt())).toList();
  }

  boolean roleGroupCovers(RoleGroupObject rg, MailboxObject m) {
    return rg.scope.isEmpty() || inManagementScope(rg.scope, m);
  }

  Duration propagation(AssigneeType type) {
    if (!target.isExchangeOnline()) {
      return onPremisesPropagationDelay;
    }
    return type == AssigneeType.SERVICE_PRINCIPAL ? rbacPropagationDelay : Duration.ZERO;
  }
}
