package dev.impersonation.migration;

import dev.impersonation.Access;
import dev.impersonation.Access.RbacForApplications;
import dev.impersonation.EwsRetiredException;
import dev.impersonation.ImpersonationSetup;
import dev.impersonation.InvalidSetupException;
import dev.impersonation.Principal;
import dev.impersonation.TenantConnection;
import dev.impersonation.TenantTarget;
import dev.impersonation.UnsupportedOnTargetException;
import dev.impersonation.internal.EwsUse;
import dev.impersonation.spi.AppPermissions;
import dev.impersonation.spi.EwsRules;
import dev.impersonation.verify.VerificationReport;
import java.util.List;
import java.util.Optional;

/**
 * Moving a setup that reaches mailboxes through EWS ({@code Application EWS.AccessAsApp}, {@code full_access_as_app}
 * under an access policy, ApplicationImpersonation, FullAccess a product uses over EWS) to Microsoft Graph roles of RBAC
 * for Applications (docs/migration.md#ews): the Graph setup is planned <em>beside</em> the EWS one, over the same scope,
 * so the product can switch while EWS still works; {@link #verify} checks both and says which one the vendor still needs.
 * <pre>{@code
 * EwsMigration migration = EwsMigration.of(ewsSetup).withGraphRoles("Application Calendars.ReadWrite");
 * ImpersonationSetup graph = migration.graphSetup();   // a setup like any other: plan, script, apply, verify
 * graph.apply(connection);
 * EwsMigrationReport report = migration.verify(connection);   // both sides, and what is still needed
 * }</pre>
 * A service account's EWS access moves to an Entra application ({@link #toApplication(String)}); an Exchange Server setup
 * moves to an Exchange Online organization ({@link #onTarget(TenantTarget)}): Graph does not reach on-premises mailboxes.
 * Values are immutable; bad combinations fail with a typed exception before anything is read or written.
 */
public final class EwsMigration {
  private final ImpersonationSetup ews;
  private final String how;
  private final Optional<String> appId;
  private final List<String> graphRoles;
  private final Optional<TenantTarget> graphTarget;
  private final Optional<String> graphName;

  private EwsMigration(ImpersonationSetup ews, String how, Optional<String> appId, List<String> graphRoles,
      Optional<TenantTarget> graphTarget, Optional<String> graphName) {
    this.ews = ews;
    this.how = how;
    this.appId = appId;
    this.graphRoles = List.copyOf(graphRoles);
    this.graphTarget = graphTarget;
    this.graphName = graphName;
  }

  /**
   * The migration of {@code ewsSetup}, with the Graph roles that replace EWS's full mailbox access by default
   * ({@link EwsRules#GRAPH_REPLACEMENT_ROLES}); narrow them with {@link #withGraphRoles(String...)}.
   *
   * @throws InvalidSetupException when the setup does not use EWS
   */
  public static EwsMigration of(ImpersonationSetup ewsSetup) {
    EwsUse use = EwsUse.of(ewsSetup).orElseThrow(() -> new InvalidSetupException("'" + ewsSetup.name() + "' gives "
        + ewsSetup.access().describe() + ", which does not use EWS: there is nothing to migrate to Graph roles."));
    Optional<String> app = ewsSetup.principal() instanceof Principal.Application a ? Optional.of(a.appId()) : Optional.empty();
    return new EwsMigration(ewsSetup, use.how(), app, EwsRules.GRAPH_REPLACEMENT_ROLES, Optional.empty(), Optional.empty());
  }

  /**
   * The Entra application the product uses over Graph: needed when the EWS setup's principal is a service account (Graph
   * application roles are granted to an application, not to a mailbox).
   */
  public EwsMigration toApplication(String applicationId) {
    Principal.Application app = Principal.application(applicationId);
    return new EwsMigration(ews, how, Optional.of(app.appId()), graphRoles, graphTarget, graphName);
  }

  /**
   * The {@code Application …} roles the product needs over Graph, e.g. only {@code Application Calendars.ReadWrite}
   * for a calendar sync: least privilege is the vendor's to choose, the default is everything EWS gave.
   *
   * @throws InvalidSetupException for an unknown role, an EWS role or none
   */
  public EwsMigration withGraphRoles(String... roles) {
    if (roles.length == 0) {
      throw new InvalidSetupException("Name at least one Graph role, e.g. withGraphRoles(\"Application Calendars.ReadWrite\").");
    }
    for (String role : roles) {
      if (role == null || !RbacForApplications.KNOWN_ROLES.contains(role)
          || AppPermissions.grantedByRole(role).stream().anyMatch(AppPermissions::isEws)) {
        throw new InvalidSetupException("'" + role + "' is not a Graph role that replaces EWS: use roles such as "
            + String.join(", ", EwsRules.GRAPH_REPLACEMENT_ROLES) + " (docs/rbac-for-applications.md).");
      }
    }
    return new EwsMigration(ews, how, appId, List.of(roles), graphTarget, graphName);
  }

  /** The Exchange Online organization the Graph setup goes to: needed when the EWS setup is on Exchange Server. */
  public EwsMigration onTarget(TenantTarget exchangeOnline) {
    if (!exchangeOnline.isExchangeOnline()) {
      throw new UnsupportedOnTargetException("Graph roles of RBAC for Applications exist only in Exchange Online; "
          + exchangeOnline + " is not: pass TenantTarget.exchangeOnline(<tenant domain>).");
    }
    return new EwsMigration(ews, how, appId, graphRoles, Optional.of(exchangeOnline), graphName);
  }

  /** The name of the Graph setup; by default the EWS setup's name with {@code -Graph}. */
  public EwsMigration named(String name) {
    return new EwsMigration(ews, how, appId, graphRoles, graphTarget, Optional.of(name));
  }

  /** The EWS setup being migrated. */
  public ImpersonationSetup ewsSetup() {
    return ews;
  }

  /** How the EWS setup uses EWS. */
  public String ewsUse() {
    return how;
  }

  /** The Graph roles the Graph setup grants. */
  public List<String> graphRoles() {
    return graphRoles;
  }

  /**
   * The Graph setup: the application, the Graph roles, the EWS setup's scope, verification mailboxes and outsider, on
   * the Exchange Online organization. Its management scope and assignments have names of their own, so each setup can be
   * torn down without touching the other.
   *
   * @throws InvalidSetupException when the EWS principal is a service account and no application was named
   * @throws UnsupportedOnTargetException when the EWS setup is on Exchange Server and no Exchange Online target was named
   */
  public ImpersonationSetup graphSetup() {
    String app = appId.orElseThrow(() -> new InvalidSetupException("'" + ews.name() + "' gives access to "
        + ews.principal().displayIdentity() + ", a mailbox; Graph roles are granted to an Entra application: call "
        + "toApplication(<the application id the product will use>)."));
    TenantTarget target = graphTarget.orElseGet(() -> {
      if (!ews.target().isExchangeOnline()) {
        throw new UnsupportedOnTargetException("'" + ews.name() + "' is on " + ews.target() + ", where Graph does not "
            + "reach mailboxes: call onTarget(TenantTarget.exchangeOnline(<tenant domain>)) for the organization the "
            + "mailboxes move to.");
      }
      return ews.target();
    });
    ImpersonationSetup.Builder b = ImpersonationSetup.builder().name(graphName.orElse(ews.name() + "-Graph")).target(target)
        .principal(Principal.application(app)).scope(ews.scope())
        .access(Access.rbacForApplications(graphRoles.toArray(String[]::new)))
        .addAllVerifyMailboxes(ews.verifyMailboxes()).propagationWindows(ews.propagationWindows()).retryPolicy(ews.retryPolicy());
    ews.outsider().ifPresent(b::outsider);
    return b.build();
  }

  /** Verifies both setups in one tenant (EWS on Exchange Online beside Graph). */
  public EwsMigrationReport verify(TenantConnection connection) {
    return verify(connection, connection);
  }

  /**
   * Verifies the EWS setup through {@code ewsConnection} and the Graph setup through {@code graphConnection} (for a
   * move from Exchange Server to Exchange Online), and says which of them the vendor still needs. Reads only.
   */
  public EwsMigrationReport verify(TenantConnection ewsConnection, TenantConnection graphConnection) {
    ImpersonationSetup graph = graphSetup();
    Optional<VerificationReport> ewsReport;
    Optional<String> ewsRetired;
    try {
      ewsReport = Optional.of(ews.verify(ewsConnection));
      ewsRetired = Optional.empty();
    } catch (EwsRetiredException e) {
      ewsReport = Optional.empty();
      ewsRetired = Optional.of(e.getMessage());
    }
    VerificationReport graphReport = graph.verify(graphConnection);
    return EwsMigrationReport.of(ews.name(), how, graph.name(), graphRoles, ews.target(), ewsConnection.clock().instant(),
        ewsReport, ewsRetired, graphReport);
  }

  @Override
  public String toString() {
    return "EwsMigration of '" + ews.name() + "' (" + how + " on " + ews.target() + ") to " + String.join(", ", graphRoles)
        + " for " + appId.orElse("<an application: call toApplication(appId)>") + " on "
        + graphTarget.map(TenantTarget::toString).orElse(ews.target().isExchangeOnline() ? ews.target().toString()
            : "<an Exchange Online organization: call onTarget(...)>");
  }
}
