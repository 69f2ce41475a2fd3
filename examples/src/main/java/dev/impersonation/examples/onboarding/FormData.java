package dev.impersonation.examples.onboarding;

import java.net.URLDecoder;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.Charset;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The fields of a submitted form: {@code application/x-www-form-urlencoded} or {@code multipart/form-data} (a CSV file
 * upload arrives as the text of its field, decoded by {@link #fileText(byte[])}; a UTF-8 BOM is kept for the CSV reader
 * to drop). Text fields are UTF-8.
 */
final class FormData {
  private static final Pattern BOUNDARY = Pattern.compile("boundary=(\"?)([^\";]+)\\1");
  private static final Pattern NAME = Pattern.compile("(?<![A-Za-z])name=\"([^\"]*)\"");

  private FormData() {}

  /** The fields of a request body of {@code contentType}. */
  static Map<String, String> parse(String contentType, byte[] body) {
    String type = contentType == null ? "" : contentType.toLowerCase(Locale.ROOT);
    if (type.startsWith("multipart/form-data")) {
      Matcher m = BOUNDARY.matcher(contentType);
      if (!m.find()) {
        throw new IllegalArgumentException("A multipart form without a boundary.");
      }
      // ISO-8859-1 maps every byte to one char, so a file part's bytes survive the split and are decoded on their own
      return multipart(new String(body, StandardCharsets.ISO_8859_1), m.group(2));
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
        byte[] bytes = value.getBytes(StandardCharsets.ISO_8859_1);
        out.put(name.group(1), headers.contains("filename=") ? fileText(bytes) : new String(bytes, StandardCharsets.UTF_8));
      }
    }
    return out;
  }

  /**
   * An uploaded text file as admins' tools save it: UTF-8 (with or without a BOM), UTF-16 with a BOM (Excel's "Unicode
   * text"), else Windows-1252 (Excel's "CSV" on Windows), where every byte is a character, so no row is lost to an
   * accent in a display name.
   */
  static String fileText(byte[] bytes) {
    if (bytes.length >= 2 && (bytes[0] & 0xFF) == 0xFF && (bytes[1] & 0xFF) == 0xFE) {
      return new String(bytes, 2, bytes.length - 2, StandardCharsets.UTF_16LE);
    }
    if (bytes.length >= 2 && (bytes[0] & 0xFF) == 0xFE && (bytes[1] & 0xFF) == 0xFF) {
      return new String(bytes, 2, bytes.length - 2, StandardCharsets.UTF_16BE);
    }
    try {
      return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes)).toString();
    } catch (CharacterCodingException e) {
      return new String(bytes, Charset.forName("windows-1252"));
    }
  }
}
