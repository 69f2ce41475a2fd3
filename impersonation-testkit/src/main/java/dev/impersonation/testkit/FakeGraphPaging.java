package dev.impersonation.testkit;

import static dev.impersonation.testkit.FakeGraphApi.DEFAULT_TOP;
import static dev.impersonation.testkit.FakeGraphApi.MAX_TOP;
import static dev.impersonation.testkit.FakeGraphCall.JSON;
import static dev.impersonation.testkit.FakeGraphError.badRequest;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Query handling (docs/graph.md): {@code $filter=<property> eq '...'}, the one filter form the fake evaluates;
 * {@code $select}; paging with {@code $top} and absolute, distinct {@code @odata.nextLink}s.
 */
final class FakeGraphPaging {
  static final Pattern EQ_FILTER = Pattern.compile("^\\s*(\\w+)\\s+eq\\s+'((?:[^']|'')*)'\\s*$", Pattern.CASE_INSENSITIVE);

  private FakeGraphPaging() {}

  /** The value of a {@code $filter=<property> eq '...'}; any other filter is refused as the fake cannot evaluate it. */
  static Optional<String> eqFilter(FakeGraphCall c, String property) {
    String filter = c.query().get("$filter");
    if (filter == null) {
      return Optional.empty();
    }
    Matcher f = EQ_FILTER.matcher(filter);
    if (!f.matches() || !f.group(1).equalsIgnoreCase(property)) {
      throw badRequest("Unsupported query: the fake serves $filter=" + property + " eq '...' only here.");
    }
    return Optional.of(f.group(2).replace("''", "'"));
  }

  /** {@code $select}: keeps the listed properties (and {@code @odata.*} annotations). */
  static JsonNode select(JsonNode body, Map<String, String> query) {
    String sel = query.get("$select");
    if (sel == null || sel.isBlank() || !body.isObject()) {
      return body;
    }
    Set<String> keep = new TreeSet<>(String.CASE_INSENSITIVE_ORDER);
    for (String p : sel.split(",")) {
      keep.add(p.trim());
    }
    ObjectNode out = JSON.createObjectNode();
    body.fields().forEachRemaining(e -> {
      if (e.getKey().startsWith("@odata.") || keep.contains(e.getKey())) {
        out.set(e.getKey(), e.getValue());
      }
    });
    return out;
  }

  static ObjectNode page(FakeGraphCall c, List<JsonNode> rows, String context) {
    int top = DEFAULT_TOP;
    String t = c.query().get("$top");
    if (t != null) {
      try {
        top = Integer.parseInt(t.trim());
      } catch (NumberFormatException e) {
        top = -1;
      }
      if (top < 1 || top > MAX_TOP) {
        throw badRequest("Invalid page size specified: '" + t + "'. Must be between 1 and " + MAX_TOP + " inclusive.");
      }
    }
    int offset = 0;
    String token = c.query().get("$skiptoken");
    if (token != null) {
      offset = decodeSkip(token);
      if (offset < 0 || offset > rows.size()) {
        throw badRequest("Invalid $skiptoken.");
      }
    }
    ObjectNode out = JSON.createObjectNode();
    out.put("@odata.context", context);
    int end = Math.min(rows.size(), offset + top);
    if (end < rows.size()) {
      StringBuilder link = new StringBuilder(c.base());
      for (String p : c.seg()) {
        link.append('/').append(encodePath(p));
      }
      link.append("?$top=").append(top);
      String select = c.query().get("$select");
      if (select != null) {
        link.append("&$select=").append(java.net.URLEncoder.encode(select, StandardCharsets.UTF_8));
      }
      String filter = c.query().get("$filter");
      if (filter != null) {
        link.append("&$filter=").append(java.net.URLEncoder.encode(filter, StandardCharsets.UTF_8).replace("+", "%20"));
      }
      link.append("&$skiptoken=").append(encodeSkip(end));
      out.put("@odata.nextLink", link.toString());
    }
    ArrayNode value = out.putArray("value");
    rows.subList(offset, end).forEach(row -> value.add(select(row, c.query())));
    return out;
  }

  private static String encodePath(String segment) {
    return java.net.URLEncoder.encode(segment, StandardCharsets.UTF_8).replace("+", "%20").replace("%24", "$").replace("%40", "@");
  }

  private static String encodeSkip(int offset) {
    return "RFNwdAIAAQAAA" + Base64.getUrlEncoder().withoutPadding().encodeToString(("o:" + offset).getBytes(StandardCharsets.UTF_8));
  }

  private static int decodeSkip(String token) {
    try {
      if (!token.startsWith("RFNwdAIAAQAAA")) {
        return -1;
      }
      String text = new String(Base64.getUrlDecoder().decode(token.substring(13)), StandardCharsets.UTF_8);
      return text.startsWith("o:") ? Integer.parseInt(text.substring(2)) : -1;
    } catch (IllegalArgumentException e) {
      return -1;
    }
  }
}
