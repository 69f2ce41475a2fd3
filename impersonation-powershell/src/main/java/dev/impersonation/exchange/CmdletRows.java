package dev.impersonation.exchange;

import dev.impersonation.GroupKind;
import dev.impersonation.TenantException;
import dev.impersonation.spi.AssigneeType;
import dev.impersonation.spi.MailGroup;
import dev.impersonation.spi.Recipient;
import dev.impersonation.spi.RecipientType;
import dev.impersonation.spi.RoleAssignment;
import dev.impersonation.spi.ScopeType;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.Collection;
import java.util.List;
import java.util.Map;

/** How the rows Exchange's cmdlets answer (property name to value) become the SPI's values. */
final class CmdletRows {
  private CmdletRows() {}

  static Recipient recipient(Map<String, Object> row) {
    String type = str(row, "RecipientTypeDetails");
    RecipientType parsed = RecipientType.parse(type).orElseThrow(() -> new TenantException(
        "Unexpected RecipientTypeDetails '" + type + "' for " + str(row, "PrimarySmtpAddress")));
    return new Recipient(str(row, "Name"), str(row, "PrimarySmtpAddress"), str(row, "DistinguishedName"), parsed, true);
  }

  static MailGroup group(Map<String, Object> row) {
    GroupKind kind = switch (str(row, "RecipientTypeDetails")) {
      case "MailUniversalSecurityGroup" -> GroupKind.MAIL_ENABLED_SECURITY;
      case "RoomList" -> GroupKind.ROOM_LIST;
      case "GroupMailbox" -> GroupKind.MICROSOFT_365;
      default -> GroupKind.DISTRIBUTION;
    };
    return new MailGroup(str(row, "Name"), str(row, "Guid"), str(row, "DistinguishedName"), kind, str(row, "PrimarySmtpAddress"),
        strings(row, "ManagedBy"), !"Open".equalsIgnoreCase(str(row, "MemberJoinRestriction")),
        bool(row, "HiddenFromAddressListsEnabled"), str(row, "Notes"));
  }

  static RoleAssignment assignment(Map<String, Object> r) {
    String writeScope = str(r, "RecipientWriteScope");
    AssigneeType type = switch (str(r, "RoleAssigneeType")) {
      case "ServicePrincipal" -> AssigneeType.SERVICE_PRINCIPAL;
      case "RoleGroup", "SecurityGroup" -> AssigneeType.SECURITY_GROUP;
      default -> AssigneeType.USER;
    };
    String custom = !str(r, "CustomResourceScope").isEmpty() ? str(r, "CustomResourceScope") : str(r, "CustomRecipientWriteScope");
    ScopeType scopeType;
    String group = str(r, "RecipientGroupScope");
    if (!group.isEmpty() || "Group".equalsIgnoreCase(writeScope)) {
      // -RecipientGroupScope; the row's exact shape is unproven [U] (docs/group-scopes.md): the group's name from
      // RecipientGroupScope, else from the custom scope field, reduced to its name when given as an identity path or DN.
      scopeType = ScopeType.RECIPIENT_GROUP;
      custom = groupName(!group.isEmpty() ? group : custom);
    } else if ("AdministrativeUnit".equalsIgnoreCase(writeScope)) {
      scopeType = ScopeType.ADMINISTRATIVE_UNIT;
    } else if (!custom.isEmpty()) {
      scopeType = ScopeType.MANAGEMENT_SCOPE;
    } else {
      scopeType = ScopeType.ORGANIZATION;
    }
    String assignee = !str(r, "RoleAssignee").isEmpty() ? str(r, "RoleAssignee") : str(r, "RoleAssigneeName");
    return new RoleAssignment(str(r, "Name"), str(r, "Role"), assignee, type, scopeType, scopeType == ScopeType.ORGANIZATION ? "" : custom,
        instant(r, "WhenCreatedUTC"));
  }

  /** A group's name from an identity Exchange may print: {@code org/OU/Name}, {@code CN=Name,OU=...}, or the name. */
  static String groupName(String identity) {
    String v = identity.strip();
    if (v.regionMatches(true, 0, "CN=", 0, 3)) {
      StringBuilder name = new StringBuilder();
      for (int i = 3; i < v.length(); i++) {
        char c = v.charAt(i);
        if (c == '\\' && i + 1 < v.length()) {
          name.append(v.charAt(++i));
        } else if (c == ',') {
          break;
        } else {
          name.append(c);
        }
      }
      return name.toString();
    }
    int slash = v.lastIndexOf('/');
    return slash >= 0 && slash < v.length() - 1 && v.indexOf('@') < 0 ? v.substring(slash + 1) : v;
  }

  static String str(Map<String, Object> row, String key) {
    Object v = row.get(key);
    if (v == null) {
      return "";
    }
    if (v instanceof Collection<?> c) {
      return c.isEmpty() ? "" : String.valueOf(c.iterator().next());
    }
    return String.valueOf(v);
  }

  static boolean bool(Map<String, Object> row, String key) {
    Object v = row.get(key);
    return v instanceof Boolean b ? b : v != null && "true".equalsIgnoreCase(String.valueOf(v));
  }

  static List<String> strings(Map<String, Object> row, String key) {
    Object v = row.get(key);
    if (v == null) {
      return List.of();
    }
    if (v instanceof Collection<?> c) {
      return c.stream().map(String::valueOf).toList();
    }
    String s = String.valueOf(v);
    return s.isEmpty() ? List.of() : List.of(s);
  }

  static Instant instant(Map<String, Object> row, String key) {
    String s = str(row, key);
    if (s.isEmpty()) {
      return null;
    }
    try {
      return Instant.parse(s);
    } catch (RuntimeException e) {
      try {
        return OffsetDateTime.parse(s).toInstant();
      } catch (RuntimeException e2) {
        return null;
      }
    }
  }
}
