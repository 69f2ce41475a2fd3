package dev.impersonation.graph.internal;

import java.util.regex.Pattern;

/** OData literals for Graph {@code $filter} expressions. */
public final class ODataFilter {
  private static final Pattern GUID =
      Pattern.compile("(?i)^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$");

  private ODataFilter() {}

  /** A string literal: single-quoted, each {@code '} doubled (OData ABNF {@code SQUOTE-in-string}). */
  public static String literal(String value) {
    return "'" + value.replace("'", "''") + "'";
  }

  /** {@code property eq 'value'}. */
  public static String eq(String property, String value) {
    return property + " eq " + literal(value);
  }

  /** {@code property in ('a', 'b')}: Graph takes at most {@link #MAX_IN_VALUES} values by default. */
  public static String in(String property, java.util.List<String> values) {
    if (values.isEmpty() || values.size() > MAX_IN_VALUES) {
      throw new IllegalArgumentException("an 'in' takes 1 to " + MAX_IN_VALUES + " values, not " + values.size());
    }
    return property + " in (" + String.join(", ", values.stream().map(ODataFilter::literal).toList()) + ")";
  }

  /** The documented default bound of an {@code in} expression ("requests are limited to 15 expressions in the filter clause"). */
  public static final int MAX_IN_VALUES = 15;

  /** Whether {@code s} is a GUID (an Entra object id). */
  public static boolean isGuid(String s) {
    return s != null && GUID.matcher(s.strip()).matches();
  }
}
