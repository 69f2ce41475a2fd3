package dev.impersonation.testkit;

import dev.impersonation.Cloud;
import dev.impersonation.GroupKind;
import dev.impersonation.TenantConnection;
import dev.impersonation.TenantTarget;
import dev.impersonation.spi.AssigneeType;
import dev.impersonation.spi.MailGroup;
import dev.impersonation.spi.MailboxPermission;
import dev.impersonation.spi.ManagementScope;
import dev.impersonation.spi.Recipient;
import dev.impersonation.spi.RecipientType;
import dev.impersonation.spi.RoleAssignment;
import dev.impersonation.spi.RoleGroup;
import dev.impersonation.spi.ScopeType;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * An in-memory Exchange Online or Exchange Server tenant that behaves as docs/README.md describes: DistinguishedNames in
 * the real shapes, the dehydrated-organization error, mailboxes usable only after a provisioning delay, grants
 * effective only after a propagation delay, Microsoft's error texts, and Graph refusing to write distribution lists.
 * Time runs on a {@link FakeClock}; nothing sleeps for real.
 *
 * <pre>{@code
 * FakeTenant tenant = FakeTenant.exchangeOnline("contoso.onmicrosoft.com").dehydrated()
 *     .userMailbox("ann@contoso.onmicrosoft.com").build();
 * TenantConnection connection = tenant.connection();
 * }</pre>
 */
public final class FakeTenant {
  /** The default start of the fake clock. */
  public static final Instant EPOCH = Instant.parse("2026-11-23T09:00:00Z");

  private final TenantState state;
  private final InMemoryExchange exchange;
  private final InMemoryDirectory directory;
  private final InMemoryProbe probe;
  private final ExchangeCmdlets cmdlets;
  private final FakeGraphApi graph;

  private FakeTenant(TenantState state) {
    this.state = state;
    this.exchange = new InMemoryExchange(state);
    this.cmdlets = new ExchangeCmdlets(state, exchange);
    this.directory = new InMemoryDirectory(state);
    this.probe = new InMemoryProbe(state, exchange);
    this.graph = new FakeGraphApi(state, directory, probe);
  }

  /** Starts an Exchange Online tenant in the global cloud. */
  public static Builder exchangeOnline(String tenantDomain) {
    return new Builder(TenantTarget.exchangeOnline(tenantDomain));
  }

  /** Starts an Exchange Online tenant in a national cloud. */
  public static Builder exchangeOnline(String tenantDomain, Cloud cloud) {
    return new Builder(TenantTarget.exchangeOnline(tenantDomain, cloud));
  }

  /** Starts a tenant seeded from a JSON fixture file (format: {@link TenantFixture}). */
  public static Builder fromFixture(java.nio.file.Path json) {
    return TenantFixture.load(json);
  }

  /** Starts a tenant seeded from a JSON fixture on the class path, e.g. {@code "/tenants/contoso.json"}. */
  public static Builder fromFixtureResource(String resource) {
    return TenantFixture.loadResource(resource);
  }

  /** Starts an on-premises Exchange Server organization. */
  public static Builder exchangeServer(String domain) {
    return new Builder(TenantTarget.exchangeServer(domain));
  }

  /** The tenant target. */
  public TenantTarget target() {
    return state.target;
  }

  /** The clock every delay runs on. */
  public FakeClock clock() {
    return state.clock;
  }

  /** Fault injection. */
  public Faults faults() {
    return state.faults;
  }

  /** A connection with every backend: Exchange, directory (Graph) and the access probe. */
  public TenantConnection connection() {
    return TenantConnection.builder(state.target).exchange(exchange)
        .directory(state.target.isExchangeOnline() ? directory : null)
        .accessProbe(probe).clock(state.clock, state.clock).build();
  }

  /** A connection with only the directory (Graph) backend and the probe: Exchange-only steps are blocked. */
  public TenantConnection directoryOnlyConnection() {
    return TenantConnection.builder(state.target).directory(directory).accessProbe(probe).clock(state.clock, state.clock).build();
  }

  /** A connection without an access probe: verification reports configured state only. */
  public TenantConnection connectionWithoutProbe() {
    return TenantConnection.builder(state.target).exchange(exchange)
        .directory(state.target.isExchangeOnline() ? directory : null).clock(state.clock, state.clock).build();
  }

  /**
   * Runs one Exchange cmdlet against this tenant, as the Exchange admin REST endpoint ({@code InvokeCommand}) would,
   * and answers its output rows (docs/cmdlets.md, docs/exchange-admin-rest.md). This is the interpreter behind the HTTP simulator
   * ({@code dev.impersonation.testkit.exchange.ExchangeAdminSimulator}); it shares the in-memory backend's store,
   * errors, faults, lag and journal.
   *
   * @param cmdletName e.g. {@code "Get-Recipient"}
   * @param parameters parameter values: String, Boolean ({@code true} for switches), List of String, or a hashtable
   *     as a Map (keys {@code Add}/{@code Remove}; an {@code @odata.type} key is ignored)
   * @return the rows, keyed by property name (values: String, Boolean, List of String, or null)
   * @throws dev.impersonation.TenantException the store's error; its message starts with the Exchange exception type
   *     where there is one, e.g. {@code "ManagementObjectNotFoundException: ..."}, and unknown cmdlets or parameters
   *     raise {@code CommandNotFoundException: ...} / {@code ParameterBindingException: ...}
   */
  public List<java.util.Map<String, Object>> invokeExchangeCmdlet(String cmdletName, java.util.Map<String, ?> parameters) {
    return cmdlets.invoke(cmdletName, parameters);
  }

  /**
   * The Microsoft Graph v1.0 interpreter over this tenant's store (docs/graph.md, docs/error-texts.md): the engine behind the HTTP
   * simulator {@code dev.impersonation.testkit.graph.GraphSimulator}. It shares the in-memory directory backend's
   * store, errors, faults, lag and journal, and needs no HTTP server.
   */
  public FakeGraphApi graphApi() {
    return graph;
  }

  /** The cmdlet names {@link #invokeExchangeCmdlet} understands. */
  public static List<String> exchangeCmdletNames() {
    return ExchangeCmdlets.supportedCmdlets();
  }

  // ------------------------------------------------------------ inspection

  /** Every backend call so far, in order. */
  public List<JournalEntry> journal() {
    synchronized (state) {
      return List.copyOf(state.journal);
    }
  }

  /** Assertions over the journal, with near-miss failure messages. */
  public JournalAssertions assertJournal() {
    return new JournalAssertions(journal());
  }

  /**
   * What an admin's consent to a multi-tenant application does to the tenant: its service principal appears (with no
   * application permissions). For tests of an onboarding flow that sends the admin to the consent page; idempotent.
   */
  public FakeTenant adminConsented(String appId, String servicePrincipalObjectId, String displayName) {
    synchronized (state) {
      state.apps.computeIfAbsent(TenantState.key(appId), k -> {
        TenantState.AppObject a = new TenantState.AppObject();
        a.appId = appId.toLowerCase();
        a.objectId = servicePrincipalObjectId.toLowerCase();
        a.displayName = displayName;
        return a;
      });
    }
    return this;
  }

  /** Forgets the journal so far (e.g. after seeding through the API), so assertions see only what follows. */
  public FakeTenant clearJournal() {
    synchronized (state) {
      state.journal.clear();
    }
    return this;
  }

  /**
   * Advances the clock in {@code step}s until {@code condition} holds, and returns the time that passed. Fails with
   * an {@link AssertionError} if it does not hold within {@code max}.
   */
  public Duration advanceUntil(java.util.function.BooleanSupplier condition, Duration step, Duration max) {
    Duration passed = Duration.ZERO;
    while (!condition.getAsBoolean()) {
      if (passed.compareTo(max) >= 0) {
        throw new AssertionError("The condition did not hold within " + max + " of simulated time (now " + state.clock.instant() + ").");
      }
      state.clock.advance(step);
      passed = passed.plus(step);
    }
    return passed;
  }

  /** Advances the clock (5-minute steps) until {@code setup} re-plans to no-ops, e.g. after read-after-write lag. */
  public Duration advanceUntilConverged(dev.impersonation.ImpersonationSetup setup, Duration max) {
    return advanceUntil(() -> setup.plan(connection()).isConverged(), Duration.ofMinutes(5), max);
  }

  /**
   * Advances the clock (5-minute steps) until verification of {@code setup} is satisfied (propagation done) and
   * returns that report; fails with the last report if it is not satisfied within {@code max}.
   */
  public dev.impersonation.verify.VerificationReport advanceUntilVerified(dev.impersonation.ImpersonationSetup setup, Duration max) {
    dev.impersonation.verify.VerificationReport[] last = new dev.impersonation.verify.VerificationReport[1];
    try {
      advanceUntil(() -> (last[0] = setup.verify(connection())).isSatisfied(), Duration.ofMinutes(5), max);
    } catch (AssertionError e) {
      throw new AssertionError("Verification was not satisfied within " + max + ":\n" + last[0], e);
    }
    return last[0];
  }

  /** Every mailbox, usable or still provisioning, in creation order. */
  public List<Recipient> mailboxes() {
    synchronized (state) {
      return state.mailboxes.values().stream().map(InMemoryExchange::recipient).toList();
    }
  }

  /** A directory user. */
  public Optional<dev.impersonation.spi.DirectoryUser> directoryUser(String upn) {
    synchronized (state) {
      return state.user(upn).map(u -> new dev.impersonation.spi.DirectoryUser(u.id, u.upn, u.displayName, u.usageLocation, u.licenses));
    }
  }

  /** The writes so far, in order. */
  public List<JournalEntry> writes() {
    return journal().stream().filter(JournalEntry::write).filter(e -> e.outcome().equals("ok")).toList();
  }

  /** Whether the organization is still dehydrated. */
  public boolean isDehydrated() {
    synchronized (state) {
      return state.dehydrated;
    }
  }

  /** The organization's EWS settings as Exchange shows them now ({@code EwsEnabled}, {@code EwsAllowedAppIDs}). */
  public dev.impersonation.spi.EwsOrganizationPolicy ewsSettings() {
    synchronized (state) {
      return state.ewsPolicy();
    }
  }

  /** A mailbox, usable or not yet. */
  public Optional<Recipient> mailbox(String identity) {
    synchronized (state) {
      return state.mailbox(identity).map(InMemoryExchange::recipient);
    }
  }

  /** A group of any kind. */
  public Optional<MailGroup> group(String identity) {
    synchronized (state) {
      return state.group(identity).map(g -> new MailGroup(g.name, g.id, g.dn, g.kind, g.smtp, g.managedBy, g.closed, g.hidden, g.notes));
    }
  }

  /** Direct members of a group (SMTP addresses, lower case). */
  public List<String> members(String group) {
    synchronized (state) {
      return state.group(group).map(g -> List.copyOf(g.members)).orElse(List.of());
    }
  }

  /**
   * The members of an administrative unit (the store's member keys: SMTP addresses or UPNs, lower case), in the order
   * they were added; empty when the unit does not exist.
   */
  public List<String> administrativeUnitMembers(String administrativeUnitId) {
    synchronized (state) {
      return Optional.ofNullable(state.administrativeUnits.get(TenantState.key(administrativeUnitId))).map(List::copyOf)
          .orElse(List.of());
    }
  }

  /** All groups' names. */
  public List<String> groupNames() {
    synchronized (state) {
      return state.groups.values().stream().map(g -> g.name).toList();
    }
  }

  /** A management scope. */
  public Optional<ManagementScope> managementScope(String name) {
    synchronized (state) {
      return Optional.ofNullable(state.scopes.get(TenantState.key(name))).map(s -> new ManagementScope(s.name(), s.filter(), false));
    }
  }

  /** Every role assignment. */
  public List<RoleAssignment> roleAssignments() {
    synchronized (state) {
      return state.assignments.values().stream()
          .map(a -> new RoleAssignment(a.name(), a.role(), a.assignee(), a.type(), a.scopeType(), a.scope(), a.createdAt())).toList();
    }
  }

  /** A role group. */
  public Optional<RoleGroup> roleGroup(String name) {
    synchronized (state) {
      return Optional.ofNullable(state.roleGroups.get(TenantState.key(name)))
          .map(g -> new RoleGroup(g.name, g.roles, g.members, g.scope, g.description));
    }
  }

  /** The explicit permissions on a mailbox. */
  public List<MailboxPermission> mailboxPermissions(String mailbox) {
    synchronized (state) {
      return state.mailbox(mailbox).map(m -> state.permissions.getOrDefault(TenantState.key(m.smtp), List.of()).stream()
          .map(p -> new MailboxPermission(m.smtp, p.user(), List.of(p.rights()), p.deny())).toList()).orElse(List.of());
    }
  }

  /** Every management scope. */
  public List<ManagementScope> managementScopes() {
    synchronized (state) {
      return state.scopes.values().stream().map(s -> new ManagementScope(s.name(), s.filter(), false)).toList();
    }
  }

  /** Every application access policy. */
  public List<dev.impersonation.spi.AccessPolicy> accessPolicies() {
    synchronized (state) {
      return state.policies.stream().map(p -> new dev.impersonation.spi.AccessPolicy(p.id(), p.appId(),
          state.group(p.groupKey()).map(g -> g.smtp).orElse(p.groupKey()), p.right(), p.description(), p.createdAt())).toList();
    }
  }

  /** How many application access policies exist. */
  public int accessPolicyCount() {
    synchronized (state) {
      return state.policies.size();
    }
  }

  /** Whether Exchange has a service-principal pointer for the app. */
  public boolean hasExchangeServicePrincipal(String appId) {
    synchronized (state) {
      return state.exchangeServicePrincipals.containsKey(TenantState.key(appId));
    }
  }

  /**
   * A canonical description of everything in the tenant (timestamps excluded), for comparing end states, e.g. a run
   * with a crash against one without.
   */
  public String snapshot() {
    synchronized (state) {
      TreeMap<String, String> lines = new TreeMap<>();
      state.mailboxes.values().forEach(m -> lines.put("mailbox " + TenantState.key(m.smtp), m.type + " " + m.dn));
      state.users.values().forEach(u -> lines.put("user " + TenantState.key(u.upn), u.usageLocation + " " + u.licenses));
      state.groups.values().forEach(g -> lines.put("group " + TenantState.key(g.name), g.kind + " " + g.dn + " owners="
          + g.managedBy + " closed=" + g.closed + " hidden=" + g.hidden + " members=" + g.members.stream().sorted().toList()));
      state.scopes.values().forEach(s -> lines.put("scope " + TenantState.key(s.name()), s.filter()));
      state.assignments.values().forEach(a -> lines.put("assignment " + TenantState.key(a.name()),
          a.role() + " " + a.assignee() + " " + a.scopeType() + " " + a.scope()));
      state.roleGroups.values().forEach(g -> lines.put("rolegroup " + TenantState.key(g.name), g.roles + " " + g.members + " " + g.scope));
      state.permissions.forEach((m, list) -> lines.put("permissions " + m, list.stream().map(p -> p.user() + ":" + p.rights())
          .sorted().toList().toString()));
      state.exchangeServicePrincipals.values().forEach(p -> lines.put("exchange-sp " + p.appId(), p.objectId()));
      state.administrativeUnits.forEach((id, members) -> lines.put("administrative-unit " + id, "members="
          + members.stream().sorted().toList()));
      for (TenantState.PolicyObject p : state.policies) {
        lines.merge("policy " + p.appId() + " " + p.groupKey() + " " + p.right(), "1", (a, b) -> String.valueOf(Integer.parseInt(a) + 1));
      }
      lines.put("organization", "dehydrated=" + state.dehydrated + " ewsEnabled=" + state.ewsEnabled
          + (state.target.isExchangeOnline() ? " ewsAllowedAppIds=" + state.ewsAllowedAppIds.stream()
              .map(id -> id.toLowerCase(java.util.Locale.ROOT)).toList() : ""));
      return lines.entrySet().stream().map(e -> e.getKey() + " = " + e.getValue()).collect(Collectors.joining("\n"));
    }
  }

  @Override
  public String toString() {
    synchronized (state) {
      return "FakeTenant " + state.target + " at " + state.now() + ": " + state.mailboxes.size() + " mailboxes, "
          + state.groups.size() + " groups, " + state.scopes.size() + " scopes, " + state.assignments.size() + " assignments";
    }
  }

  /** Seeds a {@link FakeTenant}. Every method returns this builder. */
  public static final class Builder {
    private final TenantState state;
    private final List<Runnable> seeds = new ArrayList<>();

    private Builder(TenantTarget target) {
      this.state = new TenantState(target, new FakeClock(EPOCH));
    }

    /** The organization has never been customized ({@code IsDehydrated = True}); Exchange Online only. */
    public Builder dehydrated() {
      if (!state.target.isExchangeOnline()) {
        throw new IllegalArgumentException("Only Exchange Online organizations can be dehydrated.");
      }
      state.dehydrated = true;
      return this;
    }

    /** The organization's {@code EwsEnabled} ({@code null} = not set). */
    public Builder organizationEwsEnabled(Boolean enabled) {
      state.ewsEnabled = enabled;
      return this;
    }

    /**
     * Starts the fake clock at {@code now} instead of {@link FakeTenant#EPOCH}, e.g. to test the rules of a date (the
     * EWS phase-out and shutdown, docs/ews.md). Seeded objects keep their creation times around {@link FakeTenant#EPOCH}.
     *
     * @param now the start, not before {@link FakeTenant#EPOCH}
     * @return this builder
     */
    public Builder startingAt(Instant now) {
      if (now.isBefore(state.clock.instant())) {
        throw new IllegalArgumentException("The fake clock cannot start at " + now + ", before " + state.clock.instant()
            + " (the seeds are created at FakeTenant.EPOCH).");
      }
      state.clock.advance(Duration.between(state.clock.instant(), now));
      return this;
    }

    /**
     * The organization's {@code EwsAllowedAppIDs} (Exchange Online): with {@code EwsEnabled} True and ids on the list,
     * EWS admits only the listed apps (docs/ews.md).
     */
    public Builder organizationEwsAllowedAppIds(String... appIds) {
      if (!state.target.isExchangeOnline()) {
        throw new IllegalArgumentException("EwsAllowedAppIDs exists only in Exchange Online.");
      }
      state.ewsAllowedAppIds = List.of(appIds);
      state.ewsAllowedAppIdsBefore = state.ewsAllowedAppIds;
      return this;
    }

    /** How long a change of {@code EwsAllowedAppIDs} takes to be enforced by EWS (default 30 min; real: up to 24 h). */
    public Builder ewsAllowListDelay(Duration delay) {
      state.ewsAllowListDelay = delay;
      return this;
    }

    /** How long a licensed new user waits for its mailbox (default 15 min, docs/vendor-procedures.md procedure 003). */
    public Builder provisioningDelay(Duration delay) {
      state.provisioningDelay = delay;
      return this;
    }

    /** How long an RBAC-for-Applications assignment takes to become effective (default 45 min; real: 30 min-2 h). */
    public Builder propagationDelay(Duration delay) {
      state.rbacPropagationDelay = delay;
      return this;
    }

    /** How long an access policy takes to become effective (default 90 min; real: more than 1 h). */
    public Builder accessPolicyDelay(Duration delay) {
      state.accessPolicyDelay = delay;
      return this;
    }

    /** How long on-premises RBAC changes take to be effective (default 0). */
    public Builder onPremisesPropagationDelay(Duration delay) {
      state.onPremisesPropagationDelay = delay;
      return this;
    }

    /** A licence SKU the tenant owns (needed to create service accounts with a mailbox on Exchange Online). */
    public Builder license(String skuId) {
      state.licenses.put(skuId.toLowerCase(), skuId);
      return this;
    }

    /** A user with a usable mailbox. */
    public Builder userMailbox(String upn) {
      return userMailbox(upn, upn.substring(0, upn.indexOf('@')));
    }

    /** A user with a usable mailbox and a display name. */
    public Builder userMailbox(String upn, String name) {
      seeds.add(() -> {
        state.addMailbox(upn, name, RecipientType.USER_MAILBOX, EPOCH);
        if (state.target.isExchangeOnline()) {
          state.addUser(upn, name).usageLocation = "US";
        }
      });
      return this;
    }

    /** A user mailbox with EWS disabled ({@code Set-CASMailbox -EwsEnabled $false}). */
    public Builder userMailboxWithoutEws(String upn) {
      userMailbox(upn);
      seeds.add(() -> state.mailbox(upn).orElseThrow().ewsEnabled = false);
      return this;
    }

    /** A user mailbox with a property for recipient filters, e.g. {@code ("Department", "Sales")}. */
    public Builder mailboxProperty(String upn, String property, String value) {
      seeds.add(() -> state.mailbox(upn).orElseThrow().attributes.put(property.toLowerCase(), value));
      return this;
    }

    /** A room mailbox. */
    public Builder roomMailbox(String smtp, String name) {
      seeds.add(() -> state.addMailbox(smtp, name, RecipientType.ROOM_MAILBOX, EPOCH));
      return this;
    }

    /** An equipment mailbox (a resource that is not a room: a projector, a car). */
    public Builder equipmentMailbox(String smtp, String name) {
      seeds.add(() -> state.addMailbox(smtp, name, RecipientType.EQUIPMENT_MAILBOX, EPOCH));
      return this;
    }

    /** A shared mailbox. */
    public Builder sharedMailbox(String smtp, String name) {
      seeds.add(() -> state.addMailbox(smtp, name, RecipientType.SHARED_MAILBOX, EPOCH));
      return this;
    }

    /** A directory user without a mailbox (not licensed). */
    public Builder userWithoutMailbox(String upn) {
      seeds.add(() -> state.addUser(upn, upn.substring(0, upn.indexOf('@'))));
      return this;
    }

    /** A group of any kind with members (SMTP addresses of existing recipients). */
    public Builder group(GroupKind kind, String name, String... members) {
      seeds.add(() -> {
        TenantState.GroupObject g = state.addGroup(name, kind, null);
        for (String m : members) {
          g.members.add(state.memberKey(m));
        }
      });
      return this;
    }

    /** A distribution group with members. */
    public Builder distributionGroup(String name, String... members) {
      return group(GroupKind.DISTRIBUTION, name, members);
    }

    /** A mail-enabled security group with members. */
    public Builder mailEnabledSecurityGroup(String name, String... members) {
      return group(GroupKind.MAIL_ENABLED_SECURITY, name, members);
    }

    /** A room list with rooms. */
    public Builder roomList(String name, String... rooms) {
      return group(GroupKind.ROOM_LIST, name, rooms);
    }

    /** A Microsoft 365 group with members. */
    public Builder microsoft365Group(String name, String... members) {
      return group(GroupKind.MICROSOFT_365, name, members);
    }

    /** A non-mail Entra security group with members. */
    public Builder securityGroup(String name, String... members) {
      return group(GroupKind.SECURITY, name, members);
    }

    /** Owners (ManagedBy) of a group seeded earlier. */
    public Builder groupOwners(String group, String... owners) {
      seeds.add(() -> {
        TenantState.GroupObject g = state.group(group).orElseThrow(() -> new IllegalArgumentException("no group " + group + " seeded before groupOwners"));
        for (String o : owners) {
          g.managedBy.add(state.memberKey(o));
        }
      });
      return this;
    }

    /** Whether a seeded group's membership is closed (default true) and whether it is hidden from address lists. */
    public Builder groupSettings(String group, boolean closed, boolean hidden) {
      seeds.add(() -> {
        TenantState.GroupObject g = state.group(group).orElseThrow(() -> new IllegalArgumentException("no group " + group));
        g.closed = closed;
        g.hidden = hidden;
      });
      return this;
    }

    /** An existing role group with roles, members (UPNs) and a write scope ("" = Default, organization-wide). */
    public Builder roleGroup(String name, List<String> roles, List<String> members, String managementScopeOrEmpty) {
      seeds.add(() -> {
        TenantState.RoleGroupObject g = new TenantState.RoleGroupObject();
        g.name = name;
        g.roles.addAll(roles);
        g.members.addAll(members);
        g.scope = managementScopeOrEmpty;
        g.createdAt = EPOCH.minus(Duration.ofDays(30));
        state.roleGroups.put(TenantState.key(name), g);
      });
      return this;
    }

    /** Exchange's service-principal pointer for an application seeded with {@link #application}. */
    public Builder exchangeServicePrincipal(String appId) {
      seeds.add(() -> {
        TenantState.AppObject a = state.apps.get(TenantState.key(appId));
        if (a == null) {
          throw new IllegalArgumentException("seed the application " + appId + " before its Exchange service principal");
        }
        state.exchangeServicePrincipals.put(TenantState.key(appId), new TenantState.ServicePrincipalObject(a.appId, a.objectId, a.displayName));
      });
      return this;
    }

    /** An existing RBAC-for-Applications assignment to an app (its Exchange service principal is seeded too). */
    public Builder appRoleAssignment(String name, String role, String appId, ScopeType scopeType, String scope) {
      exchangeServicePrincipal(appId);
      seeds.add(() -> state.assignments.put(TenantState.key(name), new TenantState.AssignmentObject(name, role,
          state.apps.get(TenantState.key(appId)).objectId, AssigneeType.SERVICE_PRINCIPAL, scopeType, scope,
          EPOCH.minus(Duration.ofDays(30)))));
      return this;
    }

    /** An existing application access policy. */
    public Builder accessPolicy(String appId, String scopeGroup, String accessRight) {
      seeds.add(() -> state.policies.add(new TenantState.PolicyObject(state.uuid("policy:" + appId + scopeGroup), appId.toLowerCase(),
          TenantState.key(state.group(scopeGroup).map(g -> g.name).orElse(scopeGroup)), accessRight, "", EPOCH.minus(Duration.ofDays(30)))));
      return this;
    }

    /** An existing FullAccess permission of {@code user} on {@code mailbox}. */
    public Builder fullAccess(String mailbox, String user) {
      seeds.add(() -> state.permissions.computeIfAbsent(TenantState.key(state.mailbox(mailbox).orElseThrow().smtp),
          k -> new ArrayList<>()).add(new TenantState.PermissionObject(user, "FullAccess", false, EPOCH.minus(Duration.ofDays(30)))));
      return this;
    }

    /** Seeds from a JSON fixture file (see {@link TenantFixture} for the format). */
    public Builder fixture(java.nio.file.Path json) {
      TenantFixture.apply(json, this);
      return this;
    }

    /** Seeds from a JSON fixture on the class path, e.g. {@code "/tenants/contoso.json"}. */
    public Builder fixtureResource(String resource) {
      TenantFixture.applyResource(resource, this);
      return this;
    }

    /** Seeds mailboxes from a CSV file with the columns Address, Name and optionally Type (user/room/shared) and Department. */
    public Builder mailboxesFromCsv(java.nio.file.Path csv) {
      TenantFixture.applyCsv(csv, this);
      return this;
    }

    /** The target this builder seeds. */
    public TenantTarget target() {
      return state.target;
    }

    /** An Entra application with its service principal. */
    public Builder application(String appId, String servicePrincipalObjectId, String displayName) {
      seeds.add(() -> {
        TenantState.AppObject a = new TenantState.AppObject();
        a.appId = appId.toLowerCase();
        a.objectId = servicePrincipalObjectId.toLowerCase();
        a.displayName = displayName;
        state.apps.put(TenantState.key(appId), a);
      });
      return this;
    }

    /** Tenant-wide admin consent of Microsoft Graph application permissions, e.g. {@code "Mail.ReadWrite"}. */
    public Builder consent(String appId, String... permissions) {
      seeds.add(() -> state.apps.get(TenantState.key(appId)).consent.addAll(List.of(permissions)));
      return this;
    }

    /** An administrative unit with member mailboxes. */
    public Builder administrativeUnit(String id, String... members) {
      seeds.add(() -> {
        java.util.Set<String> set = new java.util.LinkedHashSet<>();
        for (String m : members) {
          set.add(state.memberKey(m));
        }
        state.administrativeUnits.put(TenantState.key(id), set);
      });
      return this;
    }

    /** An existing management scope. */
    public Builder managementScope(String name, String filter) {
      seeds.add(() -> state.scopes.put(TenantState.key(name), new TenantState.ScopeObject(name, filter, EPOCH)));
      return this;
    }

    /** An existing role assignment to a user, organization-wide or scoped to a management scope. */
    public Builder roleAssignment(String name, String role, String userUpn, String managementScopeOrEmpty) {
      seeds.add(() -> state.assignments.put(TenantState.key(name), new TenantState.AssignmentObject(name, role, userUpn,
          AssigneeType.USER, managementScopeOrEmpty.isEmpty() ? ScopeType.ORGANIZATION : ScopeType.MANAGEMENT_SCOPE,
          managementScopeOrEmpty, EPOCH.minus(Duration.ofDays(30)))));
      return this;
    }

    /** Builds the tenant. */
    public FakeTenant build() {
      seeds.forEach(Runnable::run);
      return new FakeTenant(state);
    }
  }
}
