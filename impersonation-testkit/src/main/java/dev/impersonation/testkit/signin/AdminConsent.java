package dev.impersonation.testkit.signin;

import com.sun.net.httpserver.HttpExchange;
import java.io.IOException;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;

/**
 * The simulated admin consent endpoint ({@code /{tenant}/v2.0/adminconsent}): a page naming the application, an account
 * field and Accept / Cancel. Accepting as an account that may consent for the tenant runs the consent hook and redirects
 * with {@code admin_consent=True}, {@code tenant}, {@code scope} and {@code state}; otherwise the redirect carries
 * {@code error} and {@code error_description}. Which roles may consent follows Microsoft's consent documentation [M]; the
 * exact error text for a user who may not consent is this simulator's [U].
 */
final class AdminConsent {
  /** The roles that may grant tenant-wide consent to an application. */
  static final Set<DirectoryRole> MAY_CONSENT = EnumSet.of(DirectoryRole.GLOBAL_ADMINISTRATOR,
      DirectoryRole.PRIVILEGED_ROLE_ADMINISTRATOR, DirectoryRole.CLOUD_APPLICATION_ADMINISTRATOR,
      DirectoryRole.APPLICATION_ADMINISTRATOR);

  private final String tenantDomain;
  private final String tenantId;
  private final Map<String, SignInSimulator.Account> accounts;
  private final Consumer<String> onConsent;
  private final List<String> requests;

  AdminConsent(String tenantDomain, String tenantId, Map<String, SignInSimulator.Account> accounts, Consumer<String> onConsent,
      List<String> requests) {
    this.tenantDomain = tenantDomain;
    this.tenantId = tenantId;
    this.accounts = accounts;
    this.onConsent = onConsent;
    this.requests = requests;
  }

  void handle(HttpExchange exchange, String route, Map<String, String> f) throws IOException {
    String redirect = f.getOrDefault("redirect_uri", "");
    if (f.getOrDefault("client_id", "").isBlank() || !(redirect.startsWith("http://") || redirect.startsWith("https://"))) {
      requests.add(route + " (malformed)");
      SignInHttp.errorPage(exchange, "AADSTS900144: The request body must contain the following parameters: 'client_id' "
          + "and 'redirect_uri'.");
      return;
    }
    if (route.startsWith("GET ")) {
      requests.add(route);
      page(exchange, f, null);
      return;
    }
    Map<String, String> answer = new LinkedHashMap<>();
    if ("cancel".equals(f.get("action"))) {
      requests.add(route + " (cancelled)");
      answer.put("error", "access_denied");
      answer.put("error_description", "AADSTS65004: User declined to consent to access the app.");
    } else {
      SignInSimulator.Account account = accounts.get(f.getOrDefault("loginfmt", "").strip().toLowerCase(Locale.ROOT));
      if (account == null) {
        requests.add(route + " (unknown account)");
        page(exchange, f, SignInSimulator.UNKNOWN_ACCOUNT_TEXT);
        return;
      }
      if (account.roles().stream().noneMatch(MAY_CONSENT::contains)) {
        requests.add(route + " (not allowed to consent)");
        answer.put("error", "access_denied");
        answer.put("error_description", "AADSTS90094: The grant requires admin permission. " + account.upn() + " cannot "
            + "consent for " + tenantDomain + ".");
      } else {
        requests.add(route + " (consented)");
        onConsent.accept(f.get("client_id"));
        answer.put("admin_consent", "True");
        answer.put("tenant", tenantId);
        answer.put("scope", f.getOrDefault("scope", ""));
      }
    }
    if (f.containsKey("state")) {
      answer.put("state", f.get("state"));
    }
    SignInHttp.redirect(exchange, redirect, answer);
  }

  private void page(HttpExchange exchange, Map<String, String> q, String error) throws IOException {
    String hidden = SignInHttp.hiddenFields(q);
    String body = "<form method=\"post\">" + hidden
        + "<p>The application <b id=\"consent-app\">" + SignInHttp.html(q.get("client_id")) + "</b> asks for consent on behalf "
        + "of your organization <b>" + SignInHttp.html(tenantDomain) + "</b>: " + SignInHttp.html(q.getOrDefault("scope", ""))
        + "</p><input type=\"email\" name=\"loginfmt\" id=\"i0116\" placeholder=\"Admin account\">"
        + (error == null ? "" : "<div id=\"usernameError\" role=\"alert\">" + SignInHttp.html(error) + "</div>")
        + "<p><button type=\"submit\" name=\"action\" value=\"cancel\" id=\"idBtn_Back\">Cancel</button> "
        + "<button type=\"submit\" name=\"action\" value=\"accept\" id=\"idSIButton9\">Accept</button></p></form>";
    SignInHttp.send(exchange, 200, "text/html; charset=utf-8", SignInHttp.page("Permissions requested", body));
  }
}
