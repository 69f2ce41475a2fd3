package dev.impersonation.internal;

import dev.impersonation.Access.RbacForApplications;
import dev.impersonation.EwsOptions;
import dev.impersonation.EwsRetiredException;
import dev.impersonation.ImpersonationSetup;
import dev.impersonation.TenantConnection;
import dev.impersonation.TenantTarget;
import dev.impersonation.plan.Plan.EwsState;
import dev.impersonation.plan.Step.StepAction;
import dev.impersonation.powershell.Cmdlet;
import dev.impersonation.powershell.ScriptRenderer;
import dev.impersonation.spi.EwsOrganizationPolicy;
import dev.impersonation.spi.EwsRules;
import dev.impersonation.spi.Operation;
import dev.impersonation.spi.Recipient;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The EWS concern (docs/ews.md): for a setup whose access goes through EWS, reads the organization's {@code EwsEnabled}
 * and {@code EwsAllowedAppIDs}, judges them by the rules in force on the connection's date, records that in the plan,
 * plans the allow-list and organization changes the setup opted into (the list before the switch, so EWS never opens
 * to every app in between), and warns about what still refuses EWS, the shutdown and Autodiscover.
 */
final class EwsPlanner implements ConcernPlanner {
  private static final String ALLOW_LIST = "EWS allow list (EwsAllowedAppIDs)";
  private static final String ORGANIZATION = "organization EwsEnabled";
  /** How many days before the shutdown the plan says it is near in words, not only as a date. */
  private static final long NEAR_DAYS = 180;

  /**
   * Refuses, before anything is read, a setup that needs EWS in Exchange Online on or after its shutdown.
   *
   * @throws EwsRetiredException naming the Graph roles that replace it
   */
  static void refuseAfterShutdown(ImpersonationSetup setup, TenantConnection connection) {
    Optional<EwsUse> use = EwsUse.of(setup);
    LocalDate today = today(connection);
    if (use.isPresent() && use.get().certain() && EwsRules.retired(setup.target(), today)) {
      throw new EwsRetiredException("'" + setup.name() + "' gives access through EWS (" + use.get().how() + "), and EWS in "
          + "Exchange Online was shut down on " + EwsRules.SHUTDOWN + " (the connection's date is " + today + "): no setting "
          + "turns it back on. Give the app the same mailboxes over Microsoft Graph instead: "
          + "Access.rbacForApplications(\"" + String.join("\", \"", EwsRules.GRAPH_REPLACEMENT_ROLES) + "\") with the same "
          + "scope (pick the roles the product needs), and move the product's calls to Graph.", EwsRules.SHUTDOWN,
          EwsRules.GRAPH_REPLACEMENT_ROLES);
    }
  }

  static LocalDate today(TenantConnection connection) {
    return LocalDate.ofInstant(connection.clock().instant(), ZoneOffset.UTC);
  }

  @Override
  public String phase(ImpersonationSetup setup) {
    return "reading the organization's EWS settings";
  }

  @Override
  public void plan(PlanContext ctx, Groundwork groundwork) {
    ImpersonationSetup setup = ctx.setup();
    Optional<EwsUse> use = EwsUse.of(setup);
    if (use.isEmpty()) {
      return;
    }
    TenantTarget target = setup.target();
    LocalDate today = today(ctx.connection());
    Optional<String> appId = EwsUse.appId(setup);
    EwsOptions options = setup.ews();
    Optional<LocalDate> shutdown = target.isExchangeOnline() ? Optional.of(EwsRules.SHUTDOWN) : Optional.empty();
    Observed<EwsOrganizationPolicy> read = EwsVerification.readSettings(setup, ctx.connection(), today);
    if (read.unknown()) {
      ctx.ews(new EwsState(use.get().how(), "unknown", List.of(), appId, Optional.empty(),
          "the organization's EWS settings could not be read: " + read.error(), today, shutdown, EwsRules.GRAPH_REPLACEMENT_ROLES));
      if (!options.isReportOnly()) {
        ctx.blocked(options.allowList() ? ALLOW_LIST : ORGANIZATION, read.blockedReason("the organization's EWS settings"));
      }
      ctx.warn("Whether EWS admits " + who(setup, appId) + " is UNKNOWN: the organization's EWS settings could not be read ("
          + read.error() + ").");
      warnAboutTheEnd(ctx, target, today);
      return;
    }
    EwsOrganizationPolicy policy = read.value();
    EwsRules.Verdict before = EwsRules.organization(target, today, policy, appId);
    ctx.ews(new EwsState(use.get().how(), policy.ewsEnabledText(), policy.allowedAppIds(), appId, Optional.of(before.allowed()),
        before.reason(), today, shutdown, EwsRules.GRAPH_REPLACEMENT_ROLES));

    EwsOrganizationPolicy after = policy;
    int listed = 0;
    boolean orgOff = policy.ewsEnabled().isPresent() ? !policy.ewsEnabled().get()
        : target.isExchangeOnline() && !today.isBefore(EwsRules.PHASE_OUT);
    if (options.allowList() && appId.isPresent() && target.isExchangeOnline()) {
      String id = appId.get();
      boolean enabling = options.enableOrganization() && orgOff;
      if (policy.allowListed(id)) {
        ctx.noOp(ALLOW_LIST, "app " + id + " is already on EwsAllowedAppIDs");
      } else if (!policy.allowedAppIds().isEmpty()) {
        listed = ctx.add(StepAction.UPDATE, ALLOW_LIST, "EwsAllowedAppIDs lists " + policy.allowedAppIds().size()
            + " app(s) but not " + id + ": EWS refuses it until it is added (the ids already listed are kept; Exchange "
            + "Online may take up to 24 hours to enforce the change)", new Operation.AllowEwsApplication(id), List.of());
        after = withApp(policy, id);
      } else if (enabling || options.tenantWideChangesAcknowledged()) {
        listed = ctx.add(StepAction.UPDATE, ALLOW_LIST, "EwsAllowedAppIDs is empty: adding " + id + " makes it the only "
            + "application EWS admits in this organization" + (enabling ? ", before EWS is turned on below" : "")
            + " (tenant-wide, acknowledged)", new Operation.AllowEwsApplication(id), List.of());
        after = withApp(policy, id);
      } else {
        ctx.noOp(ALLOW_LIST, "EwsAllowedAppIDs is empty, so it restricts no app; adding " + id + " would shut every other "
            + "application out of EWS, so it is left alone (EwsOptions.allowListing().acknowledged() adds it anyway)");
      }
    }
    if (options.enableOrganization()) {
      if (!orgOff && policy.ewsEnabled().isPresent()) {
        ctx.noOp(ORGANIZATION, "EwsEnabled is already True");
      } else if (!orgOff) {
        ctx.noOp(ORGANIZATION, "EwsEnabled is $null, which allows EWS until " + EwsRules.PHASE_OUT);
      } else {
        ctx.add(StepAction.UPDATE, ORGANIZATION, "EwsEnabled is " + policy.ewsEnabledText() + ": " + before.reason()
            + "; setting it to True is tenant-wide (acknowledged)" + (after.allowedAppIds().isEmpty() && target.isExchangeOnline()
                ? " and, with an empty allow list, admits EVERY application to EWS" : ", for the allow-listed apps only"),
            new Operation.EnableOrganizationEws(), PlanContext.deps(listed));
        after = new EwsOrganizationPolicy(Optional.of(true), after.allowedAppIds());
      }
    }
    EwsRules.Verdict planned = EwsRules.organization(target, today, after, appId);
    if (!planned.allowed()) {
      ctx.warn("EWS will REFUSE " + who(setup, appId) + ": " + planned.reason() + ". " + fix(setup, policy, appId, orgOff));
    }
    warnAboutMailboxes(ctx);
    warnAboutTheEnd(ctx, target, today);
    if (setup.access() instanceof RbacForApplications && target.isExchangeOnline()) {
      ctx.warn("Autodiscover does not work for apps authorised by RBAC for Applications (Microsoft's RBAC for Applications "
          + "FAQ): configure the product with the EWS URL https://outlook.office365.com/EWS/Exchange.asmx instead of "
          + "discovering it.");
    }
  }

  private static EwsOrganizationPolicy withApp(EwsOrganizationPolicy policy, String appId) {
    List<String> ids = new ArrayList<>(policy.allowedAppIds());
    ids.add(appId);
    return new EwsOrganizationPolicy(policy.ewsEnabled(), ids);
  }

  private static String who(ImpersonationSetup setup, Optional<String> appId) {
    return appId.map(id -> "app " + id).orElse(setup.principal().displayIdentity() + "'s product");
  }

  /** What the caller can do about a refusal, in the API's words. */
  private static String fix(ImpersonationSetup setup, EwsOrganizationPolicy policy, Optional<String> appId, boolean orgOff) {
    if (!setup.target().isExchangeOnline()) {
      return "Set-OrganizationConfig -EwsEnabled $true turns it on (or .ews(EwsOptions.reportOnly().enablingOrganization()"
          + ".acknowledged()) plans it).";
    }
    List<String> needed = new ArrayList<>();
    if (appId.isEmpty()) {
      needed.add("name the product's client app: .ews(EwsOptions.allowListing(\"<client app id>\"))");
    } else if (!policy.allowListed(appId.get()) && !setup.ews().allowList()) {
      needed.add("allow-list the app: .allowingEws()");
    }
    if (orgOff && !setup.ews().enableOrganization()) {
      needed.add("turn EWS on for the organization, a tenant-wide change: .ews(EwsOptions.allowListing().enablingOrganization()"
          + ".acknowledged())");
    }
    return needed.isEmpty() ? "See docs/ews.md." : "To let it in: " + String.join("; and ", needed) + ".";
  }

  /** Mailboxes this plan read whose own EwsEnabled is False: EWS refuses them whatever the organization says. */
  private static void warnAboutMailboxes(PlanContext ctx) {
    List<String> off = ctx.recipientsRead().stream().filter(r -> r.type().isMailbox() && !r.ewsEnabled())
        .map(Recipient::primarySmtpAddress).distinct().toList();
    if (!off.isEmpty()) {
      ctx.warn("EWS is off on " + off.size() + " mailbox(es) of this setup (Get-CASMailbox EwsEnabled False): "
          + PlanContext.preview(off) + ". EWS refuses them until an admin runs, for each, "
          + ScriptRenderer.render(Cmdlet.of("Set-CASMailbox").text("Identity", off.get(0)).bool("EwsEnabled", true))
          + " (the plan does not change a mailbox's EWS setting).");
    }
  }

  private static void warnAboutTheEnd(PlanContext ctx, TenantTarget target, LocalDate today) {
    if (!target.isExchangeOnline()) {
      return;
    }
    long days = ChronoUnit.DAYS.between(today, EwsRules.SHUTDOWN);
    ctx.warn("EWS in Exchange Online shuts down on " + EwsRules.SHUTDOWN + (days <= NEAR_DAYS ? ", in " + days + " days" : "")
        + ", with no exceptions: move the product to Microsoft Graph with " + String.join(", ", EwsRules.GRAPH_REPLACEMENT_ROLES)
        + " (RBAC for Applications, same scope).");
  }
}
