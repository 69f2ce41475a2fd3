package dev.impersonation.internal;

import dev.impersonation.AccessMethod;
import dev.impersonation.AdministrativeUnitScope;
import dev.impersonation.Application;
import dev.impersonation.ApplicationAccessPolicy;
import dev.impersonation.ApplicationImpersonation;
import dev.impersonation.GroupKind;
import dev.impersonation.GroupScope;
import dev.impersonation.ImpersonationSetup;
import dev.impersonation.MailboxListScope;
import dev.impersonation.MembershipMode;
import dev.impersonation.OrganizationScope;
import dev.impersonation.RbacForApplications;
import dev.impersonation.RecipientFilterScope;
import dev.impersonation.ServiceAccount;
import dev.impersonation.plan.Plan;
import dev.impersonation.plan.Step;
import dev.impersonation.plan.StepAction;
import dev.impersonation.powershell.Cmdlet;
import dev.impersonation.powershell.ScriptRenderer;
import dev.impersonation.spi.ApplicationPermissionGrant;
import dev.impersonation.spi.AssigneeType;
import dev.impersonation.spi.Backend;
import dev.impersonation.spi.BackendKind;
import dev.impersonation.spi.Capability;
import dev.impersonation.spi.DirectoryBackend;
import dev.impersonation.spi.EntraServicePrincipal;
import dev.impersonation.spi.ExchangeBackend;
import dev.impersonation.spi.ExchangeRbacReader;
import dev.impersonation.spi.ExchangeServicePrincipal;
import dev.impersonation.spi.MailGroup;
import dev.impersonation.spi.MailboxReader;
import dev.impersonation.spi.ManagementScope;
import dev.impersonation.spi.Operation;
import dev.impersonation.spi.Recipient;
import dev.impersonation.spi.RecipientFilter;
import dev.impersonation.spi.RoleAssignment;
import dev.impersonation.spi.RoleGroup;
import dev.impersonation.spi.ScopeType;
import dev.impersonation.spi.TenantConnection;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads the tenant through the connection's backends and diffs it against the setup. Every read that fails makes
 * the dependent step BLOCKED; nothing is written here.
 */
public final class Planner {
  private static final Logger LOG = LoggerFactory.getLogger(Planner.class);
  /** How long a new application access policy is given to become effective before consent is granted (docs/rbac-for-applications.md). */
  static final java.time.Duration ACCESS_POLICY_SETTLE = java.time.Duration.ofHours(2);
  private static final String NO_EXCHANGE = "this connection has no Exchange backend: add one (impersonation-powershell)";

  private final ImpersonationSetup setup;
  private final TenantConnection connection;
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
  /** The member steps of the group scope, which the grant waits for. */
  private final List<Integer> memberSteps = new ArrayList<>();
  private final dev.impersonation.plan.ProgressListener listener;
  /** Groups found among a scope group's direct members, by scope group (read with the members, through Exchange). */
  private final Map<String, List<Recipient>> nestedGroups = new LinkedHashMap<>();
  /** The app's tenant-wide application permissions (Entra admin consent), read once while planning the principal. */
  private Observed<List<ApplicationPermissionGrant>> consent = Observed.unknown("the app's service principal is unknown");
  /** The Entra service principal object id {@link #consent} was read for. */
  private String consentSpId = "";

  private Planner(ImpersonationSetup setup, TenantConnection connection, dev.impersonation.plan.ProgressListener listener) {
    this.setup = setup;
    this.connection = connection;
    this.listener = listener;
    this.exchange = connection.exchange();
    this.directory = connection.directory();
    boolean online = setup.target().isExchangeOnline();
    Optional<ExchangeRbacReader> graphRbac = directory.filter(d -> online && d instanceof ExchangeRbacReader
        && d.capabilities().contains(Capability.EXCHANGE_APPLICATION_RBAC)).map(ExchangeRbacReader.class::cast);
    this.rbac = exchange.<ExchangeRbacReader>map(x -> x).or(() -> graphRbac);
    this.rbacThroughGraph = exchange.isEmpty() && graphRbac.isPresent();
    this.mailboxes = exchange.<MailboxReader>map(x -> x)
        .or(() -> directory.filter(d -> online && d instanceof MailboxReader).map(MailboxReader.class::cast));
  }

  /** Plans {@code setup} against the tenant behind {@code connection}. */
  public static Plan plan(ImpersonationSetup setup, TenantConnection connection) {
    return plan(setup, connection, dev.impersonation.plan.ProgressListener.none());
  }

  /** Plans {@code setup}, reporting each phase of reading the tenant to {@code listener} as INFO events. */
  public static Plan plan(ImpersonationSetup setup, TenantConnection connection, dev.impersonation.plan.ProgressListener listener) {
    if (!connection.target().equals(setup.target())) {
      throw new dev.impersonation.InvalidSetupException("The setup targets " + setup.target() + " but the connection is for "
          + connection.target() + ": use a connection to the same tenant.");
    }
    Planner planner = new Planner(setup, connection, listener);
    planner.run();
    planner.info("planned " + planner.steps.size() + " step(s), " + planner.steps.stream()
        .filter(s -> s.action() == StepAction.BLOCKED).count() + " blocked");
    Plan plan = new Plan(setup.name(), setup.target(), setup.principal().displayIdentity(), setup.scope().describe(),
        setup.access().describe(), planner.steps, planner.warnings, connection.clock().instant(), ScriptVerifications.of(setup));
    LOG.debug("Planned '{}': {} steps, {} blocked", setup.name(), plan.steps().size(), plan.blockedSteps().size());
    return plan;
  }

  // ---------------------------------------------------------------- reads

  /** A read of something that may be absent, from {@code source}; UNKNOWN when the connection has no such source. */
  private static <S, T> Observed<T> readFrom(Optional<S> source, java.util.function.Function<S, Optional<T>> read) {
    return source.map(x -> Observed.read(() -> read.apply(x))).orElseGet(() -> Observed.unknown(NO_EXCHANGE));
  }

  /** A read of a value (a list, a configuration) from {@code source}; UNKNOWN when the connection has no such source. */
  private static <S, T> Observed<T> readValueFrom(Optional<S> source, java.util.function.Function<S, T> read) {
    return source.map(x -> Observed.readValue(() -> read.apply(x))).orElseGet(() -> Observed.unknown(NO_EXCHANGE));
  }

  private <T> Observed<T> fromExchange(java.util.function.Function<ExchangeBackend, Optional<T>> read) {
    return readFrom(exchange, read);
  }

  private <T> Observed<T> valueFromExchange(java.util.function.Function<ExchangeBackend, T> read) {
    return readValueFrom(exchange, read);
  }

  // ---------------------------------------------------------------- steps

  private int add(StepAction action, String resource, String reason, Operation op, List<Integer> deps) {
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

  private int noOp(String resource, String reason) {
    return add(StepAction.NO_OP, resource, reason, null, List.of());
  }

  private int blocked(String resource, String reason) {
    return add(StepAction.BLOCKED, resource, reason, null, List.of());
  }

  private static List<Integer> deps(Integer... numbers) {
    return List.of(numbers);
  }

  // ---------------------------------------------------------------- the plan

  private void run() {
    AccessMethod method = setup.access().method();
    if (setup.scope() instanceof OrganizationScope) {
      warnings.add("ORGANIZATION-WIDE ACCESS: " + setup.principal().displayIdentity()
          + " will reach every mailbox in " + setup.target().domain() + ", including executives' and HR's (acknowledged).");
    }
    if (method == AccessMethod.APPLICATION_ACCESS_POLICY) {
      warnings.add("Application access policies are legacy; Microsoft advises RBAC for Applications for new setups. "
          + "A policy takes more than an hour to become effective.");
    }
    if (method == AccessMethod.FULL_ACCESS_DELEGATION) {
      warnings.add("FullAccess exposes private items, and Exchange allows at most 500 permission entries per mailbox.");
    }
    info("reading the organization");
    int org = organization(method);
    info("reading the principal " + setup.principal().displayIdentity());
    PrincipalSteps principal = principal(method, org);
    info("reading the scope: " + setup.scope().describe());
    ScopeSteps scope = scope(method, principal);
    info("reading the grants: " + setup.access().describe());
    grant(method, org, principal, scope);
  }

  /** An INFO event for the plan's listener; a failing listener never fails the plan. */
  private void info(String message) {
    try {
      listener.onEvent(new dev.impersonation.plan.ProgressEvent(connection.clock().instant(),
          dev.impersonation.plan.ProgressEvent.Kind.INFO, Optional.empty(), "plan: " + message, Optional.empty()));
    } catch (RuntimeException e) {
      LOG.warn("Progress listener failed while planning: {}", e.toString());
    }
  }

  /** Enable-OrganizationCustomization when a dehydrated Exchange Online org needs RBAC writes. */
  private int organization(AccessMethod method) {
    // The docs name role assignments and role groups (docs/rbac-for-applications.md); access policies are not RBAC objects.
    boolean rbacWrites = method == AccessMethod.RBAC_FOR_APPLICATIONS || method == AccessMethod.APPLICATION_IMPERSONATION;
    if (!setup.target().isExchangeOnline() || !rbacWrites) {
      return 0;
    }
    String resource = "organization customization";
    if (rbacThroughGraph) {
      noOp(resource, "not read: IsDehydrated needs an Exchange backend, and Graph's Exchange RBAC endpoints work without it");
      warnings.add("This connection has no Exchange backend, so whether the organization is dehydrated was not checked. "
          + "If Graph refuses the role assignments, run Enable-OrganizationCustomization once (or add an Exchange backend) "
          + "and apply again.");
      return 0;
    }
    Observed<dev.impersonation.spi.OrganizationConfig> config = valueFromExchange(ExchangeBackend::organizationConfig);
    if (config.unknown()) {
      return blocked(resource, config.blockedReason("the organization configuration"));
    }
    if (config.value().dehydrated()) {
      return add(StepAction.PREREQUISITE, resource,
          "IsDehydrated is True: RBAC changes need Enable-OrganizationCustomization first (docs/diagnostics.md#d6)",
          new Operation.EnableOrganizationCustomization(), List.of());
    }
    noOp(resource, "already enabled (IsDehydrated is False)");
    return 0;
  }

  // ---------------------------------------------------------------- principal

  /** What later steps need of the principal: the step that makes it usable, and its identity for grants. */
  private record PrincipalSteps(int ready, Optional<String> assigneeId, boolean resolvable) {}

  private PrincipalSteps principal(AccessMethod method, int org) {
    if (setup.principal() instanceof ServiceAccount account) {
      return serviceAccount(account);
    }
    return application((Application) setup.principal(), method, org);
  }

  private PrincipalSteps serviceAccount(ServiceAccount account) {
    String upn = account.userPrincipalName();
    String resource = "service account " + upn;
    Observed<Recipient> mailbox = exchange.isPresent() ? fromExchange(x -> x.findRecipient(upn))
        : readFrom(mailboxes, m -> m.findMailbox(upn));
    if (mailbox.present()) {
      if (!mailbox.value().type().isMailbox()) {
        return new PrincipalSteps(blocked(resource, upn + " is a " + mailbox.value().type().value()
            + ", not a mailbox: the principal must be a user mailbox (docs/diagnostics.md#d2)"), Optional.of(upn), false);
      }
      noOp(resource, "mailbox exists (" + mailbox.value().type().value() + ")");
      return new PrincipalSteps(0, Optional.of(upn), true);
    }
    if (mailbox.unknown()) {
      return new PrincipalSteps(blocked(resource, mailbox.blockedReason("the service account's mailbox")), Optional.of(upn), false);
    }
    // ABSENT in Exchange: maybe the user exists and its mailbox is still being provisioned.
    if (setup.target().isExchangeOnline() && directory.isPresent()) {
      Observed<dev.impersonation.spi.DirectoryUser> user = Observed.read(() -> directory.get().findUser(upn));
      if (user.unknown()) {
        return new PrincipalSteps(blocked(resource, user.blockedReason("the service account user")), Optional.of(upn), false);
      }
      if (user.present()) {
        int wait = add(StepAction.PREREQUISITE, resource, "the user exists but its mailbox is not provisioned yet (docs/diagnostics.md#d7): wait",
            new Operation.AwaitMailbox(upn), List.of());
        return new PrincipalSteps(wait, Optional.of(upn), true);
      }
    }
    if (account.creation().isEmpty()) {
      return new PrincipalSteps(blocked(resource, "no mailbox " + upn + " exists (docs/diagnostics.md#d1): create it first, or declare "
          + "Principal.serviceAccount(\"" + upn + "\").createIfMissing(...) so the plan creates it"), Optional.of(upn), false);
    }
    ServiceAccount.Creation c = account.creation().get();
    if (setup.target().isExchangeOnline() && c.licenseSkuId().isEmpty()) {
      warnings.add("The new service account " + upn + " gets no licence: Exchange Online gives it a mailbox only once "
          + "it is licensed. Pass a licence SKU id to createIfMissing(...).");
    }
    int create = add(StepAction.CREATE, resource, "no mailbox " + upn + " exists; createIfMissing was declared",
        new Operation.CreateServiceAccount(upn, c.displayName(), c.usageLocation(), c.licenseSkuId(), c.password()), List.of());
    int wait = add(StepAction.PREREQUISITE, resource, "wait until the new mailbox is usable" + (setup.target().isExchangeOnline() ? " (Exchange Online: about 15 min after licensing)" : ""),
        new Operation.AwaitMailbox(upn), deps(create));
    return new PrincipalSteps(wait, Optional.of(upn), true);
  }

  private PrincipalSteps application(Application app, AccessMethod method, int org) {
    String resource = "Entra service principal of " + app.appId();
    Optional<String> objectId = app.servicePrincipalObjectId();
    String displayName = app.displayName().orElse(app.appId());
    if (objectId.isEmpty()) {
      if (directory.isEmpty()) {
        return new PrincipalSteps(blocked(resource, "its object id is unknown: pass Principal.application(\"" + app.appId()
            + "\").servicePrincipal(\"<objectId>\") or add a directory (Graph) backend"), Optional.empty(), false);
      }
      Observed<EntraServicePrincipal> sp = Observed.read(() -> directory.get().findServicePrincipal(app.appId()));
      if (sp.unknown()) {
        return new PrincipalSteps(blocked(resource, sp.blockedReason("the service principal")), Optional.empty(), false);
      }
      if (sp.absent()) {
        return new PrincipalSteps(blocked(resource, "the app has no service principal in this tenant: grant admin consent "
            + "(Entra > Enterprise applications) so one exists, then plan again"), Optional.empty(), false);
      }
      objectId = Optional.of(sp.value().objectId());
      if (app.displayName().isEmpty()) {
        displayName = sp.value().displayName();
      }
      noOp(resource, "found, object id " + objectId.get());
    }
    if (directory.isEmpty()) {
      consent = Observed.unknown("this connection has no directory (Graph) backend to read the app's tenant-wide consent");
    }
    if (directory.isPresent() && objectId.isPresent()) {
      String spId = objectId.get();
      Observed<List<ApplicationPermissionGrant>> grants =
          Observed.readValue(() -> directory.get().applicationPermissionGrants(spId));
      consent = grants;
      consentSpId = spId;
      boolean removing = setup.access() instanceof RbacForApplications r && r.removeTenantWideConsent();
      if (grants.present() && removing) {
        List<ApplicationPermissionGrant> revoked = grants.value().stream().filter(Planner::revocable).toList();
        List<ApplicationPermissionGrant> kept = grants.value().stream().filter(g -> !revocable(g)).toList();
        if (!revoked.isEmpty()) {
          warnings.add("REMOVES EXISTING CONSENT: this plan revokes the app's tenant-wide consent " + describe(revoked)
              + " once the role assignments exist (removingTenantWideConsent, step 5 of the RBAC for Applications recipe, docs/rbac-for-applications.md#recipe). Anything that relied "
              + "on that consent loses access to the mailboxes outside the scope, and until the new assignments "
              + "propagate (up to 2 h, docs/diagnostics.md#d12) the app may be denied even inside it.");
        }
        if (!kept.isEmpty()) {
          warnings.add("The app keeps tenant-wide consent " + describe(kept) + ": only mailbox-related Microsoft Graph "
              + "permissions are revoked. If any of it reaches mailboxes, remove it in Entra (docs/diagnostics.md#d11).");
        }
      } else if (grants.present() && !grants.value().isEmpty() && method != AccessMethod.APPLICATION_ACCESS_POLICY) {
        warnings.add("The app has tenant-wide consent " + grants.value().stream().map(g -> g.resource() + " " + g.permission())
            .collect(Collectors.joining(", ")) + ": access is the union of consent and Exchange RBAC, so every mailbox "
            + "stays reachable until you remove that consent in Entra (docs/diagnostics.md#d11). Not removed automatically"
            + (method == AccessMethod.RBAC_FOR_APPLICATIONS ? ": opt in with Access.rbacForApplications(...).removingTenantWideConsent()." : "."));
      } else if (grants.unknown()) {
        warnings.add("Could not read the app's tenant-wide consent (" + grants.error() + "); check it by hand (docs/diagnostics.md#d11).");
      }
    }
    if (method != AccessMethod.RBAC_FOR_APPLICATIONS) {
      return new PrincipalSteps(0, objectId, objectId.isPresent());
    }
    String pointer = "Exchange service principal for " + app.appId();
    if (rbacThroughGraph && objectId.isPresent()) {
      // Graph's Exchange role assignments name the Entra service principal itself (/ServicePrincipals/{id}); Exchange's
      // pointer cannot be read without an Exchange backend. The step keeps the operation so the exported script, which
      // runs Exchange cmdlets, still creates the pointer if it is missing.
      steps.add(new Step(steps.size() + 1, StepAction.NO_OP, pointer, "not read on this connection (no Exchange backend): "
          + "Graph's role assignments refer to the Entra service principal " + objectId.get() + " directly; the exported "
          + "script creates Exchange's pointer if it is missing", directory.get().name(), Optional.of(BackendKind.DIRECTORY),
          Optional.of(new Operation.NewServicePrincipal(app.appId(), objectId.get(), displayName)), List.of()));
      return new PrincipalSteps(0, objectId, true);
    }
    Observed<ExchangeServicePrincipal> existing = fromExchange(x -> x.findServicePrincipal(app.appId()));
    if (existing.unknown()) {
      return new PrincipalSteps(blocked(pointer, existing.blockedReason("Exchange's service principal")), objectId, false);
    }
    if (existing.present()) {
      if (objectId.isPresent() && !existing.value().objectId().equalsIgnoreCase(objectId.get())) {
        return new PrincipalSteps(blocked(pointer, "Exchange points at object id " + existing.value().objectId()
            + " but the Entra service principal is " + objectId.get() + ": remove the stale pointer "
            + "(Remove-ServicePrincipal) or pass the right object id"), objectId, false);
      }
      noOp(pointer, "exists (" + existing.value().displayName() + ")");
      return new PrincipalSteps(0, Optional.of(existing.value().objectId()), true);
    }
    if (objectId.isEmpty()) {
      return new PrincipalSteps(blocked(pointer, "the service principal's object id is unknown"), objectId, false);
    }
    int create = add(StepAction.CREATE, pointer, "Exchange does not know the app yet (step 2 of the RBAC for Applications recipe, docs/rbac-for-applications.md#recipe)",
        new Operation.NewServicePrincipal(app.appId(), objectId.get(), displayName), deps(org));
    return new PrincipalSteps(create, objectId, true);
  }

  // ---------------------------------------------------------------- scope

  /** What grants need of the scope. */
  private record ScopeSteps(List<Integer> ready, List<RecipientFilter.GroupReference> groups, String policyGroup,
      List<String> mailboxes, boolean ok) {}

  private ScopeSteps scope(AccessMethod method, PrincipalSteps principal) {
    if (setup.scope() instanceof GroupScope group) {
      return groups(group, principal);
    } else if (setup.scope() instanceof MailboxListScope list) {
      return mailboxList(list.mailboxes(), principal);
    } else if (setup.scope() instanceof AdministrativeUnitScope au) {
      if (directory.isPresent()) {
        Observed<List<String>> members = Observed.read(() -> directory.get().administrativeUnitMembers(au.objectId()));
        String resource = "administrative unit " + au.objectId();
        if (members.unknown()) {
          blocked(resource, members.blockedReason("the administrative unit"));
          return new ScopeSteps(List.of(), List.of(), "", List.of(), false);
        }
        if (members.absent()) {
          blocked(resource, "no such administrative unit: create it in Entra (Roles & admins > Admin units) and add the mailboxes");
          return new ScopeSteps(List.of(), List.of(), "", List.of(), false);
        }
        noOp(resource, "exists with " + members.value().size() + " member(s)"
            + (au.membershipMode() == MembershipMode.UNMANAGED ? "; existingMembership(): its members are left as they are" : ""));
        if (au.managesMembers()) {
          return administrativeUnitMembers(au, members.value());
        }
      } else if (au.managesMembers()) {
        blocked("administrative unit " + au.objectId() + " members", "this connection has no directory (Graph) backend to "
            + "read and write the administrative unit's members: add one (impersonation-graph)");
        return new ScopeSteps(List.of(), List.of(), "", List.of(), false);
      }
      return new ScopeSteps(List.of(), List.of(), "", List.of(), true);
    }
    return new ScopeSteps(List.of(), List.of(), "", List.of(), true);
  }

  /**
   * The declared members of an administrative unit: adds the missing ones through the directory and, with EXACT
   * membership only, removes the undeclared ones. Every member to add must be a directory user (looked up by UPN or
   * mail, as Graph refers to it); a failed look-up blocks, never counts as absent.
   */
  private ScopeSteps administrativeUnitMembers(AdministrativeUnitScope au, List<String> current) {
    String resource = "administrative unit " + au.objectId() + " members";
    Set<String> present = current.stream().map(m -> m.toLowerCase(Locale.ROOT)).collect(Collectors.toCollection(LinkedHashSet::new));
    Set<String> desired = au.members().stream().map(m -> m.toLowerCase(Locale.ROOT)).collect(Collectors.toCollection(LinkedHashSet::new));
    List<String> toAdd = new ArrayList<>();
    List<String> missing = new ArrayList<>();
    List<String> unreadable = new ArrayList<>();
    Map<String, Observed<dev.impersonation.spi.DirectoryUser>> users = directoryUsers(au.members().stream()
        .filter(m -> !present.contains(m.toLowerCase(Locale.ROOT))).toList());
    for (String m : au.members()) {
      if (present.contains(m.toLowerCase(Locale.ROOT))) {
        continue;
      }
      Observed<dev.impersonation.spi.DirectoryUser> user = users.get(m);
      if (user.unknown()) {
        unreadable.add(m + " (" + user.error() + ")");
      } else if (user.absent()) {
        missing.add(m);
      } else {
        String upn = user.value().userPrincipalName().isEmpty() ? m : user.value().userPrincipalName();
        desired.add(upn.toLowerCase(Locale.ROOT));
        if (!present.contains(upn.toLowerCase(Locale.ROOT))) {
          toAdd.add(upn);
        }
      }
    }
    boolean ok = true;
    if (!unreadable.isEmpty()) {
      blocked(resource, "could not look up " + unreadable + "; a failed read is never taken as absent: plan again");
      ok = false;
    }
    if (!missing.isEmpty()) {
      blocked(resource, "no directory user found for " + missing + " (docs/diagnostics.md#d9 address mismatch): an administrative unit's "
          + "members are Entra users, so fix the addresses (user principal names) or create the users");
      ok = false;
    }
    if (!ok) {
      return new ScopeSteps(List.of(), List.of(), "", List.of(), false);
    }
    List<String> extra = current.stream().filter(m -> !desired.contains(m.toLowerCase(Locale.ROOT))).toList();
    boolean exact = au.membershipMode() == MembershipMode.EXACT;
    String left = exact || extra.isEmpty() ? "" : "; " + extra.size() + " undeclared member(s) left as they are (ADD_ONLY: "
        + "exactMembership() would remove them)";
    List<Integer> steps = new ArrayList<>();
    if (!toAdd.isEmpty()) {
      steps.add(add(StepAction.ADD_MEMBERS, resource, "add " + toAdd.size() + " member(s): " + preview(toAdd) + left,
          new Operation.AddAdministrativeUnitMembers(au.objectId(), toAdd), List.of()));
    }
    if (exact && !extra.isEmpty()) {
      steps.add(add(StepAction.REMOVE_MEMBERS, resource, "EXACT membership: remove " + extra.size()
          + " undeclared member(s): " + preview(extra), new Operation.RemoveAdministrativeUnitMembers(au.objectId(), extra),
          List.of()));
      warnings.add("REMOVES EXISTING MEMBERS: exactMembership() removes " + extra.size() + " undeclared member(s) from "
          + "administrative unit " + au.objectId() + " (" + preview(extra) + "). The unit may scope other role assignments "
          + "or admins too: they lose those members as well. Drop exactMembership() to keep them.");
    }
    if (steps.isEmpty()) {
      noOp(resource, current.size() + " member(s), all declared members present" + left);
    }
    memberSteps.addAll(steps);
    List<String> inScope = new ArrayList<>(au.members());
    if (!exact) {
      inScope.addAll(extra);
    }
    return new ScopeSteps(List.copyOf(steps), List.of(), "", inScope, true);
  }

  /**
   * Whether a scope group is read through the directory (Graph): security groups always; Microsoft 365 groups without an
   * Exchange backend; and, for a {@code -RecipientGroupScope} over Graph (no Exchange backend), any group, since Graph
   * reads distribution groups and mail-enabled security groups though it cannot write them (docs/graph.md), and
   * {@code /Groups/{id}} needs only the group's object id. Creating or filling such a group still needs Exchange.
   */
  private boolean throughDirectory(GroupKind kind) {
    return kind == GroupKind.SECURITY || exchange.isEmpty() && directory.isPresent()
        && (kind == GroupKind.MICROSOFT_365 || AppAssignmentScope.byRecipientGroup(setup));
  }

  private Observed<MailGroup> readGroup(String name, GroupKind kind) {
    if (throughDirectory(kind)) {
      return directory.map(d -> Observed.read(() -> d.findGroup(name)))
          .orElseGet(() -> Observed.unknown("this connection has no directory (Graph) backend to read security groups"));
    }
    return fromExchange(x -> x.findGroup(name));
  }

  private Observed<List<String>> readMembers(String name, GroupKind kind) {
    if (throughDirectory(kind)) {
      return directory.map(d -> Observed.readValue(() -> d.groupMembers(name)))
          .orElseGet(() -> Observed.unknown("this connection has no directory (Graph) backend"));
    }
    return valueFromExchange(x -> {
      List<Recipient> all = x.groupMembers(name);
      nestedGroups.put(name, all.stream().filter(r -> r.type().isGroup()).toList());
      return all.stream().map(Recipient::primarySmtpAddress).toList();
    });
  }

  /** The nested-group check of a scope group (docs/group-scopes.md); its warning, if any, joins the plan's. */
  private void warnAboutNestedGroups(String name, GroupKind kind, Observed<List<String>> direct) {
    if (kind == GroupKind.MICROSOFT_365 || !(setup.access() instanceof RbacForApplications
        || setup.access() instanceof ApplicationImpersonation)) {
      return; // Microsoft 365 groups cannot hold groups; access policies count nested members
    }
    java.util.function.Function<String, Observed<List<NestedGroupCheck.Member>>> members;
    Observed<List<NestedGroupCheck.Member>> top;
    if (exchange.isPresent() && nestedGroups.containsKey(name)) {
      members = g -> valueFromExchange(x -> x.groupMembers(g).stream().map(NestedGroupCheck.Member::of).toList());
      top = Observed.readValue(() -> nestedGroups.get(name).stream().map(NestedGroupCheck.Member::of).toList());
    } else if (exchange.isEmpty() && directory.isPresent()) {
      members = g -> Observed.readValue(() -> directory.get().groupMemberEntries(g).stream().map(NestedGroupCheck.Member::of).toList());
      top = members.apply(name);
    } else {
      members = g -> Observed.unknown("not read");
      top = Observed.unknown(direct.unknown() ? direct.error() : "the members' kinds were not read");
    }
    NestedGroupCheck.warning(kind.label() + " '" + name + "'", name, direct, top, members).ifPresent(warnings::add);
  }

  private ScopeSteps groups(GroupScope scope, PrincipalSteps principal) {
    String marker = ObjectNames.ownerMarker(setup);
    String principalUpn = setup.principal() instanceof ServiceAccount a ? a.userPrincipalName() : "";
    boolean ok = true;
    List<Integer> ready = new ArrayList<>();
    List<RecipientFilter.GroupReference> refs = new ArrayList<>();
    String policyGroup = scope.primarySmtpAddress().orElse(scope.name());
    // Existing groups (including partitions beyond what the members need now) and their members.
    Map<String, Observed<MailGroup>> groups = new LinkedHashMap<>();
    for (int i = 0; ; i++) {
      String name = scope.groupName(i);
      Observed<MailGroup> g = readGroup(name, scope.kind());
      if (i >= scope.groupCount() && !g.present()) {
        break;
      }
      groups.put(name, g);
      if (i > 200) {
        break;
      }
    }
    Map<String, List<String>> members = new LinkedHashMap<>();
    Map<String, Integer> groupReady = new LinkedHashMap<>();
    for (Map.Entry<String, Observed<MailGroup>> e : groups.entrySet()) {
      String name = e.getKey();
      Observed<MailGroup> g = e.getValue();
      String resource = scope.kind().label() + " '" + name + "'";
      if (g.unknown()) {
        blocked(resource, g.blockedReason("the group"));
        ok = false;
        continue;
      }
      if (g.present()) {
        MailGroup found = g.value();
        // Graph shows a room list as a distribution group (mail-enabled, not security-enabled): not a mismatch there.
        boolean graphRoomList = scope.kind() == GroupKind.ROOM_LIST && found.kind() == GroupKind.DISTRIBUTION
            && throughDirectory(scope.kind());
        if (found.kind() != scope.kind() && !graphRoomList) {
          blocked(resource, "'" + name + "' exists but is a " + found.kind().label() + ", not a " + scope.kind().label()
              + " (docs/diagnostics.md#d2, #d5): rename the setup's group or use Scope." + factory(found.kind()) + "(\"" + name + "\")");
          ok = false;
          continue;
        }
        if (groupReady.isEmpty() && found.primarySmtpAddress() != null && !found.primarySmtpAddress().isEmpty()) {
          policyGroup = found.primarySmtpAddress();
        }
        noOp(resource, "exists" + (found.distinguishedName().isEmpty() ? "" : " (DN read: " + found.distinguishedName() + ")"));
        List<String> missingOwners = scope.owners().stream()
            .filter(o -> found.managedBy().stream().noneMatch(m -> m.equalsIgnoreCase(o))).toList();
        boolean close = scope.closedMembership() && !found.memberJoinClosed() && scope.kind().isExchangeWritten();
        boolean hide = scope.hiddenFromAddressListsEnabled() && !found.hiddenFromAddressLists();
        int update = 0;
        if (!missingOwners.isEmpty() || close || hide) {
          List<String> what = new ArrayList<>();
          if (!missingOwners.isEmpty()) {
            what.add("add owner(s) " + missingOwners);
          }
          if (close) {
            what.add("close membership");
          }
          if (hide) {
            what.add("hide from address lists");
          }
          int ownerDep = missingOwners.stream().anyMatch(o -> o.equalsIgnoreCase(principalUpn)) ? principal.ready() : 0;
          update = add(StepAction.UPDATE, resource, String.join(", ", what) + " (existing owners are kept)",
              new Operation.SetGroup(name, scope.kind(), missingOwners, close, hide), deps(ownerDep));
        }
        groupReady.put(name, update);
        if (scope.kind().isExchangeKnown()) {
          refs.add(new RecipientFilter.GroupReference(name, scope.kind(),
              found.distinguishedName().isEmpty() ? Optional.empty() : Optional.of(found.distinguishedName())));
        }
        if (scope.membershipMode() != MembershipMode.UNMANAGED) {
          Observed<List<String>> current = readMembers(name, scope.kind());
          if (current.present()) {
            info("read " + current.value().size() + " member(s) of " + resource);
          }
          if (current.unknown()) {
            blocked(resource + " members", current.blockedReason("the group's members"));
            ok = false;
          } else {
            members.put(name, current.value());
          }
          warnAboutNestedGroups(name, scope.kind(), current);
        } else if (scope.kind() != GroupKind.MICROSOFT_365 && (setup.access() instanceof RbacForApplications
            || setup.access() instanceof ApplicationImpersonation)) {
          warnAboutNestedGroups(name, scope.kind(), readMembers(name, scope.kind()));
        }
      } else {
        if (scope.membershipMode() == MembershipMode.UNMANAGED) {
          blocked(resource, "does not exist, and existingMembership() uses an existing group as it is: create it, "
              + "or drop existingMembership() so the plan creates and fills it");
          ok = false;
          continue;
        }
        int ownerDep = scope.owners().stream().anyMatch(o -> o.equalsIgnoreCase(principalUpn)) ? principal.ready() : 0;
        int create;
        if (scope.kind().isExchangeWritten()) {
          boolean first = groupReady.isEmpty();
          Optional<String> alias = scope.alias().map(a -> first ? a : a + (groupReady.size() + 1));
          Optional<String> smtp = first ? scope.primarySmtpAddress() : scope.primarySmtpAddress().map(a ->
              a.substring(0, a.indexOf('@')) + (groupReady.size() + 1) + a.substring(a.indexOf('@')));
          create = add(StepAction.CREATE, resource, "absent; created closed, owned by " + (scope.owners().isEmpty()
              ? "the admin who runs it" : scope.owners()),
              new Operation.NewDistributionGroup(name, scope.kind(), alias, smtp, scope.owners(), marker), deps(ownerDep));
        } else {
          String nickname = scope.alias().orElse(name.replaceAll("[^A-Za-z0-9]", ""));
          create = add(StepAction.CREATE, resource, "absent; created through the directory",
              new Operation.CreateDirectoryGroup(name, scope.kind(), nickname.isEmpty() ? "group" : nickname, scope.owners(), marker),
              deps(ownerDep));
        }
        int last = create;
        if (scope.hiddenFromAddressListsEnabled()) {
          last = add(StepAction.UPDATE, resource, "hide from address lists",
              new Operation.SetGroup(name, scope.kind(), List.of(), false, true), deps(create));
        }
        groupReady.put(name, last);
        members.put(name, List.of());
        if (scope.kind().isExchangeKnown()) {
          refs.add(new RecipientFilter.GroupReference(name, scope.kind(), Optional.empty()));
        }
      }
    }
    if (!ok) {
      return new ScopeSteps(List.of(), refs, policyGroup, List.of(), false);
    }
    List<String> inScope = new ArrayList<>();
    members.values().forEach(inScope::addAll);
    if (scope.membershipMode() != MembershipMode.UNMANAGED) {
      ok = members(scope, members, groupReady, principal, principalUpn);
      Set<String> seen = new LinkedHashSet<>();
      inScope.forEach(m -> seen.add(m.toLowerCase(Locale.ROOT)));
      if (scope.membershipMode() == MembershipMode.EXACT) {
        inScope.clear();
        seen.clear();
      }
      for (String m : scope.members()) {
        if (seen.add(m.toLowerCase(Locale.ROOT))) {
          inScope.add(m);
        }
      }
    }
    // DNs of groups created by this plan are read once they exist (a -RecipientGroupScope needs none).
    List<Integer> resolveSteps = new ArrayList<>();
    for (RecipientFilter.GroupReference ref : refs) {
      if (ref.distinguishedName().isEmpty() && !AppAssignmentScope.byRecipientGroup(setup)) {
        resolveSteps.add(add(StepAction.PREREQUISITE, scope.kind().label() + " '" + ref.identity() + "'",
            "read its DistinguishedName once it exists (never built from the name)",
            new Operation.ResolveGroupDistinguishedName(ref.identity(), ref.kind()), deps(groupReady.getOrDefault(ref.identity(), 0))));
      }
    }
    ready.addAll(groupReady.values());
    ready.addAll(resolveSteps);
    ready.addAll(memberSteps);
    return new ScopeSteps(ready, refs, policyGroup, inScope, ok);
  }

  /**
   * Directory users read in one bulk call ({@link dev.impersonation.spi.DirectoryBackend#findUsers}); when the bulk read
   * fails every one of them is UNKNOWN, never absent.
   */
  private Map<String, Observed<dev.impersonation.spi.DirectoryUser>> directoryUsers(List<String> identities) {
    Map<String, Observed<dev.impersonation.spi.DirectoryUser>> out = new LinkedHashMap<>();
    if (identities.isEmpty()) {
      return out;
    }
    try {
      Map<String, Optional<dev.impersonation.spi.DirectoryUser>> found = directory.get().findUsers(identities);
      for (String m : identities) {
        Optional<dev.impersonation.spi.DirectoryUser> u = found.get(m);
        out.put(m, u == null ? Observed.unknown("the directory did not answer for " + m) : Observed.read(() -> u));
      }
    } catch (RuntimeException e) {
      Observed<dev.impersonation.spi.DirectoryUser> failed = Observed.unknown(e.getClass().getSimpleName() + ": " + e.getMessage());
      identities.forEach(m -> out.put(m, failed));
    }
    return out;
  }

  private static Observed<Recipient> toRecipient(Observed<dev.impersonation.spi.DirectoryUser> user) {
    if (user == null) {
      return Observed.unknown("not read");
    }
    if (!user.present()) {
      return user.absent() ? new Observed<>(Observed.State.ABSENT, null, "") : Observed.unknown(user.error());
    }
    dev.impersonation.spi.DirectoryUser u = user.value();
    return new Observed<>(Observed.State.PRESENT, new Recipient(u.displayName(), u.userPrincipalName(), "",
        dev.impersonation.spi.RecipientType.USER_MAILBOX, true), "");
  }

  /** Adds (and with EXACT removes) members, filling split groups in order. */
  private boolean members(GroupScope scope, Map<String, List<String>> current, Map<String, Integer> groupReady,
      PrincipalSteps principal, String principalUpn) {
    Set<String> present = new LinkedHashSet<>();
    current.values().forEach(list -> list.forEach(m -> present.add(m.toLowerCase(Locale.ROOT))));
    List<String> toAdd = scope.members().stream().filter(m -> !present.contains(m.toLowerCase(Locale.ROOT))).toList();
    // Every member to add must be a mailbox (docs/diagnostics.md#d9 address mismatch, docs/diagnostics.md#d2 group given where a mailbox is needed).
    List<String> missing = new ArrayList<>();
    List<String> groupsGiven = new ArrayList<>();
    List<String> unreadable = new ArrayList<>();
    Map<String, String> canonical = new LinkedHashMap<>();
    // Declared members as their primary SMTP addresses, which is how Exchange lists members (for EXACT).
    Set<String> desired = scope.members().stream().map(m -> m.toLowerCase(Locale.ROOT)).collect(Collectors.toCollection(LinkedHashSet::new));
    boolean throughExchange = scope.kind().isExchangeWritten() || exchange.isPresent();
    // Graph: every member to add is read in bulk once ($batch), which also tells the backend their object ids for the adds.
    Map<String, Observed<dev.impersonation.spi.DirectoryUser>> users = throughExchange || directory.isEmpty() ? Map.of()
        : directoryUsers(toAdd.stream().filter(m -> !(m.equalsIgnoreCase(principalUpn) && principal.ready() > 0)).toList());
    for (String m : toAdd) {
      if (m.equalsIgnoreCase(principalUpn) && principal.ready() > 0) {
        canonical.put(m, m);
        continue;
      }
      Observed<Recipient> r = throughExchange
          ? fromExchange(x -> x.findRecipient(m))
          : directory.isEmpty() ? Observed.unknown("no backend") : toRecipient(users.get(m));
      if (r.unknown()) {
        unreadable.add(m + " (" + r.error() + ")");
      } else if (r.absent()) {
        missing.add(m);
      } else if (!r.value().type().isMailbox()) {
        groupsGiven.add(m + " (" + r.value().type().value() + ")");
      } else {
        canonical.put(m, m);
        desired.add(r.value().primarySmtpAddress().toLowerCase(Locale.ROOT));
        if (present.contains(r.value().primarySmtpAddress().toLowerCase(Locale.ROOT))) {
          canonical.remove(m);
        }
      }
    }
    String resource = scope.kind().label() + " '" + scope.name() + "' members";
    boolean ok = true;
    if (!unreadable.isEmpty()) {
      blocked(resource, "could not look up " + unreadable + "; a failed read is never taken as absent: plan again");
      ok = false;
    }
    if (!missing.isEmpty()) {
      blocked(resource, "no recipient found for " + missing + " (docs/diagnostics.md#d9 address mismatch): fix the addresses or create the mailboxes");
      ok = false;
    }
    if (!groupsGiven.isEmpty()) {
      blocked(resource, groupsGiven + " are groups, not mailboxes (docs/diagnostics.md#d2): MemberOfGroup counts direct members only, so "
          + "list the mailboxes themselves");
      ok = false;
    }
    if (!ok) {
      return false;
    }
    if (throughExchange && !scope.kind().isExchangeWritten() && directory.isPresent() && !canonical.isEmpty()) {
      // Graph writes this group and refers to members by object id only (docs/graph-references.md): read the members to add
      // from the directory in bulk now, so the adds need no look-ups. Best effort: a failed read here only moves the
      // look-ups to apply time, where a member the directory lacks fails before anything is written.
      try {
        directory.get().findUsers(List.copyOf(canonical.keySet()));
      } catch (RuntimeException lookupsAtApplyTime) {
        // Nothing to report: the plan is still correct.
      }
    }
    int max = scope.maxMembersPerGroup().orElse(Integer.MAX_VALUE);
    Map<String, List<String>> additions = new LinkedHashMap<>();
    List<String> queue = new ArrayList<>(canonical.keySet());
    for (Map.Entry<String, List<String>> e : current.entrySet()) {
      int room = Math.max(0, max - e.getValue().size());
      List<String> batch = new ArrayList<>();
      while (room-- > 0 && !queue.isEmpty()) {
        batch.add(queue.remove(0));
      }
      if (!batch.isEmpty()) {
        additions.put(e.getKey(), batch);
      }
    }
    if (!queue.isEmpty()) {
      blocked(resource, queue.size() + " member(s) do not fit in the groups at " + max + " per group");
      return false;
    }
    for (Map.Entry<String, List<String>> e : current.entrySet()) {
      String group = e.getKey();
      String res = scope.kind().label() + " '" + group + "' members";
      List<String> add = additions.getOrDefault(group, List.of());
      if (!add.isEmpty()) {
        int dep = add.stream().anyMatch(m -> m.equalsIgnoreCase(principalUpn)) ? principal.ready() : 0;
        memberSteps.add(add(StepAction.ADD_MEMBERS, res, "add " + add.size() + " member(s): " + preview(add),
            new Operation.AddGroupMembers(group, scope.kind(), add), deps(groupReady.getOrDefault(group, 0), dep)));
      }
      if (scope.membershipMode() == MembershipMode.EXACT) {
        List<String> extra = e.getValue().stream().filter(m -> !desired.contains(m.toLowerCase(Locale.ROOT))).toList();
        if (!extra.isEmpty()) {
          memberSteps.add(add(StepAction.REMOVE_MEMBERS, res, "EXACT membership: remove " + extra.size()
              + " undeclared member(s): " + preview(extra), new Operation.RemoveGroupMembers(group, scope.kind(), extra),
              deps(groupReady.getOrDefault(group, 0))));
        }
      }
      if (add.isEmpty() && (scope.membershipMode() != MembershipMode.EXACT
          || e.getValue().stream().allMatch(m -> desired.contains(m.toLowerCase(Locale.ROOT))))) {
        noOp(res, e.getValue().size() + " member(s), all declared members present");
      }
    }
    return true;
  }

  static String preview(List<String> values) {
    return values.size() <= 3 ? String.join(", ", values) : String.join(", ", values.subList(0, 3)) + ", +" + (values.size() - 3) + " more";
  }

  private static String factory(GroupKind kind) {
    return switch (kind) {
      case DISTRIBUTION -> "distributionGroup";
      case MAIL_ENABLED_SECURITY -> "mailEnabledSecurityGroup";
      case ROOM_LIST -> "roomList";
      case MICROSOFT_365 -> "microsoft365Group";
      case SECURITY -> "securityGroup";
    };
  }

  private ScopeSteps mailboxList(List<String> mailboxes, PrincipalSteps principal) {
    List<String> missing = new ArrayList<>();
    List<String> notMailboxes = new ArrayList<>();
    List<String> unreadable = new ArrayList<>();
    for (String m : mailboxes) {
      Observed<Recipient> r = fromExchange(x -> x.findRecipient(m));
      if (r.unknown()) {
        unreadable.add(m + " (" + r.error() + ")");
      } else if (r.absent()) {
        missing.add(m);
      } else if (!r.value().type().isMailbox()) {
        notMailboxes.add(m + " (" + r.value().type().value() + ")");
      }
    }
    String resource = "listed mailboxes";
    if (!unreadable.isEmpty()) {
      blocked(resource, "could not look up " + unreadable + "; a failed read is never taken as absent: plan again");
    }
    if (!missing.isEmpty()) {
      blocked(resource, "no mailbox found for " + missing + " (docs/diagnostics.md#d9): fix the addresses");
    }
    if (!notMailboxes.isEmpty()) {
      blocked(resource, notMailboxes + " are not mailboxes (docs/diagnostics.md#d2): list the member mailboxes instead");
    }
    return new ScopeSteps(List.of(), List.of(), "", mailboxes, unreadable.isEmpty() && missing.isEmpty() && notMailboxes.isEmpty());
  }

  // ---------------------------------------------------------------- grants

  private void grant(AccessMethod method, int org, PrincipalSteps principal, ScopeSteps scope) {
    if (!scope.ok() || !principal.resolvable() || principal.assigneeId().isEmpty()) {
      blocked("access grant", "waits for the blocked steps above");
      return;
    }
    switch (method) {
      case APPLICATION_IMPERSONATION -> impersonation(org, principal, scope);
      case RBAC_FOR_APPLICATIONS -> rbacForApplications(org, principal, scope);
      case APPLICATION_ACCESS_POLICY -> accessPolicy(org, principal, scope);
      case FULL_ACCESS_DELEGATION -> fullAccess(principal, scope);
    }
  }

  /** The management scope for filter-based scopes; returns its step (0 when none is needed) or -1 when blocked. */
  private int managementScope(int org, ScopeSteps scope) {
    RecipientFilter filter;
    if (setup.scope() instanceof GroupScope) {
      filter = new RecipientFilter.MemberOfGroups(scope.groups());
    } else if (setup.scope() instanceof RecipientFilterScope f) {
      filter = new RecipientFilter.Custom(f.filter());
    } else {
      return 0;
    }
    String name = ObjectNames.managementScope(setup);
    String resource = "management scope '" + name + "'";
    if (rbacThroughGraph && filter.needsResolution()) {
      blocked(resource, "a MemberOfGroup filter needs the group's Exchange DistinguishedName, which Microsoft Graph cannot "
          + "read: add an Exchange backend (impersonation-powershell), or scope by an administrative unit "
          + "(Scope.administrativeUnit(id)), which Graph can assign to");
      return -1;
    }
    Observed<ManagementScope> existing = readFrom(rbac, x -> x.findManagementScope(name));
    if (existing.unknown()) {
      blocked(resource, existing.blockedReason("the management scope"));
      return -1;
    }
    if (existing.present()) {
      if (!filter.needsResolution() && RecipientFilter.equivalent(existing.value().recipientFilter(), filter.toOpath(g -> "")) ) {
        noOp(resource, "exists with the same filter");
        return 0;
      }
      blocked(resource, "exists with filter " + existing.value().recipientFilter() + " but the setup needs "
          + (filter.needsResolution() ? "the DN of a group this plan creates" : filter.toOpath(g -> ""))
          + " (a stale DN? docs/diagnostics.md#d5). It is not changed automatically because other assignments may use it: fix or remove it, "
          + "or give the setup another managementScopeName(...)");
      return -1;
    }
    List<Integer> deps = new ArrayList<>(scope.ready());
    deps.add(org);
    return add(StepAction.CREATE, resource, "absent; restricts the grant to " + setup.scope().describe(),
        new Operation.NewManagementScope(name, filter), deps);
  }

  private void impersonation(int org, PrincipalSteps principal, ScopeSteps scope) {
    int scopeStep = managementScope(org, scope);
    if (scopeStep < 0) {
      blocked("access grant", "waits for the blocked management scope");
      return;
    }
    boolean orgWide = setup.scope() instanceof OrganizationScope;
    String scopeName = orgWide ? "" : ObjectNames.managementScope(setup);
    ApplicationImpersonation access = (ApplicationImpersonation) setup.access();
    String upn = principal.assigneeId().get();
    if (access.roleGroup().isPresent()) {
      roleGroup(access, upn, scopeName, principal, scopeStep, org);
      return;
    }
    String name = ObjectNames.roleAssignment(setup, ApplicationImpersonation.ROLE, 1);
    assignment(name, ApplicationImpersonation.ROLE, upn, AssigneeType.USER,
        orgWide ? ScopeType.ORGANIZATION : ScopeType.MANAGEMENT_SCOPE, scopeName, deps(principal.ready(), scopeStep, org));
  }

  private void roleGroup(ApplicationImpersonation access, String upn, String scopeName, PrincipalSteps principal,
      int scopeStep, int org) {
    String name = access.roleGroup().get();
    String resource = "role group '" + name + "'";
    Observed<RoleGroup> existing = fromExchange(x -> x.findRoleGroup(name));
    if (existing.unknown()) {
      blocked(resource, existing.blockedReason("the role group"));
      return;
    }
    if (existing.absent()) {
      add(StepAction.CREATE, resource, "absent; roles " + access.roles() + " with write scope "
          + (scopeName.isEmpty() ? "Default (organization-wide)" : "'" + scopeName + "'") + ", member " + upn,
          new Operation.NewRoleGroup(name, access.roles(), List.of(upn), scopeName, ObjectNames.ownerMarker(setup)),
          deps(principal.ready(), scopeStep, org));
      return;
    }
    RoleGroup rg = existing.value();
    if (!rg.customRecipientWriteScope().equalsIgnoreCase(scopeName)) {
      blocked(resource, "exists with write scope " + (rg.customRecipientWriteScope().isEmpty() ? "Default (organization-wide, docs/diagnostics.md#d4)"
          : "'" + rg.customRecipientWriteScope() + "'") + " but the setup needs " + (scopeName.isEmpty() ? "Default" : "'" + scopeName + "'")
          + ": it is not changed automatically; use another role group name or fix it by hand");
      return;
    }
    boolean changed = false;
    for (String role : access.roles()) {
      if (rg.roles().stream().noneMatch(r -> r.equalsIgnoreCase(role))) {
        add(StepAction.CREATE, resource + " role " + role, "the role group lacks this role",
            new Operation.NewManagementRoleAssignment(role + "-" + name, role, name, AssigneeType.SECURITY_GROUP,
                scopeName.isEmpty() ? ScopeType.ORGANIZATION : ScopeType.MANAGEMENT_SCOPE, scopeName), deps(scopeStep, org));
        changed = true;
      }
    }
    if (rg.members().stream().noneMatch(m -> m.equalsIgnoreCase(upn))) {
      add(StepAction.ADD_MEMBERS, resource, "add " + upn + " as a member",
          new Operation.AddRoleGroupMember(name, upn), deps(principal.ready(), org));
      changed = true;
    }
    if (!changed) {
      noOp(resource, "has the roles, the write scope and the member");
    }
  }

  /** Plans one role assignment; returns its step (0 when it exists) or -1 when blocked. */
  private int assignment(String name, String role, String assignee, AssigneeType type, ScopeType scopeType, String scope,
      List<Integer> deps) {
    String resource = "role assignment '" + name + "'";
    Observed<List<RoleAssignment>> existing = readValueFrom(rbac, x -> x.roleAssignments(assignee));
    if (existing.unknown()) {
      blocked(resource, existing.blockedReason("the role assignments of " + assignee));
      return -1;
    }
    for (RoleAssignment a : existing.value()) {
      if (a.role().equalsIgnoreCase(role) && a.isOrganizationWide() && scopeType != ScopeType.ORGANIZATION) {
        warnings.add("An organization-wide assignment '" + a.name() + "' of " + role + " to " + assignee
            + " already exists, so the scope has no effect until you remove it (docs/diagnostics.md#d4). Not removed automatically: "
            + ScriptRenderer.render(Cmdlet.of("Remove-ManagementRoleAssignment").text("Identity", a.name())) + ".");
      }
    }
    Optional<RoleAssignment> same = existing.value().stream()
        .filter(a -> a.role().equalsIgnoreCase(role) && a.scopeType() == scopeType && a.scope().equalsIgnoreCase(scope))
        .findFirst();
    if (same.isPresent()) {
      noOp(resource, "exists" + (same.get().name().equalsIgnoreCase(name) ? "" : " as '" + same.get().name() + "'"));
      return 0;
    }
    if (existing.value().stream().anyMatch(a -> a.name().equalsIgnoreCase(name))) {
      blocked(resource, "an assignment with this name exists with another role or scope: remove it or set roleAssignmentName(...)");
      return -1;
    }
    return add(StepAction.CREATE, resource, role + " for " + assignee + switch (scopeType) {
          case ORGANIZATION -> " ORGANIZATION-WIDE";
          case ADMINISTRATIVE_UNIT -> " scoped to administrative unit " + scope;
          case RECIPIENT_GROUP -> " scoped to the direct members of group '" + scope + "' (-RecipientGroupScope)";
          case MANAGEMENT_SCOPE -> " scoped to '" + scope + "'";
        },
        new Operation.NewManagementRoleAssignment(name, role, assignee, type, scopeType, scope), deps);
  }

  private void rbacForApplications(int org, PrincipalSteps principal, ScopeSteps scope) {
    if (AppAssignmentScope.byRecipientGroup(setup)) {
      rbacForApplicationsOverGroups(org, principal, scope);
      return;
    }
    int scopeStep = managementScope(org, scope);
    if (scopeStep < 0) {
      blocked("access grant", "waits for the blocked management scope");
      return;
    }
    AppAssignmentScope target = AppAssignmentScope.of(setup).get(0);
    RbacForApplications access = (RbacForApplications) setup.access();
    List<String> roles = access.roles();
    List<Integer> assignments = new ArrayList<>();
    for (String role : roles) {
      assignments.add(assignment(ObjectNames.roleAssignment(setup, role, roles.size()), role, principal.assigneeId().get(),
          AssigneeType.SERVICE_PRINCIPAL, target.type(), target.value(), administrativeUnitReady(deps(principal.ready(), scopeStep, org), scope)));
    }
    if (access.removeTenantWideConsent()) {
      revokeConsent(assignments);
    }
  }

  /**
   * RBAC for Applications over groups on Exchange Online: one assignment per role and group with
   * {@code -RecipientGroupScope} (Graph: {@code /Groups/{id}}), no management scope and no DistinguishedName, so the
   * scope survives a tenant relocation (docs/group-scopes.md). An assignment of the role with the setup's management scope
   * (a {@code MemberOfGroup} DN filter made by an earlier version) still satisfies the role: it is kept, not duplicated.
   */
  private void rbacForApplicationsOverGroups(int org, PrincipalSteps principal, ScopeSteps scope) {
    RbacForApplications access = (RbacForApplications) setup.access();
    List<String> roles = access.roles();
    String sp = principal.assigneeId().get();
    String legacyScope = ObjectNames.managementScope(setup);
    Observed<List<RoleAssignment>> existing = readValueFrom(rbac, x -> x.roleAssignments(sp));
    List<String> groups = scope.groups().stream().map(RecipientFilter.GroupReference::identity).toList();
    List<Integer> assignments = new ArrayList<>();
    if (existing.unknown()) {
      // Without the app's assignments the plan can tell neither a missing assignment nor one made by an earlier version.
      for (String role : roles) {
        for (int i = 0; i < groups.size(); i++) {
          assignments.add(blocked("role assignment '" + AppAssignmentScope.assignmentName(setup, role, roles.size(), i, groups.size())
              + "'", existing.blockedReason("the role assignments of " + sp)));
        }
      }
      return;
    }
    for (String role : roles) {
      Optional<RoleAssignment> legacy = existing.present() ? existing.value().stream().filter(a -> a.role().equalsIgnoreCase(role)
          && a.scopeType() == ScopeType.MANAGEMENT_SCOPE && a.scope().equalsIgnoreCase(legacyScope)).findFirst() : Optional.empty();
      if (legacy.isPresent()) {
        noOp("role assignment '" + legacy.get().name() + "'", "exists with the management scope '" + legacyScope
            + "' (a MemberOfGroup filter made by an earlier version), which keeps granting " + role + "; -RecipientGroupScope "
            + "also survives a tenant relocation: to move to it, remove this assignment and plan again (docs/group-scopes.md)");
        assignments.add(0);
        continue;
      }
      for (int i = 0; i < groups.size(); i++) {
        List<Integer> deps = new ArrayList<>(scope.ready());
        deps.add(principal.ready());
        deps.add(org);
        assignments.add(assignment(AppAssignmentScope.assignmentName(setup, role, roles.size(), i, groups.size()), role, sp,
            AssigneeType.SERVICE_PRINCIPAL, ScopeType.RECIPIENT_GROUP, groups.get(i), deps));
      }
    }
    if (access.removeTenantWideConsent()) {
      revokeConsent(assignments);
    }
  }

  /** An administrative unit's member steps join a grant's dependencies: the grant waits until the unit is filled. */
  private List<Integer> administrativeUnitReady(List<Integer> deps, ScopeSteps scope) {
    if (!(setup.scope() instanceof AdministrativeUnitScope) || scope.ready().isEmpty()) {
      return deps;
    }
    List<Integer> all = new ArrayList<>(deps);
    all.addAll(scope.ready());
    return all;
  }

  /**
   * Recipe R step 5, only when the setup opted in: revokes the app's mailbox-related tenant-wide Microsoft Graph
   * consent after the role assignments, so consent is removed only once the scoped assignments exist (they still take
   * up to 2 h to propagate, which the plan's warning says).
   */
  private void revokeConsent(List<Integer> assignments) {
    Application app = (Application) setup.principal();
    String resource = "tenant-wide consent of " + app.appId();
    if (assignments.contains(-1)) {
      blocked(resource, "waits for the blocked role assignments: consent is revoked only once the scoped assignments exist");
      return;
    }
    if (consent.unknown()) {
      blocked(resource, consent.blockedReason("the app's tenant-wide consent"));
      return;
    }
    List<String> revoke = consent.value().stream().filter(Planner::revocable).map(ApplicationPermissionGrant::permission)
        .distinct().toList();
    if (revoke.isEmpty()) {
      noOp(resource, "no mailbox-related Microsoft Graph consent to remove");
      return;
    }
    add(StepAction.REVOKE, resource, "REMOVES consent that existed: revoke Microsoft Graph " + String.join(", ", revoke)
        + ", which reaches every mailbox whatever the scope (docs/diagnostics.md#d11, step 5 of the RBAC for Applications recipe, docs/rbac-for-applications.md#recipe; removingTenantWideConsent was declared)",
        new Operation.RevokeApplicationPermissions(app.appId(), consentSpId, revoke), assignments);
  }

  /** Mailbox-related Microsoft Graph application permissions: the ones tenant-wide consent defeats a scope with. */
  static boolean revocable(ApplicationPermissionGrant g) {
    return g.resource().equalsIgnoreCase("Microsoft Graph") && mailboxPermission(g.permission());
  }

  private static boolean mailboxPermission(String permission) {
    return List.of("Mail.", "Mail-", "Calendars.", "Contacts.", "MailboxSettings.", "MailboxFolder.", "MailboxItem.",
        "MailboxConfigItem.").stream().anyMatch(prefix -> permission.regionMatches(true, 0, prefix, 0, prefix.length()));
  }

  private static String describe(List<ApplicationPermissionGrant> grants) {
    return grants.stream().map(g -> g.resource() + " " + g.permission()).collect(Collectors.joining(", "));
  }

  private void accessPolicy(int org, PrincipalSteps principal, ScopeSteps scope) {
    Application app = (Application) setup.principal();
    ApplicationAccessPolicy policy = (ApplicationAccessPolicy) setup.access();
    String resource = "application access policy for " + app.appId();
    Observed<List<dev.impersonation.spi.AccessPolicy>> existing = valueFromExchange(x -> x.accessPolicies(app.appId()));
    if (existing.unknown()) {
      blocked(resource, existing.blockedReason("the access policies"));
      if (!policy.graphPermissions().isEmpty()) {
        blocked("tenant-wide consent of " + app.appId(), "waits for the blocked access policy: consent is granted only after the policy exists");
      }
      return;
    }
    GroupScope group = (GroupScope) setup.scope();
    Supplier<Boolean> matches = () -> existing.value().stream().anyMatch(p ->
        p.accessRight().equalsIgnoreCase(policy.accessRight().cmdletValue())
            && (p.scopeGroup().equalsIgnoreCase(scope.policyGroup()) || p.scopeGroup().equalsIgnoreCase(group.name())
            || group.primarySmtpAddress().map(a -> a.equalsIgnoreCase(p.scopeGroup())).orElse(false)));
    int policyStep = 0;
    if (matches.get()) {
      noOp(resource, policy.accessRight().cmdletValue() + " to '" + group.name() + "' exists");
    } else {
      List<Integer> deps = new ArrayList<>(scope.ready());
      deps.add(org);
      policyStep = add(StepAction.CREATE, resource, policy.accessRight().cmdletValue() + " to the members of '" + group.name() + "'",
          new Operation.NewApplicationAccessPolicy(app.appId(), scope.policyGroup(), policy.accessRight().cmdletValue(),
              ObjectNames.ownerMarker(setup)), deps);
    }
    if (!policy.graphPermissions().isEmpty()) {
      java.util.Optional<java.time.Instant> created = existing.value().stream().map(dev.impersonation.spi.AccessPolicy::createdAt)
          .filter(java.util.Objects::nonNull).max(java.time.Instant::compareTo);
      grantConsent(app, policy, policyStep, principal, created);
    }
  }

  /**
   * The Microsoft Graph application permissions an access policy restricts: the app must have them (tenant-wide admin
   * consent). Granted after the policy step, so the restriction exists before the consent does.
   */
  private void grantConsent(Application app, ApplicationAccessPolicy policy, int policyStep, PrincipalSteps principal,
      java.util.Optional<java.time.Instant> policyCreated) {
    String resource = "tenant-wide consent of " + app.appId();
    if (consent.unknown()) {
      blocked(resource, consent.blockedReason("the app's tenant-wide consent"));
      return;
    }
    List<String> missing = policy.graphPermissions().stream().filter(p -> consent.value().stream()
        .noneMatch(g -> g.resource().equalsIgnoreCase("Microsoft Graph") && g.permission().equalsIgnoreCase(p))).toList();
    if (missing.isEmpty()) {
      noOp(resource, "Microsoft Graph " + String.join(", ", policy.graphPermissions()) + " already granted");
      return;
    }
    // A new policy takes more than an hour to become effective (docs/rbac-for-applications.md): wait for it before granting, so the
    // consent is never wider than the policy allows.
    int settled = policyStep;
    java.time.Instant now = connection.clock().instant();
    boolean young = policyStep > 0 || policyCreated.map(t -> t.plus(ACCESS_POLICY_SETTLE).isAfter(now)).orElse(false);
    if (young) {
      settled = add(StepAction.PREREQUISITE, "application access policy for " + app.appId(), "wait until the policy has had "
          + Table.duration(ACCESS_POLICY_SETTLE) + " to become effective before consent is granted (docs/diagnostics.md#d12)",
          new Operation.AwaitAccessPolicy(app.appId(), ACCESS_POLICY_SETTLE), deps(policyStep));
    }
    add(StepAction.CREATE, resource, "grant tenant-wide consent Microsoft Graph " + String.join(", ", missing)
        + " once the access policy is effective, so the app never holds the permissions beyond the members of '"
        + ((GroupScope) setup.scope()).name() + "'",
        new Operation.GrantApplicationPermissions(app.appId(), consentSpId, missing), deps(settled, principal.ready()));
    warnings.add("Access policies are known to take longer than " + Table.duration(ACCESS_POLICY_SETTLE) + " at times (reports "
        + "speak of days, docs/diagnostics.md#d12): verify with awaitVerification(...) that the outsider is denied before relying on the restriction.");
  }

  private void fullAccess(PrincipalSteps principal, ScopeSteps scope) {
    String user = principal.assigneeId().get();
    String resource = "FullAccess for " + user;
    List<String> missing = new ArrayList<>();
    List<String> unreadable = new ArrayList<>();
    for (String mailbox : scope.mailboxes()) {
      if (mailbox.equalsIgnoreCase(user)) {
        continue;
      }
      Observed<List<dev.impersonation.spi.MailboxPermission>> perms = valueFromExchange(x -> x.mailboxPermissions(mailbox));
      if (perms.unknown()) {
        unreadable.add(mailbox + " (" + perms.error() + ")");
      } else if (perms.value().stream().noneMatch(p -> p.user().equalsIgnoreCase(user) && !p.deny()
          && p.accessRights().stream().anyMatch(r -> r.equalsIgnoreCase("FullAccess")))) {
        missing.add(mailbox);
      }
    }
    if (!unreadable.isEmpty()) {
      blocked(resource, "could not read the permissions of " + unreadable + "; plan again");
      return;
    }
    if (missing.isEmpty()) {
      noOp(resource, "granted on all " + scope.mailboxes().size() + " mailbox(es)");
      return;
    }
    List<Integer> deps = new ArrayList<>(scope.ready());
    deps.add(principal.ready());
    add(StepAction.ADD_MEMBERS, resource, "grant FullAccess (AutoMapping off) on " + missing.size() + " mailbox(es): "
        + preview(missing), new Operation.AddMailboxPermissions(user, missing), deps);
  }
}
