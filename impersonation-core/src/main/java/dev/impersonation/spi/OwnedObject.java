package dev.impersonation.spi;

import java.util.List;

/**
 * Something a setup made in a tenant and owns: what drift watches and teardown may remove (docs/lifecycle.md). Objects
 * with a notes or description field also carry the setup's ownership marker there; management scopes and role
 * assignments have none, so their ownership is this record's alone.
 *
 * @param kind what it is
 * @param identity its identity: a name, an app id, a group, a trustee (see {@link Kind})
 * @param detail what else identifies it, by kind: the group kind, the role, the policy's identity; empty when none
 * @param items the members, mailboxes or permissions it added (for the kinds that add to something that exists)
 */
public record OwnedObject(Kind kind, String identity, String detail, List<String> items) {
  public OwnedObject {
    detail = detail == null ? "" : detail;
    items = List.copyOf(items);
  }

  /** The kinds of things a setup makes. */
  public enum Kind {
    /** A service-account mailbox it created ({@code identity}: UPN). Teardown keeps it: deleting a mailbox loses data. */
    SERVICE_ACCOUNT,
    /** A group it created ({@code identity}: name, {@code detail}: {@link dev.impersonation.GroupKind} name). */
    GROUP,
    /** Members it added to a group ({@code identity}: group, {@code detail}: group kind, {@code items}: members). */
    GROUP_MEMBERS,
    /** Members it added to an administrative unit ({@code identity}: unit id, {@code items}: members). */
    ADMINISTRATIVE_UNIT_MEMBERS,
    /** A management scope ({@code identity}: name). */
    MANAGEMENT_SCOPE,
    /** A management role assignment ({@code identity}: name, {@code detail}: role). */
    ROLE_ASSIGNMENT,
    /** A role group ({@code identity}: name). */
    ROLE_GROUP,
    /** The Exchange service principal pointer of an app ({@code identity}: app id). */
    EXCHANGE_SERVICE_PRINCIPAL,
    /** An application access policy ({@code identity}: app id, {@code detail}: the policy's identity, {@code items}: group). */
    ACCESS_POLICY,
    /** FullAccess permissions ({@code identity}: trustee, {@code items}: mailboxes). */
    MAILBOX_PERMISSIONS,
    /** Tenant-wide application permissions it granted ({@code identity}: app id, {@code detail}: service principal id). */
    APPLICATION_CONSENT,
    /** The app's entry on the EWS allow list ({@code identity}: app id). */
    EWS_ALLOW_LIST_ENTRY,
    /** The organization's EwsEnabled set to True: tenant-wide, so teardown reports it and leaves it. */
    ORGANIZATION_EWS
  }
}
