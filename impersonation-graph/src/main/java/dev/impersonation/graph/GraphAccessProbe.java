package dev.impersonation.graph;

import com.microsoft.graph.serviceclient.GraphServiceClient;
import com.microsoft.kiota.ApiException;
import dev.impersonation.Principal.Application;
import dev.impersonation.Principal.ServiceAccount;
import dev.impersonation.Principal;
import dev.impersonation.SignIn;
import dev.impersonation.TenantException;
import dev.impersonation.graph.internal.GraphErrors;
import dev.impersonation.spi.AccessProbe;
import dev.impersonation.spi.ProbeOutcome;
import java.time.Clock;

/**
 * Tries real app-only access over Microsoft Graph with the connection's app-only token, per permission: the request
 * that needs that permission (messages, calendar, contacts or mailboxSettings; see {@link #probe(Principal, String, String)}). 200 is {@link ProbeOutcome.Result#GRANTED}; 403 {@code ErrorAccessDenied} is
 * {@link ProbeOutcome.Result#DENIED} (out of scope, or not yet effective: the verifier tells those apart by waiting);
 * 404 {@code MailboxNotEnabledForRESTAPI} is {@link ProbeOutcome.Result#MAILBOX_NOT_READY}. Any other answer throws a
 * {@link TenantException}, which the verifier reports as UNKNOWN, never as DENIED.
 *
 * <p>The probe signs in as the connection's {@link SignIn}, which must be an app-only sign-in of the very application
 * being probed; otherwise it throws rather than prove someone else's access. A {@link ServiceAccount} (EWS
 * impersonation) cannot be probed over Graph: that throws too. Create it with {@link GraphConnection#probe()}.
 */
public final class GraphAccessProbe implements AccessProbe {
  private final GraphServiceClient client;
  private final SignIn signIn;
  private final Clock clock;

  GraphAccessProbe(GraphServiceClient client, SignIn credentials, Clock clock) {
    this.client = client;
    this.signIn = credentials;
    this.clock = clock;
  }

  @Override
  public String name() {
    return "graph-probe";
  }

  @Override
  public ProbeOutcome probe(Principal principal, String mailbox) {
    return probe(principal, mailbox, "Calendars.Read");
  }

  /**
   * Probes the request that proves {@code permission}: {@code Mail.*} {@code GET /users/{id}/messages?$top=1},
   * {@code Calendars.*} {@code /calendar}, {@code Contacts.*} {@code /contacts?$top=1}, {@code MailboxSettings.*}
   * {@code /mailboxSettings}. EWS permissions ({@code full_access_as_app}) and permissions no harmless read proves
   * ({@code Mail.Send}) throw: use {@code ExchangeConnection.ewsProbe()} for EWS.
   */
  @Override
  public ProbeOutcome probe(Principal principal, String mailbox, String permission) {
    if (dev.impersonation.spi.AppPermissions.isEws(permission) && principal instanceof Application) {
      throw new TenantException("The Graph probe cannot prove " + permission + ", which is used over EWS: combine it with an "
          + "EWS probe, AccessProbe.routing(graphConnection.probe(), exchangeConnection.ewsProbe()).");
    }
    if (principal instanceof ServiceAccount account) {
      throw new TenantException("EWS probing is not available over Graph: " + account.userPrincipalName() + " uses EWS "
          + "impersonation or FullAccess, which only an EWS call as that account can prove. Verify it with an EWS probe, "
          + "or rely on the configured-access checks.");
    }
    Application app = (Application) principal;
    if (!signIn.isAppOnly()) {
      throw new TenantException("The Graph probe needs app-only credentials of application " + app.appId() + ", but the "
          + "connection signs in with " + signIn.kind() + ": a delegated call would test the admin's access, not the app's.");
    }
    if (signIn.appId().isPresent() && !signIn.appId().get().equalsIgnoreCase(app.appId())) {
      throw new TenantException("The Graph probe signs in as application " + signIn.appId().get() + " but was asked to "
          + "probe " + app.appId() + "; connect with that application's credentials to probe it.");
    }
    String relative = dev.impersonation.spi.AppPermissions.graphProbePath(permission).orElseThrow(() -> new TenantException(
        "No harmless Graph request proves " + permission + "; verification relies on the configuration for it."));
    String path = "GET /users/" + mailbox + "/" + relative;
    String family = permission.toLowerCase(java.util.Locale.ROOT);
    try {
      var user = client.users().byUserId(mailbox);
      if (family.startsWith("mail.")) {
        user.messages().get(rc -> {
          rc.queryParameters.top = 1;
          rc.queryParameters.select = new String[] {"id"};
        });
      } else if (family.startsWith("contacts.")) {
        user.contacts().get(rc -> {
          rc.queryParameters.top = 1;
          rc.queryParameters.select = new String[] {"id"};
        });
      } else if (family.startsWith("mailboxsettings.")) {
        user.mailboxSettings().get();
      } else {
        user.calendar().get(rc -> rc.queryParameters.select = new String[] {"id"});
      }
      return new ProbeOutcome(ProbeOutcome.Result.GRANTED, path + ": 200 OK");
    } catch (ApiException e) {
      GraphErrors.Failure f = GraphErrors.failure(e, clock);
      String evidence = path + ": " + f.status() + " " + f.code() + (f.message().isEmpty() ? "" : " " + f.message());
      if (f.status() == 403 && "ErrorAccessDenied".equalsIgnoreCase(f.code())) {
        return new ProbeOutcome(ProbeOutcome.Result.DENIED, evidence);
      }
      if (f.status() == 404 && "MailboxNotEnabledForRESTAPI".equalsIgnoreCase(f.code())) {
        return new ProbeOutcome(ProbeOutcome.Result.MAILBOX_NOT_READY, evidence);
      }
      throw GraphErrors.classify("Probe " + path, mailbox, f);
    } catch (RuntimeException e) {
      throw GraphErrors.translate("Probe " + path, mailbox, e, clock);
    }
  }

  @Override
  public String toString() {
    return "GraphAccessProbe[" + signIn + "]";
  }
}
