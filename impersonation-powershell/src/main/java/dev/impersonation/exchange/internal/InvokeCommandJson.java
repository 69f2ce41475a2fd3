package dev.impersonation.exchange.internal;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.impersonation.powershell.Cmdlet;
import dev.impersonation.powershell.ParameterValue;
import java.util.List;
import java.util.Map;

/**
 * The JSON wire format of the Exchange admin {@code InvokeCommand} endpoint (docs/exchange-admin-rest.md). The parameter encoding is
 * the contract the testkit's simulator decodes:
 *
 * <ul>
 *   <li>{@code Text} → JSON string; {@code Bool} → boolean; {@code Switch} → {@code true};
 *   <li>{@code TextList} → array of strings;
 *   <li>{@code Table} → {@code {"@odata.type":"#Exchange.GenericHashTable","Add":["a","b"]}} (keys as given);
 *   <li>{@code Variable}, {@code Filter} and {@code SecretPrompt} are rejected: the backend turns filters into text
 *       before sending, and REST never carries secrets or script variables.
 * </ul>
 */
public final class InvokeCommandJson {
  /** The shared mapper (thread-safe once configured). */
  public static final ObjectMapper MAPPER = new ObjectMapper();

  /** The {@code @odata.type} of a hashtable parameter. */
  public static final String HASHTABLE_TYPE = "#Exchange.GenericHashTable";

  private InvokeCommandJson() {}

  /** The request body {@code {"CmdletInput":{"CmdletName":…,"Parameters":{…}}}} for {@code cmdlet}. */
  public static String body(Cmdlet cmdlet) {
    ObjectNode root = MAPPER.createObjectNode();
    ObjectNode input = root.putObject("CmdletInput");
    input.put("CmdletName", cmdlet.name());
    ObjectNode params = input.putObject("Parameters");
    for (Cmdlet.Parameter p : cmdlet.parameters()) {
      params.set(p.name(), encode(cmdlet.name(), p.name(), p.value()));
    }
    try {
      return MAPPER.writeValueAsString(root);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot serialize " + cmdlet.name(), e);
    }
  }

  static JsonNode encode(String cmdlet, String name, ParameterValue value) {
    if (value instanceof ParameterValue.Text t) {
      return MAPPER.getNodeFactory().textNode(t.value());
    }
    if (value instanceof ParameterValue.Bool b) {
      return MAPPER.getNodeFactory().booleanNode(b.value());
    }
    if (value instanceof ParameterValue.Switch) {
      return MAPPER.getNodeFactory().booleanNode(true);
    }
    if (value instanceof ParameterValue.TextList l) {
      return strings(l.values());
    }
    if (value instanceof ParameterValue.Table t) {
      ObjectNode table = MAPPER.createObjectNode();
      table.put("@odata.type", HASHTABLE_TYPE);
      for (Map.Entry<String, List<String>> e : t.entries().entrySet()) {
        table.set(e.getKey(), strings(e.getValue()));
      }
      return table;
    }
    String kind = value.getClass().getSimpleName();
    throw new IllegalArgumentException(cmdlet + " -" + name + ": a " + kind + " parameter cannot be sent over the Exchange "
        + "REST endpoint (filters must be resolved to text first; secrets and script variables are never sent over REST).");
  }

  private static ArrayNode strings(List<String> values) {
    ArrayNode array = MAPPER.createArrayNode();
    values.forEach(array::add);
    return array;
  }
}
