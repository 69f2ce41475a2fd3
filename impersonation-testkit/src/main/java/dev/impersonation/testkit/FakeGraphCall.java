package dev.impersonation.testkit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * One Graph request as {@link FakeGraphApi} routes it: the method, the percent-decoded path segments after
 * {@code /v1.0}, the query (lower-case names), the body, the application the caller signed in as and the base URL of
 * {@code @odata.context} and next links. With the request parsing helpers and {@link Result}, what a handler answers.
 */
record FakeGraphCall(String method, List<String> seg, Map<String, String> query, String body, String appId, String base) {
  static final ObjectMapper JSON = new ObjectMapper();

  /** What a handler answers: the status and the JSON body ({@code null} for 204). */
  record Result(int status, JsonNode body) {}

  static Result ok(JsonNode body) {
    return new Result(200, body);
  }

  String seg(int i) {
    return i < seg.size() ? seg.get(i) : "";
  }

  boolean is(int i, String name) {
    return seg(i).equalsIgnoreCase(name);
  }

  JsonNode json() {
    if (body == null || body.isBlank()) {
      return JSON.createObjectNode();
    }
    try {
      JsonNode n = JSON.readTree(body);
      if (!n.isObject()) {
        throw new FakeGraphError(400, "BadRequest", "The request body must be a JSON object.");
      }
      return n;
    } catch (java.io.IOException e) {
      throw new FakeGraphError(400, "BadRequest", "Unable to read JSON request payload. Please ensure Content-Type header is set "
          + "and payload is of valid JSON format.");
    }
  }

  /** The percent-decoded, non-empty segments of a path. */
  static List<String> segments(String rawPath) {
    List<String> seg = new ArrayList<>();
    for (String part : rawPath.split("/")) {
      if (!part.isEmpty()) {
        seg.add(decodePath(part));
      }
    }
    return seg;
  }

  static String stripBase(String pathAndQuery) {
    String raw = pathAndQuery;
    int scheme = raw.indexOf("://");
    if (scheme >= 0) {
      int slash = raw.indexOf('/', scheme + 3);
      raw = slash < 0 ? "/" : raw.substring(slash);
    }
    if (raw.regionMatches(true, 0, "/v1.0", 0, 5)) {
      raw = raw.substring(5);
    } else if (raw.regionMatches(true, 0, "v1.0/", 0, 5)) {
      raw = raw.substring(4);
    }
    return raw;
  }

  static Optional<String> header(Map<String, String> headers, String name) {
    if (headers == null) {
      return Optional.empty();
    }
    return headers.entrySet().stream().filter(e -> e.getKey().equalsIgnoreCase(name)).map(Map.Entry::getValue).findFirst();
  }

  /** Path segments: percent-decoding only ({@code %40} and {@code @} are the same; {@code +} stays {@code +}). */
  static String decodePath(String part) {
    return URLDecoder.decode(part.replace("+", "%2B"), StandardCharsets.UTF_8);
  }

  /** The query as ASP.NET reads it: {@code +} is a space; names are case-insensitive ({@code $top}, {@code $TOP}). */
  static Map<String, String> query(String raw) {
    Map<String, String> out = new LinkedHashMap<>();
    for (String pair : raw.split("&")) {
      if (pair.isEmpty()) {
        continue;
      }
      int eq = pair.indexOf('=');
      String k = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8).toLowerCase(Locale.ROOT);
      String v = eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
      out.put(k, v);
    }
    return out;
  }
}
