package dev.impersonation.testkit;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Predicate;
import java.util.stream.Collectors;

/**
 * Assertions over the backend calls a {@link FakeTenant} received, with failure messages that explain the nearest
 * miss (as WireMock's near-miss report does). Throws {@link JournalAssertionError}, an {@link AssertionError}, so it
 * works with any test framework.
 *
 * <pre>{@code
 * tenant.assertJournal()
 *     .wrote("NewManagementScope", "RIusersScope")
 *     .wroteExactly("NewDistributionGroup", "AddGroupMembers", "AddGroupMembers", "NewManagementScope", "NewRoleGroup")
 *     .neverTouched("ceo@contoso.com");
 * }</pre>
 */
public final class JournalAssertions {
  private static final int NEAREST = 3;
  private final List<JournalEntry> entries;

  JournalAssertions(List<JournalEntry> entries) {
    this.entries = List.copyOf(entries);
  }

  private List<JournalEntry> writes() {
    return entries.stream().filter(JournalEntry::write).filter(e -> e.outcome().equals("ok")).toList();
  }

  /** At least one successful write of {@code operation} (e.g. {@code "NewManagementScope"}). */
  public JournalAssertions wrote(String operation) {
    return wrote(operation, "");
  }

  /** At least one successful write of {@code operation} whose details contain {@code detail} (case-insensitive). */
  public JournalAssertions wrote(String operation, String detail) {
    if (writes().stream().anyMatch(e -> matches(e, operation, detail))) {
      return this;
    }
    throw new JournalAssertionError("wrote " + operation + (detail.isEmpty() ? "" : " '" + detail + "'"), "Expected a write "
        + operation + (detail.isEmpty() ? "" : " mentioning '" + detail + "'") + " but none matched.\n"
        + nearMisses(operation, detail) + allWrites(), nearest(operation, detail), writes());
  }

  /** No successful write of {@code operation} (optionally mentioning {@code detail}). */
  public JournalAssertions didNotWrite(String operation, String detail) {
    List<JournalEntry> hits = writes().stream().filter(e -> matches(e, operation, detail)).toList();
    if (!hits.isEmpty()) {
      throw new JournalAssertionError("didNotWrite " + operation, "Expected no write " + operation
          + (detail.isEmpty() ? "" : " mentioning '" + detail + "'") + " but found " + hits.size() + ":\n" + list(hits), hits, writes());
    }
    return this;
  }

  /** No successful write at all. */
  public JournalAssertions noWrites() {
    if (!writes().isEmpty()) {
      throw new JournalAssertionError("noWrites", "Expected no writes but found " + writes().size() + ":\n" + list(writes()),
          writes(), writes());
    }
    return this;
  }

  /**
   * The successful writes are exactly these operations, in any order, each as many times as listed. The failure
   * message lists what was missing and what was unexpected.
   */
  public JournalAssertions wroteExactly(String... operations) {
    Map<String, Integer> expected = count(Arrays.asList(operations));
    Map<String, Integer> actual = count(writes().stream().map(JournalEntry::operation).toList());
    if (expected.equals(actual)) {
      return this;
    }
    StringBuilder why = new StringBuilder("The writes differ from the expected ones.\n");
    difference(expected, actual).forEach((op, n) -> why.append("  missing:    ").append(op).append(" x").append(n).append('\n'));
    difference(actual, expected).forEach((op, n) -> why.append("  unexpected: ").append(op).append(" x").append(n).append('\n'));
    throw new JournalAssertionError("wroteExactly", why + allWrites(), List.of(), writes());
  }

  /** No successful write mentions any of these identities (names, addresses, ids; case-insensitive). */
  public JournalAssertions neverTouched(String... identities) {
    List<String> offending = new ArrayList<>();
    for (String id : identities) {
      writes().stream().filter(e -> contains(e.detail(), id)).forEach(e -> offending.add("'" + id + "' in " + e));
    }
    if (!offending.isEmpty()) {
      throw new JournalAssertionError("neverTouched", "Expected no write to touch " + Arrays.toString(identities) + " but:\n  "
          + String.join("\n  ", offending), writes().stream().filter(e -> Arrays.stream(identities).anyMatch(id -> contains(e.detail(), id)))
              .toList(), writes());
    }
    return this;
  }

  /**
   * Every successful write concerns at least one of the objects the setup owns (its groups, scope, assignments,
   * principal): a write that mentions none of them touched something the setup does not own.
   */
  public JournalAssertions onlyTouched(String... ownedIdentities) {
    List<JournalEntry> strays = writes().stream()
        .filter(e -> Arrays.stream(ownedIdentities).noneMatch(id -> contains(e.detail(), id))).toList();
    if (!strays.isEmpty()) {
      throw new JournalAssertionError("onlyTouched", "Expected every write to concern one of " + Arrays.toString(ownedIdentities)
          + " but these did not:\n" + list(strays), strays, writes());
    }
    return this;
  }

  /** Every successful write satisfies {@code rule}; {@code description} names the rule in the failure message. */
  public JournalAssertions everyWrite(String description, Predicate<JournalEntry> rule) {
    List<JournalEntry> broken = writes().stream().filter(rule.negate()).toList();
    if (!broken.isEmpty()) {
      throw new JournalAssertionError("everyWrite " + description, "Expected every write to satisfy '" + description
          + "' but these did not:\n" + list(broken), broken, writes());
    }
    return this;
  }

  private static boolean matches(JournalEntry e, String operation, String detail) {
    return operationMatches(e, operation) && (detail.isEmpty() || contains(e.detail(), detail));
  }

  private static boolean operationMatches(JournalEntry e, String operation) {
    return e.operation().equalsIgnoreCase(operation) || (e.backend() + "." + e.operation()).equalsIgnoreCase(operation);
  }

  private static boolean contains(String haystack, String needle) {
    return haystack.toLowerCase(Locale.ROOT).contains(needle.toLowerCase(Locale.ROOT));
  }

  /** The writes nearest to the expected one: same operation first, then by spelling. */
  private List<JournalEntry> nearest(String operation, String detail) {
    List<JournalEntry> ranked = new ArrayList<>(writes());
    ranked.sort(Comparator.comparingInt((JournalEntry e) -> operationMatches(e, operation) ? 0 : 1)
        .thenComparingInt(e -> operationMatches(e, operation) ? closest(e.detail(), detail)
            : distance(e.operation().toLowerCase(Locale.ROOT), operation.toLowerCase(Locale.ROOT))));
    return List.copyOf(ranked.subList(0, Math.min(NEAREST, ranked.size())));
  }

  private String nearMisses(String operation, String detail) {
    if (writes().isEmpty()) {
      return "There were no writes at all.\n";
    }
    StringBuilder out = new StringBuilder("Nearest writes:\n");
    for (JournalEntry e : nearest(operation, detail)) {
      String why = operationMatches(e, operation)
          ? "same operation; details do not mention '" + detail + "'" + hint(e.detail(), detail)
          : "different operation (" + e.operation() + ")";
      out.append("  ").append(e).append("\n      <- ").append(why).append('\n');
    }
    entries.stream().filter(e -> e.write() && !e.outcome().equals("ok") && operationMatches(e, operation))
        .forEach(e -> out.append("  failed attempt: ").append(e).append('\n'));
    return out.toString();
  }

  /** The closest substring of {@code text} to {@code wanted}, shown as a hint when it is a near spelling. */
  private static String hint(String text, String wanted) {
    if (wanted.isEmpty() || text.length() < wanted.length()) {
      return "";
    }
    String best = "";
    int bestDistance = Integer.MAX_VALUE;
    // Same length first, then one shorter/longer, then two: on a tie the candidate of the wanted length wins.
    int[] deltas = {0, -1, 1, -2, 2};
    for (int delta : deltas) {
      int len = wanted.length() + delta;
      for (int i = 0; len >= 1 && i + len <= text.length(); i++) {
        String candidate = text.substring(i, i + len);
        int d = distance(candidate.toLowerCase(Locale.ROOT), wanted.toLowerCase(Locale.ROOT));
        if (d < bestDistance) {
          bestDistance = d;
          best = candidate;
        }
      }
    }
    return bestDistance <= Math.max(1, wanted.length() / 4) ? " (closest: '" + best + "')" : "";
  }

  private static int closest(String text, String wanted) {
    if (wanted.isEmpty()) {
      return 0;
    }
    int best = Integer.MAX_VALUE;
    String t = text.toLowerCase(Locale.ROOT);
    String w = wanted.toLowerCase(Locale.ROOT);
    for (int i = 0; i + w.length() <= t.length(); i++) {
      best = Math.min(best, distance(t.substring(i, i + w.length()), w));
    }
    return best == Integer.MAX_VALUE ? distance(t, w) : best;
  }

  /** Levenshtein distance. */
  static int distance(String a, String b) {
    int[] prev = new int[b.length() + 1];
    int[] cur = new int[b.length() + 1];
    for (int j = 0; j <= b.length(); j++) {
      prev[j] = j;
    }
    for (int i = 1; i <= a.length(); i++) {
      cur[0] = i;
      for (int j = 1; j <= b.length(); j++) {
        int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
        cur[j] = Math.min(Math.min(cur[j - 1] + 1, prev[j] + 1), prev[j - 1] + cost);
      }
      int[] t = prev;
      prev = cur;
      cur = t;
    }
    return prev[b.length()];
  }

  private static Map<String, Integer> count(List<String> operations) {
    Map<String, Integer> out = new LinkedHashMap<>();
    operations.forEach(op -> out.merge(op, 1, Integer::sum));
    return out;
  }

  private static Map<String, Integer> difference(Map<String, Integer> a, Map<String, Integer> b) {
    Map<String, Integer> out = new LinkedHashMap<>();
    a.forEach((op, n) -> {
      int left = n - b.getOrDefault(op, 0);
      if (left > 0) {
        out.put(op, left);
      }
    });
    return out;
  }

  private String allWrites() {
    return "All " + writes().size() + " write(s):\n" + list(writes());
  }

  private static String list(List<JournalEntry> es) {
    return es.stream().map(e -> "  " + e).collect(Collectors.joining("\n")) + "\n";
  }
}
