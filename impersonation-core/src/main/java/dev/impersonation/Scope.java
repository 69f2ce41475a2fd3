package dev.impersonation;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * Which mailboxes the principal may reach. Factory methods name each kind; least privilege is the default, and
 * the whole organization is never implied: {@link #organization()} must be acknowledged explicitly.
 */
public sealed interface Scope
    permits Scope.GroupScope, Scope.MailboxListScope, Scope.RecipientFilterScope, Scope.AdministrativeUnitScope, Scope.OrganizationScope {

  /** A distribution group (written through Exchange). */
  static GroupScope distributionGroup(String name) {
    return GroupScope.of(GroupKind.DISTRIBUTION, name);
  }

  /** A mail-enabled security group (written through Exchange; the only group an access policy accepts). */
  static GroupScope mailEnabledSecurityGroup(String name) {
    return GroupScope.of(GroupKind.MAIL_ENABLED_SECURITY, name);
  }

  /** A room list, the distribution group of room mailboxes (written through Exchange). */
  static GroupScope roomList(String name) {
    return GroupScope.of(GroupKind.ROOM_LIST, name);
  }

  /** A Microsoft 365 group (written through Graph; Exchange knows it, so MemberOfGroup filters work). */
  static GroupScope microsoft365Group(String name) {
    return GroupScope.of(GroupKind.MICROSOFT_365, name);
  }

  /** A non-mail Entra security group (written through Graph). Exchange filters cannot use it; FullAccess only. */
  static GroupScope securityGroup(String name) {
    return GroupScope.of(GroupKind.SECURITY, name);
  }

  /** An explicit list of mailboxes (FullAccess delegation only). */
  static MailboxListScope mailboxes(Collection<String> mailboxes) {
    return MailboxListScope.of(List.copyOf(mailboxes));
  }

  /** An explicit list of mailboxes (FullAccess delegation only). */
  static MailboxListScope mailboxes(String... mailboxes) {
    return MailboxListScope.of(List.of(mailboxes));
  }

  /** A custom OPATH recipient filter, e.g. {@code "Department -eq 'Sales'"}. */
  static RecipientFilterScope recipientFilter(String opathFilter) {
    return RecipientFilterScope.of(opathFilter);
  }

  /** An existing Entra administrative unit, by object id (RBAC for Applications only). */
  static AdministrativeUnitScope administrativeUnit(String objectId) {
    return AdministrativeUnitScope.of(objectId);
  }

  /** Every mailbox in the organization. {@code build()} fails unless you call {@code acknowledged()} on it. */
  static OrganizationScope organization() {
    return new OrganizationScope(false);
  }

  /** A short description for plans and reports. */
  String describe();

  /**
   * A scope made of the members of one group (or of several groups of at most {@link #maxMembersPerGroup()}
   * members each, e.g. room lists of at most 75 rooms). Fluent: every method returns a new value.
   *
   * @param kind the group's kind
   * @param name the group's name; when split, further groups are named {@code "<name> 2"}, {@code "<name> 3"}, ...
   * @param alias optional mail alias
   * @param primarySmtpAddress optional primary SMTP address
   * @param members the declared members (UPNs or SMTP addresses)
   * @param owners owners / ManagedBy (usually the service account); added, never replaced
   * @param closedMembership whether joining is closed ({@code MemberJoinRestriction Closed})
   * @param hiddenFromAddressListsEnabled whether the group is hidden from the address lists
   * @param membershipMode what may happen to existing members
   * @param maxMembersPerGroup split the members into several groups of at most this many
   */
  public record GroupScope(
      GroupKind kind,
      String name,
      Optional<String> alias,
      Optional<String> primarySmtpAddress,
      List<String> members,
      List<String> owners,
      boolean closedMembership,
      boolean hiddenFromAddressListsEnabled,
      MembershipMode membershipMode,
      Optional<Integer> maxMembersPerGroup) implements Scope {

    public GroupScope {
      Names.requireName(name, "The " + kind.label() + " name");
      alias = alias.map(a -> {
        if (!a.matches("[A-Za-z0-9!#$%&'*+\\-/=?^_`{|}~.]{1,64}") || a.startsWith(".") || a.endsWith(".")) {
          throw new InvalidSetupException("The alias " + Names.quoted(a) + " is not a valid Exchange alias: use letters, "
              + "digits and . - _ (no spaces, not starting or ending with a dot).");
        }
        return a;
      });
      primarySmtpAddress = primarySmtpAddress.map(a -> Names.requireSmtp(a, "The group's primary SMTP address"));
      members = distinct(members, "A member of " + Names.quoted(name));
      owners = distinct(owners, "An owner of " + Names.quoted(name));
      maxMembersPerGroup.ifPresent(max -> {
        if (max < 1) {
          throw new InvalidSetupException("maxMembersPerGroup must be at least 1, but got " + max + ".");
        }
      });
    }

    private static List<String> distinct(List<String> values, String what) {
      LinkedHashSet<String> seen = new LinkedHashSet<>();
      List<String> out = new ArrayList<>();
      for (String v : values) {
        Names.requireSmtp(v, what);
        if (seen.add(v.toLowerCase(Locale.ROOT))) {
          out.add(v);
        }
      }
      return List.copyOf(out);
    }

    static GroupScope of(GroupKind kind, String name) {
      return new GroupScope(kind, name, Optional.empty(), Optional.empty(), List.of(), List.of(), true, false,
          MembershipMode.ADD_ONLY, Optional.empty());
    }

    /** The members to ensure (added to the ones already declared). */
    public GroupScope members(Collection<String> upns) {
      List<String> all = new ArrayList<>(members);
      all.addAll(upns);
      return new GroupScope(kind, name, alias, primarySmtpAddress, all, owners, closedMembership, hiddenFromAddressListsEnabled,
          membershipMode, maxMembersPerGroup);
    }

    /** The members to ensure (added to the ones already declared). */
    public GroupScope members(String... upns) {
      return members(List.of(upns));
    }

    /** An owner (ManagedBy) to ensure; existing owners are kept. */
    public GroupScope owner(String upn) {
      List<String> all = new ArrayList<>(owners);
      all.add(upn);
      return new GroupScope(kind, name, alias, primarySmtpAddress, members, all, closedMembership, hiddenFromAddressListsEnabled,
          membershipMode, maxMembersPerGroup);
    }

    /** The mail alias of a group the plan creates. */
    public GroupScope alias(String alias) {
      return new GroupScope(kind, name, Optional.of(alias), primarySmtpAddress, members, owners, closedMembership,
          hiddenFromAddressListsEnabled, membershipMode, maxMembersPerGroup);
    }

    /** The primary SMTP address of a group the plan creates. */
    public GroupScope primarySmtpAddress(String address) {
      return new GroupScope(kind, name, alias, Optional.of(address), members, owners, closedMembership, hiddenFromAddressListsEnabled,
          membershipMode, maxMembersPerGroup);
    }

    /** Closed membership (the default): nobody joins without an owner. */
    public GroupScope closed() {
      return new GroupScope(kind, name, alias, primarySmtpAddress, members, owners, true, hiddenFromAddressListsEnabled,
          membershipMode, maxMembersPerGroup);
    }

    /** Hide the group from the address lists. */
    public GroupScope hiddenFromAddressLists() {
      return new GroupScope(kind, name, alias, primarySmtpAddress, members, owners, closedMembership, true, membershipMode,
          maxMembersPerGroup);
    }

    /** Remove members that are not declared (default is {@link MembershipMode#ADD_ONLY}). */
    public GroupScope exactMembership() {
      return withMode(MembershipMode.EXACT);
    }

    /** Use an existing group as it is: the plan neither creates it nor changes its members. */
    public GroupScope existingMembership() {
      return withMode(MembershipMode.UNMANAGED);
    }

    /** Sets the membership mode. */
    public GroupScope membershipMode(MembershipMode mode) {
      return withMode(mode);
    }

    /** Split the members into groups of at most {@code max} (vendors advise 75 rooms per room list). */
    public GroupScope maxMembersPerGroup(int max) {
      return new GroupScope(kind, name, alias, primarySmtpAddress, members, owners, closedMembership, hiddenFromAddressListsEnabled,
          membershipMode, Optional.of(max));
    }

    private GroupScope withMode(MembershipMode mode) {
      return new GroupScope(kind, name, alias, primarySmtpAddress, members, owners, closedMembership, hiddenFromAddressListsEnabled,
          mode, maxMembersPerGroup);
    }

    /** The number of groups the declared members need. */
    public int groupCount() {
      int max = maxMembersPerGroup.orElse(Integer.MAX_VALUE);
      return Math.max(1, (members.size() + max - 1) / max);
    }

    /** The name of the i-th group (0-based): the first keeps {@link #name()}, then {@code "<name> 2"}, ... */
    public String groupName(int index) {
      return index == 0 ? name : name + " " + (index + 1);
    }

    @Override
    public String describe() {
      return kind.label() + " '" + name + "'" + (groupCount() > 1 ? " (+" + (groupCount() - 1) + " more)" : "");
    }
  }

  /**
   * An existing Entra administrative unit, used with {@code -RecipientAdministrativeUnitScope} (RBAC for Applications
   * only). Optionally with declared members, which the plan adds to the unit through the directory (Microsoft Graph);
   * like {@link GroupScope}, existing members are never removed unless {@link #exactMembership()} is asked for. Fluent:
   * every method returns a new value.
   *
   * <pre>{@code
   * Scope.administrativeUnit("0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d").members("ann@contoso.com", "bob@contoso.com")
   * }</pre>
   *
   * @param objectId the administrative unit's object id
   * @param members the declared members (user principal names); empty when the unit is used as it is
   * @param membershipMode what may happen to the unit's existing members (default {@link MembershipMode#ADD_ONLY})
   */
  public record AdministrativeUnitScope(String objectId, List<String> members, MembershipMode membershipMode) implements Scope {
    public AdministrativeUnitScope {
      objectId = Names.requireGuid(objectId, "The administrative unit id");
      Objects.requireNonNull(membershipMode, "membershipMode");
      members = distinct(Objects.requireNonNull(members, "members"), "A member of administrative unit " + objectId);
    }

    /** An administrative unit used as it is, without declared members (the form before members could be declared). */
    public AdministrativeUnitScope(String objectId) {
      this(objectId, List.of(), MembershipMode.ADD_ONLY);
    }

    private static List<String> distinct(List<String> values, String what) {
      LinkedHashSet<String> seen = new LinkedHashSet<>();
      List<String> out = new ArrayList<>();
      for (String v : values) {
        Names.requireSmtp(v, what);
        if (seen.add(v.toLowerCase(Locale.ROOT))) {
          out.add(v);
        }
      }
      return List.copyOf(out);
    }

    static AdministrativeUnitScope of(String objectId) {
      return new AdministrativeUnitScope(objectId);
    }

    /** The members to ensure, as user principal names (added to the ones already declared). */
    public AdministrativeUnitScope members(Collection<String> upns) {
      List<String> all = new ArrayList<>(members);
      all.addAll(upns);
      return new AdministrativeUnitScope(objectId, all, membershipMode);
    }

    /** The members to ensure, as user principal names (added to the ones already declared). */
    public AdministrativeUnitScope members(String... upns) {
      return members(List.of(upns));
    }

    /** Remove members that are not declared (default is {@link MembershipMode#ADD_ONLY}). */
    public AdministrativeUnitScope exactMembership() {
      return membershipMode(MembershipMode.EXACT);
    }

    /** Use the administrative unit as it is: the plan never changes its members. */
    public AdministrativeUnitScope existingMembership() {
      return membershipMode(MembershipMode.UNMANAGED);
    }

    /** Sets the membership mode. */
    public AdministrativeUnitScope membershipMode(MembershipMode mode) {
      return new AdministrativeUnitScope(objectId, members, mode);
    }

    /** Whether the plan manages the unit's members: members are declared and the mode is not UNMANAGED. */
    public boolean managesMembers() {
      return membershipMode != MembershipMode.UNMANAGED && !members.isEmpty();
    }

    @Override
    public String describe() {
      if (members.isEmpty()) {
        return "administrative unit " + objectId;
      }
      return "administrative unit " + objectId + " (" + members.size() + " declared member(s)"
          + (membershipMode == MembershipMode.EXACT ? ", exact" : "") + ")";
    }
  }

  /**
   * An explicit list of mailboxes, for FullAccess delegation.
   *
   * @param mailboxes the mailboxes' UPNs or primary SMTP addresses
   */
  public record MailboxListScope(List<String> mailboxes) implements Scope {
    public MailboxListScope {
      if (mailboxes.isEmpty()) {
        throw new InvalidSetupException("Scope.mailboxes(...) needs at least one mailbox.");
      }
      LinkedHashSet<String> seen = new LinkedHashSet<>();
      mailboxes = mailboxes.stream()
          .map(m -> Names.requireSmtp(m, "A mailbox in Scope.mailboxes(...)"))
          .filter(m -> seen.add(m.toLowerCase(Locale.ROOT)))
          .collect(Collectors.toUnmodifiableList());
    }

    static MailboxListScope of(List<String> mailboxes) {
      return new MailboxListScope(mailboxes);
    }

    @Override
    public String describe() {
      return mailboxes.size() + " listed mailbox" + (mailboxes.size() == 1 ? "" : "es");
    }
  }

  /**
   * Every mailbox in the organization. Never a default: {@code build()} rejects it unless acknowledged, and
   * every plan and report then carries a warning.
   *
   * @param confirmed whether the caller acknowledged organization-wide access
   */
  public record OrganizationScope(boolean confirmed) implements Scope {

    /** Acknowledges that the principal will reach every mailbox, including executives' and HR's. */
    public OrganizationScope acknowledged() {
      return new OrganizationScope(true);
    }

    @Override
    public String describe() {
      return "ENTIRE ORGANIZATION";
    }
  }

  /**
   * A custom OPATH recipient filter: a management scope's {@code -RecipientRestrictionFilter} for role assignments, or,
   * with {@code Access.fullAccess()}, the mailboxes {@code Get-Mailbox -Filter} returns (e.g. Riva's "all user mailboxes
   * except Admin": {@code "(RecipientTypeDetails -eq 'UserMailbox') -and (Alias -ne 'Admin')"}). A filter that only
   * selects by recipient type and excludes by other properties reaches the whole organization: it needs
   * {@link #acknowledged()}, as {@link Scope#organization()} does.
   *
   * @param filter the OPATH filter, e.g. {@code "Department -eq 'Sales'"}
   * @param organizationWideAcknowledged whether the caller acknowledged that the filter reaches the whole organization
   */
  public record RecipientFilterScope(String filter, boolean organizationWideAcknowledged) implements Scope {
    private static final Pattern COMPARISON = Pattern.compile("(?i)([A-Za-z][A-Za-z0-9]*)\\s+-(eq|ne|like|notlike)\\s");

    /** A filter not acknowledged as organization-wide. @param filter the OPATH filter */
    public RecipientFilterScope(String filter) {
      this(filter, false);
    }

    /**
     * Whether the filter reaches the whole organization: every positive comparison ({@code -eq}, {@code -like}) is on
     * the recipient type, so only exclusions ({@code -ne}, {@code -notlike}) narrow it, e.g. "all user mailboxes except
     * Admin". A filter joined with {@code -or} or using {@code -not} is judged by the same rule.
     */
    public boolean reachesOrganization() {
      java.util.regex.Matcher m = COMPARISON.matcher(filter + " ");
      boolean any = false;
      while (m.find()) {
        any = true;
        boolean positive = m.group(2).equalsIgnoreCase("eq") || m.group(2).equalsIgnoreCase("like");
        boolean byType = m.group(1).equalsIgnoreCase("RecipientTypeDetails") || m.group(1).equalsIgnoreCase("RecipientType");
        if (positive && !byType) {
          return false;
        }
      }
      return any;
    }

    /** Acknowledges that this filter reaches every mailbox of the types it selects, except those it excludes. */
    public RecipientFilterScope acknowledged() {
      return new RecipientFilterScope(filter, true);
    }

    public RecipientFilterScope {
      if (filter == null || filter.isBlank()) {
        throw new InvalidSetupException("Scope.recipientFilter(...) needs an OPATH filter such as \"Department -eq 'Sales'\".");
      }
      int control = filter.chars().filter(RecipientFilterScope::isControl).findFirst().orElse(-1);
      if (control >= 0) {
        throw new InvalidSetupException(String.format("The recipient filter %s contains the control character U+%04X "
            + "(such as a line break), which no OPATH filter needs and which would break the admin script's comments: "
            + "write the filter on one line, with spaces between its clauses.", Names.quoted(filter), control));
      }
      if (!filter.matches("(?s).*\\s-(eq|ne|like|notlike)\\s.*")) {
        throw new InvalidSetupException("The recipient filter " + Names.quoted(filter) + " has no comparison: OPATH filters "
            + "look like \"Property -eq 'Value'\" (operators -eq, -ne, -like, -notlike, joined with -and / -or).");
      }
    }

    /** Control characters (C0 except tab, DEL, C1 incl. U+0085) and the Unicode line and paragraph separators. */
    private static boolean isControl(int c) {
      return (Character.getType(c) == Character.CONTROL && c != '\t') || c == '\u2028' || c == '\u2029';
    }

    static RecipientFilterScope of(String filter) {
      return new RecipientFilterScope(filter);
    }

    @Override
    public String describe() {
      return "filter " + filter + (reachesOrganization() ? " (ORGANIZATION-WIDE)" : "");
    }
  }
}
