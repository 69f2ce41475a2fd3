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
}
