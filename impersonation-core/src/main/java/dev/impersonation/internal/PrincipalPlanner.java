package dev.impersonation.internal;

import static dev.impersonation.internal.PlanContext.deps;

import dev.impersonation.Access.RbacForApplications;
import dev.impersonation.AccessMethod;
import dev.impersonation.Principal.Application;
import dev.impersonation.Principal.ServiceAccount;
import dev.impersonation.plan.Step.StepAction;
import dev.impersonation.spi.ApplicationPermissionGrant;
import dev.impersonation.spi.BackendKind;
import dev.impersonation.spi.DirectoryBackend;
import dev.impersonation.spi.DirectoryUser;
import dev.impersonation.spi.EntraServicePrincipal;
import dev.impersonation.spi.ExchangeServicePrincipal;
import dev.impersonation.spi.Operation;
import dev.impersonation.spi.Recipient;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * Plans the setup's principal: a service account's mailbox (found, awaited while provisioning, or created with its
 * licence), or an application's Entra service principal, its tenant-wide consent (read once, for the warnings and the
 * grants) and, for RBAC for Applications, Exchange's service principal pointer.
 */
final class PrincipalPlanner {
  private final PlanContext ctx;

  PrincipalPlanner(PlanContext ctx) {
    this.ctx = ctx;
  }

  /** Plans the principal; {@code org} is the organization customization step a new pointer waits for. */
  PrincipalSteps plan(int org) {
    if (ctx.setup().principal() instanceof ServiceAccount account) {
      return serviceAccount(account);
    }
    return application((Application) ctx.setup().principal(), ctx.setup().access().method(), org);
  }

  private PrincipalSteps serviceAccount(ServiceAccount account) {
    String upn = account.userPrincipalName();
    String resource = "service account " + upn;
    boolean online = ctx.setup().target().isExchangeOnline();
    Observed<Recipient> mailbox = ctx.exchange().isPresent() ? ctx.recipient(upn)
        : PlanContext.readFrom(ctx.mailboxes(), m -> m.findMailbox(upn));
    if (mailbox.present()) {
      if (!mailbox.value().type().isMailbox()) {
        return new PrincipalSteps(ctx.blocked(resource, upn + " is a " + mailbox.value().type().value()
            + ", not a mailbox: the principal must be a user mailbox (docs/diagnostics.md#d2)"), Optional.of(upn), false);
      }
      ctx.noOp(resource, "mailbox exists (" + mailbox.value().type().value() + ")");
      return new PrincipalSteps(0, Optional.of(upn), true);
    }
    if (mailbox.unknown()) {
      return new PrincipalSteps(ctx.blocked(resource, mailbox.blockedReason("the service account's mailbox")), Optional.of(upn), false);
    }
    // ABSENT in Exchange: maybe the user exists and its mailbox is still being provisioned.
    if (online && ctx.directory().isPresent()) {
      Observed<DirectoryUser> user = Observed.read(() -> ctx.directory().get().findUser(upn));
      if (user.unknown()) {
        return new PrincipalSteps(ctx.blocked(resource, user.blockedReason("the service account user")), Optional.of(upn), false);
      }
      if (user.present()) {
        Optional<ServiceAccount.Creation> unfinished = account.creation().filter(c -> c.licenseSkuId().isPresent()
            && user.value().licenseSkuIds().stream().noneMatch(s -> s.equalsIgnoreCase(c.licenseSkuId().get())));
        if (unfinished.isPresent()) {
          // The user exists without the declared licence (an earlier run stopped between creating and licensing it):
          // waiting would never give it a mailbox, so finish the creation (the backends adopt the user and license it).
          ServiceAccount.Creation c = unfinished.get();
          int licence = ctx.add(StepAction.CREATE, resource, "the user exists without the licence " + c.licenseSkuId().get()
                  + " (an earlier apply stopped after creating it): license it",
              new Operation.CreateServiceAccount(upn, c.displayName(), c.usageLocation(), c.licenseSkuId(), c.password()), List.of());
          int wait = ctx.add(StepAction.PREREQUISITE, resource, "wait until the new mailbox is usable (Exchange Online: about 15 min after licensing)",
              new Operation.AwaitMailbox(upn), deps(licence));
          return new PrincipalSteps(wait, Optional.of(upn), true);
        }
        int wait = ctx.add(StepAction.PREREQUISITE, resource, "the user exists but its mailbox is not provisioned yet (docs/diagnostics.md#d7): wait",
            new Operation.AwaitMailbox(upn), List.of());
        return new PrincipalSteps(wait, Optional.of(upn), true);
      }
    }
    if (account.creation().isEmpty()) {
      return new PrincipalSteps(ctx.blocked(resource, "no mailbox " + upn + " exists (docs/diagnostics.md#d1): create it first, or declare "
          + "Principal.serviceAccount(\"" + upn + "\").createIfMissing(...) so the plan creates it"), Optional.of(upn), false);
    }
    ServiceAccount.Creation c = account.creation().get();
    if (online && c.licenseSkuId().isEmpty()) {
      ctx.warn("The new service account " + upn + " gets no licence: Exchange Online gives it a mailbox only once "
          + "it is licensed. Pass a licence SKU id to createIfMissing(...).");
    }
    int create = ctx.add(StepAction.CREATE, resource, "no mailbox " + upn + " exists; createIfMissing was declared",
        new Operation.CreateServiceAccount(upn, c.displayName(), c.usageLocation(), c.licenseSkuId(), c.password()), List.of());
    int wait = ctx.add(StepAction.PREREQUISITE, resource, "wait until the new mailbox is usable" + (online ? " (Exchange Online: about 15 min after licensing)" : ""),
        new Operation.AwaitMailbox(upn), deps(create));
    return new PrincipalSteps(wait, Optional.of(upn), true);
  }

  private PrincipalSteps application(Application app, AccessMethod method, int org) {
    String resource = "Entra service principal of " + app.appId();
    Optional<DirectoryBackend> directory = ctx.directory();
    Optional<String> objectId = app.servicePrincipalObjectId();
    String displayName = app.displayName().orElse(app.appId());
    if (objectId.isEmpty()) {
      if (directory.isEmpty()) {
        return new PrincipalSteps(ctx.blocked(resource, "its object id is unknown: pass Principal.application(\"" + app.appId()
            + "\").servicePrincipal(\"<objectId>\") or add a directory (Graph) backend"), Optional.empty(), false);
      }
      Observed<EntraServicePrincipal> sp = Observed.read(() -> directory.get().findServicePrincipal(app.appId()));
      if (sp.unknown()) {
        return new PrincipalSteps(ctx.blocked(resource, sp.blockedReason("the service principal")), Optional.empty(), false);
      }
      if (sp.absent()) {
        return new PrincipalSteps(ctx.blocked(resource, "the app has no service principal in this tenant: grant admin consent "
            + "(Entra > Enterprise applications) so one exists, then plan again"), Optional.empty(), false);
      }
      objectId = Optional.of(sp.value().objectId());
      if (app.displayName().isEmpty()) {
        displayName = sp.value().displayName();
      }
      ctx.noOp(resource, "found, object id " + objectId.get());
    }
    if (directory.isEmpty()) {
      ctx.consent(new PlanContext.Consent(
          Observed.unknown("this connection has no directory (Graph) backend to read the app's tenant-wide consent"), ""));
    }
    if (directory.isPresent() && objectId.isPresent()) {
      consent(directory.get(), objectId.get(), method);
    }
    if (method != AccessMethod.RBAC_FOR_APPLICATIONS) {
      return new PrincipalSteps(0, objectId, objectId.isPresent());
    }
    return pointer(app, objectId, displayName, org);
  }

  /** Reads the app's tenant-wide consent once, for the grants, and warns about what it means for the scope. */
  private void consent(DirectoryBackend directory, String spId, AccessMethod method) {
    Observed<List<ApplicationPermissionGrant>> grants = Observed.readValue(() -> directory.applicationPermissionGrants(spId));
    ctx.consent(new PlanContext.Consent(grants, spId));
    boolean removing = ctx.setup().access() instanceof RbacForApplications r && r.removeTenantWideConsent();
    if (grants.present() && removing) {
      List<ApplicationPermissionGrant> revoked = grants.value().stream().filter(TenantWideConsent::revocable).toList();
      List<ApplicationPermissionGrant> kept = grants.value().stream().filter(g -> !TenantWideConsent.revocable(g)).toList();
      if (!revoked.isEmpty()) {
        ctx.warn("REMOVES EXISTING CONSENT: this plan revokes the app's tenant-wide consent " + TenantWideConsent.describe(revoked)
            + " once the role assignments exist (removingTenantWideConsent, step 5 of the RBAC for Applications recipe, docs/rbac-for-applications.md#recipe). Anything that relied "
            + "on that consent loses access to the mailboxes outside the scope, and until the new assignments "
            + "propagate (up to 2 h, docs/diagnostics.md#d12) the app may be denied even inside it.");
      }
      if (!kept.isEmpty()) {
        ctx.warn("The app keeps tenant-wide consent " + TenantWideConsent.describe(kept) + ": only mailbox-related Microsoft Graph "
            + "permissions are revoked. If any of it reaches mailboxes, remove it in Entra (docs/diagnostics.md#d11).");
      }
    } else if (grants.present() && !grants.value().isEmpty() && method != AccessMethod.APPLICATION_ACCESS_POLICY) {
      ctx.warn("The app has tenant-wide consent " + grants.value().stream().map(g -> g.resource() + " " + g.permission())
          .collect(Collectors.joining(", ")) + ": access is the union of consent and Exchange RBAC, so every mailbox "
          + "stays reachable until you remove that consent in Entra (docs/diagnostics.md#d11). Not removed automatically"
          + (method == AccessMethod.RBAC_FOR_APPLICATIONS ? ": opt in with Access.rbacForApplications(...).removingTenantWideConsent()." : "."));
    } else if (grants.unknown()) {
      ctx.warn("Could not read the app's tenant-wide consent (" + grants.error() + "); check it by hand (docs/diagnostics.md#d11).");
    }
  }

  /** Exchange's service principal pointer to the app, which RBAC for Applications assigns roles to. */
  private PrincipalSteps pointer(Application app, Optional<String> objectId, String displayName, int org) {
    String pointer = "Exchange service principal for " + app.appId();
    if (ctx.rbacThroughGraph() && objectId.isPresent()) {
      // Graph's Exchange role assignments name the Entra service principal itself (/ServicePrincipals/{id}); Exchange's
      // pointer cannot be read without an Exchange backend. The step keeps the operation so the exported script, which
      // runs Exchange cmdlets, still creates the pointer if it is missing.
      ctx.addForScript(pointer, "not read on this connection (no Exchange backend): "
          + "Graph's role assignments refer to the Entra service principal " + objectId.get() + " directly; the exported "
          + "script creates Exchange's pointer if it is missing", BackendKind.DIRECTORY,
          new Operation.NewServicePrincipal(app.appId(), objectId.get(), displayName));
      return new PrincipalSteps(0, objectId, true);
    }
    Observed<ExchangeServicePrincipal> existing = ctx.fromExchange(x -> x.findServicePrincipal(app.appId()));
    if (existing.unknown()) {
      return new PrincipalSteps(ctx.blocked(pointer, existing.blockedReason("Exchange's service principal")), objectId, false);
    }
    if (existing.present()) {
      if (objectId.isPresent() && !existing.value().objectId().equalsIgnoreCase(objectId.get())) {
        return new PrincipalSteps(ctx.blocked(pointer, "Exchange points at object id " + existing.value().objectId()
            + " but the Entra service principal is " + objectId.get() + ": remove the stale pointer "
            + "(Remove-ServicePrincipal) or pass the right object id"), objectId, false);
      }
      ctx.noOp(pointer, "exists (" + existing.value().displayName() + ")");
      return new PrincipalSteps(0, Optional.of(existing.value().objectId()), true);
    }
    if (objectId.isEmpty()) {
      return new PrincipalSteps(ctx.blocked(pointer, "the service principal's object id is unknown"), objectId, false);
    }
    int create = ctx.add(StepAction.CREATE, pointer, "Exchange does not know the app yet (step 2 of the RBAC for Applications recipe, docs/rbac-for-applications.md#recipe)",
        new Operation.NewServicePrincipal(app.appId(), objectId.get(), displayName), deps(org));
    return new PrincipalSteps(create, objectId, true);
  }
}
