package dev.impersonation;

import dev.impersonation.Access.ApplicationImpersonation;
import dev.impersonation.Access.RbacForApplications;
import dev.impersonation.internal.Diagnostician;
import dev.impersonation.internal.DriftCheck;
import dev.impersonation.internal.Executor;
import dev.impersonation.internal.Planner;
import dev.impersonation.internal.RetryingReads;
import dev.impersonation.internal.SetupRecords;
import dev.impersonation.internal.Teardown;
import dev.impersonation.internal.ValueStyle;
import dev.impersonation.internal.Verifier;
import dev.impersonation.plan.ApplyResult;
import dev.impersonation.plan.Plan;
import dev.impersonation.plan.ProgressListener;
import dev.impersonation.plan.SetupRecord;
import dev.impersonation.verify.Diagnosis;
import dev.impersonation.verify.DriftReport;
import dev.impersonation.verify.VerificationReport;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.immutables.value.Value;

/**
 * The desired state: which {@link Principal} gets which {@link Access} to which {@link Scope} of mailboxes in which
 * {@link TenantTarget}. Immutable and validated by {@code build()}, before any call to a tenant:
 *
 * <pre>{@code
 * ImpersonationSetup setup = ImpersonationSetup.builder()
 *     .name("RevenueInbox")
 *     .target(TenantTarget.exchangeOnline("contoso.onmicrosoft.com"))
 *     .principal(Principal.application("6f1c...").servicePrincipal("9a2b..."))
 *     .scope(Scope.mailEnabledSecurityGroup("RISG").members("ann@contoso.com", "bob@contoso.com"))
 *     .access(Access.rbacForApplications("Application Calendars.ReadWrite"))
 *     .build();
 * Plan plan = setup.plan(connection);        // reads only; prints as a table
 * ApplyResult result = setup.apply(connection, ProgressListener.logging());
 * VerificationReport report = setup.verify(connection);
 * }</pre>
 */
@Value.Immutable
@ValueStyle
public abstract class ImpersonationSetup {

  /** A short label (at most 32 characters) from which the names of created objects are derived. */
  public abstract String name();

  /** The tenant. */
  public abstract TenantTarget target();

  /** Who gets access. */
  public abstract Principal principal();

  /** Which mailboxes. */
  public abstract Scope scope();

  /** How access is granted. */
  public abstract Access access();

  /** The management scope's name; {@code <name>-Scope} when not given. */
  public abstract Optional<String> managementScopeName();

  /** The role assignment's name (or prefix with several roles); derived from {@link #name()} when not given. */
  public abstract Optional<String> roleAssignmentName();

  /** Extra mailboxes to check in {@link #verify} (needed for filter, organization and administrative-unit scopes). */
  public abstract List<String> verifyMailboxes();

  /** A mailbox outside the scope that must be denied; picked from the tenant when not given. */
  public abstract Optional<String> outsider();

  /**
   * Extra permissions {@link #verify} checks on every mailbox besides the declared ones, e.g. {@code "Calendars.Read"}
   * for an app declared with {@code Application Mail.Read} only: a permission the setup does not grant must be denied.
   */
  public abstract List<String> verifyPermissions();

  /** How long {@link #verify} treats a configured but refused grant as pending propagation. */
  @Value.Default
  public dev.impersonation.verify.PropagationWindows propagationWindows() {
    return dev.impersonation.verify.PropagationWindows.defaults();
  }

  /**
   * What the setup may change about EWS when its access goes through EWS (Application EWS.AccessAsApp, an access policy
   * with full_access_as_app, FullAccess for a service account): {@link EwsOptions#reportOnly()} unless set.
   */
  @Value.Default
  public EwsOptions ews() {
    return EwsOptions.reportOnly();
  }

  /** Retries and waits for {@link #apply}. */
  @Value.Default
  public RetryPolicy retryPolicy() {
    return RetryPolicy.defaults();
  }

  /** The in-scope mailboxes {@link #verify} checks one by one by default, besides the declared ones and the outsider. */
  public static final int DEFAULT_VERIFICATION_SAMPLE = 50;

  /**
   * How many in-scope mailboxes {@link #verify} checks one by one (a configuration test and, with a probe, a request as the
   * principal each) besides every {@link #verifyMailboxes()} mailbox and the outsider, which are always checked: the first
   * ones of the scope, in its order. The rest are in scope by the group's or unit's member list, read in pages; the report
   * says how many were not checked one by one. 0 checks every mailbox ({@code Builder.verifyingEveryMailbox()}).
   */
  @Value.Default
  public int verificationSample() {
    return DEFAULT_VERIFICATION_SAMPLE;
  }

  /** Starts a builder. */
  public static Builder builder() {
    return new Builder();
  }

  /** Builds an {@link ImpersonationSetup}; {@code build()} validates and throws {@link InvalidSetupException}. */
  public static final class Builder extends ImmutableImpersonationSetup.Builder {
    Builder() {}

    /**
     * {@link ImpersonationSetup#verify} checks every in-scope mailbox one by one, not a sample: short for
     * {@code .verificationSample(0)}. One call or more per mailbox.
     *
     * @return this builder
     */
    public Builder verifyingEveryMailbox() {
      verificationSample(0);
      return this;
    }

    /**
     * Plans adding the application to the organization's EWS allow list when EWS would refuse it otherwise: short for
     * {@code .ews(EwsOptions.allowListing())}. See {@link EwsOptions} for the tenant-wide changes.
     *
     * @return this builder
     */
    public Builder allowingEws() {
      ews(EwsOptions.allowListing());
      return this;
    }

    /**
     * Validates and builds.
     *
     * @throws InvalidSetupException naming what is missing or wrong and how to fix it
     * @throws UnsupportedOnTargetException when the access method does not work on the target
     */
    @Override
    public ImpersonationSetup build() {
      try {
        return super.build();
      } catch (IllegalStateException e) {
        String missing = e.getMessage().replaceAll("(?s).*\\[(.*)\\].*", "$1");
        throw new InvalidSetupException("ImpersonationSetup is missing " + missing + ". A complete setup declares "
            + ".name(\"Label\"), .target(TenantTarget.exchangeOnline(\"contoso.onmicrosoft.com\")), "
            + ".principal(Principal.serviceAccount(\"svc@contoso.com\") or Principal.application(\"<appId>\")), "
            + ".scope(Scope.distributionGroup(\"Group\")...) and .access(Access.rbacForApplications(...) or ...).");
      }
    }
  }

  @Value.Check
  protected void validate() {
    for (String p : verifyPermissions()) {
      if (p == null || !p.matches("[A-Za-z][A-Za-z0-9_-]*(\\.[A-Za-z0-9_-]+)*")) {
        throw new InvalidSetupException("verifyPermissions: not a permission name: " + Names.quoted(p)
            + ". Name permissions like \"Mail.Read\", \"Calendars.ReadWrite\" or \"full_access_as_app\".");
      }
    }
    dev.impersonation.internal.SetupValidation.validate(this);
  }

  /**
   * The names of the role assignments this setup makes, one per role of its access (RBAC for Applications' roles, or
   * ApplicationImpersonation), as plans, scripts and the tenant show them: the given {@code roleAssignmentName} for a
   * single role, else {@code <roleAssignmentName or name>-<role>}. Empty for access that makes no role assignment.
   */
  public List<String> roleAssignmentNames() {
    if (access() instanceof RbacForApplications r) {
      return r.roles().stream().map(role -> dev.impersonation.internal.ObjectNames.roleAssignment(this, role, r.roles().size()))
          .toList();
    }
    if (access() instanceof ApplicationImpersonation) {
      return List.of(dev.impersonation.internal.ObjectNames.roleAssignment(this, ApplicationImpersonation.ROLE, 1));
    }
    return List.of();
  }

  /** Reads the tenant and returns the plan; writes nothing. */
  public Plan plan(TenantConnection connection) {
    return Planner.plan(this, connection);
  }

  /**
   * Reads the tenant and returns the plan, reporting each phase (organization, principal, scope and the members read,
   * grants) to {@code listener} as INFO events; writes nothing.
   */
  public Plan plan(TenantConnection connection, ProgressListener listener) {
    return Planner.plan(this, connection, listener);
  }

  /** Plans and applies, reporting nothing. See {@link #apply(TenantConnection, ProgressListener)}. */
  public ApplyResult apply(TenantConnection connection) {
    return apply(connection, ProgressListener.none());
  }

  /**
   * Plans, then applies the plan's steps in order with retries and readiness waits on the connection's clock.
   *
   * @throws PlanBlockedException before writing anything, when a step is blocked
   */
  public ApplyResult apply(TenantConnection connection, ProgressListener listener) {
    return apply(plan(connection, listener), connection, listener);
  }

  /** Applies a plan made earlier from this setup (re-plan first if the tenant may have changed). */
  public ApplyResult apply(Plan plan, TenantConnection connection, ProgressListener listener) {
    if (!plan.setupName().equals(name()) || !plan.target().equals(target())) {
      throw new InvalidSetupException("This plan was made for setup '" + plan.setupName() + "' on " + plan.target()
          + ", not for '" + name() + "' on " + target() + ".");
    }
    ApplyResult applied = new Executor(connection, listener, retryPolicy()).apply(plan);
    return new ApplyResult(plan, applied.results(), SetupRecords.of(this, plan, applied.results(), connection,
        new RetryingReads(connection, listener, retryPolicy())));
  }

  /**
   * Compares the tenant with what an apply recorded and with this setup (docs/lifecycle.md): role assignments removed or
   * rescoped, scopes, groups or pointers removed, members who left or were added outside the setup, mailboxes a
   * nested group brings that the scope does not cover, tenant-wide consent added, the EWS verdict changed. Reads only;
   * a failed read is reported as UNKNOWN, never as "no drift". Applying the setup again repairs what it owns.
   *
   * @param connection the tenant
   * @param record the record of the apply (or the merged records of several)
   * @return the drift report
   */
  public DriftReport drift(TenantConnection connection, SetupRecord record) {
    return drift(connection, record, d -> { });
  }

  /**
   * As {@link #drift(TenantConnection, SetupRecord)}, telling {@code onDrift} of each finding as it is made, e.g. to raise
   * an alert.
   *
   * @param connection the tenant
   * @param record the record of the apply
   * @param onDrift told of each finding
   * @return the drift report
   */
  public DriftReport drift(TenantConnection connection, SetupRecord record, java.util.function.Consumer<DriftReport.Drift> onDrift) {
    return DriftCheck.check(this, connection, record, onDrift);
  }

  /**
   * The plan that removes what {@code record} says this setup made, in reverse order of dependency, and nothing else
   * (docs/lifecycle.md): members only if the setup added them, groups only if it created them and they still carry its
   * marker, never a service-account mailbox or the organization's EWS switch (the plan says so). Apply it with
   * {@link #apply(Plan, TenantConnection, ProgressListener)}; export it with {@link Plan#toPowerShell()}. Reads only.
   *
   * @param connection the tenant
   * @param record the record of the apply (or the merged records of several)
   * @return the teardown plan
   */
  public Plan teardown(TenantConnection connection, SetupRecord record) {
    return Teardown.plan(this, connection, record);
  }

  /** Checks each in-scope mailbox and one outsider. */
  public VerificationReport verify(TenantConnection connection) {
    return Verifier.verify(this, connection);
  }

  /** Verifies repeatedly (every 5 minutes on the connection's clock) until satisfied, no longer pending, or timed out. */
  public VerificationReport awaitVerification(TenantConnection connection, Duration timeout, ProgressListener listener) {
    return Verifier.await(this, connection, timeout, Duration.ofMinutes(5), listener);
  }

  /** Runs the common-issues checklist. */
  public Diagnosis diagnose(TenantConnection connection) {
    return Diagnostician.diagnose(this, connection);
  }

  @Override
  public String toString() {
    return "ImpersonationSetup '" + name() + "' on " + target() + ": " + principal().displayIdentity() + " gets "
        + access().describe() + " on " + scope().describe();
  }
}
