package dev.impersonation.graph;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.microsoft.graph.models.AssignedLicense;
import com.microsoft.graph.models.User;
import com.microsoft.graph.models.UserCollectionResponse;
import com.microsoft.kiota.RequestInformation;
import dev.impersonation.ObjectNotFoundException;
import dev.impersonation.TenantException;
import dev.impersonation.graph.internal.GraphErrors;
import dev.impersonation.graph.internal.ODataFilter;
import dev.impersonation.spi.DirectoryUser;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import okhttp3.Response;
import okhttp3.ResponseBody;

/**
 * The object ids of users for {@link GraphDirectoryBackend}'s references (docs/graph-references.md): remembered from
 * every user read (the plan's bulk read, member lists), else looked up in {@code $batch}es before a write, with that cost
 * counted apart. Thread-safe.
 */
final class UserIds {
  private static final ObjectMapper JSON = new ObjectMapper();

  private final GraphDirectoryBackend backend;
  /** Object ids by lower-case UPN, mail and the identity a user was asked by. */
  private final Map<String, String> knownIds = new ConcurrentHashMap<>();
  /** Requests spent at write time looking up ids no earlier read had told. */
  private final AtomicLong lookupRequests = new AtomicLong();

  UserIds(GraphDirectoryBackend backend) {
    this.backend = backend;
  }

  long lookupRequests() {
    return lookupRequests.get();
  }

  /** The id remembered for a name, or null. */
  String known(String name) {
    return knownIds.get(name.strip().toLowerCase(java.util.Locale.ROOT));
  }

  static User userFromJson(JsonNode n) {
    User u = new User();
    u.setId(n.path("id").asText(null));
    u.setUserPrincipalName(n.path("userPrincipalName").asText(null));
    u.setDisplayName(n.path("displayName").asText(null));
    u.setUsageLocation(n.path("usageLocation").asText(null));
    u.setMail(n.path("mail").asText(null));
    List<AssignedLicense> licenses = new ArrayList<>();
    for (JsonNode l : n.path("assignedLicenses")) {
      AssignedLicense a = new AssignedLicense();
      String sku = l.path("skuId").asText("");
      if (ODataFilter.isGuid(sku)) {
        a.setSkuId(UUID.fromString(sku));
        licenses.add(a);
      }
    }
    u.setAssignedLicenses(licenses);
    return u;
  }

  /** Remembers a user's object id under every name it may be referred to by, and answers it as a directory user. */
  DirectoryUser remember(String askedAs, User u) {
    if (u.getId() != null && ODataFilter.isGuid(u.getId())) {
      for (String name : new String[] {askedAs, u.getUserPrincipalName(), u.getMail()}) {
        if (name != null && !name.isBlank()) {
          knownIds.put(name.strip().toLowerCase(java.util.Locale.ROOT), u.getId());
        }
      }
    }
    return GraphDirectoryBackend.user(u);
  }

  /**
   * The object ids of users given as object ids, UPNs or mail addresses, by the stripped name: ids already known from an
   * earlier read cost nothing; the rest are looked up in {@code $batch}es of 20 (counted in
   * {@link GraphDirectoryBackend#idLookupRequestCount()}). A name that is no user fails with {@link ObjectNotFoundException} naming every
   * such name, before anything is written.
   */
  Map<String, String> objectIds(List<String> names, String purpose) {
    Map<String, String> found = resolve(names, purpose);
    List<String> missing = names.stream().map(String::strip).distinct().filter(m -> !found.containsKey(m)).toList();
    if (!missing.isEmpty()) {
      throw new ObjectNotFoundException(missing.get(0), "No directory user " + missing + " for the " + purpose
          + ": Graph refers to members by object id and found none for these names. Check the addresses (user principal "
          + "names or mail addresses) and plan again.");
    }
    return found;
  }

  /**
   * The object ids of the names that are users, by stripped name in the given order: object ids as they are, remembered
   * ids at no cost, the rest looked up ({@link #lookupIds}); a name with no user is left out.
   */
  Map<String, String> resolve(List<String> names, String purpose) {
    Map<String, String> ids = new LinkedHashMap<>();
    java.util.Set<String> unknown = new java.util.LinkedHashSet<>();
    for (String raw : names) {
      String m = raw.strip();
      String id = ODataFilter.isGuid(m) ? m : known(m);
      if (id != null) {
        ids.put(m, id);
      } else {
        unknown.add(m);
      }
    }
    Map<String, String> found = unknown.isEmpty() ? Map.of() : lookupIds(List.copyOf(unknown), purpose);
    Map<String, String> inOrder = new LinkedHashMap<>();
    for (String raw : names) {
      String m = raw.strip();
      String id = ids.containsKey(m) ? ids.get(m) : found.get(m);
      if (id != null) {
        inOrder.putIfAbsent(m, id);
      }
    }
    return inOrder;
  }

  /**
   * Looks up object ids ({@code GET /users/{upn}?$select=id}, 20 per {@code $batch}; a name Graph does not know as a UPN is
   * tried as a mail address). Names with no user are left out; any other failure throws.
   */
  Map<String, String> lookupIds(List<String> names, String purpose) {
    long before = backend.http.requests.get();
    try {
      Map<String, String> ids = new LinkedHashMap<>();
      List<RequestInformation> lookups = names.stream().map(m -> backend.client.users().byUserId(m)
          .toGetRequestInformation(rc -> rc.queryParameters.select = new String[] {"id", "userPrincipalName", "mail"})).toList();
      Map<Integer, Response> found = backend.http.runBatches(lookups, "GET /users/{upn} in $batch (object ids for the " + purpose + ")", names.get(0));
      for (Map.Entry<Integer, Response> e : found.entrySet()) {
        Response r = e.getValue();
        String member = names.get(e.getKey());
        if (r.code() == 404) {
          if (member.contains("@")) {
            findByMail(member).ifPresent(u -> ids.put(member, u.id()));
          }
          continue;
        }
        if (!r.isSuccessful()) {
          throw GraphErrors.classify("GET /users/" + member + " in $batch", member, backend.http.innerFailure(r));
        }
        DirectoryUser u = remember(member, userFromJson(readJson(r, member)));
        if (!ODataFilter.isGuid(u.id())) {
          throw new TenantException("Graph answered the user " + member + " without an object id.");
        }
        ids.put(member, u.id());
      }
      return ids;
    } finally {
      lookupRequests.addAndGet(backend.http.requests.get() - before);
    }
  }

  static JsonNode readJson(Response r, String member) {
    ResponseBody body = r.body();
    try {
      String text = body == null ? "" : new String(body.bytes(), StandardCharsets.UTF_8);
      return JSON.readTree(text.isEmpty() ? "{}" : text);
    } catch (IOException e) {
      throw new TenantException("Graph's answer for the user " + member + " could not be read: " + e.getMessage(), e);
    }
  }

  /** {@code GET /users/{upn}}, then by mail; the user found is remembered by id. */
  Optional<DirectoryUser> find(String userPrincipalName) {
    String who = userPrincipalName.strip();
    try {
      User u = backend.http.call("GET /users/" + who, who, () -> backend.client.users().byUserId(who).get(rc -> rc.queryParameters.select = GraphDirectoryBackend.USER_FIELDS));
      return Optional.ofNullable(u).map(found -> remember(who, found));
    } catch (ObjectNotFoundException byKey) {
      return who.contains("@") ? findByMail(who) : Optional.empty();
    }
  }

  /** Not a UPN: it may be a mail address ({@code GET /users?$filter=mail eq '...'}). */
  Optional<DirectoryUser> findByMail(String who) {
    UserCollectionResponse byMail = backend.http.call("GET /users?$filter=mail", who, () -> backend.client.users().get(rc -> {
      rc.queryParameters.filter = ODataFilter.eq("mail", who);
      rc.queryParameters.select = GraphDirectoryBackend.USER_FIELDS;
    }));
    List<User> found = byMail == null || byMail.getValue() == null ? List.of() : byMail.getValue();
    return found.stream().findFirst().map(u -> remember(who, u));
  }

  /**
   * Reads users by UPN, 15 per {@code GET /users?$filter=userPrincipalName in (...)} (the documented default bound of an
   * {@code in}) and 20 such reads per {@code $batch}: 1,000 users take 4 requests. A name none of them matched (a mail
   * address that is not a UPN, an object id) is then read on its own, {@code GET /users/{name}} in {@code $batch}es of 20,
   * and by mail; any failure throws (a failed read is never "no such user"). Every user read is remembered by id, so
   * adding them afterwards needs no further look-up (docs/graph-references.md).
   */
  Map<String, Optional<DirectoryUser>> findAll(List<String> userPrincipalNames) {
    List<String> all = userPrincipalNames.stream().map(String::strip).distinct().toList();
    Map<String, Optional<DirectoryUser>> byStripped = new HashMap<>(byPrincipalName(all));
    List<String> names = all.stream().filter(n -> !byStripped.containsKey(n)).toList();
    List<RequestInformation> reads = names.stream().map(m -> backend.client.users().byUserId(m)
        .toGetRequestInformation(rc -> rc.queryParameters.select = GraphDirectoryBackend.USER_FIELDS)).toList();
    Map<Integer, Response> answers = backend.http.runBatches(reads, "GET /users/{upn} in $batch", names.isEmpty() ? "" : names.get(0));
    for (Map.Entry<Integer, Response> e : answers.entrySet()) {
      String who = names.get(e.getKey());
      Response r = e.getValue();
      if (r.code() == 404) {
        byStripped.put(who, who.contains("@") ? findByMail(who) : Optional.empty());
      } else if (!r.isSuccessful()) {
        throw GraphErrors.classify("GET /users/" + who + " in $batch", who, backend.http.innerFailure(r));
      } else {
        byStripped.put(who, Optional.of(remember(who, userFromJson(readJson(r, who)))));
      }
    }
    Map<String, Optional<DirectoryUser>> out = new LinkedHashMap<>();
    for (String asked : userPrincipalNames) {
      out.put(asked, byStripped.getOrDefault(asked.strip(), Optional.empty()));
    }
    return out;
  }

  /** The users whose UPN is one of {@code names}, read 15 names per filtered request; names not matched are left out. */
  private Map<String, Optional<DirectoryUser>> byPrincipalName(List<String> names) {
    List<String> upns = names.stream().filter(n -> n.contains("@")).toList();
    List<List<String>> chunks = new ArrayList<>();
    for (int i = 0; i < upns.size(); i += ODataFilter.MAX_IN_VALUES) {
      chunks.add(upns.subList(i, Math.min(upns.size(), i + ODataFilter.MAX_IN_VALUES)));
    }
    Map<String, Optional<DirectoryUser>> found = new HashMap<>();
    if (chunks.isEmpty()) {
      return found;
    }
    List<RequestInformation> reads = chunks.stream().map(chunk -> backend.client.users().toGetRequestInformation(rc -> {
      rc.queryParameters.filter = ODataFilter.in("userPrincipalName", chunk);
      rc.queryParameters.select = GraphDirectoryBackend.USER_FIELDS;
    })).toList();
    Map<Integer, Response> answers = backend.http.runBatches(reads, "GET /users?$filter=userPrincipalName in (...) in $batch", upns.get(0));
    for (Map.Entry<Integer, Response> e : answers.entrySet()) {
      List<String> chunk = chunks.get(e.getKey());
      Response r = e.getValue();
      if (!r.isSuccessful()) {
        throw GraphErrors.classify("GET /users?$filter=userPrincipalName in (" + chunk.get(0) + ", ...) in $batch", chunk.get(0),
            backend.http.innerFailure(r));
      }
      Map<String, String> asked = new HashMap<>();
      chunk.forEach(n -> asked.put(n.toLowerCase(java.util.Locale.ROOT), n));
      for (JsonNode row : readJson(r, chunk.get(0)).path("value")) {
        String name = asked.get(row.path("userPrincipalName").asText("").toLowerCase(java.util.Locale.ROOT));
        if (name != null) {
          found.put(name, Optional.of(remember(name, userFromJson(row))));
        }
      }
    }
    return found;
  }
}
