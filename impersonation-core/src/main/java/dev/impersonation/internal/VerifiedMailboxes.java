package dev.impersonation.internal;

import dev.impersonation.AccessMethod;
import dev.impersonation.ImpersonationSetup;
import dev.impersonation.MembershipMode;
import dev.impersonation.Principal.ServiceAccount;
import dev.impersonation.Scope.AdministrativeUnitScope;
import dev.impersonation.Scope.GroupScope;
import dev.impersonation.Scope.MailboxListScope;
import dev.impersonation.Scope.OrganizationScope;
import dev.impersonation.Scope.RecipientFilterScope;
import dev.impersonation.TenantConnection;
import dev.impersonation.spi.Recipient;
import dev.impersonation.spi.RecipientType;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * Which mailboxes a verification checks: the scope's (declared members, or the group's direct mailbox members, with
 * nested groups' mailboxes for an access policy, which counts them), and one outsider that must be denied.
 */
final class VerifiedMailboxes {
  private final ImpersonationSetup setup;
  private final TenantConnection connection;
  private final List<String> notes;

  VerifiedMailboxes(ImpersonationSetup setup, TenantConnection connection, List<String> notes) {
    this.setup = setup;
    this.connection = connection;
    this.notes = notes;
  }

  /** The mailboxes of a nested group, followed a few levels down (access policies count them). */
  private void nestedMailboxes(String group, int depth, List<String> out) {
    if (depth > 5) {
      return;
    }
    for (Recipient r : connection.exchange().get().groupMembers(group)) {
      if (r.type().isGroup()) {
        nestedMailboxes(r.primarySmtpAddress(), depth + 1, out);
      } else {
        out.add(r.primarySmtpAddress());
      }
    }
  }

  List<String> inScope() {
    Set<String> seen = new LinkedHashSet<>();
    List<String> out = new ArrayList<>();
    List<String> candidates = new ArrayList<>();
    if (setup.scope() instanceof GroupScope g) {
      if (g.membershipMode() == MembershipMode.UNMANAGED || g.members().isEmpty()) {
        for (int i = 0; i < 200; i++) {
          String name = g.groupName(i);
          try {
            if (connection.exchange().isPresent() && g.kind().isExchangeKnown()) {
              if (connection.exchange().get().findGroup(name).isEmpty()) {
                break;
              }
              // Nested groups are not mailboxes to check; an access policy counts their members (RBAC does not).
              List<Recipient> members = connection.exchange().get().groupMembers(name);
              members.stream().filter(r -> !r.type().isGroup()).map(Recipient::primarySmtpAddress).forEach(candidates::add);
              if (setup.access().method() == AccessMethod.APPLICATION_ACCESS_POLICY) {
                members.stream().filter(r -> r.type().isGroup()).forEach(r -> nestedMailboxes(r.primarySmtpAddress(), 1, candidates));
              }
            } else if (connection.directory().isPresent()) {
              if (connection.directory().get().findGroup(name).isEmpty()) {
                break;
              }
              candidates.addAll(connection.directory().get().groupMembers(name));
            }
          } catch (RuntimeException e) {
            notes.add("Could not read the members of '" + name + "' (" + e.getMessage() + "): they were not checked.");
            break;
          }
        }
      } else {
        candidates.addAll(g.members());
      }
    } else if (setup.scope() instanceof MailboxListScope list) {
      candidates.addAll(list.mailboxes());
    } else if (setup.scope() instanceof RecipientFilterScope filter && connection.exchange().isPresent()
        && setup.access().method() == AccessMethod.FULL_ACCESS_DELEGATION) {
      try {
        // The service account's own mailbox matches a filter over user mailboxes; it is not a mailbox the setup grants.
        connection.exchange().get().mailboxesMatching(filter.filter()).stream().map(Recipient::primarySmtpAddress)
            .filter(m -> !m.equalsIgnoreCase(setup.principal().displayIdentity())).forEach(candidates::add);
      } catch (RuntimeException e) {
        notes.add("Could not read the mailboxes the filter matches (" + e.getMessage() + "): only the declared ones were checked.");
      }
    } else if (setup.scope() instanceof AdministrativeUnitScope au) {
      if (connection.directory().isPresent()) {
        try {
          connection.directory().get().administrativeUnitMembers(au.objectId()).ifPresent(candidates::addAll);
        } catch (RuntimeException e) {
          notes.add("Could not read the administrative unit's members (" + e.getMessage() + ").");
        }
      }
      if (au.managesMembers()) {
        // Declared members are in scope even before they are added: they must end up granted.
        candidates.addAll(au.members());
      }
    }
    candidates.addAll(setup.verifyMailboxes());
    String principal = setup.principal() instanceof ServiceAccount a ? a.userPrincipalName().toLowerCase(Locale.ROOT) : "";
    for (String c : candidates) {
      String key = c.toLowerCase(Locale.ROOT);
      if (!key.equals(principal) && seen.add(key)) {
        out.add(c);
      }
    }
    if (out.isEmpty()) {
      notes.add("No in-scope mailbox is known to check: declare some with verifyMailboxes(...).");
    }
    return out;
  }

  Optional<String> outsider(Set<String> scoped) {
    if (setup.scope() instanceof OrganizationScope) {
      notes.add("Organization-wide scope: there is no outsider to prove least privilege with.");
      return Optional.empty();
    }
    if (setup.outsider().isPresent()) {
      return setup.outsider();
    }
    String principal = setup.principal() instanceof ServiceAccount a ? a.userPrincipalName().toLowerCase(Locale.ROOT) : "";
    try {
      Set<String> groupMembers = scopeGroupMembers();
      Optional<dev.impersonation.spi.MailboxReader> graph = connection.exchange().isPresent() ? Optional.empty()
          : connection.directory().filter(d -> d instanceof dev.impersonation.spi.MailboxReader)
              .map(dev.impersonation.spi.MailboxReader.class::cast);
      List<Recipient> listed = connection.exchange().map(x -> x.listMailboxes(500))
          .orElseGet(() -> graph.map(g -> g.listMailboxes(500)).orElse(List.of()));
      java.util.function.Predicate<String> isMailbox = m -> true;
      if (graph.isPresent()) {
        // Graph lists mail-enabled users: confirm a candidate has a mailbox (at most a few reads).
        int[] tries = {0};
        isMailbox = m -> tries[0]++ < 5 && graph.get().findMailbox(m).isPresent();
      }
      Optional<String> found = listed.stream()
          .filter(r -> r.type() == RecipientType.USER_MAILBOX || r.type() == RecipientType.ROOM_MAILBOX)
          .map(Recipient::primarySmtpAddress)
          .filter(m -> !scoped.contains(m.toLowerCase(Locale.ROOT)) && !m.equalsIgnoreCase(principal))
          .filter(m -> !groupMembers.contains(m.toLowerCase(Locale.ROOT)))
          .filter(isMailbox)
          .findFirst();
      if (found.isEmpty()) {
        notes.add("No mailbox outside the scope was found to prove least privilege: name one with outsider(...).");
      }
      return found;
    } catch (RuntimeException e) {
      notes.add("Could not list mailboxes to pick an outsider (" + e.getMessage() + "): name one with outsider(...).");
      return Optional.empty();
    }
  }

  /** Members of every group of a group scope, read once (an outsider must not be in any of them). */
  private Set<String> scopeGroupMembers() {
    Set<String> members = new java.util.HashSet<>();
    if (!(setup.scope() instanceof GroupScope g) || connection.exchange().isEmpty() || !g.kind().isExchangeKnown()) {
      return members;
    }
    for (int i = 0; i < 200; i++) {
      String name = g.groupName(i);
      if (connection.exchange().get().findGroup(name).isEmpty()) {
        break;
      }
      connection.exchange().get().groupMembers(name)
          .forEach(r -> members.add(r.primarySmtpAddress().toLowerCase(Locale.ROOT)));
    }
    return members;
  }
}
