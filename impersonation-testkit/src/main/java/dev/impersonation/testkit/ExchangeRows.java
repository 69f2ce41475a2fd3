package dev.impersonation.testkit;

import dev.impersonation.spi.OrganizationConfig;
import dev.impersonation.spi.Recipient;
import dev.impersonation.spi.RecipientFilter;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The rows the simulated cmdlets answer, shaped as Exchange prints them (docs/cmdlets.md). */
final class ExchangeRows {
  private ExchangeRows() {}

  static Map<String, Object> row(Object... keyValues) {
    Map<String, Object> row = new LinkedHashMap<>();
    for (int i = 0; i < keyValues.length; i += 2) {
      row.put((String) keyValues[i], keyValues[i + 1]);
    }
    return row;
  }

  static String utc(Instant at) {
    return at == null ? null : at.toString();
  }

  static Map<String, Object> organization(OrganizationConfig c) {
    return row("Identity", "OrganizationConfig", "IsDehydrated", c.dehydrated(), "EwsEnabled", c.ewsEnabled().orElse(null));
  }

  static Map<String, Object> recipientRow(Recipient r) {
    return row("Identity", r.name(), "Name", r.name(), "DisplayName", r.name(), "Alias", alias(r.primarySmtpAddress()),
        "PrimarySmtpAddress", r.primarySmtpAddress(), "DistinguishedName", r.distinguishedName(),
        "RecipientType", r.type().isMailbox() ? "UserMailbox" : "MailUniversalDistributionGroup",
        "RecipientTypeDetails", r.type().value());
  }

  static String alias(String smtp) {
    return smtp == null || smtp.indexOf('@') < 0 ? smtp : smtp.substring(0, smtp.indexOf('@'));
  }

  static Map<String, Object> groupRow(TenantState.GroupObject g) {
    String type = switch (g.kind) {
      case MAIL_ENABLED_SECURITY -> "MailUniversalSecurityGroup";
      case ROOM_LIST -> "RoomList";
      case MICROSOFT_365 -> "GroupMailbox";
      default -> "MailUniversalDistributionGroup";
    };
    return row("Identity", g.name, "Name", g.name, "DisplayName", g.name, "Guid", g.id, "Alias", alias(g.smtp),
        "DistinguishedName", g.dn, "RecipientTypeDetails", type, "PrimarySmtpAddress", g.smtp, "ManagedBy", List.copyOf(g.managedBy),
        "MemberJoinRestriction", g.closed ? "Closed" : "Open", "HiddenFromAddressListsEnabled", g.hidden, "Notes", g.notes);
  }

  static Map<String, Object> scopeRow(TenantState.ScopeObject x) {
    return row("Identity", x.name(), "Name", x.name(), "RecipientFilter", x.filter(), "RecipientRoot", null,
        "ScopeRestrictionType", "RecipientScope", "Exclusive", false);
  }
}
