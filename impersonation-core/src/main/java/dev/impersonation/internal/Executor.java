package dev.impersonation.internal;

import dev.impersonation.ImpersonationException;
import dev.impersonation.ObjectAlreadyExistsException;
import dev.impersonation.ObjectNotFoundException;
import dev.impersonation.PlanBlockedException;
import dev.impersonation.RetryPolicy;
import dev.impersonation.TenantConnection;
import dev.impersonation.TenantException;
import dev.impersonation.ThrottledException;
import dev.impersonation.plan.ApplyResult.StepOutcome;
import dev.impersonation.plan.ApplyResult.StepResult;
import dev.impersonation.plan.ApplyResult;
import dev.impersonation.plan.Plan;
import dev.impersonation.plan.ProgressListener.ProgressEvent;
import dev.impersonation.plan.ProgressListener;
import dev.impersonation.plan.Step.StepAction;
import dev.impersonation.plan.Step;
import dev.impersonation.spi.Backend;
import dev.impersonation.spi.BackendKind;
import dev.impersonation.spi.Capability;
import dev.impersonation.spi.DirectoryBackend;
import dev.impersonation.spi.ExchangeBackend;
import dev.impersonation.spi.MailGroup;
import dev.impersonation.spi.Operation;
import dev.impersonation.spi.Recipient;
import dev.impersonation.spi.RecipientFilter;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs a plan's steps in order. Each call is retried on throttling (honouring Retry-After), transient failures and
 * read-after-write lag, with exponential back-off and jitter; all waiting goes through the connection's sleeper, so
 * a fake clock makes it instant and deterministic. A step that fails for good stops the run; re-planning and
 * applying again resumes without duplicates. Each step runs on the backend the plan chose for it
 * ({@link Step#backendKind()}); nothing is routed again here, and a plan whose chosen backends this connection lacks
 * is refused before any write.
 */
public final class Executor {
  private static final Logger LOG = LoggerFactory.getLogger(Executor.class);

  private final TenantConnection connection;
  private final ProgressListener listener;
  private final RetryPolicy policy;
  private final Random jitter;
  private final Map<String, String> resolvedDns = new HashMap<>();

  public Executor(TenantConnection connection, ProgressListener listener, RetryPolicy policy) {
    this.connection = connection;
    this.listener = listener;
    this.policy = policy;
    this.jitter = new Random(policy.jitterSeed());
  }

  public ApplyResult apply(Plan plan) {
    if (!plan.blockedSteps().isEmpty()) {
      String why = plan.blockedSteps().stream().map(s -> "  [" + s.number() + "] " + s.resource() + ": " + s.reason())
          .collect(Collectors.joining("\n"));
      throw new PlanBlockedException("Nothing was applied: the plan for '" + plan.setupName() + "' has "
          + plan.blockedSteps().size() + " blocked step(s):\n" + why, plan);
    }
    List<String> unrunnable = plan.steps().stream().map(s -> unrunnable(s, plan)).flatMap(Optional::stream).toList();
    if (!unrunnable.isEmpty()) {
      throw new PlanBlockedException("Nothing was applied: the plan for '" + plan.setupName() + "' runs " + unrunnable.size()
          + " step(s) on a backend this connection lacks; apply it with a connection like the one it was planned "
          + "with, or plan again with this one:\n" + String.join("\n", unrunnable), plan);
    }
    List<StepResult> results = new ArrayList<>();
    Set<Integer> changedThisRun = new HashSet<>();
    boolean failed = false;
    for (Step step : plan.steps()) {
      if (failed) {
        results.add(new StepResult(step, StepOutcome.NOT_RUN, 0, Duration.ZERO, "an earlier step failed"));
        continue;
      }
      if (step.action() == StepAction.NO_OP || step.operation().isEmpty()) {
        emit(ProgressEvent.Kind.STEP_SKIPPED, step, step.resource() + ": " + step.reason(), null);
        results.add(new StepResult(step, StepOutcome.SKIPPED, 0, Duration.ZERO, step.reason()));
        continue;
      }
      emit(ProgressEvent.Kind.STEP_STARTED, step, step.action() + " " + step.resource(), null);
      boolean afterWrite = step.dependsOn().stream().anyMatch(changedThisRun::contains);
      StepRun run = new StepRun(step, afterWrite);
      try {
        run.perform(step.operation().get());
        changedThisRun.add(step.number());
        StepOutcome outcome = run.alreadyDone && !run.changed ? StepOutcome.ALREADY_DONE : StepOutcome.APPLIED;
        String message = outcome == StepOutcome.ALREADY_DONE ? "already in place" : "done";
        emit(ProgressEvent.Kind.STEP_SUCCEEDED, step, step.resource() + ": " + message, null);
        results.add(new StepResult(step, outcome, run.attempts, run.waited, message));
      } catch (ImpersonationException e) {
        failed = true;
        String message = e.getMessage();
        LOG.warn("Step {} ({}) failed after {} attempt(s): {}", step.number(), step.resource(), run.attempts, message);
        emit(ProgressEvent.Kind.STEP_FAILED, step, step.resource() + ": " + message, null);
        results.add(new StepResult(step, StepOutcome.FAILED, run.attempts, run.waited, message));
      }
    }
    return new ApplyResult(plan, results);
  }

  /** Why the step cannot run on this connection's backend of the kind the plan chose for it, if it cannot. */
  private Optional<String> unrunnable(Step step, Plan plan) {
    if (step.action() == StepAction.NO_OP || step.operation().isEmpty() || step.backendKind().isEmpty()) {
      return Optional.empty();
    }
    BackendKind kind = step.backendKind().get();
    String which = "  [" + step.number() + "] " + step.resource() + ": planned on the " + kind.label() + " '" + step.backend() + "'";
    Optional<Backend> backend = connection.backend(kind);
    if (backend.isEmpty()) {
      return Optional.of(which + ", and this connection has no " + kind.label());
    }
    Optional<Capability> needed = step.operation().get().capability(plan.target().kind());
    return needed.filter(c -> !backend.get().capabilities().contains(c)).map(c -> which + ", and this connection's "
        + kind.label() + " '" + backend.get().name() + "' cannot " + c.description());
  }

  private void emit(ProgressEvent.Kind kind, Step step, String message, Duration wait) {
    emit(new ProgressEvent(connection.clock().instant(), kind, Optional.ofNullable(step), message, Optional.ofNullable(wait)));
  }

  /** A bounded wait: the pause, how long the wait has lasted since {@code since}, and its deadline. */
  private void emitWaiting(Step step, String message, Duration pause, Instant since, Instant deadline) {
    Instant now = connection.clock().instant();
    emit(ProgressEvent.waiting(now, Optional.ofNullable(step), message, pause, Duration.between(since, now), deadline));
  }

  private void emit(ProgressEvent event) {
    ProgressEvent.Kind kind = event.kind();
    try {
      listener.onEvent(event);
    } catch (RuntimeException e) {
      LOG.warn("Progress listener failed on {}: {}", kind, e.toString());
    }
  }

  /** The state of one step's execution. */
  final class StepRun {
    private final Step step;
    private final boolean afterWrite;
    int attempts;
    Duration waited = Duration.ZERO;
    boolean alreadyDone;
    boolean changed;

    StepRun(Step step, boolean afterWrite) {
      this.step = step;
      this.afterWrite = afterWrite;
    }

    void perform(Operation op) {
      op.accept(new StepDispatch(this));
    }

    /** Reads the group's DN (with retries) and remembers it for the management scopes that filter on the group. */
    void resolveAndRemember(Operation.ResolveGroupDistinguishedName r) {
      resolvedDns.put(r.group(), resolveDn(r));
      changed = true;
    }

    /** A group a filter names, with its DN: its own, else the one an earlier step resolved, else read now. */
    RecipientFilter.GroupReference withDistinguishedName(RecipientFilter.GroupReference g) {
      return g.distinguishedName().isPresent() ? g : new RecipientFilter.GroupReference(g.identity(), g.kind(),
          Optional.of(Optional.ofNullable(resolvedDns.get(g.identity())).orElseGet(() ->
              resolveDn(new Operation.ResolveGroupDistinguishedName(g.identity(), g.kind())))));
    }

    /**
     * "n of N" after a part of a step written in several parts: after every part up to 20 parts, else about every 5%,
     * and always after the last.
     */
    void progress(String verb, int done, int total, int index, int parts) {
      if (parts < 2) {
        return;
      }
      int every = Math.max(1, (parts + 19) / 20);
      if ((index + 1) % every == 0 || index == parts - 1) {
        emit(ProgressEvent.Kind.INFO, step, step.resource() + ": " + verb + " " + done + " of " + total + " member(s)", null);
      }
    }

    /** The backend the plan chose for this step (apply checked that the connection has it before any write). */
    Backend backend() {
      return step.backendKind().flatMap(connection::backend).orElseThrow(() -> new ImpersonationException("Step "
          + step.number() + " (" + step.resource() + ") names no backend of this connection: plan again with it."));
    }

    /** The connection's Exchange backend, when the plan chose it for this step. */
    private Optional<ExchangeBackend> plannedExchange() {
      return step.backendKind().filter(k -> k == BackendKind.EXCHANGE).flatMap(k -> connection.exchange());
    }

    /** The connection's directory backend, when the plan chose it for this step. */
    private Optional<DirectoryBackend> plannedDirectory() {
      return step.backendKind().filter(k -> k == BackendKind.DIRECTORY).flatMap(k -> connection.directory());
    }

    /** One write with retries. "Already exists" counts as done. */
    void write(Operation op) {
      write(op, true);
    }

    /** One removal with retries: "already exists" is no success here, it fails the step. */
    void remove(Operation op) {
      write(op, false);
    }

    private void write(Operation op, boolean alreadyExistsIsDone) {
      Backend backend = backend();
      retrying(() -> {
        try {
          backend.execute(op);
          changed = true;
        } catch (ObjectAlreadyExistsException e) {
          if (!alreadyExistsIsDone) {
            throw e;
          }
          LOG.debug("Step {}: {} already in place: {}", step.number(), op.getClass().getSimpleName(), e.getMessage());
          alreadyDone = true;
        }
        return null;
      });
    }

    private String resolveDn(Operation.ResolveGroupDistinguishedName r) {
      MailGroup group = retrying(() -> readGroup(r).orElseThrow(() -> new ObjectNotFoundException(r.group(),
          "The group '" + r.group() + "' is not visible yet (replication lag after its creation).")));
      if (group.distinguishedName().isEmpty()) {
        throw new ImpersonationException("The group '" + r.group() + "' has no DistinguishedName: Exchange does not know it, "
            + "so a MemberOfGroup filter cannot use it. Use a distribution group, mail-enabled security group or room list.");
      }
      return group.distinguishedName();
    }

    private Optional<MailGroup> readGroup(Operation.ResolveGroupDistinguishedName r) {
      if (plannedExchange().isPresent()) {
        return plannedExchange().get().findGroup(r.group());
      }
      return plannedDirectory().orElseThrow(() -> new ImpersonationException("No backend can read groups.")).findGroup(r.group());
    }

    /** The migration's gate ({@link RbacConfirmation}): reads only, and fails the step when a member is out of scope. */
    void confirmRbacForApplications(Operation.ConfirmRbacForApplications c) {
      new RbacConfirmation(c, plannedExchange().orElseThrow(() -> new ImpersonationException("Cannot confirm RBAC for "
          + "Applications: this connection has no Exchange backend.")), connection.clock(), policy.maxBackoff(), this::retrying,
          (message, wait, since, until) -> {
            emitWaiting(step, message, wait, since, until);
            sleep(wait);
          }).run();
    }

    /** Waits until the app's newest access policy is {@code settle} old, reporting the wait in steps. */
    void awaitAccessPolicy(Operation.AwaitAccessPolicy a) {
      java.util.List<dev.impersonation.spi.AccessPolicy> policies = retrying(() -> plannedExchange().orElseThrow(
          () -> new ImpersonationException("Cannot read access policies: this connection has no Exchange backend."))
          .accessPolicies(a.appId()));
      Instant created = policies.stream().map(dev.impersonation.spi.AccessPolicy::createdAt).filter(java.util.Objects::nonNull)
          .max(Instant::compareTo).orElse(connection.clock().instant());
      Instant effective = created.plus(a.settle());
      Instant since = connection.clock().instant();
      while (connection.clock().instant().isBefore(effective)) {
        Duration left = Duration.between(connection.clock().instant(), effective);
        Duration wait = min(left, policy.maxBackoff());
        emitWaiting(step, "access policy of " + a.appId() + " becoming effective (" + Table.duration(left) + " left)", wait,
            since, effective);
        sleep(wait);
      }
      changed = true;
    }

    /** The Exchange backend, else a directory backend that reads mailboxes through Graph: as the plan chose. */
    private dev.impersonation.spi.MailboxReader mailboxReader(String identity) {
      if (plannedExchange().isPresent()) {
        return plannedExchange().get();
      }
      return plannedDirectory().filter(d -> d instanceof dev.impersonation.spi.MailboxReader)
          .map(dev.impersonation.spi.MailboxReader.class::cast).orElseThrow(() -> new ImpersonationException(
              "Cannot wait for the mailbox " + identity + ": this connection has no Exchange backend and its directory "
                  + "backend cannot read mailboxes."));
    }

    /** Polls until the mailbox is usable, backing off up to the readiness timeout. */
    void awaitMailbox(String identity) {
      Instant since = connection.clock().instant();
      Instant deadline = since.plus(policy.readinessTimeout());
      Duration interval = policy.readinessInterval();
      while (true) {
        attempts++;
        Optional<Recipient> r;
        TenantException transientError = null;
        try {
          r = mailboxReader(identity).findMailbox(identity);
        } catch (TenantException e) {
          if (!e.isTransient()) {
            throw e;
          }
          transientError = e;
          r = Optional.empty();
        }
        if (r.isPresent() && r.get().type().isMailbox()) {
          changed = true;
          return;
        }
        // A failed read is not "not provisioned yet": report it as a retry and honour the service's Retry-After.
        Duration wait = transientError instanceof ThrottledException t && t.retryAfter().isPresent() ? t.retryAfter().get() : interval;
        if (!connection.clock().instant().plus(wait).isBefore(deadline.plusMillis(1))) {
          throw new ImpersonationException("The mailbox " + identity + " is still not usable after "
              + Table.duration(policy.readinessTimeout()) + " (docs/diagnostics.md#d7: licence, or provisioning is slow). Apply again later: "
              + "the plan resumes where it stopped.");
        }
        if (transientError != null) {
          emit(ProgressEvent.Kind.RETRYING, step, transientError.getClass().getSimpleName() + ": "
              + firstLine(transientError.getMessage()) + " (while waiting for the mailbox " + identity + ")", wait);
          sleep(wait);
          continue;
        }
        emitWaiting(step, "mailbox " + identity + " not provisioned yet", interval, since, deadline);
        sleep(interval);
        interval = min(interval.multipliedBy(2), policy.maxBackoff());
      }
    }

    /** Runs {@code call}, retrying what is worth retrying. */
    private <T> T retrying(java.util.function.Supplier<T> call) {
      Duration backoff = policy.initialBackoff();
      // The retry budget is per call (RetryPolicy.maxAttempts); the step's attempts count every call, for reporting.
      int callAttempts = 0;
      while (true) {
        attempts++;
        callAttempts++;
        try {
          return call.get();
        } catch (TenantException e) {
          boolean lag = e instanceof ObjectNotFoundException && (afterWrite || step.action() == StepAction.PREREQUISITE);
          if (!(e.isTransient() || lag) || callAttempts >= policy.maxAttempts()) {
            if (callAttempts >= policy.maxAttempts() && (e.isTransient() || lag)) {
              throw new TenantException("Gave up after " + callAttempts + " attempts: " + e.getMessage(), e);
            }
            throw e;
          }
          Duration wait;
          if (e instanceof ThrottledException t && t.retryAfter().isPresent()) {
            wait = t.retryAfter().get();
          } else {
            long base = backoff.toMillis();
            wait = Duration.ofMillis(base / 2 + (long) (jitter.nextDouble() * base / 2));
            backoff = min(backoff.multipliedBy(2), policy.maxBackoff());
          }
          emit(ProgressEvent.Kind.RETRYING, step, (lag ? "not visible yet after a write" : e.getClass().getSimpleName())
              + ": " + firstLine(e.getMessage()) + " (attempt " + callAttempts + " of " + policy.maxAttempts() + ")", wait);
          sleep(wait);
        }
      }
    }

    private void sleep(Duration d) {
      try {
        connection.sleeper().sleep(d);
        waited = waited.plus(d);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new ImpersonationException("Interrupted while waiting; apply again to resume.", e);
      }
    }
  }

  private static Duration min(Duration a, Duration b) {
    return a.compareTo(b) <= 0 ? a : b;
  }

  private static String firstLine(String s) {
    if (s == null) {
      return "";
    }
    int nl = s.indexOf('\n');
    return nl < 0 ? s : s.substring(0, nl);
  }
}
