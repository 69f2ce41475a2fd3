package dev.impersonation.graph;

import static dev.impersonation.graph.GraphDirectoryBackend.MAX_PER_REQUEST;
import static dev.impersonation.graph.GraphDirectoryBackend.PAGE_SIZE;

import com.microsoft.graph.models.DirectoryObject;
import com.microsoft.graph.models.DirectoryObjectCollectionResponse;
import com.microsoft.graph.models.Group;
import com.microsoft.graph.models.ReferenceCreate;
import com.microsoft.graph.models.User;
import com.microsoft.graph.serviceclient.GraphServiceClient;
import com.microsoft.kiota.RequestInformation;
import dev.impersonation.TenantException;
import dev.impersonation.graph.internal.GraphErrors;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import okhttp3.Response;

/**
 * The membership writes of {@link GraphDirectoryBackend}, in {@code $batch}es (see the backend's description): group
 * members added as chunks of 20 {@code members@odata.bind} references (a chunk answered "already exist" goes again member
 * by member) and removed 20 deletes per batch; administrative-unit members added and removed one reference per request,
 * 20 per batch. "Already a member" and "not a member" are success. Members are referred to by object id only, from
 * {@link UserIds}.
 */
final class GraphMemberWrites {
  private final GraphDirectoryBackend backend;
  private final GraphServiceClient client;
  private final UserIds ids;

  GraphMemberWrites(GraphDirectoryBackend backend, UserIds ids) {
    this.backend = backend;
    this.client = backend.client;
    this.ids = ids;
  }

  /**
   * Removes members in {@code $batch}es: names are first resolved to object ids (known from the plan's read of the
   * members, else {@code GET /users/{upn}?$select=id}, 20 per batch; a user that does not exist is no member), then
   * {@code DELETE /groups/{id}/members/{memberId}/$ref}, 20 per batch, where 404 means already gone, which is success.
   */
  void removeMembers(String group, List<String> members) {
    List<String> memberIds = ids.resolve(members, "members to remove from " + group).values().stream().distinct().toList();
    List<RequestInformation> deletes = memberIds.stream().map(id -> client.groups().byGroupId(group).members()
        .byDirectoryObjectId(id).ref().toDeleteRequestInformation()).toList();
    Map<Integer, Response> removed = backend.http.runBatches(deletes, "DELETE /groups/" + group + "/members/{id}/$ref in $batch", group);
    for (Map.Entry<Integer, Response> e : removed.entrySet()) {
      Response r = e.getValue();
      if (r.code() == 404 || r.isSuccessful()) {
        continue;
      }
      String id = memberIds.get(e.getKey());
      throw GraphErrors.classify("DELETE /groups/" + group + "/members/" + id + "/$ref in $batch", id, backend.http.innerFailure(r));
    }
  }

  /** One inner request of a {@code $batch}: a chunk PATCH or a single-member {@code $ref} POST. */
  private record Step(List<String> members, boolean single) {}

  void addMembers(String group, List<String> members) {
    Map<String, String> byName = ids.objectIds(members, "members to add to " + group);
    List<String> distinct = byName.values().stream().distinct().toList();
    Map<String, String> names = new HashMap<>();
    byName.forEach((name, id) -> names.putIfAbsent(id, name));
    List<Step> chunks = new ArrayList<>();
    for (int i = 0; i < distinct.size(); i += MAX_PER_REQUEST) {
      chunks.add(new Step(distinct.subList(i, Math.min(distinct.size(), i + MAX_PER_REQUEST)), false));
    }
    // Some member of a chunk already there fails the whole PATCH (all or nothing): those chunks go again member by member.
    List<Step> singles = new ArrayList<>();
    sendMemberSteps(group, chunks, names, step -> step.members().forEach(m -> singles.add(new Step(List.of(m), true))));
    sendMemberSteps(group, singles, names, step -> { });
  }

  /**
   * Sends member-adding steps (members by object id) in batches; "already exists" goes to {@code onAlreadyExists}, other
   * failures throw, naming the member as it was given ({@code names}: object id to name).
   */
  private void sendMemberSteps(String group, List<Step> steps, Map<String, String> names,
      java.util.function.Consumer<Step> onAlreadyExists) {
    List<RequestInformation> requests = steps.stream().map(step -> request(group, step)).toList();
    Map<Integer, Response> answers = backend.http.runBatches(requests, "add members to " + group, group);
    TenantException failure = null;
    for (Map.Entry<Integer, Response> e : answers.entrySet()) {
      Step step = steps.get(e.getKey());
      Response r = e.getValue();
      // Inner responses without a body (204) must not be closed: only error bodies are read (and closed).
      if (r.isSuccessful()) {
        continue;
      }
      GraphErrors.Failure f = backend.http.innerFailure(r);
      if (f.alreadyExists()) {
        onAlreadyExists.accept(step);
      } else if (failure == null) {
        String what = step.single() ? "POST /groups/" + group + "/members/$ref" : "PATCH /groups/" + group
            + " (members@odata.bind, " + step.members().size() + " members)";
        failure = GraphErrors.classify(what + " in $batch", step.single() ? names.getOrDefault(step.members().get(0),
            step.members().get(0)) : group, f);
      }
    }
    if (failure != null) {
      throw failure;
    }
  }

  void addAdministrativeUnitMembers(String unitId, List<String> members) {
    List<String> distinct = members.stream().map(String::strip).distinct().toList();
    Map<String, String> byName = ids.objectIds(distinct, "members to add to administrative unit " + unitId);
    List<RequestInformation> requests = distinct.stream().map(member -> {
      ReferenceCreate ref = new ReferenceCreate();
      ref.setOdataId(backend.reference(byName.get(member)));
      return client.directory().administrativeUnits().byAdministrativeUnitId(unitId).members().ref().toPostRequestInformation(ref);
    }).toList();
    String route = "POST /directory/administrativeUnits/" + unitId + "/members/$ref";
    Map<Integer, Response> answers = backend.http.runBatches(requests, "add members to administrative unit " + unitId, unitId);
    for (Map.Entry<Integer, Response> e : answers.entrySet()) {
      Response r = e.getValue();
      if (r.isSuccessful()) {
        continue;
      }
      GraphErrors.Failure f = backend.http.innerFailure(r);
      String member = distinct.get(e.getKey());
      if (!f.alreadyExists()) { // already a member (docs/error-texts.md): success
        throw GraphErrors.classify(route + " (" + member + ") in $batch", unitOrMember(unitId, member, f), f);
      }
    }
  }

  void removeAdministrativeUnitMembers(String unitId, List<String> members) {
    Map<String, String> ids = administrativeUnitMemberIds(unitId);
    // Members the unit no longer lists are already removed.
    List<String> memberIds = members.stream().map(m -> ids.get(m.strip().toLowerCase(java.util.Locale.ROOT)))
        .filter(java.util.Objects::nonNull).distinct().toList();
    List<RequestInformation> requests = memberIds.stream().map(memberId -> client.directory().administrativeUnits()
        .byAdministrativeUnitId(unitId).members().byDirectoryObjectId(memberId).ref().toDeleteRequestInformation()).toList();
    Map<Integer, Response> answers = backend.http.runBatches(requests, "remove members from administrative unit " + unitId, unitId);
    for (Map.Entry<Integer, Response> e : answers.entrySet()) {
      Response r = e.getValue();
      if (r.isSuccessful() || r.code() == 404) { // 404: removed meanwhile, the goal is reached
        continue;
      }
      String memberId = memberIds.get(e.getKey());
      throw GraphErrors.classify("DELETE /directory/administrativeUnits/" + unitId + "/members/" + memberId + "/$ref in $batch",
          memberId, backend.http.innerFailure(r));
    }
  }

  /** Every member of a unit by lower-case UPN, mail and object id, to its object id; the unit missing is a 404. */
  private Map<String, String> administrativeUnitMemberIds(String unitId) {
    DirectoryObjectCollectionResponse first = backend.http.call("GET /directory/administrativeUnits/" + unitId + "/members", unitId,
        () -> client.directory().administrativeUnits().byAdministrativeUnitId(unitId).members().get(rc -> {
          rc.queryParameters.top = PAGE_SIZE;
          rc.queryParameters.select = new String[] {"id", "userPrincipalName", "mail"};
        }));
    Map<String, String> ids = new HashMap<>();
    backend.http.iterate(first, DirectoryObjectCollectionResponse::createFromDiscriminatorValue, (DirectoryObject o) -> {
      if (o.getId() == null) {
        return;
      }
      ids.put(o.getId().toLowerCase(java.util.Locale.ROOT), o.getId());
      ids.put(GraphDirectoryBackend.address(o).toLowerCase(java.util.Locale.ROOT), o.getId());
      if (o instanceof User u && u.getMail() != null) {
        ids.put(u.getMail().toLowerCase(java.util.Locale.ROOT), o.getId());
      }
    }, "GET /directory/administrativeUnits/" + unitId + "/members (next page)", unitId);
    return ids;
  }

  /** A 404 names the unit when Graph's message does (the unit is missing), else the member. */
  private static String unitOrMember(String unitId, String member, GraphErrors.Failure f) {
    return f.status() == 404 && f.message().toLowerCase(java.util.Locale.ROOT).contains(unitId.toLowerCase(java.util.Locale.ROOT))
        ? unitId : member;
  }

  private RequestInformation request(String groupId, Step step) {
    if (step.single()) {
      ReferenceCreate ref = new ReferenceCreate();
      ref.setOdataId(backend.reference(step.members().get(0)));
      return client.groups().byGroupId(groupId).members().ref().toPostRequestInformation(ref);
    }
    Group patch = new Group();
    patch.getAdditionalData().put("members@odata.bind", step.members().stream().map(backend::reference).toList());
    return client.groups().byGroupId(groupId).toPatchRequestInformation(patch);
  }
}
