package dev.impersonation.testkit;

import static dev.impersonation.testkit.FakeGraphCall.JSON;
import static dev.impersonation.testkit.FakeGraphCall.ok;
import static dev.impersonation.testkit.FakeGraphError.badRequest;
import static dev.impersonation.testkit.FakeGraphError.badSegment;
import static dev.impersonation.testkit.FakeGraphError.notFound;
import static dev.impersonation.testkit.FakeGraphObjects.requireIdReference;
import static dev.impersonation.testkit.FakeGraphPaging.page;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.impersonation.ObjectAlreadyExistsException;
import dev.impersonation.testkit.FakeGraphCall.Result;
import dev.impersonation.testkit.FakeGraphObjects.Index;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * {@code /directory/administrativeUnits} (docs/graph.md): read a unit and its members, add a member by
 * {@code $ref} and remove one.
 */
final class FakeGraphUnits {
  private final InMemoryDirectory dir;
  private final FakeGraphObjects objects;

  FakeGraphUnits(InMemoryDirectory directory, FakeGraphObjects objects) {
    this.dir = directory;
    this.objects = objects;
  }

  Result handle(FakeGraphCall c) {
    int n = c.seg().size();
    if (n == 5 && c.is(1, "administrativeUnits") && c.is(3, "members") && c.is(4, "$ref") && c.method().equals("POST")) {
      return addAdministrativeUnitMemberRef(c, c.seg(2));
    }
    if (n == 6 && c.is(1, "administrativeUnits") && c.is(3, "members") && c.is(5, "$ref") && c.method().equals("DELETE")) {
      return removeAdministrativeUnitMember(c.seg(2), c.seg(4));
    }
    if (n >= 3 && c.is(1, "administrativeUnits") && c.method().equals("GET")) {
      String id = c.seg(2);
      List<String> members = dir.administrativeUnitMembers(id).orElseThrow(() -> notFound(id));
      if (n == 3) {
        ObjectNode unit = JSON.createObjectNode();
        unit.put("@odata.context", c.base() + "/$metadata#directory/administrativeUnits/$entity");
        unit.put("id", id);
        unit.put("displayName", id);
        unit.putNull("description");
        unit.putNull("visibility");
        return ok(unit);
      }
      if (n == 4 && c.is(3, "members")) {
        Index index = objects.index();
        List<JsonNode> rows = new ArrayList<>();
        members.forEach(k -> rows.add(index.objectJson(k)));
        return ok(page(c, rows, c.base() + "/$metadata#directoryObjects"));
      }
    }
    throw badSegment(c.seg(n - 1));
  }

  /**
   * {@code POST /directory/administrativeUnits/{id}/members/$ref}: 204; Graph's 400 "One or more added object
   * references already exist ..." when the object is already a member; 404 for an unknown unit or object.
   */
  private Result addAdministrativeUnitMemberRef(FakeGraphCall c, String id) {
    String ref = c.json().path("@odata.id").asText("");
    if (ref.isEmpty()) {
      throw badRequest("Invalid request body: '@odata.id' is required.");
    }
    requireIdReference(ref, "members");
    dir.graphCall("AddAdministrativeUnitMembers", id + " += " + objects.describeRef(ref), true, () -> {
      Set<String> unit = dir.administrativeUnit(id);
      String key = objects.resolveRef(objects.refIndex(), ref);
      if (unit.contains(key)) {
        throw new ObjectAlreadyExistsException(key, TenantState.GRAPH_DUPLICATE_MEMBER_TEXT);
      }
      unit.add(key);
      return null;
    });
    return new Result(204, null);
  }

  /**
   * {@code DELETE /directory/administrativeUnits/{id}/members/{memberId}/$ref}: 204; 404 for an unknown unit or object,
   * or an object that is not a member.
   */
  private Result removeAdministrativeUnitMember(String id, String memberId) {
    dir.graphCall("RemoveAdministrativeUnitMembers", id + " -= " + memberId, true, () -> {
      Set<String> unit = dir.administrativeUnit(id);
      String key = objects.resolveRef(objects.refIndex(), memberId);
      if (!unit.remove(key)) {
        throw notFound(memberId);
      }
      return null;
    });
    return new Result(204, null);
  }
}
