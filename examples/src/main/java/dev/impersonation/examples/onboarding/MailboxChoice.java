package dev.impersonation.examples.onboarding;

import dev.impersonation.Access;
import dev.impersonation.ImpersonationSetup;
import dev.impersonation.InvalidSetupException;
import dev.impersonation.MemberCsv;
import dev.impersonation.Principal;
import dev.impersonation.Scope;
import dev.impersonation.TenantTarget;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * What the admin chose on the form, turned into an {@link ImpersonationSetup}: which mailboxes (an existing group, a CSV of
 * addresses, or a recipient filter), which kind of access (Graph through RBAC for Applications, EWS through RBAC for
 * Applications, or an application access policy) and an optional outsider to prove the app cannot reach. Every mistake is an
 * {@link InvalidSetupException} raised here, before anything is read from or written to the tenant.
 *
 * @param access {@code graph}, {@code ews} or {@code policy}
 * @param source {@code group}, {@code csv} or {@code filter}
 * @param group the existing group's name (source {@code group})
 * @param csv the CSV's text (source {@code csv})
 * @param filter the OPATH recipient filter (source {@code filter})
 * @param outsider a mailbox that must stay out of reach, or blank
 */
record MailboxChoice(String access, String source, String group, String csv, String filter, String outsider) {
  /** The CSV columns that may hold the addresses, in order of preference. */
  static final List<String> CSV_COLUMNS = List.of("PrimarySmtpAddress", "EmailAddress", "Email", "UserPrincipalName", "Mailbox");

  /** Reads the form's fields (missing ones are blank). */
  static MailboxChoice from(Map<String, String> form) {
    String csv = form.getOrDefault("csvFile", "");
    if (csv.isBlank()) {
      csv = form.getOrDefault("csvText", "");
    }
    return new MailboxChoice(form.getOrDefault("access", "graph"), form.getOrDefault("source", "group"),
        form.getOrDefault("group", "").strip(), csv, form.getOrDefault("filter", "").strip(), form.getOrDefault("outsider", "").strip());
  }

  /** An empty choice, for the first form. */
  static MailboxChoice empty() {
    return new MailboxChoice("graph", "group", "", "", "", "");
  }

  /**
   * The setup for this choice.
   *
   * @param vendor the vendor's app and names
   * @param domain the customer's tenant domain
   * @throws InvalidSetupException naming what is wrong and how to fix it
   */
  ImpersonationSetup setup(VendorApp vendor, String domain) {
    ImpersonationSetup.Builder b = ImpersonationSetup.builder().name(vendor.setupName())
        .target(TenantTarget.exchangeOnline(domain)).principal(Principal.application(vendor.appId()))
        .scope(scope(vendor)).access(access(vendor));
    if (!outsider.isBlank()) {
      b.outsider(outsider);
    }
    return b.build();
  }

  private Scope scope(VendorApp vendor) {
    switch (source) {
      case "group" -> {
        if (group.isBlank()) {
          throw new InvalidSetupException("Type the name of the group whose members " + vendor.displayName()
              + " may reach, or choose a CSV file or a filter instead.");
        }
        return Scope.mailEnabledSecurityGroup(group).existingMembership();
      }
      case "csv" -> {
        List<String> mailboxes = csvMailboxes();
        return Scope.mailEnabledSecurityGroup(vendor.groupName()).members(mailboxes).hiddenFromAddressLists();
      }
      case "filter" -> {
        if (filter.isBlank()) {
          throw new InvalidSetupException("Type a recipient filter, e.g. Department -eq 'Sales', or choose a group or a CSV file.");
        }
        return Scope.recipientFilter(filter);
      }
      default -> throw new InvalidSetupException("Choose where the mailboxes come from: a group, a CSV file or a filter.");
    }
  }

  /** The addresses of the CSV, from the first column named like an address column. */
  List<String> csvMailboxes() {
    if (csv.isBlank()) {
      throw new InvalidSetupException("Upload a CSV file with a header line and one mailbox address per row (a column named "
          + String.join(", ", CSV_COLUMNS) + ").");
    }
    List<Map<String, String>> rows = MemberCsv.rows(csv, "the uploaded CSV");
    String column = rows.isEmpty() ? CSV_COLUMNS.get(0) : CSV_COLUMNS.stream()
        .filter(c -> rows.get(0).containsKey(c)).findFirst()
        .orElseThrow(() -> new InvalidSetupException("The CSV has no address column; name one of its columns "
            + String.join(", ", CSV_COLUMNS) + " (its columns are " + rows.get(0).keySet() + ")."));
    List<String> out = MemberCsv.parse(csv, column, "the uploaded CSV");
    if (out.isEmpty()) {
      throw new InvalidSetupException("The uploaded CSV lists no mailbox under '" + column + "'.");
    }
    for (int i = 0; i < out.size(); i++) {
      String address = out.get(i);
      if (!address.matches("[^@\\s]+@[^@\\s]+\\.[^@\\s]+")) {
        throw new InvalidSetupException("Row " + (i + 1) + " of the uploaded CSV holds '" + address + "' under '" + column
            + "', which is not a mailbox address (name@domain). Fix that row and upload the file again; nothing was changed.");
      }
    }
    return out;
  }

  private Access access(VendorApp vendor) {
    return switch (access.toLowerCase(Locale.ROOT)) {
      case "graph" -> Access.rbacForApplications(vendor.graphRole());
      case "ews" -> Access.rbacForApplications("Application EWS.AccessAsApp");
      case "policy" -> Access.applicationAccessPolicy();
      default -> throw new InvalidSetupException("Choose the kind of access: Graph (RBAC for Applications), EWS (RBAC for "
          + "Applications) or an application access policy.");
    };
  }

  /** The outsider, if one was named. */
  Optional<String> outsiderMailbox() {
    return outsider.isBlank() ? Optional.empty() : Optional.of(outsider);
  }
}
