package dev.impersonation.testkit;

import static dev.impersonation.testkit.FakeGraphCall.JSON;
import static dev.impersonation.testkit.FakeGraphError.badSegment;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.impersonation.testkit.FakeGraphCall.Result;
import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The Microsoft Graph v1.0 endpoints the product uses, interpreted over a {@link FakeTenant}'s store (docs/graph.md,
 * docs/error-texts.md). This is the engine behind {@code dev.impersonation.testkit.graph.GraphSimulator}, which adds HTTP, bearer tokens
 * and {@code $batch}; it needs no HTTP server and no WireMock. Obtain it with {@link FakeTenant#graphApi()}.
 *
 * <p>Every call goes through the directory backend's fault check and journal (backend {@code "directory"}), so
 * {@link Faults} rules name these operations (a bare name, or prefixed with {@code "directory."} to leave the Exchange
 * backend alone):
 * <table>
 *   <caption>Fault operation names</caption>
 *   <tr><th>Route</th><th>Operation</th></tr>
 *   <tr><td>{@code GET /users/{id}}</td><td>{@code findUser}</td></tr>
 *   <tr><td>{@code POST /users}</td><td>{@code CreateServiceAccount} (write)</td></tr>
 *   <tr><td>{@code PATCH /users/{id}}</td><td>{@code updateUser} (write)</td></tr>
 *   <tr><td>{@code POST /users/{id}/assignLicense}</td><td>{@code assignLicense} (write)</td></tr>
 *   <tr><td>{@code GET /groups?$filter=...}, {@code GET /groups/{id}}</td><td>{@code findGroup}</td></tr>
 *   <tr><td>{@code GET /groups}</td><td>{@code listGroups}</td></tr>
 *   <tr><td>{@code POST /groups}</td><td>{@code CreateDirectoryGroup} (write)</td></tr>
 *   <tr><td>{@code GET /groups/{id}/members[/$ref]}, {@code /owners}, {@code POST /users/{id}/checkMemberGroups}</td>
 *       <td>{@code groupMembers}</td></tr>
 *   <tr><td>{@code POST /groups/{id}/members/$ref}, {@code PATCH /groups/{id}} with {@code members@odata.bind}</td>
 *       <td>{@code AddGroupMembers} (write)</td></tr>
 *   <tr><td>{@code DELETE /groups/{id}/members/{memberId}/$ref}</td><td>{@code RemoveGroupMembers} (write)</td></tr>
 *   <tr><td>{@code POST /groups/{id}/owners/$ref}, {@code PATCH /groups/{id}} (other properties)</td>
 *       <td>{@code SetGroup} (write)</td></tr>
 *   <tr><td>{@code GET /servicePrincipals...}</td><td>{@code findServicePrincipal}</td></tr>
 *   <tr><td>{@code GET /servicePrincipals/{id}/appRoleAssignments}</td><td>{@code applicationPermissionGrants}</td></tr>
 *   <tr><td>{@code POST /servicePrincipals/{id}/appRoleAssignments}</td><td>{@code GrantApplicationPermissions} (write)</td></tr>
 *   <tr><td>{@code DELETE /servicePrincipals/{id}/appRoleAssignments/{assignmentId}}</td>
 *       <td>{@code RevokeApplicationPermissions} (write)</td></tr>
 *   <tr><td>{@code GET /directory/administrativeUnits/{id}[/members]}</td><td>{@code administrativeUnitMembers}</td></tr>
 *   <tr><td>{@code POST /directory/administrativeUnits/{id}/members/$ref}</td>
 *       <td>{@code AddAdministrativeUnitMembers} (write)</td></tr>
 *   <tr><td>{@code DELETE /directory/administrativeUnits/{id}/members/{memberId}/$ref}</td>
 *       <td>{@code RemoveAdministrativeUnitMembers} (write)</td></tr>
 *   <tr><td>{@code GET /users/{id}/messages}, {@code /mailFolders/inbox} (Mail.ReadBasic or more), {@code /calendar}
 *       (Calendars.Read), {@code /contacts} (Contacts.Read), {@code /mailboxSettings} (MailboxSettings.Read)</td>
 *       <td>{@code probe} (backend {@code "probe"}), per permission: 403 unless the app's grants give it</td></tr>
 * </table>
 * A {@link dev.impersonation.ThrottledException} answers 429 with {@code Retry-After} (seconds), a
 * {@link dev.impersonation.TransientTenantException} 503, a strict-mode violation or simulated crash 500.
 *
 * <p>Modelling notes where the fake is unsure [U]: the texts of the {@code $top}, {@code members@odata.bind} limit and
 * unknown-segment errors; app-role ids of the Microsoft Graph service principal are stable name-derived UUIDs, not
 * Microsoft's; directory objects without an Entra user (room and shared mailboxes seeded in Exchange) are served as
 * users with a name-derived id; group display names are unique here (the store keys groups by name), although Graph
 * allows duplicates.
 *
 * <p>This class parses the request, routes it by its first segment and shapes the answer; one package-private
 * handler serves each resource: {@code FakeGraphUsers} (with {@code FakeGraphProbes}), {@code FakeGraphGroups},
 * {@code FakeGraphUnits}, {@code FakeGraphConsent} (service principals and app-role assignments) and
 * {@code FakeGraphRbac} ({@code /beta/roleManagement/exchange}), over {@code FakeGraphObjects} (directory objects and
 * references), {@code FakeGraphPaging} ({@code $filter}, {@code $select}, {@code $top}, next links) and
 * {@code FakeGraphError} (Graph's error shape).
 */
public final class FakeGraphApi {
  /** The application id of the Microsoft Graph resource service principal. */
  public static final String GRAPH_APP_ID = "00000003-0000-0000-c000-000000000000";
  /** The largest {@code $top} Graph accepts for users, groups and members (docs/graph.md). */
  public static final int MAX_TOP = 999;
  /** The page size without {@code $top} (docs/graph.md). */
  public static final int DEFAULT_TOP = 100;
  /** The most references one {@code members@odata.bind} request takes (docs/graph.md). */
  public static final int MAX_ODATA_BIND = 20;
  /** The application id an unmapped bearer token probes as: an app the tenant does not know. */
  public static final String UNKNOWN_APP_ID = "00000000-0000-0000-0000-000000000000";

  /** Microsoft Graph application permissions the fake knows as app roles of the Graph service principal. */
  static final List<String> KNOWN_PERMISSIONS = List.of("Mail.Read", "Mail.ReadBasic", "Mail.ReadBasic.All", "Mail.ReadWrite",
      "Mail.Send", "Calendars.Read", "Calendars.ReadWrite", "Contacts.Read", "Contacts.ReadWrite", "MailboxSettings.Read",
      "MailboxSettings.ReadWrite", "User.Read.All", "User.ReadWrite.All", "Group.Read.All", "Group.ReadWrite.All",
      "GroupMember.ReadWrite.All", "Directory.Read.All", "Application.Read.All", "AdministrativeUnit.Read.All",
      "Organization.Read.All");

  private final TenantState s;
  private final FakeGraphUsers users;
  private final FakeGraphGroups groups;
  private final FakeGraphUnits units;
  private final FakeGraphConsent consent;
  private final FakeGraphRbac rbac;
  private final AtomicLong requestIds = new AtomicLong();

  FakeGraphApi(TenantState state, InMemoryDirectory directory, InMemoryProbe probe) {
    this.s = state;
    FakeGraphObjects objects = new FakeGraphObjects(state, directory);
    this.users = new FakeGraphUsers(state, directory, objects, new FakeGraphProbes(state, objects, probe));
    this.groups = new FakeGraphGroups(state, directory, objects);
    this.units = new FakeGraphUnits(directory, objects);
    this.consent = new FakeGraphConsent(state, directory);
    this.rbac = new FakeGraphRbac(directory);
  }

  /**
   * One Graph answer.
   *
   * @param status the HTTP status
   * @param headers response headers ({@code request-id}, {@code client-request-id}, {@code Retry-After}, ...)
   * @param body the JSON body, or {@code null} (204)
   * @param route the route template, e.g. {@code "POST /groups/{id}/members/$ref"}, for request counts
   */
  public record Reply(int status, Map<String, String> headers, JsonNode body, String route) {
    public Reply {
      headers = Collections.unmodifiableMap(new LinkedHashMap<>(headers));
    }

    /** The error's {@code code}, or "" for a success. */
    public String errorCode() {
      return body != null && body.has("error") ? body.get("error").path("code").asText() : "";
    }

    /** The error's {@code message}, or "" for a success. */
    public String errorMessage() {
      return body != null && body.has("error") ? body.get("error").path("message").asText() : "";
    }
  }

  /**
   * Answers one request.
   *
   * @param method the HTTP method
   * @param pathAndQuery the path after {@code /v1.0}, still URL-encoded, with its query, e.g.
   *     {@code "/users/ann%40contoso.com?$select=id"}; an absolute {@code https://graph.microsoft.com/v1.0/...} URL is
   *     accepted too
   * @param headers request headers (case-insensitive names; {@code client-request-id} is echoed)
   * @param body the request body, or null
   * @param appId the application the caller signed in as (probes use it), or null for an unknown app
   * @param baseUrl where {@code @odata.nextLink}s point, e.g. {@code "http://localhost:8080"} ({@code /v1.0} is appended)
   */
  public Reply handle(String method, String pathAndQuery, Map<String, String> headers, String body, String appId, String baseUrl) {
    String m = method.toUpperCase(Locale.ROOT);
    String raw = FakeGraphCall.stripBase(pathAndQuery);
    int q = raw.indexOf('?');
    List<String> seg = FakeGraphCall.segments(q < 0 ? raw : raw.substring(0, q));
    Map<String, String> query = FakeGraphCall.query(q < 0 ? "" : raw.substring(q + 1));
    String requestId = new UUID(0x5eed_0000_0000_4000L, requestIds.incrementAndGet() | 0x8000_0000_0000_0000L).toString();
    String clientRequestId = FakeGraphCall.header(headers, "client-request-id").orElse(requestId);
    FakeGraphCall call = new FakeGraphCall(m, seg, query, body, appId == null ? UNKNOWN_APP_ID : appId, baseUrl + "/v1.0");
    String route = route(m, seg);
    Map<String, String> out = new LinkedHashMap<>();
    out.put("request-id", requestId);
    out.put("client-request-id", clientRequestId);
    try {
      Result r;
      synchronized (s) {
        r = dispatch(call);
      }
      if (r.body() != null && r.body().isObject() && r.status() != 204) {
        out.put("Content-Type", "application/json;odata.metadata=minimal;odata.streaming=true;IEEE754Compatible=false;charset=utf-8");
      }
      return new Reply(r.status(), out, r.status() == 204 ? null : r.body(), route);
    } catch (RuntimeException | AssertionError e) {
      FakeGraphError g = FakeGraphError.of(e);
      out.putAll(g.headers);
      out.put("Content-Type", "application/json");
      ObjectNode err = JSON.createObjectNode();
      ObjectNode error = err.putObject("error");
      error.put("code", g.code);
      error.put("message", g.getMessage());
      ObjectNode inner = error.putObject("innerError");
      inner.put("date", s.now().toString());
      inner.put("request-id", requestId);
      inner.put("client-request-id", clientRequestId);
      return new Reply(g.status, out, err, route);
    }
  }

  /** The route template of a request, e.g. {@code "GET /groups/{id}/members"} (for request counts). */
  public static String route(String method, String pathAndQuery) {
    String raw = FakeGraphCall.stripBase(pathAndQuery);
    int q = raw.indexOf('?');
    return route(method.toUpperCase(Locale.ROOT), FakeGraphCall.segments(q < 0 ? raw : raw.substring(0, q)));
  }

  private static String route(String method, List<String> seg) {
    StringBuilder b = new StringBuilder(method).append(' ');
    for (int i = 0; i < seg.size(); i++) {
      String p = seg.get(i);
      boolean id = i > 0 && !p.startsWith("$") && switch (seg.get(i - 1).toLowerCase(Locale.ROOT)) {
        case "users", "groups", "serviceprincipals", "administrativeunits", "members", "owners", "approleassignments",
            "roledefinitions", "customappscopes", "roleassignments" -> true;
        default -> false;
      };
      b.append('/').append(id ? (seg.get(i - 1).equalsIgnoreCase("members") || seg.get(i - 1).equalsIgnoreCase("owners")
          ? "{memberId}" : seg.get(i - 1).equalsIgnoreCase("appRoleAssignments") ? "{assignmentId}" : "{id}") : p);
    }
    return seg.isEmpty() ? method + " /" : b.toString();
  }

  // ------------------------------------------------------------ routing: one handler per resource

  private Result dispatch(FakeGraphCall c) {
    int n = c.seg().size();
    if (n == 0) {
      throw badSegment("");
    }
    return switch (c.seg(0).toLowerCase(Locale.ROOT)) {
      case "users" -> users.handle(c);
      case "groups" -> groups.handle(c);
      case "serviceprincipals" -> consent.handle(c);
      case "directory" -> units.handle(c);
      case "beta" -> rbac.handle(new FakeGraphCall(c.method(), c.seg().subList(1, n), c.query(), c.body(), c.appId(),
          c.base().replaceAll("/v1\\.0$", "") + "/beta"));
      case "rolemanagement" -> throw new FakeGraphError(400, "BadRequest", "Resource not found for the segment '"
          + (n > 1 ? c.seg(1) : "roleManagement") + "'. (The Exchange RBAC endpoints exist only under /beta.)");
      default -> throw badSegment(c.seg(0));
    };
  }

  /** The id of a Microsoft Graph app role (stable, name-derived; not Microsoft's real ids [U]). */
  public static String appRoleId(String permission) {
    return UUID.nameUUIDFromBytes(("graph-app-role:" + permission).getBytes(StandardCharsets.UTF_8)).toString();
  }
}
