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

  /** Whether {@code s} is a GUID (an Entra object id). */
  public static boolean isGuid(String s) {
    return s != null && GUID.matcher(s.strip()).matches();
  }
}
