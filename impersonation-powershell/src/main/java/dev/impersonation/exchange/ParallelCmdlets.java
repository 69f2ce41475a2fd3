package dev.impersonation.exchange;

import dev.impersonation.ObjectAlreadyExistsException;
import dev.impersonation.TenantException;
import dev.impersonation.ThrottledException;
import dev.impersonation.exchange.internal.AdaptiveConcurrency;
import dev.impersonation.powershell.Cmdlet;
import dev.impersonation.spi.Operation;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends independent cmdlets (one member added to a group, one FullAccess grant) with up to {@link AdaptiveConcurrency}'s
 * limit in flight. An answer that says the change is in place already counts as done per cmdlet. The first throttled
 * answer stops sending new cmdlets; those in flight finish, and the call then fails with that {@link ThrottledException}
 * (its Retry-After intact) so the executor waits and sends the operation again: cmdlets done already answer "already
 * there" the second time, so nothing is added twice.
 */
final class ParallelCmdlets {
  private static final Logger LOG = LoggerFactory.getLogger(ParallelCmdlets.class);
  private static final AtomicInteger THREADS = new AtomicInteger();
  /** The helpers of every parallel call in this JVM: created on demand, reused, gone after a minute idle. */
  private static final ExecutorService POOL = Executors.newCachedThreadPool(r -> {
    Thread t = new Thread(r, "exchange-cmdlets-" + THREADS.incrementAndGet());
    t.setDaemon(true);
    return t;
  });

  private final AdaptiveConcurrency concurrency;

  ParallelCmdlets(AdaptiveConcurrency concurrency) {
    this.concurrency = concurrency;
  }

  /** Whether the cmdlets of {@code op} are independent of each other: one per member added or removed, one per grant. */
  static boolean independent(Operation op) {
    return op instanceof Operation.AddGroupMembers || op instanceof Operation.RemoveGroupMembers
        || op instanceof Operation.AddMailboxPermissions;
  }

  /** "The recipient ... isn't a member of the group" (MemberNotFoundException): a removal that is done already. */
  static boolean notAMember(TenantException e) {
    String m = String.valueOf(e.getMessage());
    return m.contains("MemberNotFoundException") || m.contains("isn't a member") || m.contains("is not a member");
  }

  /** Sends the cmdlets of an {@link #independent} operation; a removal of a non-member counts as done. */
  void sendAll(Operation op, List<Cmdlet> cmdlets, Consumer<Cmdlet> send) {
    sendAll(cmdlets, send, op instanceof Operation.RemoveGroupMembers ? ParallelCmdlets::notAMember : e -> false);
  }

  /**
   * Sends every cmdlet, each once.
   *
   * @param cmdlets independent cmdlets (no order between them)
   * @param send sends one cmdlet
   * @param doneAlready a failure that means the cmdlet's change is in place
   * @throws ObjectAlreadyExistsException when every cmdlet found its change in place
   * @throws TenantException the first throttled answer, else the first failure, after the cmdlets in flight finished
   */
  void sendAll(List<Cmdlet> cmdlets, Consumer<Cmdlet> send, Predicate<TenantException> doneAlready) {
    // Each cmdlet's outcome: null when it made the change, else the answer saying the change was in place already.
    List<TenantException> outcomes;
    try {
      outcomes = readAll(cmdlets, c -> {
        try {
          send.accept(c);
          return null;
        } catch (ObjectAlreadyExistsException e) {
          return e;
        } catch (TenantException e) {
          if (doneAlready.test(e)) {
            return e;
          }
          throw e;
        }
      });
    } catch (RuntimeException first) {
      LOG.debug("{} cmdlets stopped by {}; concurrency now {}", cmdlets.isEmpty() ? "" : cmdlets.get(0).name(),
          first.getClass().getSimpleName(), concurrency);
      throw first;
    }
    if (!outcomes.isEmpty() && outcomes.stream().allMatch(java.util.Objects::nonNull)) {
      outcomes.stream().filter(ObjectAlreadyExistsException.class::isInstance).findFirst().ifPresent(e -> {
        throw (ObjectAlreadyExistsException) e;
      });
    }
  }

  /**
   * {@code read} applied to every input, up to the limit at once, the results in the inputs' order: for independent
   * reads (the chunks of a bulk look-up). The first failure stops new reads; those in flight finish and the call then
   * throws it (a throttled one first), so the caller's retry sees the service's Retry-After.
   */
  <T, R> List<R> readAll(List<T> inputs, java.util.function.Function<T, R> read) {
    List<R> results = new ArrayList<>(java.util.Collections.nCopies(inputs.size(), null));
    if (inputs.isEmpty()) {
      return results;
    }
    AtomicInteger next = new AtomicInteger();
    AtomicBoolean stop = new AtomicBoolean();
    List<RuntimeException> failures = java.util.Collections.synchronizedList(new ArrayList<>());
    Runnable worker = () -> {
      int i;
      while (!stop.get() && (i = next.getAndIncrement()) < inputs.size()) {
        try {
          concurrency.acquire();
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          failures.add(new TenantException("Interrupted while reading."));
          stop.set(true);
          return;
        }
        boolean throttled = false;
        try {
          R r = read.apply(inputs.get(i));
          synchronized (results) {
            results.set(i, r);
          }
        } catch (RuntimeException e) {
          throttled = e instanceof ThrottledException;
          failures.add(e);
          stop.set(true);
        } finally {
          concurrency.release(throttled);
        }
      }
    };
    run(worker, Math.min(concurrency.max(), inputs.size()), stop);
    if (!failures.isEmpty()) {
      throw failures.stream().filter(ThrottledException.class::isInstance).findFirst().orElse(failures.get(0));
    }
    return results;
  }

  /**
   * Runs {@code worker} on this thread alone, or on this thread and {@code workers - 1} threads of a shared pool (daemon
   * threads, kept for a minute when idle, so a 10,000-member group reuses a handful instead of starting one set per
   * chunk), and waits for them. An error a helper raised is rethrown here rather than lost on its thread.
   */
  private static void run(Runnable worker, int workers, AtomicBoolean stop) {
    if (workers <= 1) {
      worker.run();
      return;
    }
    List<Future<?>> helpers = new ArrayList<>();
    for (int w = 1; w < workers; w++) {
      helpers.add(POOL.submit(worker));
    }
    try {
      worker.run();
    } finally {
      for (Future<?> f : helpers) {
        try {
          f.get();
        } catch (InterruptedException e) {
          stop.set(true);
          Thread.currentThread().interrupt();
          throw new TenantException("Interrupted while Exchange requests were in flight; run again to finish.");
        } catch (ExecutionException e) {
          stop.set(true);
          if (e.getCause() instanceof Error err) {
            throw err;
          }
          throw e.getCause() instanceof RuntimeException re ? re : new TenantException(String.valueOf(e.getCause()));
        }
      }
    }
  }
}
