package dev.impersonation.exchange.internal;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.json.JsonWriteFeature;
import com.fasterxml.jackson.core.util.JsonRecyclerPools;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.impersonation.powershell.Cmdlet;
import dev.impersonation.powershell.ParameterValue;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The wire format between the transport and {@code bootstrap.ps1}: one JSON object per line, ASCII only (non-ASCII is
 * escaped as {@code \\uXXXX}, so the console encodings of either side do not matter).
 *
 * <ul>
 *   <li>handshake, process to Java: {@code {"ready":true,"version":1}}</li>
 *   <li>connect: {@code {"id":N,"op":"connect","connect":{"kind":"ExchangeOnline",...},"secrets":{...}}}</li>
 *   <li>invoke: {@code {"id":N,"op":"invoke","cmdlet":"Get-Recipient","parameters":{...},"secrets":{...}}}</li>
 *   <li>exit: {@code {"op":"exit"}}</li>
 *   <li>response: {@code {"id":N,"ok":true,"rows":[...]}} or
 *       {@code {"id":N,"ok":false,"error":{"type":"..","reason":"..","errorId":"..","message":".."}}}</li>
 * </ul>
 */
public final class PowerShellFrames {
  /** The protocol version the handshake must announce. */
  public static final int VERSION = 1;
  /** The {@code @odata.type} that marks a hashtable parameter (the same marker the REST endpoint uses). */
  public static final String HASHTABLE_TYPE = "#Exchange.GenericHashTable";

  private static final JsonFactory FACTORY = JsonFactory.builder().enable(JsonWriteFeature.ESCAPE_NON_ASCII)
      .recyclerPool(JsonRecyclerPools.nonRecyclingPool()).build();
  private static final ObjectMapper MAPPER = JsonMapper.builder().build();

  private PowerShellFrames() {}

  /** Encodes an invoke frame into {@code out}. Secret characters are written straight from the arrays. */
  public static void writeInvoke(WipeableBuffer out, long id, Cmdlet cmdlet, Map<String, char[]> secrets) {
    Set<String> names = new HashSet<>();
    for (Cmdlet.Parameter p : cmdlet.parameters()) {
      checkUnique(names, p.name(), cmdlet);
    }
    for (String name : secrets.keySet()) {
      if (!name.matches("[A-Za-z][A-Za-z0-9]*")) {
        throw new IllegalArgumentException("not a parameter name: " + name);
      }
      checkUnique(names, name, cmdlet);
    }
    try (JsonGenerator g = FACTORY.createGenerator(out, JsonEncoding.UTF8)) {
      g.writeStartObject();
      g.writeNumberField("id", id);
      g.writeStringField("op", "invoke");
      g.writeStringField("cmdlet", cmdlet.name());
      g.writeObjectFieldStart("parameters");
      for (Cmdlet.Parameter p : cmdlet.parameters()) {
        g.writeFieldName(p.name());
        writeValue(g, cmdlet.name(), p.name(), p.value());
      }
      g.writeEndObject();
      writeSecrets(g, secrets);
      g.writeEndObject();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Encodes a connect frame into {@code out}. */
  public static void writeConnect(WipeableBuffer out, long id, String kind, Map<String, String> settings,
      Map<String, char[]> secrets) {
    try (JsonGenerator g = FACTORY.createGenerator(out, JsonEncoding.UTF8)) {
      g.writeStartObject();
      g.writeNumberField("id", id);
      g.writeStringField("op", "connect");
      g.writeObjectFieldStart("connect");
      g.writeStringField("kind", kind);
      for (Map.Entry<String, String> e : settings.entrySet()) {
        g.writeStringField(e.getKey(), e.getValue());
      }
      g.writeEndObject();
      writeSecrets(g, secrets);
      g.writeEndObject();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Encodes the exit frame into {@code out}. */
  public static void writeExit(WipeableBuffer out) {
    try (JsonGenerator g = FACTORY.createGenerator(out, JsonEncoding.UTF8)) {
      g.writeStartObject();
      g.writeStringField("op", "exit");
      g.writeEndObject();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static void writeSecrets(JsonGenerator g, Map<String, char[]> secrets) throws IOException {
    g.writeObjectFieldStart("secrets");
    for (Map.Entry<String, char[]> e : secrets.entrySet()) {
      g.writeFieldName(e.getKey());
      g.writeString(e.getValue(), 0, e.getValue().length);
    }
    g.writeEndObject();
  }

  private static void checkUnique(Set<String> names, String name, Cmdlet cmdlet) {
    if (!names.add(name.toLowerCase(Locale.ROOT))) {
      throw new IllegalArgumentException(cmdlet.name() + ": parameter -" + name + " is given twice");
    }
  }

  private static void writeValue(JsonGenerator g, String cmdlet, String name, ParameterValue value) throws IOException {
    if (value instanceof ParameterValue.Text t) {
      g.writeString(t.value());
    } else if (value instanceof ParameterValue.Bool b) {
      g.writeBoolean(b.value());
    } else if (value instanceof ParameterValue.Switch) {
      g.writeBoolean(true);
    } else if (value instanceof ParameterValue.TextList l) {
      g.writeStartArray();
      for (String s : l.values()) {
        g.writeString(s);
      }
      g.writeEndArray();
    } else if (value instanceof ParameterValue.Table t) {
      g.writeStartObject();
      g.writeStringField("@odata.type", HASHTABLE_TYPE);
      for (Map.Entry<String, List<String>> e : t.entries().entrySet()) {
        g.writeArrayFieldStart(e.getKey());
        for (String s : e.getValue()) {
          g.writeString(s);
        }
        g.writeEndArray();
      }
      g.writeEndObject();
    } else if (value instanceof ParameterValue.Filter f) {
      g.writeString(f.filter().toOpath(group -> {
        throw new IllegalArgumentException(cmdlet + " -" + name + ": the DN of " + group
            + " must be resolved before the cmdlet is sent");
      }));
    } else {
      throw new IllegalArgumentException(cmdlet + " -" + name + ": a " + value.getClass().getSimpleName()
          + " belongs in a rendered script; a transport sends values (pass secrets as secret parameters)");
    }
  }

  /** A parsed line: a JSON object, or {@code null} when the line is not one (noise). */
  public static JsonNode parse(String line) {
    String t = line.strip();
    if (!t.startsWith("{") || !t.endsWith("}")) {
      return null;
    }
    try {
      JsonNode n = MAPPER.readTree(t);
      return n != null && n.isObject() ? n : null;
    } catch (IOException e) {
      return null;
    }
  }

  /** The rows of an ok response: objects become maps; a bare value becomes {@code {"Value": v}}. */
  public static List<Map<String, Object>> rows(JsonNode response) {
    JsonNode rows = response.get("rows");
    List<Map<String, Object>> out = new ArrayList<>();
    if (rows == null || rows.isNull()) {
      return out;
    }
    Iterable<JsonNode> items = rows.isArray() ? rows : List.of(rows);
    for (JsonNode row : items) {
      if (row.isObject()) {
        @SuppressWarnings("unchecked")
        Map<String, Object> map = MAPPER.convertValue(row, LinkedHashMap.class);
        out.add(map);
      } else {
        Map<String, Object> map = new LinkedHashMap<>();
        map.put("Value", MAPPER.convertValue(row, Object.class));
        out.add(map);
      }
    }
    return out;
  }

  /** A text field of a frame, or "" when absent. */
  public static String text(JsonNode node, String field) {
    JsonNode v = node == null ? null : node.get(field);
    return v == null || v.isNull() ? "" : v.isValueNode() ? v.asText() : v.toString();
  }
}
