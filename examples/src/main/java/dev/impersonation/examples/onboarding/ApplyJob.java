package dev.impersonation.examples.onboarding;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.impersonation.ImpersonationSetup;
import dev.impersonation.TenantConnection;
import dev.impersonation.plan.ApplyResult;
import dev.impersonation.plan.Plan;
import dev.impersonation.plan.ProgressListener;
import dev.impersonation.plan.ProgressListener.ProgressEvent;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One apply running in the background while the browser polls its progress: every event becomes a line, every finished
 * step moves the bar. The outcome is the {@link ApplyResult} or the exception that stopped it, as text safe to show.
 */
final class ApplyJob implements ProgressListener {
  private static final ObjectMapper JSON = new ObjectMapper();
  /** The progress answer when no apply was started in this session. */
  static final String NOTHING_APPLIED =
      "{\"total\":0,\"finished\":0,\"done\":true,\"succeeded\":false,\"failure\":\"Nothing is being applied.\",\"lines\":[]}";

  private final Plan plan;
  private final List<String> lines = new ArrayList<>();
  private final AtomicInteger finished = new AtomicInteger();
  private volatile ApplyResult result;
  private volatile String failure;
  private volatile boolean done;

  private ApplyJob(Plan plan) {
    this.plan = plan;
  }

  /** Starts applying {@code plan} on its own thread. */
  static ApplyJob start(ImpersonationSetup setup, Plan plan, TenantConnection connection) {
    ApplyJob job = new ApplyJob(plan);
    Thread t = new Thread(() -> job.run(setup, connection), "onboarding-apply");
    t.setDaemon(true);
    t.start();
    return job;
  }

  private void run(ImpersonationSetup setup, TenantConnection connection) {
    try {
      result = setup.apply(plan, connection, this);
      result.failure().ifPresent(f -> failure = explain(f.step().number(), f.step().resource(), f.message()));
    } catch (RuntimeException e) {
      failure = e.getMessage();
    } finally {
      done = true;
    }
  }

  /** The failure as an admin reads it: the known causes explained first, then what the service answered. */
  static String explain(int step, String resource, String message) {
    String answered = "Step " + step + " (" + resource + ") failed: " + message;
    if (message.contains("InvalidOperationInDehydratedContext") || message.contains("OrganizationNotCustomized")) {
      return "Exchange Online still refuses RBAC changes because the organization's customization has not finished "
          + "(it can take hours after Enable-OrganizationCustomization). Wait, then apply again: it continues at step " + step
          + ". " + answered;
    }
    return answered;
  }

  @Override
  public void onEvent(ProgressEvent e) {
    switch (e.kind()) {
      case STEP_SUCCEEDED, STEP_SKIPPED, STEP_FAILED -> finished.incrementAndGet();
      default -> { }
    }
    String line = e.kind().name().toLowerCase().replace('_', ' ') + e.step().map(s -> " #" + s.number()).orElse("") + ": "
        + e.message();
    synchronized (lines) {
      lines.add(line);
    }
  }

  /** The plan this job applies. */
  Plan plan() {
    return plan;
  }

  boolean done() {
    return done;
  }

  /** Whether it ended with every step done. */
  boolean succeeded() {
    return done && failure == null && result != null && result.succeeded();
  }

  Optional<String> failure() {
    return Optional.ofNullable(failure);
  }

  Optional<ApplyResult> result() {
    return Optional.ofNullable(result);
  }

  List<String> lines() {
    synchronized (lines) {
      return List.copyOf(lines);
    }
  }

  /** The progress as JSON for the page's poll: total and finished steps, done, succeeded, failure and the lines. */
  String json() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("total", plan.steps().size());
    m.put("finished", Math.min(finished.get(), plan.steps().size()));
    m.put("done", done);
    m.put("succeeded", succeeded());
    m.put("failure", failure);
    m.put("lines", lines());
    try {
      return JSON.writeValueAsString(m);
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }
}
