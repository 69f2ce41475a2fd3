package dev.impersonation.testkit.exchange;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.impersonation.TenantException;
import dev.impersonation.exchange.CmdletTransport;
import dev.impersonation.exchange.ExchangeErrors;
import dev.impersonation.powershell.Cmdlet;
import dev.impersonation.powershell.ParameterValue;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A tiny test-only InvokeCommand client (the real REST transport is built elsewhere): the wire contract of
 * {@link ExchangeAdminSimulator}, with errors classified by {@link ExchangeErrors} as the real transports do.
 */
final class HttpCmdletTransport implements CmdletTransport {
  static final ObjectMapper JSON = new ObjectMapper();
  private final HttpClient http = HttpClient.newHttpClient();
  private final String url;
  private final String anchor;

  HttpCmdletTransport(ExchangeAdminSimulator simulator) {
    this.url = simulator.invokeCommandUrl();
    this.anchor = "APP:SystemMailbox{bb558c35-97f1-4cb9-8ff7-d53741dc928c}@" + simulator.tenantId();
  }

  @Override
  public String name() {
    return "exchange-rest-test";
  }

  static String body(Cmdlet cmdlet) {
    ObjectNode root = JSON.createObjectNode();
    ObjectNode input = root.putObject("CmdletInput");
    input.put("CmdletName", cmdlet.name());
    ObjectNode params = input.putObject("Parameters");
    for (Cmdlet.Parameter p : cmdlet.parameters()) {
      ParameterValue v = p.value();
      if (v instanceof ParameterValue.Text t) {
        params.put(p.name(), t.value());
      } else if (v instanceof ParameterValue.Bool b) {
        params.put(p.name(), b.value());
      } else if (v instanceof ParameterValue.Switch) {
        params.put(p.name(), true);
      } else if (v instanceof ParameterValue.TextList l) {
        ArrayNode a = params.putArray(p.name());
        l.values().forEach(a::add);
      } else if (v instanceof ParameterValue.Table t) {
        ObjectNode table = params.putObject(p.name());
        table.put("@odata.type", "#Exchange.GenericHashTable");
        t.entries().forEach((k, vs) -> {
          ArrayNode a = table.putArray(k);
          vs.forEach(a::add);
        });
      } else {
        throw new IllegalArgumentException("cannot send " + v + " over REST");
      }
    }
    return root.toString();
  }

  static HttpResponse<String> post(HttpClient http, String url, String body, Map<String, String> headers) {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url)).POST(HttpRequest.BodyPublishers.ofString(body))
        .header("Content-Type", "application/json");
    headers.forEach(b::header);
    try {
      return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      throw new TenantException("I/O error: " + e.getMessage());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new TenantException("interrupted");
    }
  }

  @Override
  public List<Map<String, Object>> invoke(Cmdlet cmdlet) {
    String body = body(cmdlet);
    String next = url;
    List<Map<String, Object>> rows = new ArrayList<>();
    while (next != null) {
      HttpResponse<String> response = post(http, next, body, Map.of("Authorization", "Bearer test-token",
          "X-AnchorMailbox", anchor, "Prefer", "odata.maxpagesize=1000"));
      JsonNode json;
      try {
        json = JSON.readTree(response.body());
      } catch (IOException e) {
        throw new TenantException("not JSON: " + response.body());
      }
      if (response.statusCode() != 200) {
        String[] parts = json.path("error").path("details").path(0).path("message").asText("||").split("\\|", 3);
        String identity = cmdlet.get("Identity").filter(ParameterValue.Text.class::isInstance)
            .map(v -> ((ParameterValue.Text) v).value()).orElse(cmdlet.name());
        if (response.statusCode() == 429) {
          throw ExchangeErrors.throttled(parts[2], Duration.ofSeconds(Long.parseLong(response.headers()
              .firstValue("Retry-After").orElse("1"))));
        }
        throw ExchangeErrors.classify(parts[1], parts[2], identity);
      }
      for (JsonNode row : json.path("value")) {
        @SuppressWarnings("unchecked")
        Map<String, Object> map = JSON.convertValue(row, Map.class);
        rows.add(map);
      }
      next = json.hasNonNull("@odata.nextLink") ? json.get("@odata.nextLink").asText() : null;
    }
    return rows;
  }
}
