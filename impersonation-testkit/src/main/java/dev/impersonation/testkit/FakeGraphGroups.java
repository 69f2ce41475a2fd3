package dev.impersonation.testkit;

import static dev.impersonation.testkit.FakeGraphApi.MAX_ODATA_BIND;
import static dev.impersonation.testkit.FakeGraphCall.JSON;
import static dev.impersonation.testkit.FakeGraphCall.ok;
import static dev.impersonation.testkit.FakeGraphError.badRequest;
import static dev.impersonation.testkit.FakeGraphError.badSegment;
import static dev.impersonation.testkit.FakeGraphError.bindLimit;
import static dev.impersonation.testkit.FakeGraphError.methodNotAllowed;
import static dev.impersonation.testkit.FakeGraphError.notFound;
import static dev.impersonation.testkit.FakeGraphObjects.requireIdReference;
import static dev.impersonation.testkit.FakeGraphPaging.EQ_FILTER;
import static dev.impersonation.testkit.FakeGraphPaging.page;
import static dev.impersonation.testkit.FakeGraphPaging.select;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.impersonation.GroupKind;
import dev.impersonation.ObjectAlreadyExistsException;
import dev.impersonation.TenantException;
import dev.impersonation.spi.MailGroup;
import dev.impersonation.spi.Operation;
import dev.impersonation.testkit.FakeGraphCall.Result;
import dev.impersonation.testkit.FakeGraphObjects.Index;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;

/**
 * {@code /groups} (docs/graph.md): list and find ({@code $filter} on {@code displayName}, {@code mailNickname},
 * {@code mail}), read, create (security and Microsoft 365 groups; mail-enabled ones are refused as Graph does), update,
 * members and owners (list, {@code $ref} add and remove, {@code members@odata.bind} all or nothing).
 */
final class FakeGraphGroups {
  private final TenantState s;
  private final InMemoryDirectory dir;
  private final FakeGraphObjects objects;

  FakeGraphGroups(TenantState state, InMemoryDirectory directory, FakeGraphObjects objects) {
    this.s = state;
    this.dir = directory;
    this.objects = objects;
  }

  Result handle(FakeGraphCall c) {
    int n = c.seg().size();
    if (n == 1) {
      return switch (c.method()) {
        case "GET" -> listGroups(c);
        case "POST" -> createGroup(c);
        default -> methodNotAllowed(c);
      };
    }
    String id = c.seg(1);
    if (n == 2) {
      return switch (c.method()) {
        case "GET" -> ok(select(groupJson(readGroup(id), c.base()), c.query()));
        case "PATCH" -> patchGroup(c, id);
        default -> methodNotAllowed(c);
      };
    }
    boolean members = c.is(2, "members");
    boolean owners = c.is(2, "owners");
    if ((members || owners) && n == 3 && c.method().equals("GET")) {
      return listMembers(c, id, owners, false);
    }
    if ((members || owners) && n == 4 && c.is(3, "$ref")) {
      return switch (c.method()) {
        case "GET" -> listMembers(c, id, owners, true);
        case "POST" -> owners ? addOwner(c, id) : addMemberRef(c, id);
        default -> methodNotAllowed(c);
      };
    }
    if (members && n == 5 && c.is(4, "$ref") && c.method().equals("DELETE")) {
      return removeMember(id, c.seg(3));
    }
    throw badSegment(c.seg(n - 1));
  }

  static ObjectNode groupJson(TenantState.GroupObject g, String base) {
    ObjectNode o = JSON.createObjectNode();
    if (base != null) {
      o.put("@odata.context", base + "/$metadata#groups/$entity");
    }
    o.put("id", g.id);
    o.put("displayName", g.name);
    if (g.notes == null || g.notes.isEmpty()) {
      o.putNull("description");
    } else {
      o.put("description", g.notes);
    }
    ArrayNode types = o.putArray("groupTypes");
    if (g.kind == GroupKind.MICROSOFT_365) {
      types.add("Unified");
    }
    // docs/graph.md [M]: DL = mailEnabled true / securityEnabled false; MESG = both true; M365 = Unified. Room lists are DLs.
    o.put("mailEnabled", g.kind != GroupKind.SECURITY);
    o.put("securityEnabled", g.kind == GroupKind.MAIL_ENABLED_SECURITY || g.kind == GroupKind.SECURITY);
    boolean hasMail = g.smtp != null && !g.smtp.isEmpty();
    if (hasMail) {
      o.put("mail", g.smtp);
      o.put("mailNickname", g.smtp.substring(0, g.smtp.indexOf('@')));
    } else {
      o.putNull("mail");
      o.put("mailNickname", g.name.replaceAll("[^A-Za-z0-9._-]", ""));
    }
    return o;
  }

  /** A group by id (or display name), missing while it lags after its creation. */
  private TenantState.GroupObject readGroup(String id) {
    return dir.graphCall("findGroup", id, false, () -> s.group(id).filter(g -> !s.lagging("group", g.name))
        .orElseThrow(() -> notFound(id)));
  }

  private Result listGroups(FakeGraphCall c) {
    String filter = c.query().get("$filter");
    List<JsonNode> rows = new ArrayList<>();
    if (filter != null) {
      Matcher f = EQ_FILTER.matcher(filter);
      if (!f.matches()) {
        throw badRequest("Unsupported query: the fake serves $filter=displayName eq '...' and mailNickname eq '...' only.");
      }
      String property = f.group(1);
      String value = f.group(2).replace("''", "'");
      if (property.equalsIgnoreCase("displayName")) {
        Optional<MailGroup> found = dir.findGroup(value);
        found.flatMap(mg -> s.group(mg.id())).filter(g -> g.name.equals(value) || g.name.equalsIgnoreCase(value))
            .ifPresent(g -> rows.add(groupJson(g, null)));
      } else if (property.equalsIgnoreCase("mailNickname") || property.equalsIgnoreCase("mail")) {
        dir.graphCall("findGroup", value, false, () -> {
          s.groups.values().stream().filter(g -> !s.lagging("group", g.name)).filter(g -> {
            ObjectNode j = groupJson(g, null);
            return j.path(property.equalsIgnoreCase("mail") ? "mail" : "mailNickname").asText().equalsIgnoreCase(value);
          }).forEach(g -> rows.add(groupJson(g, null)));
          return null;
        });
      } else {
        throw badRequest("Unsupported query: the fake filters groups on displayName, mailNickname or mail only.");
      }
    } else {
      dir.graphCall("listGroups", "", false, () -> {
        s.groups.values().stream().filter(g -> !s.lagging("group", g.name)).forEach(g -> rows.add(groupJson(g, null)));
        return null;
      });
    }
    return ok(page(c, rows, c.base() + "/$metadata#groups"));
  }

  private Result createGroup(FakeGraphCall c) {
    JsonNode b = c.json();
    if (!b.hasNonNull("displayName") || !b.hasNonNull("mailNickname") || !b.has("mailEnabled") || !b.has("securityEnabled")) {
      throw badRequest("Invalid value specified for property 'displayName', 'mailNickname', 'mailEnabled' or 'securityEnabled' "
          + "of resource 'Group'.");
    }
    boolean unified = false;
    for (JsonNode t : b.path("groupTypes")) {
      unified |= t.asText().equalsIgnoreCase("Unified");
    }
    boolean mailEnabled = b.get("mailEnabled").asBoolean();
    boolean securityEnabled = b.get("securityEnabled").asBoolean();
    GroupKind kind;
    if (unified) {
      kind = GroupKind.MICROSOFT_365;
    } else if (mailEnabled) {
      // The directory backend refuses it with Graph's text (docs/graph.md, docs/error-texts.md), journaled and fault-checked.
      dir.execute(new Operation.CreateDirectoryGroup(b.get("displayName").asText(), securityEnabled
          ? GroupKind.MAIL_ENABLED_SECURITY : GroupKind.DISTRIBUTION, b.get("mailNickname").asText(), List.of(), ""));
      throw new TenantException(TenantState.GRAPH_DL_TEXT);
    } else if (securityEnabled) {
      kind = GroupKind.SECURITY;
    } else {
      throw badRequest("A group must be a Microsoft 365 group (groupTypes [\"Unified\"]) or a security group.");
    }
    b.path("owners@odata.bind").forEach(o -> requireIdReference(o.asText(), "owners"));
    b.path("members@odata.bind").forEach(o -> requireIdReference(o.asText(), "members"));
    Index index = objects.index();
    List<String> owners = new ArrayList<>();
    for (JsonNode o : b.path("owners@odata.bind")) {
      owners.add(objects.resolveRef(index, o.asText()));
    }
    List<String> members = new ArrayList<>();
    for (JsonNode o : b.path("members@odata.bind")) {
      members.add(objects.resolveRef(index, o.asText()));
    }
    if (members.size() > MAX_ODATA_BIND) {
      throw bindLimit(members.size());
    }
    String name = b.get("displayName").asText();
    dir.execute(new Operation.CreateDirectoryGroup(name, kind, b.get("mailNickname").asText(), owners,
        b.path("description").asText("")));
    TenantState.GroupObject g = s.group(name).orElseThrow();
    g.members.addAll(members);
    return new Result(201, groupJson(g, c.base()));
  }

  private Result listMembers(FakeGraphCall c, String id, boolean owners, boolean refs) {
    List<String> keys = dir.graphCall("groupMembers", id, false, () -> {
      TenantState.GroupObject g = s.group(id).filter(x -> !s.lagging("group", x.name)).orElseThrow(() -> notFound(id));
      return List.copyOf(owners ? g.managedBy : g.members);
    });
    Index index = objects.index();
    List<JsonNode> rows = new ArrayList<>(keys.size());
    for (String k : keys) {
      if (refs) {
        rows.add(JSON.createObjectNode().put("@odata.id", "https://graph.microsoft.com/v1.0/directoryObjects/" + index.id(k)));
      } else {
        rows.add(index.objectJson(k));
      }
    }
    return ok(page(c, rows, c.base() + "/$metadata#" + (refs ? "Collection(string)" : "directoryObjects")));
  }

  private Result addMemberRef(FakeGraphCall c, String id) {
    JsonNode b = c.json();
    String ref = b.path("@odata.id").asText("");
    if (ref.isEmpty()) {
      throw badRequest("Invalid request body: '@odata.id' is required.");
    }
    requireIdReference(ref, "members");
    dir.graphCall("AddGroupMembers", id + " += " + objects.describeRef(ref), true, () -> {
      TenantState.GroupObject g = dir.writableGroup(id);
      String key = objects.resolveRef(objects.refIndex(), ref);
      if (g.members.contains(key)) {
        throw new ObjectAlreadyExistsException(key, TenantState.GRAPH_DUPLICATE_MEMBER_TEXT);
      }
      g.members.add(key);
      return null;
    });
    return new Result(204, null);
  }

  private Result patchGroup(FakeGraphCall c, String id) {
    JsonNode b = c.json();
    JsonNode bind = b.get("members@odata.bind");
    if (bind != null) {
      if (!bind.isArray()) {
        throw badRequest("Invalid value specified for property 'members@odata.bind': an array of references is required.");
      }
      if (bind.size() > MAX_ODATA_BIND) {
        throw bindLimit(bind.size());
      }
      bind.forEach(r -> requireIdReference(r.asText(), "members"));
      dir.graphCall("AddGroupMembers", id + " += " + bind.size() + " references", true, () -> {
        TenantState.GroupObject g = dir.writableGroup(id);
        Index index = objects.index();
        Set<String> add = new LinkedHashSet<>();
        for (JsonNode r : bind) {
          add.add(objects.resolveRef(index, r.asText()));
        }
        // All or nothing (docs/graph.md): one member already there (or twice in the request) refuses the whole request.
        if (add.size() < bind.size() || add.stream().anyMatch(g.members::contains)) {
          throw new ObjectAlreadyExistsException(id, TenantState.GRAPH_DUPLICATE_MEMBER_TEXT);
        }
        g.members.addAll(add);
        return null;
      });
    }
    boolean other = b.has("description") || b.has("displayName");
    if (other) {
      dir.graphCall("SetGroup", id, true, () -> {
        TenantState.GroupObject g = dir.writableGroup(id);
        if (b.has("description")) {
          g.notes = b.get("description").isNull() ? "" : b.get("description").asText();
        }
        if (b.hasNonNull("displayName") && !b.get("displayName").asText().equals(g.name)) {
          throw badRequest("Renaming groups is not modelled by the fake tenant.");
        }
        return null;
      });
    }
    if (bind == null && !other) {
      // Nothing to change; Graph still refuses DLs.
      dir.graphCall("SetGroup", id, true, () -> dir.writableGroup(id));
    }
    return new Result(204, null);
  }

  private Result removeMember(String id, String memberId) {
    dir.graphCall("RemoveGroupMembers", id + " -= " + memberId, true, () -> {
      TenantState.GroupObject g = dir.writableGroup(id);
      String key = objects.resolveRef(objects.refIndex(), memberId);
      if (!g.members.remove(key)) {
        throw notFound(memberId);
      }
      return null;
    });
    return new Result(204, null);
  }

  private Result addOwner(FakeGraphCall c, String id) {
    String ref = c.json().path("@odata.id").asText("");
    if (ref.isEmpty()) {
      throw badRequest("Invalid request body: '@odata.id' is required.");
    }
    requireIdReference(ref, "owners");
    dir.graphCall("SetGroup", id + " owners += " + objects.describeRef(ref), true, () -> {
      TenantState.GroupObject g = dir.writableGroup(id);
      String key = objects.resolveRef(objects.refIndex(), ref);
      if (g.managedBy.contains(key)) {
        throw badRequest("One or more added object references already exist for the following modified properties: 'owners'.");
      }
      g.managedBy.add(key);
      return null;
    });
    return new Result(204, null);
  }
}
