package dev.impersonation.testkit.graph;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Optional;

/** A raw {@link HttpClient} for the Graph simulator tests. */
final class GraphHttp {
  static final ObjectMapper JSON = new ObjectMapper();
  private final HttpClient client = HttpClient.newHttpClient();
  private final String root;
  private final String token;

  GraphHttp(GraphSimulator sim, String token) {
    this.root = sim.graphUrl();
    this.token = token;
  }

  GraphHttp as(String otherToken) {
    return new GraphHttp(root, otherToken);
  }

  private GraphHttp(String root, String token) {
    this.root = root;
    this.token = token;
  }

  record Response(int status, JsonNode body, HttpResponse<String> raw) {
    Optional<String> header(String name) {
      return raw.headers().firstValue(name);
    }

    String code() {
      return body.path("error").path("code").asText();
    }

    String message() {
      return body.path("error").path("message").asText();
    }
  }

  Response get(String path) {
    return send("GET", path, null);
  }

  Response send(String method, String path, Object body) {
    try {
      String url = path.startsWith("http") ? path : root + path;
      HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url));
      if (token != null) {
        b.header("Authorization", "Bearer " + token);
      }
      String text = body == null ? null : body instanceof String s ? s : JSON.writeValueAsString(body);
      b.method(method, text == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(text));
      if (text != null) {
        b.header("Content-Type", "application/json");
      }
      HttpResponse<String> r = client.send(b.build(), HttpResponse.BodyHandlers.ofString());
      JsonNode json = r.body() == null || r.body().isBlank() ? JSON.createObjectNode() : JSON.readTree(r.body());
      return new Response(r.statusCode(), json, r);
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
