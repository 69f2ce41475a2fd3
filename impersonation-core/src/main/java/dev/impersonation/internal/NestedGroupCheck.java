package dev.impersonation.internal;

import dev.impersonation.spi.GroupMember;
import dev.impersonation.spi.Recipient;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * The nested-group check of group scopes: {@code MemberOfGroup} and {@code -RecipientGroupScope} count a group's direct
 * members only (docs/group-scopes.md), so a nested group's mailboxes are out of scope. The warning names the nested
 * groups and every mailbox reached only through them (deeper nesting followed, at most {@value #MAX_READS} group reads);
 * when the members could not be read it says that nesting was not checked, never that there is none.
 */
final class NestedGroupCheck {
  static final int MAX_READS = 50;

  private NestedGroupCheck() {}

  /** A group member for the check, from Exchange ({@link Recipient}) or the directory ({@link GroupMember}). */
  record Member(String identity, String address, String label, boolean group, boolean mailbox) {
    static Member of(Recipient r) {
      String id = r.primarySmtpAddress().isEmpty() ? r.name() : r.primarySmtpAddress();
      return new Member(id, r.primarySmtpAddress(), r.name().isEmpty() ? id : r.name(), r.type().isGroup(), r.type().isMailbox());
    }

    static Member of(GroupMember m) {
      return new Member(m.identity(), m.address(), m.address().isEmpty() ? m.identity() : m.address(), m.group(), !m.group());
    }
  }

  /**
   * The warning for one scope group, if any.
   *
   * @param label how the plan names the group, e.g. {@code distribution group 'Sync Users'}
   * @param name the group's name, for the advice
   * @param direct the group's direct members as addresses (as the plan read them)
   * @param top the group's direct members with their kinds (only the groups among them matter)
   * @param members reads another group's members with their kinds
   */
  static Optional<String> warning(String label, String name, Observed<List<String>> direct, Observed<List<Member>> top,
      Function<String, Observed<List<Member>>> members) {
    if (direct.unknown() || top.unknown()) {
      return Optional.of("Could not check whether " + label + " has nested groups (" + (direct.unknown() ? direct.error()
          : top.error()) + "): only its direct members are in scope, so mailboxes in a nested group would be left out "
          + "(docs/group-scopes.md).");
    }
    List<Member> nestedGroups = top.value().stream().filter(Member::group).toList();
    if (nestedGroups.isEmpty()) {
      return Optional.empty();
    }
    Set<String> directMembers = direct.value().stream().map(m -> m.toLowerCase(Locale.ROOT)).collect(Collectors.toSet());
    Set<String> leftOut = new TreeSet<>(String.CASE_INSENSITIVE_ORDER);
    Set<String> seen = new HashSet<>();
    Deque<String> queue = new ArrayDeque<>(nestedGroups.stream().map(Member::identity).toList());
    List<String> unreadable = new ArrayList<>();
    int reads = 0;
    while (!queue.isEmpty() && reads < MAX_READS) {
      String g = queue.poll();
      if (!seen.add(g.toLowerCase(Locale.ROOT))) {
        continue;
      }
      reads++;
      Observed<List<Member>> read = members.apply(g);
      if (read.unknown()) {
        unreadable.add(g);
        continue;
      }
      for (Member m : read.value()) {
        if (m.group()) {
          queue.add(m.identity());
        } else if (m.mailbox() && !m.address().isEmpty() && !directMembers.contains(m.address().toLowerCase(Locale.ROOT))) {
          leftOut.add(m.address());
        }
      }
    }
    List<String> out = List.copyOf(leftOut);
    return Optional.of(label + " has nested group(s) " + nestedGroups.stream().map(Member::label).toList()
        + ": only direct members are in scope (docs/group-scopes.md), so "
        + (out.isEmpty() ? "no mailbox is reached only through them" : out.size() + " mailbox(es) reached only through them "
            + "are left out: " + PlanContext.preview(out) + ". Add them to '" + name + "' directly if the app needs them")
        + (unreadable.isEmpty() ? "" : "; the members of " + unreadable + " could not be read")
        + (queue.isEmpty() ? "" : "; more nested groups were not read") + ".");
  }
}
