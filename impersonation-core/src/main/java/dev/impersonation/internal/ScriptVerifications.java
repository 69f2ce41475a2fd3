package dev.impersonation.internal;

import dev.impersonation.Access.ApplicationAccessPolicy;
import dev.impersonation.Access.ApplicationImpersonation;
import dev.impersonation.Access.FullAccessDelegation;
import dev.impersonation.Access.RbacForApplications;
import dev.impersonation.ImpersonationSetup;
import dev.impersonation.MembershipMode;
import dev.impersonation.Principal.ServiceAccount;
import dev.impersonation.Scope.AdministrativeUnitScope;
import dev.impersonation.Scope.GroupScope;
import dev.impersonation.Scope.MailboxListScope;
import dev.impersonation.Scope.OrganizationScope;
import dev.impersonation.plan.Plan.ScriptVerification;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Derives a plan script's closing verification from the setup: the check that proves its access method, and the
 * mailboxes to check. Declared mailboxes come first ({@code verifyMailboxes(...)}, then up to
 * {@value #MAX_DECLARED} declared members), the declared outsider second; what is missing is picked while the script
 * runs, where the scope makes that possible (a group: one member, and one mailbox outside it; a mailbox list: one
 * mailbox not on it).
 */
final class ScriptVerifications {
  /** Declared members checked at most, so a thousand-member scope does not make a thousand checks. */
  static final int MAX_DECLARED = 3;

  private ScriptVerifications() {}

  static Optional<ScriptVerification> of(ImpersonationSetup setup) {
    String principal;
    ScriptVerification.Check check;
    List<String> roles = List.of();
    boolean membersDenied = false;
    if (setup.access() instanceof RbacForApplications r) {
      check = ScriptVerification.Check.SERVICE_PRINCIPAL_AUTHORIZATION;
      roles = r.roles();
      principal = appId(setup);
    } else if (setup.access() instanceof ApplicationAccessPolicy p) {
      check = ScriptVerification.Check.APPLICATION_ACCESS_POLICY;
      membersDenied = p.accessRight() == ApplicationAccessPolicy.Right.DENY_ACCESS;
      principal = appId(setup);
    } else if (setup.access() instanceof FullAccessDelegation) {
      check = ScriptVerification.Check.MAILBOX_PERMISSION;
      principal = upn(setup);
    } else if (setup.access() instanceof ApplicationImpersonation a) {
      check = ScriptVerification.Check.ROLE_ASSIGNMENT;
      roles = List.of(ApplicationImpersonation.ROLE);
      principal = upn(setup);
    } else {
      return Optional.empty();
    }
    if (principal.isEmpty()) {
      return Optional.empty();
    }
    List<String> declared = new ArrayList<>();
    Optional<String> group = Optional.empty();
    boolean pickOutsider = false;
    if (setup.scope() instanceof GroupScope g) {
      if (g.membershipMode() != MembershipMode.UNMANAGED) {
        declared.addAll(g.members());
      }
      if (g.kind().isExchangeKnown() || g.kind() == dev.impersonation.GroupKind.MICROSOFT_365) {
        group = Optional.of(g.groupName(0));
        // With several groups a mailbox outside the first may still be in another: pick no outsider then.
        pickOutsider = g.groupCount() == 1;
      }
    } else if (setup.scope() instanceof MailboxListScope list) {
      declared.addAll(list.mailboxes());
      // The script excludes only the mailboxes it lists (at most MAX_DECLARED of them): with more, the mailbox it picked
      // could be in the scope and be reported as an outsider with access. Then it asks for outsider(...) instead.
      pickOutsider = list.mailboxes().size() <= MAX_DECLARED;
    } else if (setup.scope() instanceof AdministrativeUnitScope au && au.managesMembers()) {
      declared.addAll(au.members());
    }
    String self = setup.principal() instanceof ServiceAccount s ? s.userPrincipalName().toLowerCase(Locale.ROOT) : "";
    Map<String, String> inScope = new LinkedHashMap<>();
    setup.verifyMailboxes().forEach(m -> inScope.putIfAbsent(m.toLowerCase(Locale.ROOT), m));
    declared.stream().limit(MAX_DECLARED).forEach(m -> inScope.putIfAbsent(m.toLowerCase(Locale.ROOT), m));
    inScope.remove(self);
    List<String> outside = new ArrayList<>();
    boolean organizationWide = setup.scope() instanceof OrganizationScope;
    if (!organizationWide && setup.outsider().isPresent()) {
      outside.add(setup.outsider().get());
      pickOutsider = false;
    }
    if (organizationWide) {
      pickOutsider = false;
    }
    List<String> granted = membersDenied ? outside : new ArrayList<>(inScope.values());
    List<String> denied = membersDenied ? new ArrayList<>(inScope.values()) : outside;
    return Optional.of(new ScriptVerification(check, principal, roles, granted, denied, group, membersDenied, pickOutsider,
        organizationWide));
  }

  private static String appId(ImpersonationSetup setup) {
    return setup.principal() instanceof dev.impersonation.Principal.Application a ? a.appId() : "";
  }

  private static String upn(ImpersonationSetup setup) {
    return setup.principal() instanceof ServiceAccount s ? s.userPrincipalName() : "";
  }
}
