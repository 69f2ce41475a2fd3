package dev.impersonation.examples.onboarding;

import java.util.Objects;

/**
 * The vendor's product as the onboarding flow presents it: its Entra application (the principal that gets access), the name
 * admins know it by, and the names the setup gives what it creates.
 *
 * @param appId the vendor's multi-tenant application id (the principal)
 * @param displayName e.g. "Calendar Sync"
 * @param setupName the setup's name (names the management scope and role assignment)
 * @param groupName the mail-enabled security group created for a CSV of mailboxes
 * @param graphRole the RBAC for Applications role for Graph access, e.g. {@code Application Calendars.ReadWrite}
 */
public record VendorApp(String appId, String displayName, String setupName, String groupName, String graphRole) {
  public VendorApp {
    Objects.requireNonNull(appId, "appId");
    Objects.requireNonNull(displayName, "displayName");
    Objects.requireNonNull(setupName, "setupName");
    Objects.requireNonNull(groupName, "groupName");
    Objects.requireNonNull(graphRole, "graphRole");
  }

  /** A calendar-sync vendor's app with the usual names. */
  public static VendorApp calendarSync(String appId) {
    return new VendorApp(appId, "Calendar Sync", "CalendarSync", "Calendar Sync Users", "Application Calendars.ReadWrite");
  }
}
