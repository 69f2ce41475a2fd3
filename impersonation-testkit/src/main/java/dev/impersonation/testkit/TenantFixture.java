package dev.impersonation.testkit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.impersonation.Cloud;
import dev.impersonation.GroupKind;
import dev.impersonation.MemberCsv;
import dev.impersonation.spi.ScopeType;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Set;

/**
 * Seeds a {@link FakeTenant} from a small JSON file, so a test's starting tenant can live beside the test:
 *
 * <pre>{@code
 * {
 *   "exchangeOnline": "contoso.onmicrosoft.com",        // or "exchangeServer": "contoso.com"; "cloud": "GCC_HIGH"
 *   "dehydrated": true,
 *   "licenses": ["6fd2c87f-b296-42f0-b197-1e91e994b900"],
 *   "mailboxes": [
 *     {"address": "ann@contoso.com", "name": "Ann", "properties": {"Department": "Sales"}},
 *     {"address": "room1@contoso.com", "name": "Room 1", "type": "room"},
 *     {"address": "eve@contoso.com", "ewsEnabled": false}
 *   ],
 *   "usersWithoutMailbox": ["new@contoso.com"],
 *   "groups": [{"kind": "MAIL_ENABLED_SECURITY", "name": "RISG", "members": ["ann@contoso.com"], "owners": ["ann@contoso.com"]}],
 *   "applications": [{"appId": "...", "servicePrincipalId": "...", "displayName": "Sync", "consent": ["Mail.Read"]}],
 *   "administrativeUnits": [{"id": "...", "members": ["ann@contoso.com"]}],
 *   "managementScopes": [{"name": "Old", "filter": "Department -eq 'Sales'"}],
 *   "roleAssignments": [{"name": "Legacy", "role": "ApplicationImpersonation", "user": "svc@contoso.com", "scope": ""},
 *                       {"name": "Sync", "role": "Application Mail.Read", "app": "<app id>", "group": "RISG"}]
 * }
 * }</pre>
 *
 * Unknown keys and unknown values are errors naming where they are ({@code $.groups[1].kind}): a typo must not
 * silently seed less than the test thinks. An app's assignment takes {@code "scope"} (a management scope),
 * {@code "administrativeUnit"} or {@code "group"} ({@code -RecipientGroupScope}); with none it is organization-wide.
 */
public final class TenantFixture {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Set<String> TOP = Set.of("exchangeOnline", "exchangeServer", "cloud", "dehydrated", "licenses",
      "mailboxes", "usersWithoutMailbox", "groups", "applications", "administrativeUnits", "managementScopes",
      "roleAssignments", "organizationEwsEnabled", "organizationEwsAllowedAppIds");

  private TenantFixture() {}

  /** A new builder for the tenant a fixture file describes. */
  public static FakeTenant.Builder load(Path json) {
    JsonNode root = read(json);
    return seed(root, start(root, json.toString()), json.toString());
  }

  /** A new builder for the tenant a fixture on the class path describes. */
  public static FakeTenant.Builder loadResource(String resource) {
    JsonNode root = readResource(resource);
    return seed(root, start(root, resource), resource);
  }

  static void apply(Path json, FakeTenant.Builder builder) {
    seed(read(json), builder, json.toString());
  }

  static void applyResource(String resource, FakeTenant.Builder builder) {
    seed(readResource(resource), builder, resource);
  }

  static void applyCsv(Path csv, FakeTenant.Builder builder) {
    String content;
    try {
      content = Files.readString(csv, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot read mailbox CSV " + csv + ": " + e.getMessage(), e);
    }
    for (java.util.Map<String, String> row : MemberCsv.rows(content)) {
      String address = row.getOrDefault("Address", "");
      if (address.isEmpty()) {
        throw new IllegalArgumentException("Mailbox CSV " + csv + " needs an Address column with a value on every row: " + row);
      }
      String name = row.getOrDefault("Name", "");
      String type = row.getOrDefault("Type", "");
      mailbox(builder, address, name.isEmpty() ? address.substring(0, address.indexOf('@')) : name, type.isEmpty() ? "user" : type,
          csv.toString());
      String department = row.getOrDefault("Department", "");
      if (!department.isEmpty()) {
        builder.mailboxProperty(address, "Department", department);
      }
    }
  }

  private static JsonNode read(Path json) {
    try {
      return JSON.readTree(Files.readString(json, StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new IllegalArgumentException("Cannot read tenant fixture " + json + ": " + e.getMessage(), e);
    }
  }

  private static JsonNode readResource(String resource) {
    String path = resource.startsWith("/") ? resource : "/" + resource;
    try (InputStream in = TenantFixture.class.getResourceAsStream(path)) {
      InputStream stream = in != null ? in : Thread.currentThread().getContextClassLoader().getResourceAsStream(path.substring(1));
      if (stream == null) {
        throw new IllegalArgumentException("No tenant fixture '" + resource + "' on the class path (looked for " + path + ").");
      }
      try (stream) {
        return JSON.readTree(new String(stream.readAllBytes(), StandardCharsets.UTF_8));
      }
    } catch (IOException e) {
      throw new IllegalArgumentException("Cannot read tenant fixture " + resource + ": " + e.getMessage(), e);
    }
  }

  private static FakeTenant.Builder start(JsonNode root, String source) {
    if (root.has("exchangeOnline") == root.has("exchangeServer")) {
      throw new IllegalArgumentException("Tenant fixture " + source + " must name exactly one of \"exchangeOnline\" or \"exchangeServer\".");
    }
    if (root.has("exchangeServer")) {
      return FakeTenant.exchangeServer(root.get("exchangeServer").asText());
    }
    Cloud cloud = root.has("cloud") ? Cloud.valueOf(root.get("cloud").asText()) : Cloud.GLOBAL;
    return FakeTenant.exchangeOnline(root.get("exchangeOnline").asText(), cloud);
  }

  private static void keys(JsonNode node, Set<String> allowed, String where, String source) {
    for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
      String key = it.next();
      if (!allowed.contains(key)) {
        throw new IllegalArgumentException("Tenant fixture " + source + ": unknown key \"" + key + "\" in " + where
            + "; allowed: " + allowed);
      }
    }
  }

  private static GroupKind kind(String value, String source, String at) {
    for (GroupKind k : GroupKind.values()) {
      if (k.name().equalsIgnoreCase(value)) {
        return k;
      }
    }
    throw new IllegalArgumentException("Tenant fixture " + source + ": " + at + " is \"" + value + "\", not one of "
        + java.util.Arrays.toString(GroupKind.values()) + ".");
  }

  private static List<String> strings(JsonNode node) {
    List<String> out = new ArrayList<>();
    if (node != null) {
      node.forEach(n -> out.add(n.asText()));
    }
    return out;
  }

  private static void mailbox(FakeTenant.Builder b, String address, String name, String type, String source) {
    switch (type.toLowerCase()) {
      case "user" -> b.userMailbox(address, name);
      case "room" -> b.roomMailbox(address, name);
      case "shared" -> b.sharedMailbox(address, name);
      default -> throw new IllegalArgumentException("Tenant fixture " + source + ": mailbox type \"" + type
          + "\" of " + address + " is not one of user, room, shared.");
    }
  }

  private static FakeTenant.Builder seed(JsonNode root, FakeTenant.Builder b, String source) {
    keys(root, TOP, "$ (the top level)", source);
    if (root.path("dehydrated").asBoolean(false)) {
      b.dehydrated();
    }
    if (root.has("organizationEwsAllowedAppIds")) {
      JsonNode ids = root.get("organizationEwsAllowedAppIds");
      if (!ids.isArray()) {
        throw new IllegalArgumentException("Tenant fixture " + source + ": /organizationEwsAllowedAppIds must be an array of "
            + "application ids, e.g. [\"11111111-2222-3333-4444-555555555555\"].");
      }
      List<String> list = new ArrayList<>();
      ids.forEach(n -> list.add(n.asText()));
      b.organizationEwsAllowedAppIds(list.toArray(String[]::new));
    }
    if (root.has("organizationEwsEnabled")) {
      b.organizationEwsEnabled(root.get("organizationEwsEnabled").isNull() ? null : root.get("organizationEwsEnabled").asBoolean());
    }
    strings(root.get("licenses")).forEach(b::license);
    for (int i = 0; i < root.path("mailboxes").size(); i++) {
      JsonNode m = root.path("mailboxes").get(i);
      String at = "$.mailboxes[" + i + "]";
      keys(m, Set.of("address", "name", "type", "properties", "ewsEnabled"), at, source);
      String address = m.path("address").asText();
      String name = m.has("name") ? m.get("name").asText() : address.substring(0, Math.max(0, address.indexOf('@')));
      if (!m.path("ewsEnabled").asBoolean(true)) {
        b.userMailboxWithoutEws(address);
      } else {
        mailbox(b, address, name, m.path("type").asText("user"), source + " at " + at + ".type");
      }
      m.path("properties").fields().forEachRemaining(e -> b.mailboxProperty(address, e.getKey(), e.getValue().asText()));
    }
    strings(root.get("usersWithoutMailbox")).forEach(b::userWithoutMailbox);
    for (int i = 0; i < root.path("groups").size(); i++) {
      JsonNode g = root.path("groups").get(i);
      String at = "$.groups[" + i + "]";
      keys(g, Set.of("kind", "name", "members", "owners", "closed", "hidden"), at, source);
      String name = g.path("name").asText();
      b.group(kind(g.path("kind").asText("DISTRIBUTION"), source, at + ".kind"), name, strings(g.get("members")).toArray(String[]::new));
      List<String> owners = strings(g.get("owners"));
      if (!owners.isEmpty()) {
        b.groupOwners(name, owners.toArray(String[]::new));
      }
      if (g.has("closed") || g.has("hidden")) {
        b.groupSettings(name, g.path("closed").asBoolean(true), g.path("hidden").asBoolean(false));
      }
    }
    for (int i = 0; i < root.path("applications").size(); i++) {
      JsonNode a = root.path("applications").get(i);
      keys(a, Set.of("appId", "servicePrincipalId", "displayName", "consent", "exchangeServicePrincipal"),
          "$.applications[" + i + "]", source);
      String appId = a.path("appId").asText();
      b.application(appId, a.path("servicePrincipalId").asText(), a.path("displayName").asText(appId));
      List<String> consent = strings(a.get("consent"));
      if (!consent.isEmpty()) {
        b.consent(appId, consent.toArray(String[]::new));
      }
      if (a.path("exchangeServicePrincipal").asBoolean(false)) {
        b.exchangeServicePrincipal(appId);
      }
    }
    for (int i = 0; i < root.path("administrativeUnits").size(); i++) {
      JsonNode au = root.path("administrativeUnits").get(i);
      keys(au, Set.of("id", "members"), "$.administrativeUnits[" + i + "]", source);
      b.administrativeUnit(au.path("id").asText(), strings(au.get("members")).toArray(String[]::new));
    }
    for (int i = 0; i < root.path("managementScopes").size(); i++) {
      JsonNode s = root.path("managementScopes").get(i);
      keys(s, Set.of("name", "filter"), "$.managementScopes[" + i + "]", source);
      b.managementScope(s.path("name").asText(), s.path("filter").asText());
    }
    for (int i = 0; i < root.path("roleAssignments").size(); i++) {
      JsonNode r = root.path("roleAssignments").get(i);
      keys(r, Set.of("name", "role", "user", "app", "scope", "administrativeUnit", "group"), "$.roleAssignments[" + i + "]", source);
      if (r.has("app")) {
        boolean au = r.has("administrativeUnit");
        boolean group = r.has("group");
        String scope = au ? r.get("administrativeUnit").asText() : group ? r.get("group").asText() : r.path("scope").asText("");
        b.appRoleAssignment(r.path("name").asText(), r.path("role").asText(), r.get("app").asText(),
            au ? ScopeType.ADMINISTRATIVE_UNIT : group ? ScopeType.RECIPIENT_GROUP
                : scope.isEmpty() ? ScopeType.ORGANIZATION : ScopeType.MANAGEMENT_SCOPE, scope);
      } else {
        b.roleAssignment(r.path("name").asText(), r.path("role").asText(), r.path("user").asText(), r.path("scope").asText(""));
      }
    }
    return b;
  }
}
