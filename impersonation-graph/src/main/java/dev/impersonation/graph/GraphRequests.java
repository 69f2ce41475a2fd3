package dev.impersonation.graph;

import com.fasterxml.jackson.databind.JsonNode;
import com.microsoft.graph.core.content.BatchRequestContent;
import com.microsoft.graph.core.content.BatchResponseContent;
import com.microsoft.graph.core.tasks.PageIterator;
import com.microsoft.graph.serviceclient.GraphServiceClient;
import com.microsoft.kiota.ApiException;
import com.microsoft.kiota.RequestInformation;
import com.microsoft.kiota.serialization.AdditionalDataHolder;
import com.microsoft.kiota.serialization.Parsable;
import com.microsoft.kiota.serialization.ParsableFactory;
import dev.impersonation.TenantException;
import dev.impersonation.ThrottledException;
import dev.impersonation.graph.internal.GraphErrors;
import dev.impersonation.spi.Sleeper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import okhttp3.Response;
import okhttp3.ResponseBody;

/**
 * How the Graph backend talks to Graph: every call counted and its failure typed ({@link GraphErrors}), JSON requests to
 * endpoints the SDK has no builders for, {@code $batch}es of at most {@value GraphDirectoryBackend#MAX_PER_REQUEST} with
 * inner 429s sent again after their {@code Retry-After} on the connection's sleeper, and paging. Thread-safe.
 */
final class GraphRequests {
  private static final int INNER_THROTTLE_ROUNDS = 3;
  private static final com.fasterxml.jackson.databind.ObjectMapper JSON = new com.fasterxml.jackson.databind.ObjectMapper();

  private final GraphServiceClient client;
  private final Clock clock;
  private final Sleeper sleeper;
  /** How many HTTP requests were sent (a {@code $batch} counts as one). */
  final AtomicLong requests = new AtomicLong();

  GraphRequests(GraphServiceClient client, Clock clock, Sleeper sleeper) {
    this.client = client;
    this.clock = clock;
    this.sleeper = sleeper;
  }

  /**
   * Sends one JSON request through the SDK's request adapter (authentication, allowed hosts and the other middleware
   * apply) and answers the parsed body; used for Graph beta endpoints the v1.0 SDK has no builders for. A non-2xx answer
   * throws the typed exception {@link GraphErrors#classify} gives it.
   */
  JsonNode sendJson(String method, String url, JsonNode body, String what, String identity) {
    return call(what, identity, () -> {
      try {
        RequestInformation info = new RequestInformation();
        info.httpMethod = com.microsoft.kiota.HttpMethod.valueOf(method);
        info.setUri(java.net.URI.create(url));
        info.headers.add("Accept", "application/json");
        if (body != null) {
          info.setStreamContent(new java.io.ByteArrayInputStream(JSON.writeValueAsBytes(body)), "application/json");
        }
        com.microsoft.kiota.NativeResponseHandler handler = new com.microsoft.kiota.NativeResponseHandler();
        info.setResponseHandler(handler);
        client.getRequestAdapter().sendPrimitive(info, new HashMap<>(), java.io.InputStream.class);
        Response answer = (Response) handler.getValue();
        if (answer == null) {
          throw new dev.impersonation.TransientTenantException(what + ": no answer from Microsoft Graph; retry later.");
        }
        try (answer) {
          if (!answer.isSuccessful()) {
            throw GraphErrors.classify(what, identity, innerFailure(answer));
          }
          ResponseBody b = answer.body();
          String text = b == null ? "" : new String(b.bytes(), StandardCharsets.UTF_8);
          return text.isBlank() ? JSON.createObjectNode() : JSON.readTree(text);
        }
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    });
  }

  /**
   * Sends {@code requests} in {@code $batch}es of at most 20 and answers each one's final response by its index; inner
   * requests throttled with 429 are sent again on their own after their {@code Retry-After} (at most
   * {@value #INNER_THROTTLE_ROUNDS} rounds). The caller judges every other status.
   */
  Map<Integer, Response> runBatches(List<RequestInformation> requests, String what, String identity) {
    Map<Integer, Response> answers = new java.util.TreeMap<>();
    Deque<Integer> work = new ArrayDeque<>();
    for (int i = 0; i < requests.size(); i++) {
      work.add(i);
    }
    int throttledRounds = 0;
    while (!work.isEmpty()) {
      List<Integer> round = new ArrayList<>();
      while (!work.isEmpty() && round.size() < GraphDirectoryBackend.MAX_PER_REQUEST) {
        round.add(work.poll());
      }
      BatchRequestContent batch = new BatchRequestContent(client);
      Map<String, Integer> byStepId = new LinkedHashMap<>();
      for (int index : round) {
        byStepId.put(batch.addBatchRequestStep(requests.get(index)), index);
      }
      Map<String, Response> responses = postBatch(batch, "POST /$batch (" + what + ")", identity).getResponses();
      List<Integer> throttled = new ArrayList<>();
      Duration wait = Duration.ZERO;
      for (Map.Entry<String, Integer> e : byStepId.entrySet()) {
        Response r = responses.get(e.getKey());
        if (r == null) {
          throw new dev.impersonation.TransientTenantException("Graph's $batch answer had no response for one of its requests ("
              + what + "); retry later.");
        }
        if (r.code() == 429) {
          throttled.add(e.getValue());
          Duration d = GraphErrors.retryAfter(r.header("Retry-After"), clock).orElse(Duration.ofSeconds(1L << Math.min(throttledRounds, 5)));
          wait = d.compareTo(wait) > 0 ? d : wait;
          r.close();
        } else {
          answers.put(e.getValue(), r);
        }
      }
      if (!throttled.isEmpty()) {
        if (++throttledRounds > INNER_THROTTLE_ROUNDS) {
          throw new ThrottledException("Graph kept throttling " + throttled.size() + " request(s) inside $batch (" + what
              + "); retry later.", wait.isZero() ? null : wait);
        }
        pause(wait);
        for (int i = throttled.size() - 1; i >= 0; i--) {
          work.addFirst(throttled.get(i));
        }
      }
    }
    return answers;
  }

  /**
   * Sends a {@code $batch}. The SDK's {@code BatchRequestBuilder.post} reads the answer with a native response handler and
   * so never throws for a failed batch (a 429 or 503 of the whole batch would look like an answer without responses):
   * this does the same call but checks the outer status first.
   */
  private BatchResponseContent postBatch(BatchRequestContent batch, String what, String identity) {
    return call(what, identity, () -> {
      try {
        RequestInformation info = client.getBatchRequestBuilder().toPostRequestInformation(batch);
        com.microsoft.kiota.NativeResponseHandler handler = new com.microsoft.kiota.NativeResponseHandler();
        info.setResponseHandler(handler);
        client.getRequestAdapter().sendPrimitive(info, new HashMap<>(), java.io.InputStream.class);
        Response outer = (Response) handler.getValue();
        if (outer == null) {
          throw new dev.impersonation.TransientTenantException(what + ": no answer from Microsoft Graph; retry later.");
        }
        if (!outer.isSuccessful()) {
          try (outer) {
            throw GraphErrors.classify(what, identity, innerFailure(outer));
          }
        }
        return new BatchResponseContent(outer);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    });
  }

  GraphErrors.Failure innerFailure(Response r) {
    String code = "";
    String message = "";
    ResponseBody body = r.body();
    if (body != null) {
      try {
        String text = new String(body.bytes(), StandardCharsets.UTF_8);
        com.fasterxml.jackson.databind.JsonNode error = JSON.readTree(text.isEmpty() ? "{}" : text).path("error");
        code = error.path("code").asText("");
        message = error.path("message").asText("");
      } catch (IOException | RuntimeException unreadable) {
        message = "(unreadable error body)";
      }
    }
    return new GraphErrors.Failure(r.code(), code, message, GraphErrors.retryAfter(r.header("Retry-After"), clock));
  }

  private void pause(Duration d) {
    try {
      sleeper.sleep(d);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new TenantException("Interrupted while waiting out Graph throttling.", e);
    }
  }

  <T extends Parsable, P extends Parsable & AdditionalDataHolder> void iterate(P first, ParsableFactory<P> factory,
      java.util.function.Consumer<T> each, String what, String identity) {
    if (first == null) {
      return;
    }
    call(what, identity, () -> {
      try {
        PageIterator<T, P> it = new PageIterator.Builder<T, P>().client(client).collectionPage(first)
            .collectionPageFactory(factory).requestConfigurator(r -> {
              requests.incrementAndGet();
              return r;
            }).processPageItemCallback(item -> {
              each.accept(item);
              return true;
            }).build();
        it.iterate();
        return null;
      } catch (ReflectiveOperationException e) {
        throw new TenantException(what + ": the Graph SDK could not read a page (" + e.getClass().getSimpleName() + ").", e);
      }
    }, false);
  }

  <T> T call(String what, String identity, Supplier<T> body) {
    return call(what, identity, body, true);
  }

  private <T> T call(String what, String identity, Supplier<T> body, boolean count) {
    if (count) {
      requests.incrementAndGet();
    }
    try {
      return body.get();
    } catch (TenantException e) {
      throw e;
    } catch (ApiException e) {
      throw GraphErrors.classify(what, identity, GraphErrors.failure(e, clock));
    } catch (RuntimeException e) {
      throw GraphErrors.translate(what, identity, e, clock);
    }
  }
}
