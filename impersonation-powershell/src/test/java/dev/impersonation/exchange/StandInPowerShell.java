package dev.impersonation.exchange;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.Map;

/**
 * A stand-in for {@code pwsh} running {@code bootstrap.ps1}: it speaks the same framing and answers canned rows. It is
 * started by the tests with the current JVM. Behaviour comes from a mode argument and from the cmdlets requested; it
 * never receives secrets on its command line and never writes them (it reports SHA-256 hashes instead).
 *
 * <p>Arguments: {@code --mode=normal|garbage-before-handshake|garbage-forever|no-handshake|bad-version|ignore-exit},
 * {@code --crash-on=K} (exit before answering the K-th invoke), {@code --log=<file>} (appends start, connect, invoke
 * and exit events, for counting across restarts). The transport's own pwsh arguments ({@code -File ...}) are ignored.
 *
 * <p>Cmdlets: {@code Get-Thing} (one canned row), {@code Test-Echo} (what arrived), {@code Get-ConnectCount},
 * {@code Test-Hang}, {@code Test-Crash}, {@code Test-Garbage -Lines n}, {@code Test-Slow},
 * {@code Test-Error -Type t -Message m}, {@code Enable-OrganizationCustomization}; anything else is "not recognized".
 */
public final class StandInPowerShell {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final PrintStream OUT = new PrintStream(new java.io.FileOutputStream(java.io.FileDescriptor.out), false,
      StandardCharsets.UTF_8);

  private static String[] args;
  private static Path log;
  private static int connects;
  private static ObjectNode connectSeen = JSON.createObjectNode();

  private StandInPowerShell() {}

  public static void main(String[] argv) throws Exception {
    args = argv;
    String mode = "normal";
    int crashOn = -1;
    for (String a : argv) {
      if (a.startsWith("--mode=")) {
        mode = a.substring(7);
      } else if (a.startsWith("--crash-on=")) {
        crashOn = Integer.parseInt(a.substring(11));
      } else if (a.startsWith("--log=")) {
        log = Path.of(a.substring(6));
      }
    }
    log("start " + ProcessHandle.current().pid());
    System.err.println("stand-in: starting in mode " + mode);
    switch (mode) {
      case "garbage-before-handshake" -> {
        OUT.println("Welcome to the stand-in shell!");
        OUT.println("{not json at all");
        OUT.println("{\"id\":99,\"ok\":true,\"rows\":[]}");
        OUT.println("WARNING: something noisy");
      }
      case "garbage-forever" -> {
        for (int i = 0; ; i++) {
          OUT.println("banner line " + i);
          OUT.flush();
          if (i > 100_000) {
            Thread.sleep(60_000);
          }
        }
      }
      case "no-handshake" -> {
        Thread.sleep(600_000);
        return;
      }
      default -> { }
    }
    if (mode.equals("bad-version")) {
      send("{\"ready\":true,\"version\":99}");
    } else {
      send("{\"ready\":true,\"version\":1}");
    }
    BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
    int invokes = 0;
    String line;
    while ((line = in.readLine()) != null) {
      JsonNode req = JSON.readTree(line);
      String op = req.path("op").asText("invoke");
      long id = req.path("id").asLong();
      if (op.equals("exit")) {
        log("exit");
        if (mode.equals("ignore-exit")) {
          Thread.sleep(600_000);
        }
        OUT.flush();
        System.exit(0);
      }
      if (op.equals("connect")) {
        connects++;
        log("connect " + req.path("connect").path("kind").asText());
        if ("fail".equals(req.path("connect").path("Script").asText())) {
          sendError(id, "RuntimeException", "Connect-ExchangeOnline failed: the app is not allowed to sign in");
          continue;
        }
        connectSeen = JSON.createObjectNode();
        connectSeen.set("connect", req.path("connect"));
        connectSeen.set("secretSha256", hashes(req.path("secrets")));
        connectSeen.put("secretInArgs", secretIn(req.path("secrets"), String.join(" ", argv)));
        connectSeen.put("secretInEnv", secretIn(req.path("secrets"), String.join(" ", System.getenv().values())));
        send(ok(id, JSON.createArrayNode()));
        continue;
      }
      invokes++;
      String cmdlet = req.path("cmdlet").asText();
      log("invoke " + cmdlet);
      if (invokes == crashOn) {
        System.exit(3);
      }
      JsonNode params = req.path("parameters");
      ArrayNode rows = JSON.createArrayNode();
      switch (cmdlet) {
        case "Get-Thing" -> {
          ObjectNode row = rows.addObject();
          row.put("Name", "thing");
          row.put("Count", 2);
          row.put("Enabled", true);
          row.putArray("Tags").add("a").add("b");
          row.put("WhenCreatedUTC", "2024-01-02T03:04:05.0000000Z");
          row.putNull("Notes");
          row.put("Unicode", "O'Brien\u2019s \u201cTeam\u201d \u00e9");
          send(ok(id, rows));
        }
        case "Test-Echo" -> {
          ObjectNode row = rows.addObject();
          row.set("Parameters", params);
          ArrayNode names = row.putArray("SecretNames");
          req.path("secrets").fieldNames().forEachRemaining(names::add);
          row.set("SecretSha256", hashes(req.path("secrets")));
          row.put("SecretInArgs", secretIn(req.path("secrets"), String.join(" ", argv)));
          row.put("SecretInEnv", secretIn(req.path("secrets"), String.join(" ", System.getenv().values())));
          row.put("Pid", ProcessHandle.current().pid());
          row.put("Connects", connects);
          row.set("Connect", connectSeen);
          send(ok(id, rows));
        }
        case "Get-ConnectCount" -> {
          rows.addObject().put("Connects", connects).put("Pid", ProcessHandle.current().pid());
          send(ok(id, rows));
        }
        case "Test-Hang" -> Thread.sleep(600_000);
        case "Test-Crash" -> {
          OUT.print("{\"id\":" + id + ",\"ok\":tr");
          OUT.flush();
          System.exit(5);
        }
        case "Test-Garbage" -> {
          int n = Integer.parseInt(params.path("Lines").asText("3"));
          for (int i = 0; i < n; i++) {
            switch (i % 4) {
              case 0 -> OUT.println("WARNING: garbage line " + i);
              case 1 -> OUT.println("{\"id\":" + (id + 1000) + ",\"ok\":true,\"rows\":[{\"Wrong\":true}]}");
              case 2 -> OUT.println("{\"id\":" + id + ",\"ok\":tru");
              default -> OUT.println("");
            }
          }
          OUT.flush();
          rows.addObject().put("Survived", true);
          send(ok(id, rows));
        }
        case "Test-Slow" -> {
          rows.addObject().put("Slow", "x".repeat(5000));
          byte[] frame = (ok(id, rows) + "\n").getBytes(StandardCharsets.UTF_8);
          int chunk = frame.length / 5 + 1;
          for (int off = 0; off < frame.length; off += chunk) {
            OUT.write(frame, off, Math.min(chunk, frame.length - off));
            OUT.flush();
            Thread.sleep(60);
          }
        }
        case "Test-Error" -> sendError(id, params.path("Type").asText(), params.path("Message").asText());
        case "Enable-OrganizationCustomization" -> {
          if (params.has("Fail")) {
            sendError(id, "InvalidOperationException",
                "This operation is not required. Organization is already enabled for customization.");
          } else {
            send(ok(id, rows));
          }
        }
        default -> sendError(id, "CommandNotFoundException", "The term '" + cmdlet + "' is not recognized as a name "
            + "of a cmdlet, function, script file, or executable program.");
      }
    }
    log("eof");
  }

  private static String ok(long id, ArrayNode rows) {
    ObjectNode r = JSON.createObjectNode();
    r.put("id", id);
    r.put("ok", true);
    r.set("rows", rows);
    return r.toString();
  }

  private static void sendError(long id, String type, String message) {
    ObjectNode r = JSON.createObjectNode();
    r.put("id", id);
    r.put("ok", false);
    r.putObject("error").put("type", type).put("reason", type).put("errorId", "").put("message", message);
    send(r.toString());
  }

  private static void send(String line) {
    OUT.print(line + "\n");
    OUT.flush();
  }

  private static ObjectNode hashes(JsonNode secrets) throws Exception {
    ObjectNode out = JSON.createObjectNode();
    for (Iterator<Map.Entry<String, JsonNode>> it = secrets.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      out.put(e.getKey(), sha256(e.getValue().asText()));
    }
    return out;
  }

  static String sha256(String s) throws Exception {
    return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8)));
  }

  private static boolean secretIn(JsonNode secrets, String haystack) {
    for (Iterator<JsonNode> it = secrets.elements(); it.hasNext(); ) {
      String s = it.next().asText();
      if (!s.isEmpty() && haystack.contains(s)) {
        return true;
      }
    }
    return false;
  }

  private static void log(String event) {
    if (log == null) {
      return;
    }
    try {
      Files.writeString(log, event + "\n", StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  static String[] args() {
    return Arrays.copyOf(args, args.length);
  }
}
