package dev.impersonation;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

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
