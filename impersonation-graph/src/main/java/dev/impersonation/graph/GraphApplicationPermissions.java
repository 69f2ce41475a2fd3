package dev.impersonation.graph;

import static dev.impersonation.graph.GraphDirectoryBackend.MICROSOFT_GRAPH_APP_ID;

import com.microsoft.graph.models.AppRole;
import com.microsoft.graph.models.AppRoleAssignment;
import com.microsoft.graph.models.ServicePrincipal;
import com.microsoft.graph.models.ServicePrincipalCollectionResponse;
import com.microsoft.graph.serviceclient.GraphServiceClient;
import dev.impersonation.ObjectAlreadyExistsException;
import dev.impersonation.ObjectNotFoundException;
import dev.impersonation.TenantException;
import dev.impersonation.graph.internal.ODataFilter;
import dev.impersonation.spi.Operation;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/**
 * Grants and revokes Microsoft Graph application permissions (tenant-wide admin consent) for {@link GraphWrites}: the
 * Microsoft Graph service principal's app roles are looked up once; a grant is one app-role assignment per permission
 * ("already exists" is success), a revoke deletes the matching assignments (one already gone is success).
 */
final class GraphApplicationPermissions {
  private final GraphDirectoryBackend backend;
  private final GraphServiceClient client;
  /** The Microsoft Graph service principal's id and application app-role ids by permission, once looked up. */
  private volatile GraphResource graphResource;

  private record GraphResource(UUID id, Map<String, UUID> roleIds) {}

  GraphApplicationPermissions(GraphDirectoryBackend backend) {
    this.backend = backend;
    this.client = backend.client;
  }

  private GraphResource graphResource() {
    GraphResource known = graphResource;
    if (known != null) {
      return known;
    }
    ServicePrincipalCollectionResponse r = backend.http.call("GET /servicePrincipals?$filter=appId", MICROSOFT_GRAPH_APP_ID,
        () -> client.servicePrincipals().get(rc -> {
          rc.queryParameters.filter = ODataFilter.eq("appId", MICROSOFT_GRAPH_APP_ID);
          rc.queryParameters.select = new String[] {"id", "appId", "appRoles"};
        }));
    ServicePrincipal sp = (r == null || r.getValue() == null ? List.<ServicePrincipal>of() : r.getValue()).stream().findFirst()
        .orElseThrow(() -> new ObjectNotFoundException(MICROSOFT_GRAPH_APP_ID, "The Microsoft Graph service principal (appId "
            + MICROSOFT_GRAPH_APP_ID + ") is not in this tenant, so no Graph permission can be granted."));
    Map<String, UUID> roles = new LinkedHashMap<>();
    for (AppRole role : sp.getAppRoles() == null ? List.<AppRole>of() : sp.getAppRoles()) {
      boolean application = role.getAllowedMemberTypes() == null || role.getAllowedMemberTypes().contains("Application");
      if (role.getId() != null && role.getValue() != null && application) {
        roles.put(role.getValue().toLowerCase(java.util.Locale.ROOT), role.getId());
      }
    }
    GraphResource resolved = new GraphResource(UUID.fromString(sp.getId()), Map.copyOf(roles));
    graphResource = resolved;
    return resolved;
  }

  static UUID servicePrincipalId(String objectId) {
    if (!ODataFilter.isGuid(objectId)) {
      throw new TenantException("The service principal object id '" + objectId + "' is not a GUID: pass the Entra object id "
          + "(Enterprise applications > Object ID).");
    }
    return UUID.fromString(objectId.strip());
  }

  void grant(Operation.GrantApplicationPermissions grant) {
    UUID sp = servicePrincipalId(grant.servicePrincipalObjectId());
    GraphResource graph = graphResource();
    for (String permission : grant.permissions()) {
      UUID role = graph.roleIds().get(permission.toLowerCase(java.util.Locale.ROOT));
      if (role == null) {
        throw new TenantException("Microsoft Graph has no application permission '" + permission + "' (none of the Microsoft "
            + "Graph service principal's app roles has that value): check the name, e.g. \"Mail.Read\".");
      }
      AppRoleAssignment assignment = new AppRoleAssignment();
      assignment.setPrincipalId(sp);
      assignment.setResourceId(graph.id());
      assignment.setAppRoleId(role);
      try {
        backend.http.call("POST /servicePrincipals/" + sp + "/appRoleAssignments", permission,
            () -> client.servicePrincipals().byServicePrincipalId(sp.toString()).appRoleAssignments().post(assignment));
      } catch (ObjectAlreadyExistsException granted) {
        // "Permission being assigned already exists on the object": already consented, which is success.
      }
    }
  }

  void revoke(Operation.RevokeApplicationPermissions revoke) {
    UUID sp = servicePrincipalId(revoke.servicePrincipalObjectId());
    GraphResource graph = graphResource();
    Set<UUID> roles = new java.util.HashSet<>();
    for (String permission : revoke.permissions()) {
      UUID role = graph.roleIds().get(permission.toLowerCase(java.util.Locale.ROOT));
      if (role != null) {
        roles.add(role);
      }
    }
    for (AppRoleAssignment a : backend.appRoleAssignments(sp.toString())) {
      if (a.getId() == null || !graph.id().equals(a.getResourceId()) || !roles.contains(a.getAppRoleId())) {
        continue;
      }
      String assignmentId = a.getId();
      try {
        backend.http.call("DELETE /servicePrincipals/" + sp + "/appRoleAssignments/" + assignmentId, assignmentId, () -> {
          client.servicePrincipals().byServicePrincipalId(sp.toString()).appRoleAssignments()
              .byAppRoleAssignmentId(assignmentId).delete();
          return null;
        });
      } catch (ObjectNotFoundException gone) {
        // Revoked meanwhile: the goal is reached.
      }
    }
  }
}
