package dev.impersonation.testkit;

import static dev.impersonation.testkit.FakeGraphCall.JSON;
import static dev.impersonation.testkit.FakeGraphCall.decodePath;
import static dev.impersonation.testkit.FakeGraphError.badRequest;
import static dev.impersonation.testkit.FakeGraphError.notFound;
import static dev.impersonation.testkit.FakeGraphGroups.groupJson;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The directory as Graph sees it: users (Entra users, and mailboxes seeded in Exchange only), groups, objects by id
 * and by the store's member key, and the references ({@code @odata.bind}, {@code @odata.id}, {@code /{memberId}/$ref})
 * that name them (docs/graph-references.md).
 */
final class FakeGraphObjects {
  /** A reference's key: {@code .../users('o''brien@x')} (quotes doubled) or the key segment {@code .../users/o'brien@x}. */
  private static final Pattern REF_ID = Pattern.compile("^.*/(?:directoryObjects|users|groups|servicePrincipals)(?:\\('((?:[^']|'')+)'\\)|/([^/]+))(?:/.*)?$",
      Pattern.CASE_INSENSITIVE);
  private static final Pattern GUID = Pattern.compile("^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$");

  private final TenantState s;
  private final InMemoryDirectory dir;

  FakeGraphObjects(TenantState state, InMemoryDirectory directory) {
    this.s = state;
    this.dir = directory;
  }

  /** A user as Graph sees it: an Entra user, or a mailbox seeded in Exchange only (room, shared). */
  record UserView(String id, String upn, String displayName, String usageLocation, List<String> licenses, String mail,
      String memberKey, TenantState.UserObject user) {}

  UserView view(TenantState.UserObject u) {
    Optional<TenantState.MailboxObject> mb = s.mailbox(u.upn);
    return new UserView(u.id, u.upn, u.displayName, u.usageLocation, u.licenses, mb.filter(x -> !x.usableAt.isAfter(s.now()))
        .map(x -> x.smtp).orElse(null), mb.map(x -> TenantState.key(x.smtp)).orElse(TenantState.key(u.upn)), u);
  }

  UserView view(TenantState.MailboxObject m) {
    return new UserView(s.uuid("user:" + m.upn), m.upn, m.name, "", List.of(), m.smtp, TenantState.key(m.smtp), null);
  }

  /** Every directory object by lower-case id and by member key (the store's member keys: SMTP, UPN or group name). */
  final class Index {
    final Map<String, String> keyById = new LinkedHashMap<>();
    final Map<String, JsonNode> jsonByKey = new LinkedHashMap<>();
    final Map<String, String> idByKey = new LinkedHashMap<>();
    /** Member key to the store's lag name ("user:upn" or "group:name"), for read-after-write lag on references. */
    final Map<String, String[]> lagByKey = new LinkedHashMap<>();

    Index() {
      for (TenantState.UserObject u : s.users.values()) {
        UserView v = view(u);
        put(v.id, v.memberKey, userObject(v));
        lagByKey.putIfAbsent(v.memberKey, new String[] {"user", u.upn});
      }
      for (TenantState.MailboxObject m : s.mailboxes.values()) {
        if (!jsonByKey.containsKey(TenantState.key(m.smtp)) && s.user(m.upn).isEmpty()) {
          UserView v = view(m);
          put(v.id, v.memberKey, userObject(v));
        }
      }
      for (TenantState.GroupObject g : s.groups.values()) {
        ObjectNode o = groupJson(g, null);
        o.remove("@odata.context");
        o.put("@odata.type", "#microsoft.graph.group");
        put(g.id, groupKey(g), o);
        lagByKey.putIfAbsent(groupKey(g), new String[] {"group", g.name});
      }
    }

    private void put(String id, String key, JsonNode json) {
      keyById.putIfAbsent(TenantState.key(id), key);
      jsonByKey.putIfAbsent(key, json);
      idByKey.putIfAbsent(key, id);
    }

    JsonNode objectJson(String key) {
      JsonNode j = jsonByKey.get(key);
      if (j != null) {
        return j;
      }
      ObjectNode unknown = JSON.createObjectNode();
      unknown.put("@odata.type", "#microsoft.graph.directoryObject");
      unknown.put("id", s.uuid("object:" + key));
      return unknown;
    }

    String id(String key) {
      String id = idByKey.get(key);
      return id != null ? id : s.uuid("object:" + key);
    }
  }

  Index index() {
    return new Index();
  }

  private Index refIndex;
  private long refIndexVersion = -1;

  /**
   * An index for {@link #resolveRef} alone, kept while no user, mailbox or group is added or removed: ids and member keys
   * do not change otherwise (its JSON may be stale; never answer from it). Adding 10,000 references is then linear.
   */
  Index refIndex() {
    if (refIndex == null || refIndexVersion != s.objectsVersion) {
      refIndex = new Index();
      refIndexVersion = s.objectsVersion;
    }
    return refIndex;
  }

  static String groupKey(TenantState.GroupObject g) {
    return g.smtp == null || g.smtp.isEmpty() ? TenantState.key(g.name) : TenantState.key(g.smtp);
  }

  private static ObjectNode userObject(UserView v) {
    ObjectNode o = JSON.createObjectNode();
    o.put("@odata.type", "#microsoft.graph.user");
    o.put("id", v.id);
    o.put("displayName", v.displayName);
    o.put("userPrincipalName", v.upn);
    if (v.mail == null) {
      o.putNull("mail");
    } else {
      o.put("mail", v.mail);
    }
    return o;
  }

  /** A user by id or UPN ({@code %40} decoded already), honouring read-after-write lag; 404 in Graph's words. */
  UserView findUser(String idOrUpn, String operation) {
    return dir.graphCall(operation, idOrUpn, false, () -> lookupUser(idOrUpn).orElseThrow(() -> notFound(idOrUpn)));
  }

  Optional<UserView> lookupUser(String idOrUpn) {
    String k = TenantState.key(idOrUpn);
    Optional<TenantState.UserObject> u = s.user(idOrUpn);
    if (u.isEmpty()) {
      u = s.users.values().stream().filter(x -> TenantState.key(x.id).equals(k)).findFirst();
    }
    if (u.isPresent()) {
      return s.lagging("user", u.get().upn) ? Optional.empty() : Optional.of(view(u.get()));
    }
    return s.mailboxes.values().stream().filter(m -> s.user(m.upn).isEmpty())
        .filter(m -> TenantState.key(m.smtp).equals(k) || TenantState.key(m.upn).equals(k) || TenantState.key(s.uuid("user:" + m.upn)).equals(k))
        .findFirst().map(this::view);
  }

  /**
   * Refuses a reference in a request body ({@code @odata.bind}, {@code @odata.id}) that does not name the object by its
   * id, as Graph does (docs/graph-references.md): the documented form is {@code <base>/directoryObjects/{id}}; a
   * {@code users/{userPrincipalName}} reference is not documented for these properties and is refused with 400
   * "Invalid object identifier" [U: the live text for Microsoft 365 groups; security groups are refused here too].
   * Checked before anything is written.
   */
  static void requireIdReference(String ref, String property) {
    String r = ref == null ? "" : ref.trim();
    Matcher m = REF_ID.matcher(r);
    if (!(r.regionMatches(true, 0, "https://", 0, 8) || r.regionMatches(true, 0, "http://", 0, 7)) || !m.matches()) {
      throw badRequest("Invalid URL format specified in @odata.bind for " + property + ".");
    }
    String key = m.group(1) != null ? decodePath(m.group(1)).replace("''", "'") : decodePath(m.group(2));
    if (!GUID.matcher(key).matches()) {
      throw badRequest("Invalid object identifier '" + key + "'.");
    }
  }

  /** A reference for the journal: the reference as sent, with the member it names when the fake knows it. */
  String describeRef(String ref) {
    Matcher m = REF_ID.matcher(ref == null ? "" : ref.trim());
    if (!m.matches()) {
      return ref;
    }
    String id = m.group(1) != null ? decodePath(m.group(1)).replace("''", "'") : decodePath(m.group(2));
    String key = index().keyById.get(TenantState.key(id)); // no lag consumed: this only names the member for the journal
    return key == null ? ref : ref + " (" + key + ")";
  }

  /** The member key of a referenced directory object; 404 in Graph's words when it is missing. */
  String resolveRef(Index index, String ref) {
    Matcher m = REF_ID.matcher(ref == null ? "" : ref.trim());
    String id = !m.matches() ? (ref == null ? "" : ref.trim())
        : m.group(1) != null ? decodePath(m.group(1)).replace("''", "'") : decodePath(m.group(2));
    String key = index.keyById.get(TenantState.key(id));
    String[] lag = key == null ? null : index.lagByKey.get(key);
    if (lag != null && s.lagging(lag[0], lag[1])) {
      // Read-after-write lag (docs/graph.md): a reference to an object created a moment ago misses it.
      throw notFound(id);
    }
    if (key == null && !GUID.matcher(id).matches()) {
      // A UPN in a URL path segment (e.g. DELETE .../members/{upn}/$ref); references in bodies were checked by id first.
      key = lookupUser(id).map(UserView::memberKey).orElse(null);
    }
    if (key == null) {
      throw notFound(id);
    }
    return key;
  }
}
