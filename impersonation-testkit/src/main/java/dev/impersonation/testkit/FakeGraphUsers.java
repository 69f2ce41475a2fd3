package dev.impersonation.testkit;

import static dev.impersonation.testkit.FakeGraphCall.JSON;
import static dev.impersonation.testkit.FakeGraphCall.ok;
import static dev.impersonation.testkit.FakeGraphError.badRequest;
import static dev.impersonation.testkit.FakeGraphError.badSegment;
import static dev.impersonation.testkit.FakeGraphError.methodNotAllowed;
import static dev.impersonation.testkit.FakeGraphError.notFound;
import static dev.impersonation.testkit.FakeGraphPaging.EQ_FILTER;
import static dev.impersonation.testkit.FakeGraphPaging.page;
import static dev.impersonation.testkit.FakeGraphPaging.select;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.impersonation.Secret;
import dev.impersonation.spi.Operation;
import dev.impersonation.spi.RecipientType;
import dev.impersonation.testkit.FakeGraphCall.Result;
import dev.impersonation.testkit.FakeGraphObjects.UserView;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code /users} (docs/graph.md): list and find ({@code $filter} on {@code mail} or {@code userPrincipalName}), read,
 * create, update, {@code assignLicense} (the mailbox appears after the provisioning delay), {@code checkMemberGroups};
 * the mailbox probes go to {@link FakeGraphProbes}.
 */
final class FakeGraphUsers {
  private final TenantState s;
  private final InMemoryDirectory dir;
  private final FakeGraphObjects objects;
  private final FakeGraphProbes probes;

  FakeGraphUsers(TenantState state, InMemoryDirectory directory, FakeGraphObjects objects, FakeGraphProbes probes) {
    this.s = state;
    this.dir = directory;
    this.objects = objects;
    this.probes = probes;
  }

  Result handle(FakeGraphCall c) {
    int n = c.seg().size();
    if (n == 1) {
      return switch (c.method()) {
        case "POST" -> createUser(c);
        case "GET" -> listUsers(c);
        default -> methodNotAllowed(c);
      };
    }
    String id = c.seg(1);
    if (n == 2) {
      return switch (c.method()) {
        case "GET" -> ok(select(userJson(objects.findUser(id, "findUser"), c), c.query()));
        case "PATCH" -> updateUser(c, id);
        default -> methodNotAllowed(c);
      };
    }
    if (n == 3 && c.is(2, "assignLicense") && c.method().equals("POST")) {
      return assignLicense(c, id);
    }
    if (n == 3 && c.is(2, "checkMemberGroups") && c.method().equals("POST")) {
      return checkMemberGroups(c, id);
    }
    if (c.method().equals("GET") && ((n == 3 && (c.is(2, "calendar") || c.is(2, "mailboxSettings") || c.is(2, "messages")
        || c.is(2, "contacts"))) || (n == 4 && c.is(2, "mailFolders") && c.is(3, "inbox")))) {
      return probes.probe(c, id, c.seg(2).toLowerCase(Locale.ROOT));
    }
    throw badSegment(c.seg(n - 1));
  }

  /** {@code GET /users?$filter=mail eq '...'} or {@code userPrincipalName eq '...'}: zero or one user (findUser). */
  private Result listUsers(FakeGraphCall c) {
    String filter = c.query().get("$filter");
    if (filter == null) {
      // Every user: directory users first, then mailbox users that have no directory object of their own.
      List<JsonNode> rows = new ArrayList<>();
      dir.graphCall("listUsers", "*", false, () -> {
        java.util.Set<String> seen = new java.util.HashSet<>();
        s.users.values().forEach(u -> objects.lookupUser(u.upn).filter(v -> seen.add(v.id())).ifPresent(v -> rows.add(select(userJson(v, c), c.query()))));
        s.mailboxes.values().forEach(m -> objects.lookupUser(m.upn).filter(v -> seen.add(v.id())).ifPresent(v -> rows.add(select(userJson(v, c), c.query()))));
        return null;
      });
      rows.forEach(r -> ((ObjectNode) r).remove("@odata.context"));
      return ok(page(c, rows, c.base() + "/$metadata#users"));
    }
    Matcher in = IN_FILTER.matcher(filter);
    if (in.matches()) {
      return usersIn(c, in.group(1));
    }
    Matcher f = EQ_FILTER.matcher(filter);
    if (!f.matches() || !(f.group(1).equalsIgnoreCase("mail") || f.group(1).equalsIgnoreCase("userPrincipalName"))) {
      throw badRequest("Unsupported query: the fake lists users unfiltered, or with $filter=mail eq '...', userPrincipalName eq "
          + "'...' or userPrincipalName in ('...', ...).");
    }
    String value = f.group(2).replace("''", "'");
    List<JsonNode> rows = new ArrayList<>();
    dir.graphCall("findUser", value, false, () -> {
      objects.lookupUser(value).filter(v -> f.group(1).equalsIgnoreCase("userPrincipalName") ? v.upn().equalsIgnoreCase(value)
          : v.mail() != null && v.mail().equalsIgnoreCase(value)).ifPresent(v -> rows.add(userJson(v, c)));
      return null;
    });
    return ok(page(c, rows, c.base() + "/$metadata#users"));
  }

  /** {@code userPrincipalName in ('a', 'b', ...)}: Graph takes at most 15 values in an {@code in} by default. */
  static final Pattern IN_FILTER = Pattern.compile("^\\s*userPrincipalName\\s+in\\s*\\((.*)\\)\\s*$",
      Pattern.CASE_INSENSITIVE | Pattern.DOTALL);
  private static final Pattern IN_VALUE = Pattern.compile("\\s*'((?:[^']|'')*)'\\s*(,|$)");
  /** The documented default bound of an {@code in} expression (the filter query parameter's page). */
  static final int MAX_IN_VALUES = 15;

  private Result usersIn(FakeGraphCall c, String list) {
    List<String> values = new ArrayList<>();
    Matcher v = IN_VALUE.matcher(list);
    int at = 0;
    while (at < list.length() && v.find(at) && v.start() == at) {
      values.add(v.group(1).replace("''", "'"));
      at = v.end();
    }
    if (at < list.length() || values.isEmpty()) {
      throw badRequest("Invalid filter clause: the values of 'in' must be quoted strings separated by commas.");
    }
    if (values.size() > MAX_IN_VALUES) {
      throw badRequest("Too many values in the 'in' operator: " + values.size() + " (at most " + MAX_IN_VALUES + ").");
    }
    List<JsonNode> rows = new ArrayList<>();
    dir.graphCall("findUser", String.join(",", values), false, () -> {
      for (String value : values) {
        objects.lookupUser(value).filter(u -> u.upn().equalsIgnoreCase(value)).ifPresent(u -> rows.add(select(userJson(u, c), c.query())));
      }
      return null;
    });
    rows.forEach(r -> ((ObjectNode) r).remove("@odata.context"));
    return ok(page(c, rows, c.base() + "/$metadata#users"));
  }

  private ObjectNode userJson(UserView v, FakeGraphCall c) {
    ObjectNode o = JSON.createObjectNode();
    o.put("@odata.context", c.base() + "/$metadata#users/$entity");
    o.put("id", v.id());
    o.put("accountEnabled", true);
    o.put("displayName", v.displayName());
    o.put("userPrincipalName", v.upn());
    String nick = v.upn().contains("@") ? v.upn().substring(0, v.upn().indexOf('@')) : v.upn();
    o.put("mailNickname", nick);
    if (v.mail() == null) {
      o.putNull("mail");
    } else {
      o.put("mail", v.mail());
    }
    if (v.usageLocation() == null || v.usageLocation().isEmpty()) {
      o.putNull("usageLocation");
    } else {
      o.put("usageLocation", v.usageLocation());
    }
    ArrayNode licenses = o.putArray("assignedLicenses");
    for (String sku : v.licenses()) {
      ObjectNode l = licenses.addObject();
      l.putArray("disabledPlans");
      l.put("skuId", sku);
    }
    String select = c.query().getOrDefault("$select", "");
    if (select.toLowerCase(Locale.ROOT).contains("provisionedplans")) {
      // Returned only on $select, like Graph: the Exchange plan succeeds once the mailbox is usable.
      ArrayNode plans = o.putArray("provisionedPlans");
      if (v.mail() != null || !v.licenses().isEmpty()) {
        ObjectNode p = plans.addObject();
        p.put("capabilityStatus", "Enabled");
        p.put("provisioningStatus", v.mail() != null ? "Success" : "PendingInput");
        p.put("service", "exchange");
      }
    }
    return o;
  }

  private Result createUser(FakeGraphCall c) {
    JsonNode b = c.json();
    for (String required : List.of("accountEnabled", "displayName", "mailNickname", "userPrincipalName", "passwordProfile")) {
      if (!b.hasNonNull(required)) {
        throw badRequest("Invalid value specified for property '" + required + "' of resource 'User'.");
      }
    }
    String password = b.get("passwordProfile").path("password").asText("");
    if (password.isEmpty()) {
      throw badRequest("Invalid value specified for property 'passwordProfile' of resource 'User'.");
    }
    String upn = b.get("userPrincipalName").asText();
    String usage = b.path("usageLocation").asText("");
    Secret secret = Secret.of(password);
    try {
      // CreateServiceAccount without a licence: a user with no mailbox until assignLicense (docs/graph.md).
      dir.execute(new Operation.CreateServiceAccount(upn, b.get("displayName").asText(), usage, Optional.empty(), secret));
    } finally {
      secret.clear();
    }
    s.created("user", upn);
    TenantState.UserObject u = s.user(upn).orElseThrow();
    return new Result(201, userJson(objects.view(u), c));
  }

  private Result updateUser(FakeGraphCall c, String id) {
    JsonNode b = c.json();
    dir.graphCall("updateUser", id, true, () -> {
      UserView v = objects.lookupUser(id).orElseThrow(() -> notFound(id));
      if (v.user() == null) {
        throw badRequest("The user '" + id + "' is not an Entra user of this tenant (fake tenant).");
      }
      if (b.has("usageLocation")) {
        String loc = b.get("usageLocation").isNull() ? "" : b.get("usageLocation").asText();
        if (!loc.isEmpty() && !loc.matches("[A-Za-z]{2}")) {
          throw badRequest("Invalid value specified for property 'usageLocation' of resource 'User'.");
        }
        v.user().usageLocation = loc.toUpperCase(Locale.ROOT);
      }
      if (b.hasNonNull("displayName")) {
        v.user().displayName = b.get("displayName").asText();
      }
      return null;
    });
    return new Result(204, null);
  }

  private Result assignLicense(FakeGraphCall c, String id) {
    JsonNode b = c.json();
    if (!b.has("addLicenses") || !b.get("addLicenses").isArray() || !b.has("removeLicenses") || !b.get("removeLicenses").isArray()) {
      throw badRequest("Invalid value specified for property 'addLicenses' or 'removeLicenses': both are required arrays.");
    }
    UserView after = dir.graphCall("assignLicense", id, true, () -> {
      UserView v = objects.lookupUser(id).orElseThrow(() -> notFound(id));
      if (v.user() == null) {
        throw notFound(id);
      }
      TenantState.UserObject u = v.user();
      List<String> add = new ArrayList<>();
      for (JsonNode l : b.get("addLicenses")) {
        String sku = l.path("skuId").asText("");
        if (!s.licenses.containsKey(sku.toLowerCase(Locale.ROOT))) {
          throw badRequest("License " + sku + " does not correspond to a valid company License.");
        }
        add.add(s.licenses.get(sku.toLowerCase(Locale.ROOT)));
      }
      if (!add.isEmpty() && (u.usageLocation == null || u.usageLocation.isBlank())) {
        throw badRequest("License assignment cannot be done for user with invalid usage location.");
      }
      for (JsonNode r : b.get("removeLicenses")) {
        u.licenses.removeIf(x -> x.equalsIgnoreCase(r.asText()));
      }
      for (String sku : add) {
        if (u.licenses.stream().noneMatch(x -> x.equalsIgnoreCase(sku))) {
          u.licenses.add(sku);
        }
      }
      if (!add.isEmpty() && s.mailbox(u.upn).isEmpty()) {
        // docs/graph.md#licences: the mailbox appears after the provisioning delay.
        s.addMailbox(u.upn, u.displayName, RecipientType.USER_MAILBOX, s.now().plus(s.provisioningDelay));
      }
      return objects.view(u);
    });
    return ok(userJson(after, c));
  }

  /** {@code POST /users/{id}/checkMemberGroups}: which of the given groups the user is in, nested groups counted. */
  private Result checkMemberGroups(FakeGraphCall c, String id) {
    JsonNode ids = c.json().get("groupIds");
    if (ids == null || !ids.isArray() || ids.size() == 0 || ids.size() > 20) {
      throw badRequest("Invalid value specified for property 'groupIds': between 1 and 20 group ids are required.");
    }
    ObjectNode out = JSON.createObjectNode();
    out.put("@odata.context", c.base() + "/$metadata#Collection(Edm.String)");
    ArrayNode value = out.putArray("value");
    dir.graphCall("groupMembers", id + " checkMemberGroups", false, () -> {
      UserView v = objects.lookupUser(id).orElseThrow(() -> notFound(id));
      for (JsonNode g : ids) {
        s.groups.values().stream().filter(x -> x.id.equalsIgnoreCase(g.asText())).findFirst()
            .filter(x -> s.memberNested(v.memberKey(), x, new java.util.HashSet<>())).ifPresent(x -> value.add(x.id));
      }
      return null;
    });
    return ok(out);
  }
}
