package dev.impersonation.testkit;

import dev.impersonation.spi.Operation;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;

/**
 * The operation names {@link Faults} rules and strict mode take, as constants: the reads as the SPI names them, the
 * writes as the {@link Operation} they carry out, and {@code "probe"}. Any name may be prefixed with
 * {@code "exchange."} or {@code "directory."} to target one backend; {@code "*"} matches every call. A name that is
 * none of these is refused with the nearest known names, so a typo cannot make a rule that silently never fires.
 */
public final class FaultOperations {
  private FaultOperations() {}

  /** The {@code accessPolicies} read. */
  public static final String ACCESS_POLICIES = "accessPolicies";

  /** The {@code administrativeUnitMembers} read. */
  public static final String ADMINISTRATIVE_UNIT_MEMBERS = "administrativeUnitMembers";

  /** The {@code applicationPermissionGrants} read. */
  public static final String APPLICATION_PERMISSION_GRANTS = "applicationPermissionGrants";

  /** The {@code assignLicense} read. */
  public static final String ASSIGN_LICENSE = "assignLicense";

  /** The {@code findGroup} read. */
  public static final String FIND_GROUP = "findGroup";

  /** The {@code findMailbox} read. */
  public static final String FIND_MAILBOX = "findMailbox";

  /** The {@code findManagementScope} read. */
  public static final String FIND_MANAGEMENT_SCOPE = "findManagementScope";

  /** The {@code findRecipient} read. */
  public static final String FIND_RECIPIENT = "findRecipient";

  /** The {@code findRoleGroup} read. */
  public static final String FIND_ROLE_GROUP = "findRoleGroup";

  /** The {@code findServicePrincipal} read. */
  public static final String FIND_SERVICE_PRINCIPAL = "findServicePrincipal";

  /** The {@code findUser} read. */
  public static final String FIND_USER = "findUser";

  /** The {@code groupMembers} read. */
  public static final String GROUP_MEMBERS = "groupMembers";

  /** The {@code listGroups} read. */
  public static final String LIST_GROUPS = "listGroups";

  /** The {@code listMailboxes} read. */
  public static final String LIST_MAILBOXES = "listMailboxes";

  /** The {@code listUsers} read. */
  public static final String LIST_USERS = "listUsers";

  /** The audit's inventory reads: every role assignment, access policy, FullAccess grant and consent grant. */
  public static final String ALL_ROLE_ASSIGNMENTS = "allRoleAssignments";

  /** The {@code allAccessPolicies} read. */
  public static final String ALL_ACCESS_POLICIES = "allAccessPolicies";

  /** The {@code fullAccessGrants} read (Get-EXOMailboxPermission). */
  public static final String FULL_ACCESS_GRANTS = "fullAccessGrants";

  /** The {@code tenantConsentGrants} read (appRoleAssignedTo). */
  public static final String TENANT_CONSENT_GRANTS = "tenantConsentGrants";

  /** The {@code findRecipients} read (recipients in bulk). */
  public static final String FIND_RECIPIENTS = "findRecipients";

  /** The {@code mailboxesMatching} read (Get-Mailbox -Filter). */
  public static final String MAILBOXES_MATCHING = "mailboxesMatching";

  /** The {@code mailboxPermissions} read. */
  public static final String MAILBOX_PERMISSIONS = "mailboxPermissions";

  /** The {@code organizationConfig} read. */
  public static final String ORGANIZATION_CONFIG = "organizationConfig";

  /** The {@code ewsOrganizationPolicy} read ({@code Get-OrganizationConfig -RetrieveEwsOperationAccessPolicy}). */
  public static final String EWS_ORGANIZATION_POLICY = "ewsOrganizationPolicy";

  /** The {@code Set-OrganizationConfig} cmdlet (EwsEnabled, EwsAllowedAppIDs) run through the Exchange simulator. */
  public static final String SET_ORGANIZATION_CONFIG = "Set-OrganizationConfig";

  /** The {@code AllowEwsApplication} write (an {@code Operation} of that name). */
  public static final String ALLOW_EWS_APPLICATION = "AllowEwsApplication";

  /** The {@code EnableOrganizationEws} write (an {@code Operation} of that name). */
  public static final String ENABLE_ORGANIZATION_EWS = "EnableOrganizationEws";

  /** The {@code applicationRoles} read ({@code Get-ManagementRole}). */
  public static final String APPLICATION_ROLES = "applicationRoles";

  /** The {@code roleAssignments} read. */
  public static final String ROLE_ASSIGNMENTS = "roleAssignments";

  /** The {@code roleDefinitions} read. */
  public static final String ROLE_DEFINITIONS = "roleDefinitions";

  /** The {@code testConfiguredAccess} read. */
  public static final String TEST_CONFIGURED_ACCESS = "testConfiguredAccess";

  /** The {@code updateUser} read. */
  public static final String UPDATE_USER = "updateUser";

  /** The {@code Get-CASMailbox} read. */
  public static final String GET_CAS_MAILBOX = "Get-CASMailbox";

  /** The {@code Get-UnifiedGroupLinks} read. */
  public static final String GET_UNIFIED_GROUP_LINKS = "Get-UnifiedGroupLinks";

  /** The {@code probe} probe. */
  public static final String PROBE = "probe";

  /** The {@code EnableOrganizationCustomization} write (an {@code Operation} of that name). */
  public static final String ENABLE_ORGANIZATION_CUSTOMIZATION = "EnableOrganizationCustomization";

  /** The {@code CreateServiceAccount} write (an {@code Operation} of that name). */
  public static final String CREATE_SERVICE_ACCOUNT = "CreateServiceAccount";

  /** The {@code AwaitMailbox} write (an {@code Operation} of that name). */
  public static final String AWAIT_MAILBOX = "AwaitMailbox";

  /** The {@code AwaitAccessPolicy} write (an {@code Operation} of that name). */
  public static final String AWAIT_ACCESS_POLICY = "AwaitAccessPolicy";

  /** The {@code NewDistributionGroup} write (an {@code Operation} of that name). */
  public static final String NEW_DISTRIBUTION_GROUP = "NewDistributionGroup";

  /** The {@code CreateDirectoryGroup} write (an {@code Operation} of that name). */
  public static final String CREATE_DIRECTORY_GROUP = "CreateDirectoryGroup";

  /** The {@code SetGroup} write (an {@code Operation} of that name). */
  public static final String SET_GROUP = "SetGroup";

  /** The {@code AddGroupMembers} write (an {@code Operation} of that name). */
  public static final String ADD_GROUP_MEMBERS = "AddGroupMembers";

  /** The {@code RemoveGroupMembers} write (an {@code Operation} of that name). */
  public static final String REMOVE_GROUP_MEMBERS = "RemoveGroupMembers";

  /** The {@code AddAdministrativeUnitMembers} write (an {@code Operation} of that name). */
  public static final String ADD_ADMINISTRATIVE_UNIT_MEMBERS = "AddAdministrativeUnitMembers";

  /** The {@code RemoveAdministrativeUnitMembers} write (an {@code Operation} of that name). */
  public static final String REMOVE_ADMINISTRATIVE_UNIT_MEMBERS = "RemoveAdministrativeUnitMembers";

  /** The {@code ResolveGroupDistinguishedName} write (an {@code Operation} of that name). */
  public static final String RESOLVE_GROUP_DISTINGUISHED_NAME = "ResolveGroupDistinguishedName";

  /** The {@code NewManagementScope} write (an {@code Operation} of that name). */
  public static final String NEW_MANAGEMENT_SCOPE = "NewManagementScope";

  /** The {@code NewManagementRoleAssignment} write (an {@code Operation} of that name). */
  public static final String NEW_MANAGEMENT_ROLE_ASSIGNMENT = "NewManagementRoleAssignment";

  /** The {@code NewRoleGroup} write (an {@code Operation} of that name). */
  public static final String NEW_ROLE_GROUP = "NewRoleGroup";

  /** The {@code AddRoleGroupMember} write (an {@code Operation} of that name). */
  public static final String ADD_ROLE_GROUP_MEMBER = "AddRoleGroupMember";

  /** The {@code NewServicePrincipal} write (an {@code Operation} of that name). */
  public static final String NEW_SERVICE_PRINCIPAL = "NewServicePrincipal";

  /** The {@code NewApplicationAccessPolicy} write (an {@code Operation} of that name). */
  public static final String NEW_APPLICATION_ACCESS_POLICY = "NewApplicationAccessPolicy";

  /** The {@code AddMailboxPermissions} write (an {@code Operation} of that name). */
  public static final String ADD_MAILBOX_PERMISSIONS = "AddMailboxPermissions";

  /** The {@code GrantApplicationPermissions} write (an {@code Operation} of that name). */
  public static final String GRANT_APPLICATION_PERMISSIONS = "GrantApplicationPermissions";

  /** The {@code RevokeApplicationPermissions} write (an {@code Operation} of that name). */
  public static final String REVOKE_APPLICATION_PERMISSIONS = "RevokeApplicationPermissions";

  /** Every call, on every backend. */
  public static final String ANY = "*";

  /** The names that are not Operation records: reads, and cmdlets the simulators run directly. */
  private static final Set<String> CALLS = Set.of(ACCESS_POLICIES, ADMINISTRATIVE_UNIT_MEMBERS, APPLICATION_PERMISSION_GRANTS,
      ASSIGN_LICENSE, FIND_GROUP, FIND_MAILBOX, FIND_MANAGEMENT_SCOPE, FIND_RECIPIENT, FIND_ROLE_GROUP, FIND_SERVICE_PRINCIPAL,
      FIND_USER, GROUP_MEMBERS, LIST_GROUPS, LIST_MAILBOXES, LIST_USERS, FIND_RECIPIENTS, MAILBOXES_MATCHING, ALL_ROLE_ASSIGNMENTS, ALL_ACCESS_POLICIES, FULL_ACCESS_GRANTS,
      TENANT_CONSENT_GRANTS, MAILBOX_PERMISSIONS, ORGANIZATION_CONFIG,
      EWS_ORGANIZATION_POLICY, SET_ORGANIZATION_CONFIG, APPLICATION_ROLES,
      ROLE_ASSIGNMENTS, ROLE_DEFINITIONS, TEST_CONFIGURED_ACCESS, UPDATE_USER, GET_CAS_MAILBOX, GET_UNIFIED_GROUP_LINKS, PROBE);

  /** Every name a rule may take (without a backend prefix), sorted. */
  public static Set<String> known() {
    Set<String> all = new TreeSet<>(String.CASE_INSENSITIVE_ORDER);
    all.addAll(CALLS);
    for (Class<?> c : Operation.class.getPermittedSubclasses()) {
      all.add(c.getSimpleName());
    }
    all.add(ANY);
    return all;
  }

  /** Checks a rule's operation name; answers it unchanged, or throws naming the nearest known names. */
  static String require(String operation) {
    if (operation == null || operation.isBlank()) {
      throw new IllegalArgumentException("A fault rule needs an operation name, e.g. FaultOperations.FIND_GROUP or \"exchange.findGroup\".");
    }
    String bare = operation.replaceFirst("^(exchange|directory|probe)\\.", "");
    Set<String> known = known();
    if (known.stream().anyMatch(k -> k.equals(bare))) {
      return operation;
    }
    List<String> nearest = new ArrayList<>(known);
    nearest.sort(Comparator.comparingInt((String k) -> JournalAssertions.distance(k.toLowerCase(Locale.ROOT), bare.toLowerCase(Locale.ROOT)))
        .thenComparing(Comparator.naturalOrder()));
    String hint = known.stream().filter(k -> k.equalsIgnoreCase(bare)).findFirst()
        .map(k -> "names are case-sensitive: did you mean '" + k + "'?")
        .orElse("did you mean " + nearest.subList(0, Math.min(3, nearest.size())) + "?");
    throw new IllegalArgumentException("No fake-tenant operation is named '" + operation + "', so this rule would never fire: "
        + hint + " Reads are named like the SPI (findGroup), writes like the Operation (AddGroupMembers); see FaultOperations.");
  }
}
