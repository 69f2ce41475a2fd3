package dev.impersonation.testkit.signin;

import com.sun.net.httpserver.HttpExchange;
import java.io.IOException;
import java.io.InputStream;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/** The sign-in simulator's HTTP plumbing: form bodies, escaping, its one page layout, answers. */
final class SignInHttp {
  private SignInHttp() {}

  static String body(HttpExchange exchange) throws IOException {
    try (InputStream in = exchange.getRequestBody()) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }

  static Map<String, String> form(String raw) {
    Map<String, String> out = new LinkedHashMap<>();
    if (raw == null || raw.isEmpty()) {
      return out;
    }
    for (String pair : raw.split("&")) {
      int eq = pair.indexOf('=');
      String k = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
      String v = eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
      out.put(k, v);
    }
    return out;
  }

  static String enc(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8);
  }

  static String html(String s) {
    return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;").replace("'", "&#39;");
  }

  static String page(String title, String body) {
    return "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>" + html(title) + "</title>"
        + "<style>body{font-family:sans-serif;max-width:28em;margin:4em auto;padding:2em;border:1px solid #ccc}"
        + "input[type=email]{width:100%;padding:.4em}#usernameError{color:#c00;margin:.5em 0}</style></head><body><h1>"
        + html(title) + "</h1>" + body + "</body></html>";
  }

  static void send(HttpExchange exchange, int status, String type, String body) throws IOException {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    exchange.getResponseHeaders().set("Content-Type", type);
    exchange.getResponseHeaders().set("Cache-Control", "no-store");
    exchange.sendResponseHeaders(status, bytes.length == 0 ? -1 : bytes.length);
    if (bytes.length > 0) {
      exchange.getResponseBody().write(bytes);
    }
  }

  /** A 302 to {@code target} with {@code answer} added to its query. */
  static void redirect(HttpExchange exchange, String target, Map<String, String> answer) throws IOException {
    String query = answer.entrySet().stream().map(e -> enc(e.getKey()) + "=" + enc(e.getValue()))
        .collect(java.util.stream.Collectors.joining("&"));
    exchange.getResponseHeaders().add("Location", target + (target.contains("?") ? "&" : "?") + query);
    send(exchange, 302, "text/plain", "");
  }

  /** The request's fields as hidden inputs of the page's form, except the ones the page itself asks for. */
  static String hiddenFields(Map<String, String> q) {
    StringBuilder hidden = new StringBuilder();
    for (Map.Entry<String, String> e : q.entrySet()) {
      if (!e.getKey().equals("loginfmt") && !e.getKey().equals("action")) {
        hidden.append("<input type=\"hidden\" name=\"").append(html(e.getKey())).append("\" value=\"").append(html(e.getValue()))
            .append("\">");
      }
    }
    return hidden.toString();
  }

  /** Entra ID echoes the client's {@code client-request-id} in its answer (MSAL compares the two). */
  static void echoCorrelationId(HttpExchange exchange) {
    String correlation = exchange.getRequestHeaders().getFirst("client-request-id");
    if (correlation != null) {
      exchange.getResponseHeaders().set("client-request-id", correlation);
    }
  }

  /** The live service's error page for a request it cannot even show a sign-in for (HTTP 400). */
  static void errorPage(HttpExchange exchange, String text) throws IOException {
    send(exchange, 400, "text/html; charset=utf-8", page("Sorry, but we're having trouble signing you in.",
        "<p id=\"error\">" + html(text) + "</p>"));
  }
}
