package dev.impersonation.graph;

import static dev.impersonation.graph.GraphDirectoryBackend.PAGE_SIZE;
import static dev.impersonation.graph.GraphDirectoryBackend.firstNonEmpty;
import static dev.impersonation.graph.GraphDirectoryBackend.nz;

import com.microsoft.graph.models.AppRole;
import com.microsoft.graph.models.AppRoleAssignment;
import com.microsoft.graph.models.AppRoleAssignmentCollectionResponse;
import com.microsoft.graph.models.ServicePrincipal;
import com.microsoft.graph.models.ServicePrincipalCollectionResponse;
import com.microsoft.graph.serviceclient.GraphServiceClient;
import dev.impersonation.graph.internal.ODataFilter;
import dev.impersonation.spi.ApplicationPermissionGrant;
import dev.impersonation.spi.EntraServicePrincipal;
import dev.impersonation.spi.TenantConsentGrant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/** The Graph backend's reads of an app's service principal and the app permissions (app role assignments) granted to it. */
final class GraphConsentReads {
  private final GraphServiceClient client;
  private final GraphRequests http;

  GraphConsentReads(GraphServiceClient client, GraphRequests http) {
    this.client = client;
    this.http = http;
  }

  /** {@code GET /servicePrincipals?$filter=appId eq '...'}: the app's service principal in this tenant. */
  Optional<EntraServicePrincipal> findServicePrincipal(String appId) {
    ServicePrincipalCollectionResponse r = http.call("GET /servicePrincipals?$filter=appId", appId,
        () -> client.servicePrincipals().get(rc -> {
          rc.queryParameters.filter = ODataFilter.eq("appId", appId);
          rc.queryParameters.select = new String[] {"id", "appId", "displayName"};
        }));
    List<ServicePrincipal> found = r == null || r.getValue() == null ? List.of() : r.getValue();
    return found.stream().findFirst().map(sp -> new EntraServicePrincipal(nz(sp.getAppId()), nz(sp.getId()), nz(sp.getDisplayName())));
  }

  /** The app permissions granted to a service principal, each named from its resource's {@code appRoles}. */
  List<ApplicationPermissionGrant> grants(String servicePrincipalObjectId) {
    String id = servicePrincipalObjectId.strip();
    List<AppRoleAssignment> assignments = appRoleAssignments(id);
    Map<UUID, Map<UUID, String>> rolesByResource = new HashMap<>();
    Map<UUID, String> resourceNames = new HashMap<>();
    List<ApplicationPermissionGrant> grants = new ArrayList<>();
    for (AppRoleAssignment a : assignments) {
      UUID resource = a.getResourceId();
      if (resource == null || a.getAppRoleId() == null) {
        continue;
      }
      Map<UUID, String> roles = rolesByResource.computeIfAbsent(resource, r -> {
        ServicePrincipal sp = http.call("GET /servicePrincipals/" + r, r.toString(), () -> client.servicePrincipals()
            .byServicePrincipalId(r.toString()).get(rc -> rc.queryParameters.select = new String[] {"id", "displayName", "appRoles"}));
        Map<UUID, String> byId = new HashMap<>();
        if (sp != null && sp.getAppRoles() != null) {
          for (AppRole role : sp.getAppRoles()) {
            if (role.getId() != null && role.getValue() != null) {
              byId.put(role.getId(), role.getValue());
            }
          }
        }
        resourceNames.put(r, sp == null ? "" : nz(sp.getDisplayName()));
        return byId;
      });
      String resourceName = firstNonEmpty(a.getResourceDisplayName(), resourceNames.get(resource), resource.toString());
      // The default role (all zeros) has no value: it is an assignment without a permission.
      String permission = roles.get(a.getAppRoleId());
      if (permission != null) {
        grants.add(new ApplicationPermissionGrant(resourceName, permission));
      }
    }
    return List.copyOf(grants);
  }

  List<AppRoleAssignment> appRoleAssignments(String id) {
    List<AppRoleAssignment> assignments = new ArrayList<>();
    AppRoleAssignmentCollectionResponse first = http.call("GET /servicePrincipals/" + id + "/appRoleAssignments", id,
        () -> client.servicePrincipals().byServicePrincipalId(id).appRoleAssignments().get(rc -> rc.queryParameters.top = PAGE_SIZE));
    http.iterate(first, AppRoleAssignmentCollectionResponse::createFromDiscriminatorValue, (AppRoleAssignment a) -> assignments.add(a),
        "GET /servicePrincipals/" + id + "/appRoleAssignments (next page)", id);
    return assignments;
  }

  /** Office 365 Exchange Online, the resource of {@code full_access_as_app} (EWS). */
  static final String EXCHANGE_ONLINE_APP_ID = "00000002-0000-0ff1-ce00-000000000000";

  /**
   * Every client's tenant-wide permissions on Microsoft Graph and Office 365 Exchange Online: per resource, its service
   * principal with {@code appRoles} (one call), then {@code GET /servicePrincipals/{id}/appRoleAssignedTo} in pages, then
   * one call per distinct client for its appId. A resource absent from the tenant has no grants.
   */
  List<TenantConsentGrant> tenantConsentGrants() {
    List<TenantConsentGrant> out = new ArrayList<>();
    Map<String, String> appIds = new HashMap<>();
    for (String resourceAppId : List.of(GraphDirectoryBackend.MICROSOFT_GRAPH_APP_ID, EXCHANGE_ONLINE_APP_ID)) {
      ServicePrincipalCollectionResponse r = http.call("GET /servicePrincipals?$filter=appId", resourceAppId,
          () -> client.servicePrincipals().get(rc -> {
            rc.queryParameters.filter = ODataFilter.eq("appId", resourceAppId);
            rc.queryParameters.select = new String[] {"id", "displayName", "appRoles"};
          }));
      ServicePrincipal resource = r == null || r.getValue() == null || r.getValue().isEmpty() ? null : r.getValue().get(0);
      if (resource == null || resource.getId() == null) {
        continue;
      }
      Map<UUID, String> roles = new HashMap<>();
      if (resource.getAppRoles() != null) {
        resource.getAppRoles().stream().filter(a -> a.getId() != null && a.getValue() != null).forEach(a -> roles.put(a.getId(), a.getValue()));
      }
      String id = resource.getId();
      AppRoleAssignmentCollectionResponse first = http.call("GET /servicePrincipals/" + id + "/appRoleAssignedTo", id,
          () -> client.servicePrincipals().byServicePrincipalId(id).appRoleAssignedTo().get(rc -> rc.queryParameters.top = PAGE_SIZE));
      List<AppRoleAssignment> assigned = new ArrayList<>();
      http.iterate(first, AppRoleAssignmentCollectionResponse::createFromDiscriminatorValue, (AppRoleAssignment a) -> assigned.add(a),
          "GET /servicePrincipals/" + id + "/appRoleAssignedTo (next page)", id);
      for (AppRoleAssignment a : assigned) {
        String permission = a.getAppRoleId() == null ? null : roles.get(a.getAppRoleId());
        if (permission == null || a.getPrincipalId() == null || !"ServicePrincipal".equalsIgnoreCase(nz(a.getPrincipalType()))) {
          continue;
        }
        String clientId = a.getPrincipalId().toString();
        String appId = appIds.computeIfAbsent(clientId, c -> {
          ServicePrincipal sp = http.call("GET /servicePrincipals/" + c, c, () -> client.servicePrincipals().byServicePrincipalId(c)
              .get(rc -> rc.queryParameters.select = new String[] {"id", "appId"}));
          return sp == null ? "" : nz(sp.getAppId());
        });
        out.add(new TenantConsentGrant(clientId, appId, nz(a.getPrincipalDisplayName()), nz(resource.getDisplayName()), permission));
      }
    }
    return List.copyOf(out);
  }
}
