package dev.impersonation.testkit;

import dev.impersonation.Access.RbacForApplications;
import dev.impersonation.ObjectAlreadyExistsException;
import dev.impersonation.ObjectNotFoundException;
import dev.impersonation.TenantException;
import dev.impersonation.spi.AssigneeType;
import dev.impersonation.spi.ScopeType;
import dev.impersonation.testkit.internal.OpathReader;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * The Exchange RBAC provider of Microsoft Graph beta ({@code /beta/roleManagement/exchange}, docs/rbac-for-applications.md) over the
 * fake tenant's store: custom app scopes are the store's management scopes, role assignments are its role assignments
 * of service principals, and role definitions are the Exchange roles an app can hold. Shared by the in-memory
 * directory backend and the Graph HTTP simulator, so both answer alike. Callers hold the store's lock.
 *
 * <p>Modelled assumptions, all marked [U] in docs/README.md or not documented: creating a role assignment for a service
 * principal that Exchange has no pointer to creates the pointer (Graph's assignments name the Entra service principal
 * directly); the same role, principal and scope twice is refused as a duplicate; a dehydrated organization refuses
 * writes as the cmdlets do; {@code /Users/{id}} and {@code /Groups/{id}} scopes are refused by the fake.
 */
final class GraphExchangeRbac {
  static final String SP_PREFIX = "/ServicePrincipals/";
  static final String AU_PREFIX = "/AdministrativeUnits/";
  static final String GROUP_PREFIX = "/Groups/";

  /** An Exchange role definition as Graph lists it. */
  record RoleDefinition(String id, String displayName) {}

  /** A custom app scope (an Exchange management scope). */
  record AppScope(String id, String displayName, String recipientFilter) {}

  /** A role assignment as Graph shows it: exactly one of directoryScopeId and appScopeId is set. */
  record Assignment(String id, String principalId, String roleDefinitionId, String directoryScopeId, String appScopeId) {}

  private final TenantState s;

  GraphExchangeRbac(TenantState state) {
    this.s = state;
  }

  // ------------------------------------------------------------ role definitions

  List<RoleDefinition> roleDefinitions() {
    List<RoleDefinition> out = new ArrayList<>();
    for (String role : RbacForApplications.KNOWN_ROLES) {
      out.add(new RoleDefinition(roleId(role), role));
    }
    return out;
  }

  String roleId(String displayName) {
    return s.uuid("exchange-role:" + TenantState.key(displayName));
  }

  Optional<RoleDefinition> roleDefinition(String id) {
    return roleDefinitions().stream().filter(r -> r.id().equalsIgnoreCase(id)).findFirst();
  }

  // ------------------------------------------------------------ custom app scopes

  String scopeId(String name) {
    return s.uuid("scope:" + TenantState.key(name));
  }

  List<AppScope> appScopes() {
    return s.scopes.values().stream().filter(x -> !s.lagging("scope", x.name()))
        .map(x -> new AppScope(scopeId(x.name()), x.name(), x.filter())).toList();
  }

  Optional<AppScope> appScope(String id) {
    return appScopes().stream().filter(a -> a.id().equalsIgnoreCase(id)).findFirst();
  }

  AppScope createAppScope(String displayName, String recipientFilter) {
    s.requireCloud("customAppScopes");
    s.requireCustomized("customAppScopes");
    if (displayName == null || displayName.isBlank()) {
      throw new TenantException("Request_BadRequest: The displayName of a customAppScope is required.");
    }
    if (s.scopes.containsKey(TenantState.key(displayName))) {
      throw new ObjectAlreadyExistsException(displayName, "Request_BadRequest: A scope with the name \"" + displayName
          + "\" already exists.");
    }
    try {
      OpathReader.check(recipientFilter);
    } catch (IllegalArgumentException e) {
      throw new TenantException("Request_BadRequest: The RecipientFilter is invalid: " + e.getMessage());
    }
    s.scopes.put(TenantState.key(displayName), new TenantState.ScopeObject(displayName, recipientFilter, s.now()));
    s.created("scope", displayName);
    return new AppScope(scopeId(displayName), displayName, recipientFilter);
  }

  // ------------------------------------------------------------ role assignments

  private String assignmentId(TenantState.AssignmentObject a) {
    return a.name().matches("(?i)[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}") ? a.name()
        : s.uuid("assignment:" + TenantState.key(a.name()));
  }

  /**
   * Graph's {@code directoryScopeId} of a scope: {@code /}, {@code /AdministrativeUnits/{id}}, {@code /Groups/{id}}
   * (docs/group-scopes.md), or null for an app scope.
   */
  private String directoryScopeId(ScopeType type, String scope) {
    return switch (type) {
      case ORGANIZATION -> "/";
      case ADMINISTRATIVE_UNIT -> AU_PREFIX + scope;
      case RECIPIENT_GROUP -> GROUP_PREFIX + s.group(scope).map(g -> g.id).orElse(scope);
      case MANAGEMENT_SCOPE -> null;
    };
  }

  private Assignment view(TenantState.AssignmentObject a) {
    String app = a.scopeType() == ScopeType.MANAGEMENT_SCOPE ? scopeId(a.scope()) : null;
    return new Assignment(assignmentId(a), SP_PREFIX + a.assignee(), roleId(a.role()),
        directoryScopeId(a.scopeType(), a.scope()), app);
  }

  /**
   * Creates an assignment given as the SPI names it (role and scope by name), as a client of the endpoint would after
   * looking up the role's id and the app scope's id; an app scope not visible yet is a 404.
   */
  Assignment createAssignment(String servicePrincipalObjectId, String role, ScopeType type, String scope) {
    String app = null;
    if (type == ScopeType.MANAGEMENT_SCOPE) {
      app = appScopes().stream().filter(x -> x.displayName().equalsIgnoreCase(scope)).findFirst()
          .orElseThrow(() -> new ObjectNotFoundException(scope, "Request_ResourceNotFound: Resource '" + scope
              + "' does not exist or one of its queried reference-property objects are not present.")).id();
    }
    return createAssignment(SP_PREFIX + servicePrincipalObjectId, roleId(role), directoryScopeId(type, scope), app);
  }

  /** The service principals' assignments, optionally only those of one {@code principalId} ({@code /ServicePrincipals/{id}}). */
  List<Assignment> assignments(Optional<String> principalId) {
    return s.assignments.values().stream().filter(a -> a.type() == AssigneeType.SERVICE_PRINCIPAL)
        .filter(a -> !s.lagging("assignment", a.name()))
        .map(this::view).filter(v -> principalId.map(p -> p.equalsIgnoreCase(v.principalId())).orElse(true)).toList();
  }

  Assignment createAssignment(String principalId, String roleDefinitionId, String directoryScopeId, String appScopeId) {
    s.requireCloud("roleManagement/exchange");
    s.requireCustomized("roleManagement/exchange/roleAssignments");
    if (principalId == null || !principalId.regionMatches(true, 0, SP_PREFIX, 0, SP_PREFIX.length())) {
      throw new TenantException("Request_BadRequest: principalId must be /ServicePrincipals/{id} (the fake tenant "
          + "models service principals only), not '" + principalId + "'.");
    }
    String spId = principalId.substring(SP_PREFIX.length());
    TenantState.AppObject app = s.apps.values().stream().filter(x -> x.objectId.equalsIgnoreCase(spId)).findFirst()
        .orElseThrow(() -> new ObjectNotFoundException(spId, "Request_ResourceNotFound: Resource '" + spId
            + "' does not exist or one of its queried reference-property objects are not present."));
    RoleDefinition role = roleDefinition(roleDefinitionId == null ? "" : roleDefinitionId).orElseThrow(() ->
        new ObjectNotFoundException(String.valueOf(roleDefinitionId), "Request_ResourceNotFound: The role definition '"
            + roleDefinitionId + "' does not exist."));
    boolean hasDirectory = directoryScopeId != null && !directoryScopeId.isEmpty();
    boolean hasApp = appScopeId != null && !appScopeId.isEmpty();
    if (hasDirectory == hasApp) {
      throw new TenantException("Request_BadRequest: Either appScopeId or directoryScopeId must be specified, not both.");
    }
    ScopeType type;
    String scope;
    if (hasApp) {
      AppScope a = appScope(appScopeId).orElseThrow(() -> new ObjectNotFoundException(appScopeId,
          "Request_ResourceNotFound: The customAppScope '" + appScopeId + "' does not exist."));
      type = ScopeType.MANAGEMENT_SCOPE;
      scope = a.displayName();
    } else if (directoryScopeId.equals("/")) {
      type = ScopeType.ORGANIZATION;
      scope = "";
    } else if (directoryScopeId.regionMatches(true, 0, AU_PREFIX, 0, AU_PREFIX.length())) {
      scope = directoryScopeId.substring(AU_PREFIX.length());
      if (!s.administrativeUnits.containsKey(TenantState.key(scope))) {
        throw new ObjectNotFoundException(scope, "Request_ResourceNotFound: Resource '" + scope + "' does not exist or one "
            + "of its queried reference-property objects are not present.");
      }
      type = ScopeType.ADMINISTRATIVE_UNIT;
    } else if (directoryScopeId.regionMatches(true, 0, GROUP_PREFIX, 0, GROUP_PREFIX.length())) {
      // The group's direct members (docs/group-scopes.md); kept by name, as Exchange shows a -RecipientGroupScope.
      String id = directoryScopeId.substring(GROUP_PREFIX.length());
      TenantState.GroupObject g = s.groups.values().stream().filter(x -> x.id != null && x.id.equalsIgnoreCase(id)).findFirst()
          .orElseThrow(() -> new ObjectNotFoundException(id, "Request_ResourceNotFound: Resource '" + id + "' does not exist "
              + "or one of its queried reference-property objects are not present."));
      scope = g.name;
      type = ScopeType.RECIPIENT_GROUP;
    } else {
      throw new TenantException("Request_BadRequest: The fake tenant supports the directoryScopeIds '/', "
          + "'/AdministrativeUnits/{id}' and '/Groups/{id}' only, not '" + directoryScopeId + "'.");
    }
    String scopeValue = scope;
    boolean duplicate = s.assignments.values().stream().anyMatch(a -> a.type() == AssigneeType.SERVICE_PRINCIPAL
        && a.assignee().equalsIgnoreCase(spId) && a.role().equalsIgnoreCase(role.displayName()) && a.scopeType() == type
        && a.scope().equalsIgnoreCase(scopeValue));
    if (duplicate) {
      throw new ObjectAlreadyExistsException(role.displayName(), "Request_BadRequest: A role assignment of '"
          + role.displayName() + "' to " + principalId + " with this scope already exists.");
    }
    // [U] whether Exchange needs its pointer first: the fake creates it, as the Entra service principal is named directly.
    s.exchangeServicePrincipals.computeIfAbsent(TenantState.key(app.appId),
        k -> new TenantState.ServicePrincipalObject(app.appId, app.objectId, app.displayName));
    String id = s.uuid("graph-assignment:" + spId.toLowerCase(Locale.ROOT) + "/" + TenantState.key(role.displayName()) + "/"
        + type + "/" + TenantState.key(scope) + "/" + s.assignments.size());
    TenantState.AssignmentObject created = new TenantState.AssignmentObject(id, role.displayName(), app.objectId,
        AssigneeType.SERVICE_PRINCIPAL, type, scope, s.now());
    s.assignments.put(TenantState.key(id), created);
    s.created("assignment", id);
    return view(created);
  }
}
