package dev.impersonation.examples;

import com.fasterxml.jackson.databind.JsonNode;
import dev.impersonation.ObjectAlreadyExistsException;
import dev.impersonation.ThrottledException;
import dev.impersonation.exchange.ExchangeRestTransport;
import dev.impersonation.plan.Plan;
import dev.impersonation.powershell.Cmdlet;
import dev.impersonation.testkit.graph.GraphSimulator;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * What the seeds do, for {@link ScaleBenchmark} to compare with: create the group (or use the unit), add each member with
 * its own cmdlet or request, one at a time, point Exchange at the app and assign the role.
 */
final class SeedsLoop {
  private SeedsLoop() {}

  /**
   * The seeds' loop: the group or unit, then one cmdlet or request per member, one at a time, then the role. It sends one
   * request at a time, so each is accounted one round trip without really waiting (BenchmarkClock#accountedRoundTrips).
   */
  static ScaleBenchmark.Row firstSetup(ScaleBenchmark.Kind kind, int n) {
    try (ScaleBenchmark.World world = new ScaleBenchmark.World(ScaleBenchmark.tenant(kind, n), Duration.ZERO, true)) {
      ExchangeRestTransport exchange = world.transport();
      return ScaleBenchmark.measure(kind, "seeds' loop: first setup", n, world, () -> {
        switch (kind) {
          case DISTRIBUTION_GROUP -> send(world, exchange, Cmdlet.of("New-DistributionGroup").text("Name", ScaleBenchmark.GROUP));
          case MICROSOFT_365_GROUP -> send(world, exchange, Cmdlet.of("New-UnifiedGroup").text("DisplayName", ScaleBenchmark.GROUP));
          default -> { }
        }
        if (kind == ScaleBenchmark.Kind.ADMINISTRATIVE_UNIT) {
          GraphLoop graph = new GraphLoop(world);
          Map<String, String> ids = graph.userIds();
          for (String m : ScaleBenchmark.members(n)) {
            graph.addUnitMember(ScaleBenchmark.AU, ids.get(m));
          }
        } else {
          for (String m : ScaleBenchmark.members(n)) {
            send(world, exchange, kind == ScaleBenchmark.Kind.MICROSOFT_365_GROUP
                ? Cmdlet.of("Add-UnifiedGroupLinks").text("Identity", ScaleBenchmark.GROUP).text("LinkType", "Members").text("Links", m)
                : Cmdlet.of("Add-DistributionGroupMember").text("Identity", ScaleBenchmark.GROUP).text("Member", m));
          }
        }
        send(world, exchange, Cmdlet.of("New-ServicePrincipal").text("AppId", ScaleBenchmark.APP).text("ObjectId", ScaleBenchmark.SP));
        Cmdlet assign = Cmdlet.of("New-ManagementRoleAssignment").text("Role", ScaleBenchmark.ROLE).text("App", ScaleBenchmark.SP);
        send(world, exchange, kind == ScaleBenchmark.Kind.ADMINISTRATIVE_UNIT ? assign.text("RecipientAdministrativeUnitScope", ScaleBenchmark.AU)
            : assign.text("RecipientGroupScope", ScaleBenchmark.GROUP));
      });
    }
  }

  /** One cmdlet, waiting out throttling on the benchmark clock as any client must. */
  private static void send(ScaleBenchmark.World world, ExchangeRestTransport exchange, Cmdlet cmdlet) {
    while (true) {
      try {
        exchange.invoke(cmdlet);
        return;
      } catch (ObjectAlreadyExistsException e) {
        return;
      } catch (ThrottledException e) {
        world.clock.sleep(e.retryAfter().orElse(Duration.ofSeconds(1)));
      }
    }
  }

  /** The seeds' Graph calls, one request per member. */
  private static final class GraphLoop {
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    private final ScaleBenchmark.World world;

    GraphLoop(ScaleBenchmark.World world) {
      this.world = world;
    }

    private HttpResponse<String> call(String method, String url, String body) {
      HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url)).header("Authorization", "Bearer " + GraphSimulator.SIGN_IN_TOKEN)
          .header("Content-Type", "application/json");
      b = body == null ? b.method(method, HttpRequest.BodyPublishers.noBody()) : b.method(method, HttpRequest.BodyPublishers.ofString(body));
      try {
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException(e);
      }
    }

    /** Every user's id by UPN: pages of 999. */
    Map<String, String> userIds() {
      Map<String, String> ids = new LinkedHashMap<>();
      String url = world.graph.graphUrl() + "/users?$select=id,userPrincipalName&$top=999";
      while (url != null) {
        try {
          JsonNode page = Plan.jsonMapper().readTree(call("GET", url, null).body());
          page.path("value").forEach(u -> ids.put(u.path("userPrincipalName").asText().toLowerCase(Locale.ROOT), u.path("id").asText()));
          url = page.hasNonNull("@odata.nextLink") ? page.get("@odata.nextLink").asText() : null;
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
      }
      return ids;
    }

    void addUnitMember(String unit, String userId) {
      HttpResponse<String> r = call("POST", world.graph.graphUrl() + "/directory/administrativeUnits/" + unit + "/members/$ref",
          "{\"@odata.id\":\"https://graph.microsoft.com/v1.0/directoryObjects/" + userId + "\"}");
      if (r.statusCode() >= 300 && r.statusCode() != 400) {
        throw new IllegalStateException("adding " + userId + ": " + r.statusCode() + " " + r.body());
      }
    }
  }
}
