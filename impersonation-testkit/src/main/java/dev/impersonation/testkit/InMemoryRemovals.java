package dev.impersonation.testkit;

import dev.impersonation.TenantException;
import dev.impersonation.spi.OwnedObject;
import java.util.ArrayList;
import java.util.List;

/** How the in-memory Exchange removes an object a setup made (teardown): as the cmdlets would, not found when absent. */
final class InMemoryRemovals {
  private InMemoryRemovals() {}

  static void remove(TenantState s, OwnedObject o) {
    String k = TenantState.key(o.identity());
    boolean removed = switch (o.kind()) {
      case ROLE_ASSIGNMENT -> s.assignments.remove(k) != null;
      case MANAGEMENT_SCOPE -> s.scopes.remove(k) != null;
      case ROLE_GROUP -> s.roleGroups.remove(k) != null;
      case EXCHANGE_SERVICE_PRINCIPAL -> s.exchangeServicePrincipals.remove(k) != null;
      case ACCESS_POLICY -> s.policies.removeIf(p -> p.id().equalsIgnoreCase(o.detail()));
      case GROUP -> s.group(o.identity()).map(s::removeGroup).orElse(false);
      case MAILBOX_PERMISSIONS -> {
        boolean any = false;
        for (String mailbox : o.items()) {
          String mk = s.mailbox(mailbox).map(m -> TenantState.key(m.smtp)).orElse(TenantState.key(mailbox));
          any |= s.permissions.getOrDefault(mk, new ArrayList<>()).removeIf(p -> s.mailbox(p.user()).map(u -> u.upn)
              .orElse(p.user()).equalsIgnoreCase(s.mailbox(o.identity()).map(u -> u.upn).orElse(o.identity())));
        }
        yield any;
      }
      case EWS_ALLOW_LIST_ENTRY -> {
        List<String> left = s.ewsAllowedAppIds.stream().filter(a -> !a.equalsIgnoreCase(o.identity())).toList();
        boolean was = left.size() < s.ewsAllowedAppIds.size();
        if (was) {
          s.setEwsAllowedAppIds(left);
        }
        yield was;
      }
      case SERVICE_ACCOUNT, GROUP_MEMBERS, ADMINISTRATIVE_UNIT_MEMBERS, APPLICATION_CONSENT, ORGANIZATION_EWS ->
          throw new TenantException("The Exchange simulator does not remove " + o.kind() + " objects this way.");
    };
    if (!removed) {
      throw s.notFound(o.identity());
    }
  }
}
