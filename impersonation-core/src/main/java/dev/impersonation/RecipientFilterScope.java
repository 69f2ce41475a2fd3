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
    if (!filter.matches("(?s).*\\s-(eq|ne|like|notlike)\\s.*")) {
      throw new InvalidSetupException("The recipient filter " + Names.quoted(filter) + " has no comparison: OPATH filters "
          + "look like \"Property -eq 'Value'\" (operators -eq, -ne, -like, -notlike, joined with -and / -or).");
    }
  }

  static RecipientFilterScope of(String filter) {
    return new RecipientFilterScope(filter);
  }

  @Override
  public String describe() {
    return "filter " + filter;
  }
}
