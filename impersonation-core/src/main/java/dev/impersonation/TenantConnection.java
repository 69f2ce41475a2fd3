package dev.impersonation;

import dev.impersonation.spi.AccessProbe;
import dev.impersonation.spi.Backend;
import dev.impersonation.spi.BackendKind;
import dev.impersonation.spi.DirectoryBackend;
import dev.impersonation.spi.ExchangeBackend;
import dev.impersonation.spi.Sleeper;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The backends of one tenant, plus the clock and sleeper that all waiting goes through. Build one with
 * {@link #builder(TenantTarget)}, or get one from the testkit's {@code FakeTenant}.
 */
public interface TenantConnection {
  /** The tenant these backends talk to. */
  TenantTarget target();

  /** The Exchange backend (cmdlets), if any. */
  Optional<ExchangeBackend> exchange();

  /** The directory backend (Graph), if any. */
  Optional<DirectoryBackend> directory();

  /** A real access probe, if any; without one, verification reports configured state only. */
  Optional<AccessProbe> accessProbe();

  /** The clock every timestamp and deadline comes from. */
  Clock clock();

  /** How the executor waits (Retry-After, back-off, readiness). */
  Sleeper sleeper();

  /** This connection's backend of {@code kind}, if it has one. */
  default Optional<Backend> backend(BackendKind kind) {
    return switch (kind) {
      case EXCHANGE -> exchange().map(Backend.class::cast);
      case DIRECTORY -> directory().map(Backend.class::cast);
    };
  }

  /** The write backends, in routing order (Exchange first, then directory; see {@link BackendKind}). */
  default List<Backend> backends() {
    List<Backend> all = new ArrayList<>();
    exchange().ifPresent(all::add);
    directory().ifPresent(all::add);
    return List.copyOf(all);
  }

  /** Starts a connection for {@code target}. */
  static Builder builder(TenantTarget target) {
    return new Builder(target);
  }

  /** Builds an immutable {@link TenantConnection}. */
  final class Builder {
    private final TenantTarget target;
    private ExchangeBackend exchange;
    private DirectoryBackend directory;
    private AccessProbe probe;
    private Clock clock = Clock.systemUTC();
    private Sleeper sleeper = Sleeper.system();

    private Builder(TenantTarget target) {
      this.target = Objects.requireNonNull(target, "target");
    }

    public Builder exchange(ExchangeBackend exchange) {
      this.exchange = exchange;
      return this;
    }

    public Builder directory(DirectoryBackend directory) {
      this.directory = directory;
      return this;
    }

    public Builder accessProbe(AccessProbe probe) {
      this.probe = probe;
      return this;
    }

    public Builder clock(Clock clock, Sleeper sleeper) {
      this.clock = Objects.requireNonNull(clock, "clock");
      this.sleeper = Objects.requireNonNull(sleeper, "sleeper");
      return this;
    }

    public TenantConnection build() {
      record Connection(TenantTarget target, Optional<ExchangeBackend> exchange, Optional<DirectoryBackend> directory,
          Optional<AccessProbe> accessProbe, Clock clock, Sleeper sleeper) implements TenantConnection {}
      return new Connection(target, Optional.ofNullable(exchange), Optional.ofNullable(directory),
          Optional.ofNullable(probe), clock, sleeper);
    }
  }
}
