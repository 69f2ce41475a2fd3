package dev.impersonation.spi;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Canonical text of an OPATH filter, for comparing a stored filter with the desired one: operators and property names
 * lower-cased, whitespace normalised, parentheses reduced to what the structure needs ({@code -and}/{@code -or} chains
 * flattened), values compared exactly (quoted with single quotes, inner quotes doubled). Unparseable text falls back
 * to whitespace-normalised text, so it only ever compares equal to the same text.
 */
final class OpathCanonical {
  private final String text;
  private int pos;

  private OpathCanonical(String text) {
    this.text = text;
  }

  static String of(String filter) {
    OpathCanonical p = new OpathCanonical(filter);
    try {
      Node n = p.or();
      p.space();
      if (p.pos != filter.length()) {
        return "raw:" + filter.trim().replaceAll("\\s+", " ");
      }
      return n.render(null);
    } catch (IllegalArgumentException e) {
      return "raw:" + filter.trim().replaceAll("\\s+", " ");
    }
  }

  private interface Node {
    String render(String parentOp);
  }

  private record Chain(String op, List<Node> parts) implements Node {
    @Override
    public String render(String parentOp) {
      List<String> texts = new ArrayList<>();
      parts.forEach(p -> texts.add(p.render(op)));
      String joined = String.join(" -" + op + " ", texts);
      return parentOp == null ? joined : "(" + joined + ")";
    }
  }

  private record Not(Node inner) implements Node {
    @Override
    public String render(String parentOp) {
      return "-not " + inner.render("not");
    }
  }

  private record Comparison(String property, String op, String value) implements Node {
    @Override
    public String render(String parentOp) {
      return property + " -" + op + " '" + value.replace("'", "''") + "'";
    }
  }

  private Node or() {
    return chain("or");
  }

  private Node chain(String op) {
    List<Node> parts = new ArrayList<>();
    add(parts, op.equals("or") ? chain("and") : unary(), op);
    while (keyword("-" + op)) {
      add(parts, op.equals("or") ? chain("and") : unary(), op);
    }
    return parts.size() == 1 ? parts.get(0) : new Chain(op, parts);
  }

  private static void add(List<Node> parts, Node n, String op) {
    if (n instanceof Chain c && c.op().equals(op)) {
      parts.addAll(c.parts());
    } else {
      parts.add(n);
    }
  }

  private Node unary() {
    if (keyword("-not")) {
      return new Not(unary());
    }
    space();
    if (pos < text.length() && text.charAt(pos) == '(') {
      pos++;
      Node inner = or();
      space();
      if (pos >= text.length() || text.charAt(pos) != ')') {
        throw new IllegalArgumentException("missing )");
      }
      pos++;
      return inner;
    }
    space();
    int start = pos;
    while (pos < text.length() && (Character.isLetterOrDigit(text.charAt(pos)) || text.charAt(pos) == '.')) {
      pos++;
    }
    if (start == pos) {
      throw new IllegalArgumentException("property expected");
    }
    String property = text.substring(start, pos).toLowerCase(Locale.ROOT);
    space();
    if (pos >= text.length() || text.charAt(pos) != '-') {
      throw new IllegalArgumentException("operator expected");
    }
    int opStart = ++pos;
    while (pos < text.length() && Character.isLetter(text.charAt(pos))) {
      pos++;
    }
    String op = text.substring(opStart, pos).toLowerCase(Locale.ROOT);
    space();
    if (pos >= text.length() || (text.charAt(pos) != '\'' && text.charAt(pos) != '"')) {
      throw new IllegalArgumentException("quoted value expected");
    }
    char quote = text.charAt(pos++);
    StringBuilder value = new StringBuilder();
    while (true) {
      if (pos >= text.length()) {
        throw new IllegalArgumentException("unterminated value");
      }
      char c = text.charAt(pos++);
      if (c == quote) {
        if (pos < text.length() && text.charAt(pos) == quote) {
          value.append(c);
          pos++;
        } else {
          break;
        }
      } else {
        value.append(c);
      }
    }
    return new Comparison(property, op, value.toString());
  }

  private boolean keyword(String k) {
    space();
    if (text.regionMatches(true, pos, k, 0, k.length())) {
      int end = pos + k.length();
      if (end == text.length() || !Character.isLetterOrDigit(text.charAt(end))) {
        pos = end;
        return true;
      }
    }
    return false;
  }

  private void space() {
    while (pos < text.length() && Character.isWhitespace(text.charAt(pos))) {
      pos++;
    }
  }
}
