package dev.impersonation.spi;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The mailbox permissions an app can hold, and which Exchange {@code Application ...} role grants which of them
 * (Microsoft's "Role Based Access Control for Applications in Exchange Online" page; see {@code docs/verification.md}).
 * Verification is per permission: {@code Application Mail.Read} lets an app read messages, not calendars.
 *
 * <p>Permissions are Microsoft Graph application permission names ({@code Mail.Read}, {@code Calendars.ReadWrite}),
 * plus {@code full_access_as_app} (EWS; the role {@code Application EWS.AccessAsApp}), and, for service accounts,
 * {@code FullAccess} and {@code ApplicationImpersonation}.
 */
public final class AppPermissions {
  /** The EWS application permission on Office 365 Exchange Online ({@code Application EWS.AccessAsApp}). */
  public static final String FULL_ACCESS_AS_APP = "full_access_as_app";
  /** {@code Add-MailboxPermission -AccessRights FullAccess}, used over EWS by a service account. */
  public static final String FULL_ACCESS = "FullAccess";
  /** The legacy EWS impersonation role of a service account. */
  public static final String APPLICATION_IMPERSONATION = "ApplicationImpersonation";

  private static final Map<String, List<String>> COMPOSITE_ROLES = Map.of(
      "application mail full access", List.of("Mail.ReadWrite", "Mail.Send"),
      "application exchange full access", List.of("Mail.ReadWrite", "Mail.Send", "MailboxSettings.ReadWrite",
          "Calendars.ReadWrite", "Contacts.ReadWrite"),
      "application ews.accessasapp", List.of(FULL_ACCESS_AS_APP));
  private static final Set<String> ALL_SUFFIX = Set.of("mailboxfolder.read", "mailboxfolder.readwrite", "mailboxitem.read",
      "mailboxitem.readwrite", "mailboxitem.export", "mailboxitem.importexport");
  private static final List<String> MAILBOX_FAMILIES = List.of("mail.", "mail-", "calendars.", "contacts.",
      "mailboxsettings.", "mailboxfolder.", "mailboxitem.", "mailboxconfigitem.");

  private AppPermissions() {}

  /**
   * The permissions an {@code Application ...} role grants, e.g. {@code Application Mail Full Access} gives
   * {@code Mail.ReadWrite} and {@code Mail.Send}; {@code Application Mail.Read} gives {@code Mail.Read}. A role that is
   * not an application role grants nothing here.
   *
   * @param role the role name as Exchange lists it
   * @return the permissions, in a stable order
   */
  public static List<String> grantedByRole(String role) {
    String key = role.trim().toLowerCase(Locale.ROOT);
    List<String> composite = COMPOSITE_ROLES.get(key);
    if (composite != null) {
      return composite;
    }
    if (!key.startsWith("application ")) {
      return List.of();
    }
    String permission = role.trim().substring("Application ".length()).trim();
    return List.of(ALL_SUFFIX.contains(permission.toLowerCase(Locale.ROOT)) ? permission + ".All" : permission);
  }

  /**
   * Parses a {@code GrantedPermissions} value of {@code Test-ServicePrincipalAuthorization} (one name, or several
   * separated by commas, semicolons or spaces) into canonical permission names.
   *
   * @param granted the value as the cmdlet printed it
   * @return the permissions
   */
  public static List<String> parseGranted(String granted) {
    Set<String> out = new LinkedHashSet<>();
    for (String part : granted.split("[,;\\s]+")) {
      if (!part.isBlank()) {
        out.add(canonical(part.trim()));
      }
    }
    return List.copyOf(out);
  }

  /** The canonical spelling: {@code EWS.AccessAsApp} is {@code full_access_as_app}; everything else as given. */
  public static String canonical(String permission) {
    String p = permission.trim();
    if (p.equalsIgnoreCase("EWS.AccessAsApp") || p.equalsIgnoreCase("Application EWS.AccessAsApp")) {
      return FULL_ACCESS_AS_APP;
    }
    return p;
  }

  /**
   * Whether holding {@code granted} gives {@code needed}: the same permission, {@code X.ReadWrite} for {@code X.Read},
   * {@code Mail.Read} or {@code Mail.ReadWrite} for {@code Mail.ReadBasic}.
   */
  public static boolean implies(String granted, String needed) {
    String g = canonical(granted).toLowerCase(Locale.ROOT);
    String n = canonical(needed).toLowerCase(Locale.ROOT);
    if (g.equals(n)) {
      return true;
    }
    if (n.equals("mail.readbasic") || n.equals("mail.readbasic.all")) {
      return g.equals("mail.read") || g.equals("mail.readwrite");
    }
    int dot = n.lastIndexOf(".read");
    if (dot > 0 && (n.endsWith(".read") || n.endsWith(".read.all"))) {
      String family = n.substring(0, dot);
      String suffix = n.endsWith(".all") ? ".all" : "";
      return g.equals(family + ".readwrite" + suffix);
    }
    return false;
  }

  /** Whether any of {@code granted} gives {@code needed}. */
  public static boolean anyImplies(java.util.Collection<String> granted, String needed) {
    return granted.stream().anyMatch(g -> implies(g, needed));
  }

  /** Whether the permission reaches mailbox content or settings (the ones tenant-wide consent widens a scope with). */
  public static boolean isMailboxPermission(String permission) {
    String p = canonical(permission).toLowerCase(Locale.ROOT);
    return p.equals(FULL_ACCESS_AS_APP) || MAILBOX_FAMILIES.stream().anyMatch(p::startsWith);
  }

  /** Whether the permission is used over EWS (SOAP) rather than Microsoft Graph. */
  public static boolean isEws(String permission) {
    String p = canonical(permission);
    return p.equalsIgnoreCase(FULL_ACCESS_AS_APP) || p.equalsIgnoreCase(FULL_ACCESS) || p.equalsIgnoreCase(APPLICATION_IMPERSONATION);
  }

  /**
   * The Microsoft Graph request that proves {@code permission} on one mailbox, relative to {@code /users/{id}}:
   * {@code Mail.*} reads one message, {@code Calendars.*} the calendar, {@code Contacts.*} one contact,
   * {@code MailboxSettings.*} the settings. Empty for permissions no harmless read proves (e.g. {@code Mail.Send}) and
   * for EWS permissions.
   */
  public static Optional<String> graphProbePath(String permission) {
    String p = canonical(permission).toLowerCase(Locale.ROOT);
    if (p.equals("mail.send")) {
      return Optional.empty();
    }
    if (p.startsWith("mail.")) {
      return Optional.of("messages?$top=1&$select=id");
    }
    if (p.startsWith("calendars.")) {
      return Optional.of("calendar?$select=id");
    }
    if (p.startsWith("contacts.")) {
      return Optional.of("contacts?$top=1&$select=id");
    }
    if (p.startsWith("mailboxsettings.")) {
      return Optional.of("mailboxSettings");
    }
    return Optional.empty();
  }
}
