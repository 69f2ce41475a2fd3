package dev.impersonation.examples.onboarding;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The fields of a submitted form: {@code application/x-www-form-urlencoded} or {@code multipart/form-data} (a CSV file
 * upload arrives as the text of its field). Values are strings; a file's bytes are read as UTF-8 (a BOM is kept for the
 * CSV reader to drop).
 */
final class FormData {
  private static final Pattern BOUNDARY = Pattern.compile("boundary=(\"?)([^\";]+)\\1");
  private static final Pattern NAME = Pattern.compile("(?<![A-Za-z])name=\"([^\"]*)\"");
  private static final int MAX_BYTES = 5 * 1024 * 1024;

  private FormData() {}

  /** The fields of a request body of {@code contentType}. */
  static Map<String, String> parse(String contentType, byte[] body) {
    if (body.length > MAX_BYTES) {
      throw new IllegalArgumentException("The form is larger than 5 MB; upload a CSV of addresses only.");
    }
    String type = contentType == null ? "" : contentType.toLowerCase(Locale.ROOT);
    if (type.startsWith("multipart/form-data")) {
      Matcher m = BOUNDARY.matcher(contentType);
      if (!m.find()) {
        throw new IllegalArgumentException("A multipart form without a boundary.");
      }
      return multipart(new String(body, StandardCharsets.UTF_8), m.group(2));
    }
    return urlEncoded(new String(body, StandardCharsets.UTF_8));
  }

  /** The pairs of a query string or URL-encoded body. */
  static Map<String, String> urlEncoded(String raw) {
    Map<String, String> out = new LinkedHashMap<>();
    if (raw == null || raw.isEmpty()) {
      return out;
    }
    for (String pair : raw.split("&")) {
      int eq = pair.indexOf('=');
      String k = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
      out.put(k, eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
    }
    return out;
  }

  private static Map<String, String> multipart(String body, String boundary) {
    Map<String, String> out = new LinkedHashMap<>();
    String delimiter = "--" + boundary;
    for (String part : body.split(Pattern.quote(delimiter))) {
      if (part.startsWith("--") || part.isBlank()) {
        continue;
      }
      String p = part.startsWith("\r\n") ? part.substring(2) : part;
      int end = p.indexOf("\r\n\r\n");
      if (end < 0) {
        continue;
      }
      String headers = p.substring(0, end);
      String value = p.substring(end + 4);
      if (value.endsWith("\r\n")) {
        value = value.substring(0, value.length() - 2);
      }
      Matcher name = NAME.matcher(headers);
      if (name.find()) {
        out.put(name.group(1), value);
      }
    }
    return out;
  }
}
