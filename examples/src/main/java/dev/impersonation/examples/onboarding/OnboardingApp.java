package dev.impersonation.examples.onboarding;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.impersonation.AccessDeniedException;
import dev.impersonation.ImpersonationException;
import dev.impersonation.ImpersonationSetup;
import dev.impersonation.InvalidSetupException;
import dev.impersonation.SignIn;
import dev.impersonation.TenantConnection;
import dev.impersonation.TenantTarget;
import dev.impersonation.plan.Plan;
import dev.impersonation.verify.VerificationReport;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The vendor onboarding web app: a customer's admin signs in with Microsoft (authorization code + PKCE through MSAL4J),
 * chooses mailboxes, reviews the plan and its script, applies it with live progress or downloads the script, and verifies.
 * Built on the JDK's HTTP server; one {@link OnboardingSession} per browser (an {@code HttpOnly}, {@code SameSite=Lax}
 * cookie, and an anti-forgery token in every form, so another site cannot post to it). See {@link OnboardingDemo} for
 * the runnable demo against the simulators.
 *
 * <pre>{@code
 * OnboardingApp app = OnboardingApp.builder(VendorApp.calendarSync(syncAppId))
 *     .clientId(onboardingAppId)                    // the vendor's multi-tenant app registration, a public client
 *     .port(8080)
 *     .start();
 * }</pre>
 */
public final class OnboardingApp implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(OnboardingApp.class);

  private final VendorApp vendor;
  private final AdminSignIn signIn;
  private final Function<SignIn, TenantConnection> connect;
  private final Optional<Runnable> demoAdvanceClock;
  private final String accountsHint;
  private final HttpServer server;
  private final ExecutorService executor = Executors.newCachedThreadPool(r -> {
    Thread t = new Thread(r, "onboarding-http");
    t.setDaemon(true);
    return t;
  });
  private final OnboardingSessions sessions;
  /** The last setup applied per tenant id, so an admin who signs in again can verify it without choosing again. */
  private final Map<String, ImpersonationSetup> appliedSetups = new ConcurrentHashMap<>();
  private final Optional<String> publicUrl;

  private OnboardingApp(Builder b) throws IOException {
    this.vendor = b.vendor;
    this.signIn = new AdminSignIn(b.clientId, b.authority, b.signInVia == null ? SignInRoute.direct() : SignInRoute.via(b.signInVia));
    this.connect = b.connect;
    this.demoAdvanceClock = Optional.ofNullable(b.demoAdvanceClock);
    this.accountsHint = b.accountsHint;
    this.publicUrl = Optional.ofNullable(b.publicUrl);
    this.sessions = new OnboardingSessions(publicUrl.orElse("").startsWith("https://"));
    this.server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), b.port), 0);
    server.createContext("/", this::handle);
    server.setExecutor(executor);
    server.start();
  }

  /** Starts configuring the app for a vendor's product. */
  public static Builder builder(VendorApp vendor) {
    return new Builder(vendor);
  }

  /** Where the app listens, e.g. {@code http://localhost:8080}. */
  public String url() {
    return "http://localhost:" + server.getAddress().getPort();
  }

  /** The redirect URI registered for the onboarding app: under the public URL when one is set. */
  private URI redirectUri() {
    return URI.create(publicUrl.orElse(url()) + "/callback");
  }

  @Override
  public void close() {
    server.stop(0);
    executor.shutdownNow();
  }

  private void handle(HttpExchange ex) throws IOException {
    try (ex) {
      String route = ex.getRequestMethod() + " " + ex.getRequestURI().getPath();
      OnboardingSession s = sessions.of(ex, route.equals("GET /signin"));
      try {
        switch (route) {
          case "GET /" -> HttpReplies.html(ex, 200, Pages.welcome(vendor, demoAdvanceClock.isPresent(), accountsHint));
          case "GET /signin" -> startSignIn(ex, s);
          case "GET /callback" -> callback(ex, s, FormData.urlEncoded(ex.getRequestURI().getRawQuery()));
          case "GET /choose" -> whenSignedIn(ex, s, () -> HttpReplies.html(ex, 200,
              Pages.choose(vendor, s.admin, s.csrf, s.choice, Optional.empty(), s.plan == null && s.setup != null)));
          case "POST /plan" -> whenSignedIn(ex, s, () -> plan(ex, s));
          case "GET /plan" -> whenSignedIn(ex, s, () -> showPlan(ex, s));
          case "GET /script.ps1" -> whenSignedIn(ex, s, () -> script(ex, s));
          case "POST /apply" -> whenSignedIn(ex, s, () -> apply(ex, s));
          case "GET /progress" -> whenSignedIn(ex, s, () -> HttpReplies.html(ex, 200, Pages.progress(s.admin)));
          case "GET /progress.json" -> whenSignedIn(ex, s, () -> HttpReplies.send(ex, 200, "application/json",
              s.job == null ? ApplyJob.NOTHING_APPLIED : s.job.json()));
          case "GET /verify" -> whenSignedIn(ex, s, () -> verify(ex, s));
          case "GET /consent" -> whenSignedIn(ex, s, () -> askConsent(ex, s));
          case "GET /consented" -> whenSignedIn(ex, s,
              () -> consented(ex, s, FormData.urlEncoded(ex.getRequestURI().getRawQuery())));
          case "POST /demo/advance-clock" -> advanceClock(ex);
          default -> HttpReplies.html(ex, 404, Pages.problem("Not found", "There is no page " + ex.getRequestURI().getPath()
              + ".", "/", "Start", s.admin(), 0));
        }
      } catch (RuntimeException e) {
        LOG.warn("{} failed: {}", route, e.toString());
        HttpReplies.html(ex, 500, Pages.problem("Something went wrong", e.getMessage() == null ? e.toString() : e.getMessage(),
            "/choose", "Back to the choice", s.admin(), 1));
      }
    }
  }

  private interface Page {
    void render() throws IOException;
  }

  private void whenSignedIn(HttpExchange ex, OnboardingSession s, Page page) throws IOException {
    if (s.admin == null) {
      HttpReplies.redirect(ex, "/");
      return;
    }
    page.render();
  }

  private void startSignIn(HttpExchange ex, OnboardingSession s) throws IOException {
    AdminSignIn.Started started = signIn.start(redirectUri());
    s.pendingSignIn = started.pending();
    HttpReplies.redirect(ex, started.browserUrl().toString());
  }

  private void callback(HttpExchange ex, OnboardingSession s, Map<String, String> q) throws IOException {
    AdminSignIn.Pending pending = s.pendingSignIn;
    s.pendingSignIn = null;
    if (q.containsKey("error")) {
      HttpReplies.html(ex, 200, Pages.problem("Sign-in cancelled", "Microsoft answered: " + q.get("error") + " — "
          + q.getOrDefault("error_description", "") + ". Nothing was changed in your tenant.", "/", "Start again", Optional.empty(), 0));
      return;
    }
    if (pending == null || !pending.state().equals(q.get("state")) || !q.containsKey("code")) {
      HttpReplies.html(ex, 400, Pages.problem("Sign-in expired", "This sign-in answer does not belong to a sign-in started here (or it "
          + "was used already). Start again.", "/", "Start again", Optional.empty(), 0));
      return;
    }
    SignedInAdmin admin;
    try {
      admin = signIn.finish(pending, q.get("code"), redirectUri());
    } catch (AdminSignIn.SignInFailedException e) {
      HttpReplies.html(ex, 200, Pages.problem("Sign-in failed", e.getMessage(), "/", "Start again", Optional.empty(), 0));
      return;
    }
    if (admin.rolesKnown() && !admin.canRunSetup()) {
      LOG.info("Sign-in of {} refused: no Exchange or Global Administrator role", admin.userPrincipalName());
      HttpReplies.html(ex, 200, Pages.notAnAdmin(admin));
      return;
    }
    s.admin = admin;
    if (s.setup == null) {
      s.setup = appliedSetups.get(admin.tenantId());
    }
    TenantTarget target = TenantTarget.exchangeOnline(admin.domain());
    s.connection = connect.apply(SignIn.builder(target).tokenSupplier(admin.userPrincipalName(), admin.tokenForScope()).build());
    HttpReplies.redirect(ex, "/choose");
  }

  private void plan(HttpExchange ex, OnboardingSession s) throws IOException {
    s.forgetPlan();
    Map<String, String> form;
    try {
      form = FormData.parse(ex.getRequestHeaders().getFirst("Content-Type"), HttpReplies.body(ex));
    } catch (IllegalArgumentException e) {
      HttpReplies.html(ex, 413, Pages.choose(vendor, s.admin, s.csrf, s.choice, Optional.of(e.getMessage()), false));
      return;
    }
    if (forged(ex, s, form)) {
      return;
    }
    s.choice = MailboxChoice.from(form);
    ImpersonationSetup setup;
    try {
      setup = s.choice.setup(vendor, s.admin.domain());
    } catch (InvalidSetupException e) {
      HttpReplies.html(ex, 200, Pages.choose(vendor, s.admin, s.csrf, s.choice, Optional.of(e.getMessage()), false));
      return;
    }
    planAndShow(ex, s, setup);
  }

  /** Reads the tenant for {@code setup} (nothing is written) and shows the plan, or a page saying why it could not. */
  private void planAndShow(HttpExchange ex, OnboardingSession s, ImpersonationSetup setup) throws IOException {
    Plan plan;
    try {
      plan = setup.plan(s.connection);
    } catch (InvalidSetupException e) {
      HttpReplies.html(ex, 200, Pages.choose(vendor, s.admin, s.csrf, s.choice, Optional.of(e.getMessage()), false));
      return;
    } catch (AccessDeniedException e) {
      HttpReplies.html(ex, 200, Pages.problem("Your account may not do this", e.getMessage() + " Nothing was changed.", "/", "Sign in again",
          s.admin(), 2));
      return;
    } catch (ImpersonationException e) {
      HttpReplies.html(ex, 200, Pages.problem("Your tenant could not be read", e.getMessage() + " Nothing was changed; try again in a "
          + "minute.", "/choose", "Back to the choice", s.admin(), 2));
      return;
    }
    s.setup = setup;
    s.plan = plan;
    HttpReplies.redirect(ex, "/plan");
  }

  private void showPlan(HttpExchange ex, OnboardingSession s) throws IOException {
    if (s.plan == null) {
      HttpReplies.redirect(ex, "/choose");
      return;
    }
    HttpReplies.html(ex, 200, Pages.plan(vendor, s.admin, s.csrf, s.plan, PlanNotices.of(s.plan, vendor)));
  }

  private void script(HttpExchange ex, OnboardingSession s) throws IOException {
    if (s.plan == null) {
      HttpReplies.redirect(ex, "/choose");
      return;
    }
    ex.getResponseHeaders().set("Content-Disposition", "attachment; filename=\"" + vendor.setupName() + "-setup.ps1\"");
    HttpReplies.send(ex, 200, "text/plain; charset=utf-8", s.plan.toPowerShell());
  }

  /** Whether a POST lacks this session's anti-forgery token; if so it is answered with a 403 page, nothing done. */
  private static boolean forged(HttpExchange ex, OnboardingSession s, Map<String, String> form) throws IOException {
    if (s.csrf.equals(form.get("csrf"))) {
      return false;
    }
    LOG.warn("A POST to {} without this session's form token was refused", ex.getRequestURI().getPath());
    HttpReplies.html(ex, 403, Pages.formExpired(s.admin()));
    return true;
  }

  private void apply(HttpExchange ex, OnboardingSession s) throws IOException {
    if (forged(ex, s, FormData.urlEncoded(new String(HttpReplies.body(ex), StandardCharsets.UTF_8)))) {
      return;
    }
    boolean applicable;
    synchronized (s) {  // a reviewed plan is applied once: a double click or a reload joins that apply
      boolean appliedAlready = s.job != null && s.job.plan() == s.plan;
      applicable = appliedAlready || s.plan != null && s.plan.blockedSteps().isEmpty();
      if (applicable && !appliedAlready) {
        LOG.info("{} applies {} for {}", s.admin.userPrincipalName(), s.plan.setupName(), s.admin.tenantId());
        s.job = ApplyJob.start(s.setup, s.plan, s.connection);
        appliedSetups.put(s.admin.tenantId(), s.setup);
      }
    }
    if (!applicable) {
      HttpReplies.html(ex, 409, Pages.problem("Nothing to apply", "There is no plan that can be applied: review the plan first.",
          "/choose", "Back to the choice", s.admin(), 2));
      return;
    }
    HttpReplies.redirect(ex, "/progress");
  }

  private void verify(HttpExchange ex, OnboardingSession s) throws IOException {
    if (s.setup == null) {
      HttpReplies.redirect(ex, "/choose");
      return;
    }
    VerificationReport report;
    try {
      report = s.setup.verify(s.connection);
    } catch (ImpersonationException e) {
      HttpReplies.html(ex, 200, Pages.problem("The access could not be verified", e.getMessage() + " Try again in a minute.", "/verify",
          "Verify again", s.admin(), 4));
      return;
    }
    HttpReplies.html(ex, 200, Pages.verification(vendor, s.admin, report, demoAdvanceClock.isPresent()));
  }

  /** Sends the admin to Microsoft's admin consent page for the vendor's app, so its service principal exists. */
  private void askConsent(HttpExchange ex, OnboardingSession s) throws IOException {
    s.consentState = Unguessable.value();
    HttpReplies.redirect(ex, signIn.adminConsentUrl(s.admin.tenantId(), vendor.appId(), URI.create(publicUrl.orElse(url())
        + "/consented"), s.consentState).toString());
  }

  private void consented(HttpExchange ex, OnboardingSession s, Map<String, String> q) throws IOException {
    boolean ours = s.consentState != null && s.consentState.equals(q.get("state"));
    s.consentState = null;
    if (!ours || s.setup == null) {
      HttpReplies.html(ex, 400, Pages.problem("Consent answer not expected", "This answer does not belong to a consent "
          + "started here. Review the plan again.", "/choose", "Back to the choice", s.admin(), 2));
    } else if (!"True".equalsIgnoreCase(q.get("admin_consent"))) {
      HttpReplies.html(ex, 200, Pages.consentRefused(vendor, s.admin, q.getOrDefault("error", "no consent"),
          q.getOrDefault("error_description", "")));
    } else {
      planAndShow(ex, s, s.setup);
    }
  }

  private void advanceClock(HttpExchange ex) throws IOException {
    if (demoAdvanceClock.isEmpty()) {
      HttpReplies.html(ex, 404, Pages.problem("Not found", "Only the demo has a simulated clock.", "/", "Start", Optional.empty(), 0));
      return;
    }
    demoAdvanceClock.get().run();
    HttpReplies.redirect(ex, "/verify");
  }

  /** Configures an {@link OnboardingApp}. */
  public static final class Builder {
    private final VendorApp vendor;
    private String clientId;
    private String authority = "https://login.microsoftonline.com/organizations/";
    private String signInVia;
    private Function<SignIn, TenantConnection> connect = OnboardingConnections::live;
    private Runnable demoAdvanceClock;
    private String accountsHint = "";
    private int port;
    private String publicUrl;

    private Builder(VendorApp vendor) {
      this.vendor = Objects.requireNonNull(vendor, "vendor");
    }

    /** The vendor's onboarding app registration (multi-tenant public client; redirect URI {@code <url>/callback}). */
    public Builder clientId(String clientId) {
      this.clientId = clientId;
      return this;
    }

    /** The sign-in authority (default {@code https://login.microsoftonline.com/organizations/}: any work account). */
    public Builder authority(String authority) {
      this.authority = Objects.requireNonNull(authority, "authority");
      return this;
    }

    /** Sends sign-in (MSAL's requests and the browser's redirect) to this base URL instead: a local sign-in simulator. */
    public Builder signInVia(String baseUrl) {
      this.signInVia = baseUrl;
      return this;
    }

    /** How a signed-in admin's sign-in becomes a connection (default: the live Exchange and Graph endpoints). */
    public Builder connect(Function<SignIn, TenantConnection> connect) {
      this.connect = Objects.requireNonNull(connect, "connect");
      return this;
    }

    /** Demo only: a button on the verification page runs this (let simulated time pass). */
    public Builder demoAdvanceClock(Runnable advance, String accountsHint) {
      this.demoAdvanceClock = advance;
      this.accountsHint = accountsHint;
      return this;
    }

    /**
     * The address browsers reach the app at, e.g. {@code https://onboarding.example.com} behind a TLS proxy; the redirect
     * URI is this plus {@code /callback} (default: {@code http://localhost:<port>}).
     */
    public Builder publicUrl(String publicUrl) {
      this.publicUrl = publicUrl == null ? null : publicUrl.replaceAll("/+$", "");
      return this;
    }

    /** The port (default 0: any free one). */
    public Builder port(int port) {
      this.port = port;
      return this;
    }

    /** Starts listening on the loopback interface. */
    public OnboardingApp start() {
      if (clientId == null || clientId.isBlank()) {
        throw new InvalidSetupException("OnboardingApp needs clientId(...): the application id of the vendor's onboarding app "
            + "registration in Microsoft Entra ID.");
      }
      try {
        return new OnboardingApp(this);
      } catch (IOException e) {
        throw new UncheckedIOException("Could not listen on port " + port + ": " + e.getMessage(), e);
      }
    }
  }
}
