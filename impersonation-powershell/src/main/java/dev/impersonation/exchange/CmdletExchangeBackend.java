package dev.impersonation.exchange;

import dev.impersonation.AccessMethod;
import dev.impersonation.GroupKind;
import dev.impersonation.ObjectNotFoundException;
import dev.impersonation.Principal.Application;
import dev.impersonation.Principal.ServiceAccount;
import dev.impersonation.Principal;
import dev.impersonation.Secret;
import dev.impersonation.TenantException;
import dev.impersonation.TenantTarget;
import dev.impersonation.exchange.internal.AdaptiveConcurrency;
import dev.impersonation.powershell.Cmdlet;
import dev.impersonation.powershell.CmdletMapping;
import dev.impersonation.powershell.ParameterValue;
import dev.impersonation.spi.AccessPolicy;
import dev.impersonation.spi.Capability;
import dev.impersonation.spi.ConfiguredAccess;
import dev.impersonation.spi.EwsOrganizationPolicy;
import dev.impersonation.spi.ExchangeBackend;
import dev.impersonation.spi.ExchangeServicePrincipal;
import dev.impersonation.spi.MailGroup;
import dev.impersonation.spi.MailboxPermission;
import dev.impersonation.spi.ManagementScope;
import dev.impersonation.spi.Operation;
import dev.impersonation.spi.OrganizationConfig;
import dev.impersonation.spi.Recipient;
import dev.impersonation.spi.RoleAssignment;
import dev.impersonation.spi.RoleGroup;
import dev.impersonation.spi.ScopeType;
import java.time.Instant;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The Exchange SPI over cmdlets: every read is a {@code Get-*} / {@code Test-*} cmdlet whose rows are parsed into
 * typed values, and every write is the cmdlet {@link CmdletMapping} maps the operation to, the same mapping the admin
 * script uses. Whether the cmdlets travel over REST or a PowerShell process is the {@link CmdletTransport}'s business.
 *
 * <p>The cmdlets and row properties read (docs/cmdlets.md) are the contract the testkit's Exchange simulator implements.
 */
public final class CmdletExchangeBackend implements ExchangeBackend {
  /** The mailbox types {@link #listMailboxes} asks for. */
  static final List<String> MAILBOX_TYPES = List.of("UserMailbox", "SharedMailbox", "RoomMailbox", "EquipmentMailbox");

  private final TenantTarget target;
  private final CmdletTransport transport;
  private final CmdletMapping mapping;
  /** appId to Exchange service principal, once seen (the pair never changes). */
  private final Map<String, ExchangeServicePrincipal> servicePrincipals = new java.util.concurrent.ConcurrentHashMap<>();
  /** (service principal object id, role) to the assignment's creation time, once seen (it never changes). */
  private final Map<String, Instant> assignmentCreated = new java.util.concurrent.ConcurrentHashMap<>();

  /** Sends the independent cmdlets of one member list or grant list, up to its limit at once. */
  private final ParallelCmdlets parallel;
  private final AdaptiveConcurrency concurrency;

  /** A backend for {@code target} that sends its cmdlets through {@code transport}, one at a time. */
  public CmdletExchangeBackend(TenantTarget target, CmdletTransport transport) {
    this(target, transport, 1);
  }
  /**
   * A backend for {@code target} that sends its cmdlets through {@code transport}, with up to {@code maxConcurrentRequests}
   * of the independent ones (one per member added or removed, one per FullAccess grant) in flight at once, fewer while
   * the service throttles ({@link AdaptiveConcurrency}). The transport must then be safe to call from several threads
   * ({@link ExchangeRestTransport} is; a PowerShell process is not and takes 1).
   */
  public CmdletExchangeBackend(TenantTarget target, CmdletTransport transport, int maxConcurrentRequests) {
    this.target = target;
    this.transport = transport;
    this.concurrency = new AdaptiveConcurrency(maxConcurrentRequests);
    this.parallel = new ParallelCmdlets(concurrency);
    this.mapping = new CmdletMapping(target, group -> {
      throw new IllegalStateException("the DN of " + group + " must be resolved before a cmdlet is sent");
    });
  }

  @Override
  public String name() {
    return transport.name();
  }

  @Override
  public Set<Capability> capabilities() {
    return target.isExchangeOnline()
        ? EnumSet.of(Capability.EXCHANGE_ORGANIZATION, Capability.EXCHANGE_GROUPS, Capability.EXCHANGE_RBAC,
            Capability.EXCHANGE_APPLICATIONS, Capability.EXCHANGE_APPLICATION_RBAC, Capability.EXCHANGE_MAILBOX_PERMISSIONS)
        : EnumSet.of(Capability.EXCHANGE_RECIPIENTS, Capability.EXCHANGE_GROUPS, Capability.EXCHANGE_RBAC,
            Capability.EXCHANGE_MAILBOX_PERMISSIONS);
  }

  // ------------------------------------------------------------ reads

  private List<Map<String, Object>> run(Cmdlet cmdlet) {
    return transport.invoke(cmdlet);
  }

  /** Runs a lookup by identity; "not found" is an empty result, any other failure propagates. */
  private Optional<Map<String, Object>> lookup(Cmdlet cmdlet) {
    try {
      List<Map<String, Object>> rows = run(cmdlet);
      return rows.isEmpty() ? Optional.empty() : Optional.of(rows.get(0));
    } catch (ObjectNotFoundException e) {
      return Optional.empty();
    }
  }

  @Override
  public OrganizationConfig organizationConfig() {
    Map<String, Object> row = run(Cmdlet.of("Get-OrganizationConfig")).stream().findFirst()
        .orElseThrow(() -> new TenantException("Get-OrganizationConfig returned no row."));
    Object ews = row.get("EwsEnabled");
    return new OrganizationConfig(CmdletRows.bool(row, "IsDehydrated"), ews == null ? Optional.empty() : Optional.of(CmdletRows.bool(row, "EwsEnabled")));
  }

  @Override
  public List<String> applicationRoles() {
    return OrganizationCmdlets.applicationRoles(target, this::run);
  }

  @Override
  public EwsOrganizationPolicy ewsOrganizationPolicy() {
    return OrganizationCmdlets.read(target, this::run);
  }

  @Override
  public Optional<Recipient> findRecipient(String identity) {
    Optional<Map<String, Object>> row = lookup(Cmdlet.of("Get-Recipient").text("Identity", identity));
    if (row.isEmpty()) {
      return Optional.empty();
    }
    Recipient r = CmdletRows.recipient(row.get());
    if (r.type().isMailbox()) {
      Optional<Map<String, Object>> cas = lookup(Cmdlet.of("Get-CASMailbox").text("Identity", r.primarySmtpAddress()));
      boolean ews = cas.map(c -> c.get("EwsEnabled") == null || CmdletRows.bool(c, "EwsEnabled")).orElse(true);
      r = new Recipient(r.name(), r.primarySmtpAddress(), r.distinguishedName(), r.type(), ews);
    }
    return Optional.of(r);
  }

  @Override
  public Map<String, Recipient> findRecipients(List<String> identities) {
    return BulkRecipients.find(identities, this::run, parallel);
  }

  @Override
  public List<Recipient> listMailboxes(int limit) {
    return run(Cmdlet.of("Get-Recipient").list("RecipientTypeDetails", MAILBOX_TYPES).text("ResultSize", String.valueOf(limit)))
        .stream().map(CmdletRows::recipient).limit(limit).toList();
  }

  @Override
  public List<Recipient> mailboxesMatching(String opathFilter) {
    return run(Cmdlet.of("Get-Mailbox").text("Filter", opathFilter).text("ResultSize", "Unlimited")).stream()
        .map(CmdletRows::recipient).toList();
  }

  @Override
  public Optional<MailGroup> findGroup(String identity) {
    Optional<Map<String, Object>> dl = lookup(Cmdlet.of("Get-DistributionGroup").text("Identity", identity));
    if (dl.isPresent()) {
      return Optional.of(CmdletRows.group(dl.get()));
    }
    if (!target.isExchangeOnline()) {
      return Optional.empty();
    }
    return lookup(Cmdlet.of("Get-UnifiedGroup").text("Identity", identity)).map(CmdletRows::group);
  }

  @Override
  public List<Recipient> groupMembers(String groupIdentity) {
    Optional<MailGroup> group = findGroup(groupIdentity);
    if (group.isEmpty()) {
      throw new ObjectNotFoundException(groupIdentity, "The group '" + groupIdentity + "' couldn't be found.");
    }
    Cmdlet cmdlet = group.get().kind() == GroupKind.MICROSOFT_365
        ? Cmdlet.of("Get-UnifiedGroupLinks").text("Identity", groupIdentity).text("LinkType", "Members").text("ResultSize", "Unlimited")
        : Cmdlet.of("Get-DistributionGroupMember").text("Identity", groupIdentity).text("ResultSize", "Unlimited");
    return run(cmdlet).stream().map(CmdletRows::recipient).toList();
  }

  @Override
  public Optional<ManagementScope> findManagementScope(String name) {
    return lookup(Cmdlet.of("Get-ManagementScope").text("Identity", name))
        .map(r -> new ManagementScope(CmdletRows.str(r, "Name"), CmdletRows.str(r, "RecipientFilter"), CmdletRows.bool(r, "Exclusive")));
  }

  @Override
  public List<RoleAssignment> roleAssignments(String assignee) {
    // Service principals are not a documented -RoleAssigneeType (docs/cmdlets.md): filter client-side for them.
    boolean servicePrincipal = assignee.matches("(?i)[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}");
    Cmdlet cmdlet = servicePrincipal ? Cmdlet.of("Get-ManagementRoleAssignment")
        : Cmdlet.of("Get-ManagementRoleAssignment").text("RoleAssignee", assignee);
    List<Map<String, Object>> rows;
    try {
      rows = run(cmdlet);
    } catch (ObjectNotFoundException e) {
      return List.of();
    }
    return rows.stream()
        .filter(r -> !servicePrincipal || assignee.equalsIgnoreCase(CmdletRows.str(r, "RoleAssignee")) || assignee.equalsIgnoreCase(CmdletRows.str(r, "RoleAssigneeName")))
        .map(CmdletRows::assignment).toList();
  }

  @Override
  public List<RoleAssignment> allRoleAssignments() {
    return run(Cmdlet.of("Get-ManagementRoleAssignment").text("ResultSize", "Unlimited")).stream().map(CmdletRows::assignment).toList();
  }

  @Override
  public List<MailboxPermission> fullAccessGrants() {
    if (!target.isExchangeOnline()) {
      throw new UnsupportedOperationException("Exchange Server lists mailbox permissions only per mailbox (Get-MailboxPermission "
          + "-Identity); the inventory makes no call per mailbox");
    }
    return run(Cmdlet.of("Get-EXOMailboxPermission").text("ResultSize", "Unlimited")).stream()
        .filter(r -> !CmdletRows.bool(r, "IsInherited") && !CmdletRows.bool(r, "Deny")
            && CmdletRows.strings(r, "AccessRights").stream().anyMatch(a -> a.equalsIgnoreCase("FullAccess")))
        .map(r -> new MailboxPermission(CmdletRows.str(r, "Identity"), CmdletRows.str(r, "User"), List.of("FullAccess"), false)).toList();
  }

  @Override
  public Optional<RoleGroup> findRoleGroup(String name) {
    Optional<Map<String, Object>> row = lookup(Cmdlet.of("Get-RoleGroup").text("Identity", name));
    if (row.isEmpty()) {
      return Optional.empty();
    }
    String scope = roleAssignments(name).stream().filter(a -> a.scopeType() == ScopeType.MANAGEMENT_SCOPE)
        .map(RoleAssignment::scope).findFirst().orElse("");
    return Optional.of(new RoleGroup(CmdletRows.str(row.get(), "Name"), CmdletRows.strings(row.get(), "Roles"), CmdletRows.strings(row.get(), "Members"), scope,
        CmdletRows.str(row.get(), "Description")));
  }

  @Override
  public List<MailboxPermission> mailboxPermissions(String mailbox) {
    return run(Cmdlet.of("Get-MailboxPermission").text("Identity", mailbox)).stream()
        .filter(r -> !CmdletRows.bool(r, "IsInherited"))
        .map(r -> new MailboxPermission(mailbox, CmdletRows.str(r, "User"), CmdletRows.strings(r, "AccessRights"), CmdletRows.bool(r, "Deny"))).toList();
  }

  @Override
  public Optional<ExchangeServicePrincipal> findServicePrincipal(String appId) {
    return lookup(Cmdlet.of("Get-ServicePrincipal").text("Identity", appId))
        .map(r -> new ExchangeServicePrincipal(CmdletRows.str(r, "AppId"), !CmdletRows.str(r, "ObjectId").isEmpty() ? CmdletRows.str(r, "ObjectId") : CmdletRows.str(r, "Identity"),
            CmdletRows.str(r, "DisplayName")));
  }

  /** The service principal for a configuration test: looked up once, then remembered (appId and objectId never change). */
  private ExchangeServicePrincipal knownServicePrincipal(String appId) {
    ExchangeServicePrincipal known = servicePrincipals.get(appId.toLowerCase(Locale.ROOT));
    if (known != null) {
      return known;
    }
    ExchangeServicePrincipal sp = findServicePrincipal(appId).orElseThrow(() -> new ObjectNotFoundException(appId,
        "Exchange has no service principal for " + appId + "."));
    servicePrincipals.put(appId.toLowerCase(Locale.ROOT), sp);
    return sp;
  }

  /** When the assignment of {@code role} to the service principal was made: listed once per role, then remembered. */
  private Optional<Instant> assignedSince(String objectId, String role) {
    String key = objectId.toLowerCase(Locale.ROOT) + "|" + role.toLowerCase(Locale.ROOT);
    Instant known = assignmentCreated.get(key);
    if (known != null) {
      return Optional.of(known);
    }
    Optional<Instant> since = roleAssignments(objectId).stream().filter(a -> a.role().equalsIgnoreCase(role))
        .map(RoleAssignment::createdAt).filter(java.util.Objects::nonNull).min(Instant::compareTo);
    since.ifPresent(t -> assignmentCreated.put(key, t));
    return since;
  }

  @Override
  public List<AccessPolicy> accessPolicies(String appId) {
    return allAccessPolicies().stream().filter(p -> appId.equalsIgnoreCase(p.appId())).toList();
  }

  @Override
  public List<AccessPolicy> allAccessPolicies() {
    return run(Cmdlet.of("Get-ApplicationAccessPolicy")).stream()
        .map(r -> new AccessPolicy(CmdletRows.str(r, "Identity"), CmdletRows.str(r, "AppId"), CmdletRows.str(r, "ScopeName"), CmdletRows.str(r, "AccessRight"),
            CmdletRows.str(r, "Description"), CmdletRows.instant(r, "WhenCreatedUTC")))
        .toList();
  }

  /** Per permission with RBAC for Applications: the rows of Test-ServicePrincipalAuthorization ({@link ServicePrincipalAuthorization}). */
  @Override
  public ConfiguredAccess testConfiguredAccess(AccessMethod method, Principal principal, String mailbox, String permission) {
    if (method != AccessMethod.RBAC_FOR_APPLICATIONS) {
      return testConfiguredAccess(method, principal, mailbox);
    }
    Application app = (Application) principal;
    ExchangeServicePrincipal sp = knownServicePrincipal(app.appId());
    List<Map<String, Object>> rows = run(Cmdlet.of("Test-ServicePrincipalAuthorization").text("Identity", sp.objectId())
        .text("Resource", mailbox));
    return ServicePrincipalAuthorization.evaluate(rows, mailbox, permission, role -> assignedSince(sp.objectId(), role));
  }

  @Override
  public ConfiguredAccess testConfiguredAccess(AccessMethod method, Principal principal, String mailbox) {
    switch (method) {
      case RBAC_FOR_APPLICATIONS: {
        Application app = (Application) principal;
        ExchangeServicePrincipal sp = knownServicePrincipal(app.appId());
        List<Map<String, Object>> rows = run(Cmdlet.of("Test-ServicePrincipalAuthorization").text("Identity", sp.objectId())
            .text("Resource", mailbox));
        Optional<Map<String, Object>> in = rows.stream().filter(r -> "True".equalsIgnoreCase(String.valueOf(r.get("InScope")))).findFirst();
        Optional<Instant> since = in.flatMap(r -> assignedSince(sp.objectId(), CmdletRows.str(r, "RoleName")));
        return new ConfiguredAccess(in.isPresent(), since, "Test-ServicePrincipalAuthorization -Resource " + mailbox + ": InScope "
            + (in.isPresent() ? "True (" + CmdletRows.str(in.get(), "RoleName") + ")" : "False"));
      }
      case APPLICATION_ACCESS_POLICY: {
        Application app = (Application) principal;
        Map<String, Object> row = run(Cmdlet.of("Test-ApplicationAccessPolicy").text("Identity", mailbox).text("AppId", app.appId()))
            .stream().findFirst().orElseThrow(() -> new TenantException("Test-ApplicationAccessPolicy returned no row."));
        boolean granted = "Granted".equalsIgnoreCase(CmdletRows.str(row, "AccessCheckResult"));
        Optional<Instant> since = accessPolicies(app.appId()).stream().map(AccessPolicy::createdAt)
            .filter(java.util.Objects::nonNull).min(Instant::compareTo);
        return new ConfiguredAccess(granted, granted ? since : Optional.empty(), "Test-ApplicationAccessPolicy -Identity " + mailbox
            + ": AccessCheckResult " + CmdletRows.str(row, "AccessCheckResult"));
      }
      case FULL_ACCESS_DELEGATION: {
        String user = ((ServiceAccount) principal).userPrincipalName();
        boolean granted = mailboxPermissions(mailbox).stream().anyMatch(p -> p.user().equalsIgnoreCase(user) && !p.deny()
            && p.accessRights().stream().anyMatch(a -> a.equalsIgnoreCase("FullAccess")));
        return new ConfiguredAccess(granted, Optional.empty(), "Get-MailboxPermission -Identity " + mailbox + ": "
            + (granted ? "FullAccess for " : "no FullAccess for ") + user);
      }
      default: {
        String user = ((ServiceAccount) principal).userPrincipalName();
        List<Map<String, Object>> rows = run(Cmdlet.of("Get-ManagementRoleAssignment").text("Role", "ApplicationImpersonation")
            .text("WritableRecipient", mailbox).flag("GetEffectiveUsers"));
        Optional<Map<String, Object>> row = rows.stream().filter(r -> user.equalsIgnoreCase(CmdletRows.str(r, "EffectiveUserName"))
            || user.equalsIgnoreCase(CmdletRows.str(r, "User"))).findFirst();
        return new ConfiguredAccess(row.isPresent(), row.map(r -> CmdletRows.instant(r, "WhenCreatedUTC")).filter(java.util.Objects::nonNull),
            "Get-ManagementRoleAssignment -WritableRecipient " + mailbox + " -GetEffectiveUsers: ApplicationImpersonation "
                + (row.isPresent() ? "covers " : "does not cover ") + user);
      }
    }
  }

  // ------------------------------------------------------------ writes

  @Override
  public void execute(Operation op) {
    if (OrganizationCmdlets.handles(op)) {
      OrganizationCmdlets.execute(target, op, actions(op), this::run);
      return;
    }
    if (op instanceof Operation.CreateServiceAccount c) {
      for (Cmdlet cmdlet : actions(op)) {
        if (cmdlet.name().equals("New-Mailbox")) {
          sendWithSecret(cmdlet, c.password());
        } else {
          run(cmdlet);
        }
      }
      return;
    }
    if (ParallelCmdlets.independent(op)) {
      parallel.sendAll(op, actions(op), this::run);
      return;
    }
    for (Cmdlet cmdlet : actions(op)) {
      run(cmdlet);
    }
  }

  /**
   * Members per {@link Operation.AddGroupMembers} or {@link Operation.RemoveGroupMembers} the executor hands over: one
   * when cmdlets go one at a time; otherwise ten per request allowed in flight, so a throttled part repeats little.
   */
  @Override
  public int maxMembersPerWrite() {
    return concurrency.max() == 1 ? 1 : 10 * concurrency.max();
  }

  private void sendWithSecret(Cmdlet cmdlet, Secret password) {
    if (!(transport instanceof SecretCapableTransport secrets)) {
      throw new TenantException("The " + transport.name() + " transport cannot send a password; create the mailbox over the "
          + "PowerShell transport, or create it by hand and run the setup again.");
    }
    // The mapping gives New-Mailbox a -Password prompt for the admin script; over a transport the password travels
    // as a secret parameter instead, so the prompt must not be sent along with it.
    List<Cmdlet.Parameter> params = cmdlet.parameters().stream()
        .filter(p -> !(p.value() instanceof ParameterValue.SecretPrompt && p.name().equalsIgnoreCase("Password"))).toList();
    secrets.invoke(new Cmdlet(cmdlet.name(), params), Map.of("Password", password));
  }

  /** The cmdlets that perform {@code op}, taken from the one mapping the admin script uses (without its guards). */
  List<Cmdlet> actions(Operation op) {
    return OperationCmdlets.of(mapping, op);
  }
}
