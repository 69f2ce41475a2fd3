package dev.impersonation;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

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
