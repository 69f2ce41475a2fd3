package dev.impersonation.spi;

import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * The organization's EWS settings as {@code Get-OrganizationConfig -RetrieveEwsOperationAccessPolicy} shows them.
 *
 * @param ewsEnabled the organization's {@code EwsEnabled}; empty when {@code $null} (never set)
 * @param allowedAppIds {@code EwsAllowedAppIDs}: the application (client) ids allowed to use EWS when {@code EwsEnabled}
 *     is True and the list is not empty (Exchange Online only; empty on Exchange Server)
 */
public record EwsOrganizationPolicy(Optional<Boolean> ewsEnabled, List<String> allowedAppIds) {
  public EwsOrganizationPolicy {
    ewsEnabled = ewsEnabled == null ? Optional.empty() : ewsEnabled;
    allowedAppIds = List.copyOf(allowedAppIds);
  }

  /** Whether {@code appId} is on the allow list (app ids compare case-insensitively, as GUIDs do). */
  public boolean allowListed(String appId) {
    return allowedAppIds.stream().anyMatch(a -> a.equalsIgnoreCase(appId));
  }

  /** {@code EwsEnabled} as PowerShell shows it: True, False or $null. */
  public String ewsEnabledText() {
    return ewsEnabled.map(b -> b ? "True" : "False").orElse("$null");
  }

  /**
   * Reads {@code EwsAllowedAppIDs} as a service returns it: a list, or one string of ids separated by commas,
   * semicolons or white space; blanks are dropped and duplicates kept once.
   *
   * @param value the property's value as read (a {@link java.util.Collection}, a string, or null)
   * @return the ids, in their order
   */
  public static List<String> parseAllowedAppIds(Object value) {
    if (value == null) {
      return List.of();
    }
    java.util.LinkedHashMap<String, String> ids = new java.util.LinkedHashMap<>();
    Iterable<?> parts = value instanceof java.util.Collection<?> c ? c : List.of(value);
    for (Object part : parts) {
      if (part == null) {
        continue;
      }
      for (String id : part.toString().split("[,;\\s]+")) {
        if (!id.isBlank()) {
          ids.putIfAbsent(id.strip().toLowerCase(Locale.ROOT), id.strip());
        }
      }
    }
    return List.copyOf(ids.values());
  }
}
