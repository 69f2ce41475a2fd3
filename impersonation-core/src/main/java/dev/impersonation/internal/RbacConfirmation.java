package dev.impersonation.internal;

import dev.impersonation.AccessMethod;
import dev.impersonation.Principal;
import dev.impersonation.TenantException;
import dev.impersonation.spi.AppPermissions;
import dev.impersonation.spi.ConfiguredAccess;
import dev.impersonation.spi.ExchangeBackend;
import dev.impersonation.spi.Operation;
import dev.impersonation.spi.Recipient;
import dev.impersonation.spi.RoleAssignment;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * The gate of a migration from an access policy ({@link Operation.ConfirmRbacForApplications}, docs/migration.md): waits,
 * on the connection's clock, until the app's newest assignment of the roles is {@code settle} old, then asks
 * {@code Test-ServicePrincipalAuthorization} for every direct mailbox member of the scope group and role. Any member
 * out of scope, or an empty group, fails the step: the run stops before the consent and the policy are removed.
 */
final class RbacConfirmation {
  /** Runs a read with the step's retries. */
  interface Retrying {
    <T> T call(Supplier<T> read);
  }

  /** Reports a wait and sleeps it. */
  interface Waiting {
    void await(String message, Duration wait, Instant since, Instant until);
  }

  private final Operation.ConfirmRbacForApplications gate;
  private final ExchangeBackend exchange;
  private final Clock clock;
  private final Duration maxWait;
  private final Retrying retrying;
  private final Waiting waiting;

  RbacConfirmation(Operation.ConfirmRbacForApplications gate, ExchangeBackend exchange, Clock clock, Duration maxWait,
      Retrying retrying, Waiting waiting) {
    this.gate = gate;
    this.exchange = exchange;
    this.clock = clock;
    this.maxWait = maxWait;
    this.retrying = retrying;
    this.waiting = waiting;
  }

  void run() {
    List<RoleAssignment> assignments = retrying.call(() -> exchange.roleAssignments(gate.servicePrincipalId()));
    Instant newest = assignments.stream().filter(a -> gate.roles().stream().anyMatch(r -> r.equalsIgnoreCase(a.role())))
        .map(RoleAssignment::createdAt).filter(Objects::nonNull).max(Instant::compareTo).orElse(clock.instant());
    Instant effective = newest.plus(gate.settle());
    Instant since = clock.instant();
    while (clock.instant().isBefore(effective)) {
      Duration left = Duration.between(clock.instant(), effective);
      Duration wait = left.compareTo(maxWait) < 0 ? left : maxWait;
      waiting.await("role assignments of " + gate.appId() + " becoming effective (" + Table.duration(left) + " left)", wait,
          since, effective);
    }
    List<Recipient> members = retrying.call(() -> exchange.groupMembers(gate.group())).stream()
        .filter(m -> m.type().isMailbox()).toList();
    if (members.isEmpty()) {
      throw new TenantException("The group '" + gate.group() + "' has no mailbox among its direct members, so nothing proves "
          + "the role assignments: nothing was removed. Add the mailboxes the app needs to the group and apply again.");
    }
    Principal app = Principal.application(gate.appId());
    List<String> outOfScope = new ArrayList<>();
    for (Recipient m : members) {
      for (String role : gate.roles()) {
        String permission = AppPermissions.canonical(role.replaceFirst("(?i)^Application ", ""));
        ConfiguredAccess access = retrying.call(() -> exchange.testConfiguredAccess(AccessMethod.RBAC_FOR_APPLICATIONS, app,
            m.primarySmtpAddress(), permission));
        if (!access.inScope()) {
          outOfScope.add(m.primarySmtpAddress() + " (" + role + ")");
        }
      }
    }
    if (!outOfScope.isEmpty()) {
      throw new TenantException("RBAC for Applications does not cover " + outOfScope.size() + " member(s) of '" + gate.group()
          + "': " + PlanContext.preview(outOfScope) + ". Nothing was removed: the consent and the access policy stay until "
          + "every member is in scope (run diagnose, fix, and apply again).");
    }
  }
}
