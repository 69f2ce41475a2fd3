package dev.impersonation.spi;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The directory (Microsoft Graph): users and licences, Microsoft 365 and security groups, administrative units
 * and applications. Reads return {@link Optional#empty()} only for a confirmed absence; failures throw.
 */
public interface DirectoryBackend extends Backend {
  /** A user by UPN or SMTP address. */
  Optional<DirectoryUser> findUser(String userPrincipalName);

  /**
   * Many users at once, by UPN or SMTP address: every identity asked for is a key of the answer, empty for a confirmed
   * absence. A backend that can read in bulk (Graph's {@code $batch}) overrides this; the default reads one by one. Any
   * failed read throws: the answer never holds a guess.
   */
  default Map<String, Optional<DirectoryUser>> findUsers(List<String> userPrincipalNames) {
    Map<String, Optional<DirectoryUser>> found = new LinkedHashMap<>();
    for (String upn : userPrincipalNames) {
      found.computeIfAbsent(upn, this::findUser);
    }
    return found;
  }

  /** A Microsoft 365 or security group by display name. */
  Optional<MailGroup> findGroup(String displayName);

  /** Direct members of a Microsoft 365 or security group, as UPNs. */
  List<String> groupMembers(String groupIdOrName);

  /**
   * Direct members of a group with whether each is a group, for the nested-group check. A backend that cannot tell
   * throws {@link UnsupportedOperationException} (the default), which planners report as "nesting not checked".
   */
  default List<GroupMember> groupMemberEntries(String groupIdOrName) {
    throw new UnsupportedOperationException(name() + " cannot tell which members of a group are groups");
  }

  /** An application's service principal by app id. */
  Optional<EntraServicePrincipal> findServicePrincipal(String appId);

  /** Tenant-wide application permissions consented for a service principal. */
  List<ApplicationPermissionGrant> applicationPermissionGrants(String servicePrincipalObjectId);

  /**
   * Every client app's tenant-wide application permissions on Microsoft Graph and Office 365 Exchange Online, read from
   * the resources' {@code appRoleAssignedTo} in pages (the audit's consent inventory). The default is for backends written
   * before: they cannot list it, which the audit reports as not read, never as "no consent".
   *
   * @return the grants
   */
  default List<TenantConsentGrant> tenantConsentGrants() {
    throw new UnsupportedOperationException(getClass().getSimpleName() + " cannot list the tenant's consent grants");
  }

  /** Whether an administrative unit exists; members of it as UPNs. Empty when it does not exist. */
  Optional<List<String>> administrativeUnitMembers(String administrativeUnitId);
}
