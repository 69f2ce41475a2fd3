package dev.impersonation.testkit.graph;

import static dev.impersonation.testkit.graph.GraphSimulator.decodedPath;
import static dev.impersonation.testkit.graph.GraphSimulator.optional;
import static dev.impersonation.testkit.graph.GraphSimulator.response;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.github.tomakehurst.wiremock.http.ResponseDefinition;
import dev.impersonation.testkit.FakeGraphApi;
import dev.impersonation.testkit.graph.GraphSimulator.Request;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * JSON batching for {@link GraphSimulator} (docs/graph.md): {@code POST /$batch} with at most
 * {@link GraphSimulator#MAX_BATCH} requests, each inner request through the same routes of {@link FakeGraphApi}, so
 * faults apply per inner request; a nested {@code $batch} is refused. The batch is recorded first, then each inner
 * request.
 */
final class GraphBatch {
  private static final ObjectMapper JSON = new ObjectMapper();

  private final GraphSimulator simulator;

  GraphBatch(GraphSimulator simulator) {
    this.simulator = simulator;
  }

  /** The answer to a {@code POST /$batch}, its inner requests recorded after it. */
  ResponseDefinition answer(String body, Map<String, String> headers, Optional<String> appId, String base, String route) {
    JsonNode requests = null;
    try {
      JsonNode root = body == null || body.isBlank() ? null : JSON.readTree(body);
      requests = root == null ? null : root.get("requests");
    } catch (java.io.IOException e) {
      requests = null;
    }
    FakeGraphApi.Reply refused = null;
    if (requests == null || !requests.isArray()) {
      refused = batchError(route, "Invalid batch payload format: a JSON object with a 'requests' array is required.");
    } else if (requests.size() > GraphSimulator.MAX_BATCH) {
      refused = batchError(route, "Too many requests in the batch: " + requests.size() + "; a JSON batch holds at most "
          + GraphSimulator.MAX_BATCH + " requests.");
    } else if (requests.size() == 0) {
      refused = batchError(route, "Invalid batch payload format: the 'requests' array is empty.");
    }
    if (refused != null) {
      simulator.record(new Request("POST", route, "/$batch", appId, Optional.empty(), refused.status(), optional(refused.errorCode())), false);
      return response(refused.status(), refused.headers(), refused.body());
    }
    simulator.record(new Request("POST", route, "/$batch", appId, Optional.empty(), 200, Optional.empty()), false);
    ObjectNode out = JSON.createObjectNode();
    ArrayNode responses = out.putArray("responses");
    for (JsonNode r : requests) {
      String id = r.path("id").asText("");
      String method = r.path("method").asText("GET");
      String url = r.path("url").asText("");
      if (!url.startsWith("/") && !url.contains("://")) {
        url = "/" + url;
      }
      Map<String, String> innerHeaders = new LinkedHashMap<>();
      r.path("headers").fields().forEachRemaining(e -> innerHeaders.put(e.getKey(), e.getValue().asText()));
      if (!innerHeaders.keySet().stream().anyMatch(k -> k.equalsIgnoreCase("client-request-id"))) {
        headers.entrySet().stream().filter(e -> e.getKey().equalsIgnoreCase("client-request-id")).findFirst()
            .ifPresent(e -> innerHeaders.put(e.getKey(), e.getValue()));
      }
      JsonNode innerBody = r.get("body");
      String text = innerBody == null || innerBody.isNull() ? null : innerBody.isTextual() ? innerBody.asText() : innerBody.toString();
      FakeGraphApi.Reply reply;
      String innerRoute = FakeGraphApi.route(method, url);
      if (innerRoute.equalsIgnoreCase("POST /$batch")) {
        reply = batchError(innerRoute, "A $batch request cannot contain another $batch request.");
      } else {
        reply = simulator.tenant().graphApi().handle(method, url, innerHeaders, text, appId.orElse(null), base);
      }
      simulator.record(new Request(method.toUpperCase(Locale.ROOT), reply.route(), decodedPath(url), appId, Optional.of(id), reply.status(),
          optional(reply.errorCode())), true);
      ObjectNode one = responses.addObject();
      one.put("id", id);
      one.put("status", reply.status());
      ObjectNode h = one.putObject("headers");
      reply.headers().forEach(h::put);
      if (reply.body() != null) {
        one.set("body", reply.body());
      }
    }
    return response(200, Map.of("Content-Type", "application/json;odata.metadata=minimal;odata.streaming=true;charset=utf-8"), out);
  }

  private FakeGraphApi.Reply batchError(String route, String message) {
    ObjectNode body = JSON.createObjectNode();
    ObjectNode error = body.putObject("error");
    error.put("code", "BadRequest");
    error.put("message", message);
    ObjectNode inner = error.putObject("innerError");
    inner.put("date", simulator.tenant().clock().instant().toString());
    inner.put("request-id", "00000000-0000-0000-0000-000000000000");
    inner.put("client-request-id", "00000000-0000-0000-0000-000000000000");
    return new FakeGraphApi.Reply(400, Map.of("Content-Type", "application/json"), body, route);
  }
}
