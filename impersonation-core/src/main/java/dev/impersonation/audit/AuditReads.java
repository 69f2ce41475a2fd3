package dev.impersonation.audit;

import dev.impersonation.TenantConnection;
import dev.impersonation.audit.MailboxAccessAudit.Finding;
import dev.impersonation.audit.MailboxAccessAudit.Kind;
import dev.impersonation.audit.MailboxAccessAudit.Section;
import dev.impersonation.audit.MailboxAccessAudit.Status;
import dev.impersonation.spi.AccessPolicy;
import dev.impersonation.spi.AppPermissions;
import dev.impersonation.spi.ExchangeBackend;
import dev.impersonation.spi.MailboxPermission;
import dev.impersonation.spi.ManagementScope;
import dev.impersonation.spi.Recipient;
import dev.impersonation.spi.RoleAssignment;
import dev.impersonation.spi.RoleGroup;
import dev.impersonation.spi.TenantConsentGrant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * The reads of one audit (docs/audit.md): the mailbox count, every role assignment, every access policy, every FullAccess
 * grant and every consent grant, each an inventory read; then what each scope reaches, read once per scope or group
 * (a management scope's filter through {@code Get-Mailbox -Filter}, a group's members), never once per mailbox.
 */
final class AuditReads {
  private static final int SAMPLE = 5;

  private final TenantConnection connection;
  private final int threshold;
  private final List<Section> sections = new ArrayList<>();
  private final List<Finding> findings = new ArrayList<>();
  private final Map<String, Optional<List<String>>> reachCache = new HashMap<>();
  private Optional<Integer> mailboxCount = Optional.empty();

  AuditReads(TenantConnection connection, int threshold) {
    this.connection = connection;
    this.threshold = threshold;
  }

  /** A read's value, or why it has none: UNKNOWN for a failure, NOT_AVAILABLE for a backend that cannot read it. */
  private record Read<T>(T value, Status status, String why) {
    static <T> Read<T> of(Supplier<T> read) {
      try {
        return new Read<>(read.get(), Status.READ, "");
      } catch (UnsupportedOperationException e) {
        return new Read<>(null, Status.NOT_AVAILABLE, e.getMessage());
      } catch (RuntimeException e) {
        return new Read<>(null, Status.UNKNOWN, e.getClass().getSimpleName() + ": " + e.getMessage());
      }
    }
  }

  MailboxAccessAudit read() {
    Optional<ExchangeBackend> x = connection.exchange();
    Read<List<Recipient>> mailboxes = x.map(b -> Read.of(() -> b.listMailboxes(Integer.MAX_VALUE)))
        .or(() -> connection.directory().filter(d -> d instanceof dev.impersonation.spi.MailboxReader)
            .map(d -> Read.of(() -> ((dev.impersonation.spi.MailboxReader) d).listMailboxes(Integer.MAX_VALUE))))
        .orElse(new Read<>(null, Status.NOT_AVAILABLE, "no backend"));
    if (mailboxes.status() == Status.READ) {
      mailboxCount = Optional.of(mailboxes.value().size());
    }
    roleAssignments(x);
    Read<List<AccessPolicy>> policies = accessPolicies(x);
    fullAccess(x);
    consent(policies);
    return new MailboxAccessAudit(connection.target(), connection.clock().instant(), mailboxCount, threshold, sections, findings);
  }

  private static <T> Read<T> unavailable(String why) {
    return new Read<>(null, Status.NOT_AVAILABLE, why);
  }

  private void roleAssignments(Optional<ExchangeBackend> x) {
    Read<List<RoleAssignment>> all = x.map(b -> Read.of(b::allRoleAssignments)).orElse(unavailable("no Exchange backend"));
    if (all.status() != Status.READ) {
      sections.add(new Section(Kind.APPLICATION_IMPERSONATION, all.status(), all.why()));
      sections.add(new Section(Kind.APPLICATION_ROLE, all.status(), all.why()));
      return;
    }
    int impersonation = 0;
    int roles = 0;
    for (RoleAssignment a : all.value()) {
      boolean isImpersonation = a.role().equalsIgnoreCase(AppPermissions.APPLICATION_IMPERSONATION);
      if (!isImpersonation && !a.role().startsWith("Application ")) {
        continue;
      }
      if (isImpersonation) {
        impersonation++;
      } else {
        roles++;
      }
      String principal = a.assignee() + " (" + a.assigneeType().name().toLowerCase(Locale.ROOT).replace('_', ' ') + ")";
      if (isImpersonation && a.assigneeType() == dev.impersonation.spi.AssigneeType.SECURITY_GROUP) {
        Read<Optional<RoleGroup>> group = Read.of(() -> x.get().findRoleGroup(a.assignee()));
        if (group.status() == Status.READ && group.value().isPresent()) {
          principal = "role group " + a.assignee() + " (members: " + String.join(", ", group.value().get().members()) + ")";
        }
      }
      Reach reach = reach(a);
      findings.add(new Finding(isImpersonation ? Kind.APPLICATION_IMPERSONATION : Kind.APPLICATION_ROLE, principal, a.role(),
          reach.scope(), reach.count(), reach.sample(), reach.tenantWide(), "assignment '" + a.name() + "'"));
    }
    sections.add(new Section(Kind.APPLICATION_IMPERSONATION, Status.READ, impersonation + " assignment(s) of ApplicationImpersonation, "
        + all.value().size() + " assignment(s) read"));
    sections.add(new Section(Kind.APPLICATION_ROLE, Status.READ, roles + " assignment(s) of Application roles"));
  }

  /** What an assignment's scope reaches. */
  private record Reach(String scope, Optional<Integer> count, List<String> sample, boolean tenantWide) {}

  private Reach reach(RoleAssignment a) {
    return switch (a.scopeType()) {
      case ORGANIZATION -> new Reach("none: the whole organization", mailboxCount, List.of(), true);
      case MANAGEMENT_SCOPE -> {
        Read<Optional<ManagementScope>> scope = Read.of(() -> connection.exchange().get().findManagementScope(a.scope()));
        if (scope.status() != Status.READ || scope.value().isEmpty()) {
          yield new Reach("management scope '" + a.scope() + "' (" + (scope.status() == Status.READ ? "not found" : "unread") + ")",
              Optional.empty(), List.of(), false);
        }
        String filter = scope.value().get().recipientFilter();
        Optional<List<String>> matched = members("filter:" + filter,
            () -> connection.exchange().get().mailboxesMatching(filter).stream().map(Recipient::primarySmtpAddress).toList());
        yield reach("management scope '" + a.scope() + "' (" + filter + ")", matched);
      }
      case RECIPIENT_GROUP -> reach("group '" + a.scope() + "' (direct members)", groupMembers(a.scope()));
      case ADMINISTRATIVE_UNIT -> reach("administrative unit " + a.scope(), members("au:" + a.scope(),
          () -> connection.directory().orElseThrow(() -> new UnsupportedOperationException("no directory backend"))
              .administrativeUnitMembers(a.scope()).orElse(List.of())));
    };
  }

  private Reach reach(String scope, Optional<List<String>> mailboxes) {
    return new Reach(scope, mailboxes.map(List::size), mailboxes.map(m -> m.stream().limit(SAMPLE).toList()).orElse(List.of()),
        mailboxes.isPresent() && mailboxCount.isPresent() && mailboxes.get().size() >= mailboxCount.get() && mailboxCount.get() > 0);
  }

  private Optional<List<String>> groupMembers(String group) {
    return members("group:" + group, () -> connection.exchange().orElseThrow(() -> new UnsupportedOperationException("no Exchange backend"))
        .groupMembers(group).stream().filter(r -> r.type().isMailbox()).map(Recipient::primarySmtpAddress).toList());
  }

  /** One read per scope or group, remembered. */
  private Optional<List<String>> members(String key, Supplier<List<String>> read) {
    return reachCache.computeIfAbsent(key.toLowerCase(Locale.ROOT), k -> {
      Read<List<String>> r = Read.of(read);
      return r.status() == Status.READ ? Optional.of(r.value()) : Optional.empty();
    });
  }

  private Read<List<AccessPolicy>> accessPolicies(Optional<ExchangeBackend> x) {
    if (!connection.target().isExchangeOnline()) {
      sections.add(new Section(Kind.ACCESS_POLICY, Status.NOT_AVAILABLE, "application access policies exist only in Exchange Online"));
      return unavailable("Exchange Server");
    }
    Read<List<AccessPolicy>> all = x.map(b -> Read.of(b::allAccessPolicies)).orElse(unavailable("no Exchange backend"));
    if (all.status() != Status.READ) {
      sections.add(new Section(Kind.ACCESS_POLICY, all.status(), all.why()));
      return all;
    }
    for (AccessPolicy p : all.value()) {
      boolean deny = p.accessRight().equalsIgnoreCase("DenyAccess");
      Reach reach = reach("group " + p.scopeGroup() + " (direct members; the policy also counts nested groups' members)",
          groupMembers(p.scopeGroup()));
      findings.add(new Finding(Kind.ACCESS_POLICY, "app " + p.appId(), p.accessRight(), reach.scope(), reach.count(), reach.sample(),
          false, deny ? "denies the app these mailboxes whatever its consent" : "narrows the app's consent to these mailboxes"));
    }
    sections.add(new Section(Kind.ACCESS_POLICY, Status.READ, all.value().size() + " policy(ies)"));
    return all;
  }

  private void fullAccess(Optional<ExchangeBackend> x) {
    Read<List<MailboxPermission>> all = x.map(b -> Read.of(b::fullAccessGrants)).orElse(unavailable("no Exchange backend"));
    if (all.status() != Status.READ) {
      sections.add(new Section(Kind.FULL_ACCESS, all.status(), all.why()));
      return;
    }
    Map<String, List<String>> byUser = new LinkedHashMap<>();
    for (MailboxPermission p : all.value()) {
      if (p.user().toUpperCase(Locale.ROOT).startsWith("NT AUTHORITY\\")) {
        continue;
      }
      byUser.computeIfAbsent(p.user().toLowerCase(Locale.ROOT), u -> new ArrayList<>()).add(p.mailbox());
    }
    int reported = 0;
    for (Map.Entry<String, List<String>> e : byUser.entrySet()) {
      List<String> mailboxes = e.getValue();
      if (mailboxes.size() < threshold) {
        continue;
      }
      reported++;
      // Everyone but the holder: a service account cannot be granted FullAccess on its own mailbox.
      boolean everyone = mailboxCount.isPresent() && mailboxes.size() >= mailboxCount.get() - 1 && mailboxCount.get() > 1;
      findings.add(new Finding(Kind.FULL_ACCESS, e.getKey(), "FullAccess", "granted per mailbox", Optional.of(mailboxes.size()),
          mailboxes.stream().limit(SAMPLE).toList(), everyone, "over " + mailboxes.size() + " mailbox(es); threshold " + threshold));
    }
    sections.add(new Section(Kind.FULL_ACCESS, Status.READ, all.value().size() + " grant(s) held by " + byUser.size()
        + " principal(s); " + reported + " at or over " + threshold + " mailbox(es)"));
  }

  private void consent(Read<List<AccessPolicy>> policies) {
    if (connection.directory().isEmpty()) {
      sections.add(new Section(Kind.TENANT_WIDE_CONSENT, Status.NOT_AVAILABLE, "no directory (Graph) backend"));
      return;
    }
    Read<List<TenantConsentGrant>> all = Read.of(() -> connection.directory().get().tenantConsentGrants());
    if (all.status() != Status.READ) {
      sections.add(new Section(Kind.TENANT_WIDE_CONSENT, all.status(), all.why()));
      return;
    }
    Map<String, List<TenantConsentGrant>> byApp = new LinkedHashMap<>();
    all.value().stream().filter(g -> AppPermissions.isMailboxPermission(g.permission()) || AppPermissions.isEws(g.permission()))
        .forEach(g -> byApp.computeIfAbsent(g.clientServicePrincipalId(), k -> new ArrayList<>()).add(g));
    for (List<TenantConsentGrant> grants : byApp.values()) {
      TenantConsentGrant first = grants.get(0);
      List<AccessPolicy> restricting = policies.status() != Status.READ ? List.of() : policies.value().stream()
          .filter(p -> p.appId().equalsIgnoreCase(first.clientAppId()) && p.accessRight().equalsIgnoreCase("RestrictAccess")).toList();
      String grant = String.join(", ", grants.stream().map(g -> g.resource() + " " + g.permission()).toList());
      String principal = first.clientName() + " (" + (first.clientAppId().isEmpty() ? first.clientServicePrincipalId() : first.clientAppId()) + ")";
      if (!restricting.isEmpty()) {
        Reach reach = reach("access policy to group " + restricting.get(0).scopeGroup(), groupMembers(restricting.get(0).scopeGroup()));
        findings.add(new Finding(Kind.TENANT_WIDE_CONSENT, principal, grant, reach.scope(), reach.count(), reach.sample(), false,
            "narrowed by a RestrictAccess policy (Graph and EWS); RBAC for Applications assignments would not narrow it"));
      } else {
        boolean policiesUnknown = policies.status() == Status.UNKNOWN;
        findings.add(new Finding(Kind.TENANT_WIDE_CONSENT, principal, grant, policiesUnknown ? "unknown: access policies unread" : "none",
            policiesUnknown ? Optional.empty() : mailboxCount, List.of(), !policiesUnknown,
            "tenant-wide consent reaches every mailbox; scoped RBAC assignments do not narrow it (docs/diagnostics.md#d11)"));
      }
    }
    sections.add(new Section(Kind.TENANT_WIDE_CONSENT, Status.READ, all.value().size() + " consent grant(s) read, "
        + byApp.size() + " app(s) with mailbox permissions"));
  }
}
