package dev.impersonation.internal;

import dev.impersonation.ImpersonationException;
import dev.impersonation.RetryPolicy;
import dev.impersonation.TenantConnection;
import dev.impersonation.TenantException;
import dev.impersonation.ThrottledException;
import dev.impersonation.plan.ProgressListener.ProgressEvent;
import dev.impersonation.plan.ProgressListener;
import java.time.Duration;
import java.util.Optional;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the reads apply makes outside its steps (the record's baseline once the steps ran), retrying what is worth
 * retrying as a step's calls are: the service's Retry-After when it gives one, else a doubling backoff up to the
 * policy's maximum; each retry is a {@link ProgressEvent.Kind#RETRYING} event without a step.
 */
public final class RetryingReads {
  private static final Logger LOG = LoggerFactory.getLogger(RetryingReads.class);

  private final TenantConnection connection;
  private final ProgressListener listener;
  private final RetryPolicy policy;

  public RetryingReads(TenantConnection connection, ProgressListener listener, RetryPolicy policy) {
    this.connection = connection;
    this.listener = listener;
    this.policy = policy;
  }

  /** The result of {@code read}, retried while the failure is transient and the policy allows. */
  public <T> T read(String what, Supplier<T> read) {
    Duration backoff = policy.initialBackoff();
    for (int attempt = 1; ; attempt++) {
      try {
        return read.get();
      } catch (TenantException e) {
        if (!e.isTransient() || attempt >= policy.maxAttempts()) {
          throw e;
        }
        Duration wait = e instanceof ThrottledException t && t.retryAfter().isPresent() ? t.retryAfter().get() : backoff;
        backoff = backoff.multipliedBy(2).compareTo(policy.maxBackoff()) <= 0 ? backoff.multipliedBy(2) : policy.maxBackoff();
        String message = e.getMessage() == null ? "" : e.getMessage().lines().findFirst().orElse("");
        ProgressEvent event = new ProgressEvent(connection.clock().instant(), ProgressEvent.Kind.RETRYING, Optional.empty(),
            "reading " + what + ": " + e.getClass().getSimpleName() + ": " + message + " (attempt " + attempt + " of "
                + policy.maxAttempts() + ")", Optional.of(wait));
        try {
          listener.onEvent(event);
        } catch (RuntimeException listenerFailure) {
          LOG.warn("Progress listener failed on RETRYING: {}", listenerFailure.toString());
        }
        try {
          connection.sleeper().sleep(wait);
        } catch (InterruptedException ie) {
          Thread.currentThread().interrupt();
          throw new ImpersonationException("Interrupted while waiting; apply again to resume.", ie);
        }
      }
    }
  }

  /**
   * {@code backend} with every call run through {@link #read}: for the plan, whose backend calls are all reads, so a
   * throttled or briefly unavailable service is waited out instead of making the plan's reads UNKNOWN. Implements every
   * interface the backend does, so capability checks ({@code instanceof MailboxReader}) still hold.
   */
  @SuppressWarnings("unchecked")
  public <T> T around(T backend) {
    java.util.Set<Class<?>> interfaces = new java.util.LinkedHashSet<>();
    for (Class<?> c = backend.getClass(); c != null; c = c.getSuperclass()) {
      for (Class<?> i : c.getInterfaces()) {
        if (java.lang.reflect.Modifier.isPublic(i.getModifiers())) {
          interfaces.add(i);
        }
      }
    }
    return (T) java.lang.reflect.Proxy.newProxyInstance(backend.getClass().getClassLoader(), interfaces.toArray(Class<?>[]::new),
        (proxy, method, args) -> {
          if (method.getDeclaringClass() == Object.class) {
            return method.invoke(backend, args);
          }
          return read(method.getName(), () -> {
            try {
              return method.invoke(backend, args);
            } catch (java.lang.reflect.InvocationTargetException e) {
              if (e.getCause() instanceof RuntimeException r) {
                throw r;
              }
              if (e.getCause() instanceof Error err) {
                throw err;
              }
              throw new java.lang.reflect.UndeclaredThrowableException(e.getCause());
            } catch (IllegalAccessException e) {
              throw new IllegalStateException(e);
            }
          });
        });
  }
}
