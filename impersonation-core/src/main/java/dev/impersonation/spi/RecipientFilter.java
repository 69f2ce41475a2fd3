package dev.impersonation.spi;

import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;
import dev.impersonation.GroupKind;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * A management scope's recipient filter: either "member of these groups", whose DNs may be resolved only when the
 * groups exist, or a custom OPATH filter.
 */
@JsonTypeInfo(use = JsonTypeInfo.Id.SIMPLE_NAME, property = "type")
@JsonSubTypes({@JsonSubTypes.Type(RecipientFilter.MemberOfGroups.class), @JsonSubTypes.Type(RecipientFilter.Custom.class)})
public sealed interface RecipientFilter {

  /**
   * The OPATH text, with group DNs supplied by {@code dnOf} (given a group's identity) where not known yet.
   * Only U+0027 is doubled inside OPATH values (docs/powershell-quoting.md, layer 1).
   */
  String toOpath(Function<String, String> dnOf);

  /** True when the filter needs DNs that are not known yet. */
  boolean needsResolution();

  /**
   * {@code MemberOfGroup -eq '<DN>'} for each group, joined with {@code -or}.
   *
   * @param groups the groups
   */
  record MemberOfGroups(List<GroupReference> groups) implements RecipientFilter {
    public MemberOfGroups {
      groups = List.copyOf(groups);
    }

    @Override
    public String toOpath(Function<String, String> dnOf) {
      List<String> parts = groups.stream()
          .map(g -> "MemberOfGroup -eq " + opathLiteral(g.distinguishedName().orElseGet(() -> dnOf.apply(g.identity()))))
          .collect(Collectors.toList());
      return parts.size() == 1 ? parts.get(0) : parts.stream().map(p -> "(" + p + ")").collect(Collectors.joining(" -or "));
    }

    @Override
    public boolean needsResolution() {
      return groups.stream().anyMatch(g -> g.distinguishedName().isEmpty());
    }
  }

  /**
   * A custom OPATH filter, used as given.
   *
   * @param opath the filter
   */
  record Custom(String opath) implements RecipientFilter {
    @Override
    public String toOpath(Function<String, String> dnOf) {
      return opath;
    }

    @Override
    public boolean needsResolution() {
      return false;
    }
  }

  /**
   * A group a filter refers to.
   *
   * @param identity the group's name
   * @param kind its kind
   * @param distinguishedName its DN when already known at plan time
   */
  record GroupReference(String identity, GroupKind kind, Optional<String> distinguishedName) {}

  /** Quotes an OPATH value: single quotes around it, each U+0027 inside doubled. */
  static String opathLiteral(String value) {
    return "'" + value.replace("'", "''") + "'";
  }

  /**
   * Compares two OPATH filters as Exchange may store them normalised: case of operators and property names,
   * whitespace, redundant parentheses and the grouping of {@code -and}/{@code -or} chains are ignored; the structure
   * and the values are compared exactly.
   */
  static boolean equivalent(String a, String b) {
    return OpathCanonical.of(a).equals(OpathCanonical.of(b));
  }
}
