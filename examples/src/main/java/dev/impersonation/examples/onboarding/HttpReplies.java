package dev.impersonation.examples.onboarding;

import com.sun.net.httpserver.HttpExchange;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;

/** The app's answers: pages, redirects and bodies, never cached, never framed. */
final class HttpReplies {
  /** The largest form the app reads: a CSV of about 100,000 addresses. */
  static final int MAX_BODY = 5 * 1024 * 1024;

  private HttpReplies() {}

  static byte[] body(HttpExchange ex) throws IOException {
    try (InputStream in = ex.getRequestBody()) {
      byte[] bytes = in.readNBytes(MAX_BODY + 1);  // never more than the limit in memory
      if (bytes.length > MAX_BODY) {
        throw new IllegalArgumentException("The form is larger than 5 MB; upload a CSV of mailbox addresses only.");
      }
      return bytes;
    }
  }

  static void redirect(HttpExchange ex, String location) throws IOException {
    ex.getResponseHeaders().set("Location", location);
    send(ex, 303, "text/plain", "");
  }

  static void html(HttpExchange ex, int status, String page) throws IOException {
    send(ex, status, "text/html; charset=utf-8", page);
  }

  static void send(HttpExchange ex, int status, String type, String body) throws IOException {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    ex.getResponseHeaders().set("Content-Type", type);
    ex.getResponseHeaders().set("Cache-Control", "no-store");
    ex.getResponseHeaders().set("X-Frame-Options", "DENY");
    ex.sendResponseHeaders(status, bytes.length == 0 ? -1 : bytes.length);
    if (bytes.length > 0) {
      ex.getResponseBody().write(bytes);
    }
  }
}
