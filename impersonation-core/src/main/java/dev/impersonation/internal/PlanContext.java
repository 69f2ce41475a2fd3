package dev.impersonation.internal;

import dev.impersonation.ImpersonationSetup;
import dev.impersonation.TenantConnection;
import dev.impersonation.plan.ProgressListener.ProgressEvent;
import dev.impersonation.plan.Plan.EwsState;
import dev.impersonation.plan.ProgressListener;
import dev.impersonation.plan.Step.StepAction;
import dev.impersonation.plan.Step;
import dev.impersonation.spi.ApplicationPermissionGrant;
import dev.impersonation.spi.Backend;
import dev.impersonation.spi.BackendKind;
import dev.impersonation.spi.Capability;
import dev.impersonation.spi.DirectoryBackend;
import dev.impersonation.spi.DirectoryUser;
import dev.impersonation.spi.ExchangeBackend;
import dev.impersonation.spi.ExchangeRbacReader;
import dev.impersonation.spi.MailboxReader;
import dev.impersonation.spi.Operation;
import dev.impersonation.spi.Recipient;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What every concern planner of one {@link Planner} run shares: the setup, the connection and the backends it reads
 * through, the progress listener, the steps and warnings collected so far, and the reads one concern makes for another
 * (the app's tenant-wide consent). Steps are numbered here, in the order the concern planners add them.
 */
final class PlanContext {
  private static final Logger LOG = LoggerFactory.getLogger(Planner.class);
  private static final String NO_EXCHANGE = "this connection has no Exchange backend: add one (impersonation-powershell)";

  /**
   * The app's tenant-wide application permissions (Entra admin consent), read once while planning the principal.
   *
   * @param grants the grants as read
   * @param servicePrincipalId the Entra service principal object id the grants were read for; empty when not read
   */
  record Consent(Observed<List<ApplicationPermissionGrant>> grants, String servicePrincipalId) {}

  private final ImpersonationSetup setup;
  private final TenantConnection connection;
  private final ProgressListener listener;
  private final Optional<ExchangeBackend> exchange;
  private final Optional<DirectoryBackend> directory;
  /** Where RBAC-for-Applications objects are read: the Exchange backend, else a directory backend that reaches Graph's Exchange RBAC endpoints. */
  private final Optional<ExchangeRbacReader> rbac;
  /** True when RBAC for Applications goes through Graph because the connection has no Exchange backend. */
  private final boolean rbacThroughGraph;
  /** Where mailboxes are read: the Exchange backend, else a directory backend that reads them through Graph. */
  private final Optional<MailboxReader> mailboxes;
  private final List<Step> steps = new ArrayList<>();
  private final List<String> warnings = new ArrayList<>();
  private Consent consent = new Consent(Observed.unknown("the app's service principal is unknown"), "");
  /** Every recipient read through {@link #recipient}, by the identity asked for: later concerns (EWS) look at them again. */
  private final Map<String, Recipient> recipients = new LinkedHashMap<>();
  /** Recipients read in bulk ahead of their one-by-one look-ups. */
  private final Map<String, Recipient> prefetched = new java.util.HashMap<>();
  private Optional<EwsState> ews = Optional.empty();

  PlanContext(ImpersonationSetup setup, TenantConnection connection, ProgressListener listener) {
    this.setup = setup;
    this.connection = connection;
    this.listener = listener;
    // The plan only reads: transient failures (429, 503, a reset connection) are retried as a step's calls are, so that
    // a failed read becomes UNKNOWN only when retrying does not help.
    RetryingReads reads = new RetryingReads(connection, listener, setup.retryPolicy());
    this.exchange = connection.exchange().map(reads::around);
    this.directory = connection.directory().map(reads::around);
    boolean online = setup.target().isExchangeOnline();
    Optional<ExchangeRbacReader> graphRbac = directory.filter(d -> online && d instanceof ExchangeRbacReader
        && d.capabilities().contains(Capability.EXCHANGE_APPLICATION_RBAC)).map(ExchangeRbacReader.class::cast);
    this.rbac = exchange.<ExchangeRbacReader>map(x -> x).or(() -> graphRbac);
    this.rbacThroughGraph = exchange.isEmpty() && graphRbac.isPresent();
    this.mailboxes = exchange.<MailboxReader>map(x -> x)
        .or(() -> directory.filter(d -> online && d instanceof MailboxReader).map(MailboxReader.class::cast));
  }

  ImpersonationSetup setup() {
    return setup;
  }

  TenantConnection connection() {
    return connection;
  }

  Optional<ExchangeBackend> exchange() {
    return exchange;
  }

  Optional<DirectoryBackend> directory() {
    return directory;
  }

  Optional<ExchangeRbacReader> rbac() {
    return rbac;
  }

  boolean rbacThroughGraph() {
    return rbacThroughGraph;
  }

  Optional<MailboxReader> mailboxes() {
    return mailboxes;
  }

  /** The steps so far, in order; the list the plan is made of. */
  List<Step> steps() {
    return steps;
  }

  /** The plan's warnings so far, in order. */
  List<String> warnings() {
    return warnings;
  }

  void warn(String warning) {
    warnings.add(warning);
  }

  /** EWS as the EWS concern found it; empty for a setup that does not use EWS. */
  Optional<EwsState> ews() {
    return ews;
  }

  void ews(EwsState state) {
    this.ews = Optional.of(state);
  }

  /** The recipients read so far through {@link #recipient}, in the order read. */
  java.util.Collection<Recipient> recipientsRead() {
    return recipients.values();
  }

  /** {@code Get-Recipient} through the Exchange backend, remembered for the concerns planned later. */
  /**
   * Reads {@code identities} in bulk ({@link ExchangeBackend#findRecipients}) so that {@link #recipient} answers them
   * without a call each; a failed bulk read only leaves them to be read one by one.
   */
  void prefetchRecipients(List<String> identities) {
    if (identities.size() < 2 || exchange().isEmpty()) {
      return;
    }
    try {
      exchange().get().findRecipients(identities).forEach((k, r) -> prefetched.put(k, r));
    } catch (RuntimeException e) {
      LOG.debug("Bulk recipient read failed, reading one by one: {}", e.toString());
    }
  }

  /** Recipients read in bulk elsewhere (a filter's mailboxes), so that {@link #recipient} answers them without a call. */
  void remember(List<Recipient> read) {
    read.forEach(r -> prefetched.put(r.primarySmtpAddress().toLowerCase(java.util.Locale.ROOT), r));
  }

  /** A recipient read in bulk before ({@link #remember}, {@link #prefetchRecipients}), without a call; empty if none. */
  Optional<Recipient> remembered(String identity) {
    return Optional.ofNullable(prefetched.get(identity.toLowerCase(java.util.Locale.ROOT)));
  }

  Observed<Recipient> recipient(String identity) {
    Recipient known = prefetched.get(identity.toLowerCase(java.util.Locale.ROOT));
    if (known != null) {
      recipients.put(identity.toLowerCase(java.util.Locale.ROOT), known);
      return Observed.readValue(() -> known);
    }
    Observed<Recipient> r = fromExchange(x -> x.findRecipient(identity));
    if (r.present()) {
      recipients.put(identity.toLowerCase(java.util.Locale.ROOT), r.value());
    }
    return r;
  }

  Consent consent() {
    return consent;
  }

  void consent(Consent read) {
    this.consent = read;
  }

  // ---------------------------------------------------------------- reads

  /** A read of something that may be absent, from {@code source}; UNKNOWN when the connection has no such source. */
  static <S, T> Observed<T> readFrom(Optional<S> source, Function<S, Optional<T>> read) {
    return source.map(x -> Observed.read(() -> read.apply(x))).orElseGet(() -> Observed.unknown(NO_EXCHANGE));
  }

  /** A read of a value (a list, a configuration) from {@code source}; UNKNOWN when the connection has no such source. */
  static <S, T> Observed<T> readValueFrom(Optional<S> source, Function<S, T> read) {
    return source.map(x -> Observed.readValue(() -> read.apply(x))).orElseGet(() -> Observed.unknown(NO_EXCHANGE));
  }

  <T> Observed<T> fromExchange(Function<ExchangeBackend, Optional<T>> read) {
    return readFrom(exchange, read);
  }

  <T> Observed<T> valueFromExchange(Function<ExchangeBackend, T> read) {
    return readValueFrom(exchange, read);
  }

  /**
   * Directory users read in one bulk call ({@link DirectoryBackend#findUsers}); when the bulk read fails every one of
   * them is UNKNOWN, never absent.
   */
  Map<String, Observed<DirectoryUser>> directoryUsers(List<String> identities) {
    Map<String, Observed<DirectoryUser>> out = new LinkedHashMap<>();
    if (identities.isEmpty()) {
      return out;
    }
    try {
      Map<String, Optional<DirectoryUser>> found = directory.get().findUsers(identities);
      for (String m : identities) {
        Optional<DirectoryUser> u = found.get(m);
        out.put(m, u == null ? Observed.unknown("the directory did not answer for " + m) : Observed.read(() -> u));
      }
    } catch (RuntimeException e) {
      Observed<DirectoryUser> failed = Observed.unknown(e.getClass().getSimpleName() + ": " + e.getMessage());
      identities.forEach(m -> out.put(m, failed));
    }
    return out;
  }

  // ---------------------------------------------------------------- steps

  /**
   * Adds a step and returns its number. An operation no backend of the connection can run makes the step BLOCKED with
   * the reason why; otherwise the step names the backend that runs it.
   */
  int add(StepAction action, String resource, String reason, Operation op, List<Integer> deps) {
    // The one routing decision: the step records the backend kind, and apply runs the step there.
    Optional<BackendKind> kind = Optional.empty();
    if (op != null) {
      Optional<Capability> needed = op.capability(setup.target().kind());
      kind = Arrays.stream(BackendKind.values()).filter(k -> connection.backend(k)
          .filter(b -> needed.isEmpty() || b.capabilities().contains(needed.get())).isPresent()).findFirst();
      if (needed.isPresent() && kind.isEmpty()) {
        action = StepAction.BLOCKED;
        reason = "no backend of this connection can " + needed.get().description() + ": add " + needed.get().provider()
            + " to the connection (it was needed because " + reason + ")";
        op = null;
      }
    }
    String backend = kind.flatMap(connection::backend).map(Backend::name).orElse("-");
    List<Integer> realDeps = deps.stream().filter(d -> d > 0).distinct().sorted().toList();
    int number = steps.size() + 1;
    steps.add(new Step(number, action, resource, reason, backend, kind, Optional.ofNullable(op), realDeps));
    return number;
  }

  /** The step that creates Exchange group {@code name} in this plan, if one does. */
  Optional<Step> createStepOf(String name) {
    return steps.stream().filter(st -> st.operation().filter(o -> o instanceof Operation.NewDistributionGroup g
        && g.name().equalsIgnoreCase(name)).isPresent()).findFirst();
  }

  /** Replaces step {@code number}'s operation and reason (a create that takes its members). */
  void replace(int number, Operation op, String reason) {
    Step old = steps.get(number - 1);
    steps.set(number - 1, new Step(old.number(), old.action(), old.resource(), reason, old.backend(), old.backendKind(),
        Optional.of(op), old.dependsOn()));
  }

  /**
   * Adds a NO_OP step that names the backend of {@code kind} and keeps {@code op} for the exported script, without the capability
   * check of {@link #add}: for a step this connection does not run but a script does.
   */
  int addForScript(String resource, String reason, BackendKind kind, Operation op) {
    int number = steps.size() + 1;
    String backend = connection.backend(kind).map(Backend::name).orElse("-");
    steps.add(new Step(number, StepAction.NO_OP, resource, reason, backend, Optional.of(kind), Optional.of(op), List.of()));
    return number;
  }

  int noOp(String resource, String reason) {
    return add(StepAction.NO_OP, resource, reason, null, List.of());
  }

  int blocked(String resource, String reason) {
    return add(StepAction.BLOCKED, resource, reason, null, List.of());
  }

  static List<Integer> deps(Integer... numbers) {
    return List.of(numbers);
  }

  /** At most three values, then how many more. */
  static String preview(List<String> values) {
    return values.size() <= 3 ? String.join(", ", values) : String.join(", ", values.subList(0, 3)) + ", +" + (values.size() - 3) + " more";
  }

  /** An INFO event for the plan's listener; a failing listener never fails the plan. */
  void info(String message) {
    try {
      listener.onEvent(new ProgressEvent(connection.clock().instant(), ProgressEvent.Kind.INFO, Optional.empty(),
          "plan: " + message, Optional.empty()));
    } catch (RuntimeException e) {
      LOG.warn("Progress listener failed while planning: {}", e.toString());
    }
  }
}
