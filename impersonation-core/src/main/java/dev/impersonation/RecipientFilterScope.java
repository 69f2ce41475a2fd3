package dev.impersonation;

/**
 * A custom OPATH recipient filter used as a management scope's {@code -RecipientRestrictionFilter}.
 *
 * @param filter the OPATH filter, e.g. {@code "Department -eq 'Sales'"}
 */
public record RecipientFilterScope(String filter) implements Scope {
  public RecipientFilterScope {
    if (filter == null || filter.isBlank()) {
      throw new InvalidSetupException("Scope.recipientFilter(...) needs an OPATH filter such as \"Department -eq 'Sales'\".");
    }
    int control = filter.chars().filter(RecipientFilterScope::isControl).findFirst().orElse(-1);
    if (control >= 0) {
      throw new InvalidSetupException(String.format("The recipient filter %s contains the control character U+%04X "
          + "(such as a line break), which no OPATH filter needs and which would break the admin script's comments: "
          + "write the filter on one line, with spaces between its clauses.", Names.quoted(filter), control));
    }
    if (!filter.matches("(?s).*\\s-(eq|ne|like|notlike)\\s.*")) {
      throw new InvalidSetupException("The recipient filter " + Names.quoted(filter) + " has no comparison: OPATH filters "
          + "look like \"Property -eq 'Value'\" (operators -eq, -ne, -like, -notlike, joined with -and / -or).");
    }
  }

  /** Control characters (C0 except tab, DEL, C1 incl. U+0085) and the Unicode line and paragraph separators. */
  private static boolean isControl(int c) {
    return (Character.getType(c) == Character.CONTROL && c != '\t') || c == '\u2028' || c == '\u2029';
  }

  static RecipientFilterScope of(String filter) {
    return new RecipientFilterScope(filter);
  }

  @Override
  public String describe() {
    return "filter " + filter;
  }
}
