package dev.impersonation.exchange;

import dev.impersonation.Principal.Application;
import dev.impersonation.Principal.ServiceAccount;
import dev.impersonation.Principal;
import dev.impersonation.TenantException;
import dev.impersonation.ThrottledException;
import dev.impersonation.TransientTenantException;
import dev.impersonation.spi.AccessProbe;
import dev.impersonation.spi.AppPermissions;
import dev.impersonation.spi.ProbeOutcome;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Supplier;
import javax.xml.XMLConstants;
import javax.xml.parsers.DocumentBuilder;
import javax.xml.parsers.DocumentBuilderFactory;
import okhttp3.HttpUrl;
import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

/**
 * Proves EWS access with one real request: SOAP {@code GetFolder} of the mailbox's {@code msgfolderroot}, sent with a
 * bearer token over OkHttp. An app ({@code full_access_as_app}, the role {@code Application EWS.AccessAsApp}) and a
 * service account with {@code ApplicationImpersonation} impersonate the mailbox ({@code ExchangeImpersonation} /
 * {@code ConnectingSID} / {@code PrimarySmtpAddress} header); a service account with {@code FullAccess} opens the
 * folder of the other mailbox directly. Every request carries {@code X-AnchorMailbox: <mailbox>}, as Microsoft's
 * EWS impersonation guidance asks.
 *
 * <p>Answers (see {@code docs/verification.md} for their sources): {@code NoError} is GRANTED;
 * {@code ErrorImpersonateUserDenied} and {@code ErrorAccessDenied} are DENIED, whether they come in a
 * {@code GetFolderResponseMessage} or as an HTTP 500 SOAP fault; {@code ErrorNonExistentMailbox} is MAILBOX_NOT_READY.
 * Anything else throws: 401 (the token was refused: the probe itself failed), 429/503 and {@code ErrorServerBusy}
 * (throttled), other faults and statuses. The verifier reports a thrown probe as UNKNOWN, never as DENIED.
 *
 * <p>Create one from {@link ExchangeConnection#ewsProbe()} (same sign-in and HTTP client as the Exchange REST
 * transport) or with {@link #of(String, Supplier, OkHttpClient)} and a bearer-token supplier.
 */
public final class EwsAccessProbe implements AccessProbe {
  private static final Logger LOG = LoggerFactory.getLogger(EwsAccessProbe.class);
  private static final MediaType XML = MediaType.get("text/xml; charset=utf-8");
  private static final String MESSAGES = "http://schemas.microsoft.com/exchange/services/2006/messages";
  private static final String TYPES = "http://schemas.microsoft.com/exchange/services/2006/types";
  private final HttpUrl url;
  /** The whole {@code Authorization} header value, made per request (a bearer token, or Basic credentials). */
  private final Supplier<String> authorization;
  private final boolean basic;
  private final OkHttpClient http;

  private EwsAccessProbe(HttpUrl url, Supplier<String> authorization, boolean basic, OkHttpClient http) {
    this.url = url;
    this.authorization = authorization;
    this.basic = basic;
    this.http = http;
  }

  /**
   * A probe that posts to {@code ewsUrl} (e.g. {@code https://outlook.office365.com/EWS/Exchange.asmx}) with tokens
   * from {@code bearerToken}: app-only tokens of the app being probed, or the service account's own token.
   *
   * @param ewsUrl the EWS endpoint
   * @param bearerToken gives an access token for the EWS host (scope {@code https://<host>/.default})
   * @param http the HTTP client
   * @return the probe
   */
  public static EwsAccessProbe of(String ewsUrl, Supplier<String> bearerToken, OkHttpClient http) {
    HttpUrl parsed = HttpUrl.parse(Objects.requireNonNull(ewsUrl, "ewsUrl"));
    if (parsed == null) {
      throw new dev.impersonation.InvalidSetupException("Not an EWS URL: '" + ewsUrl
          + "'. Use e.g. https://outlook.office365.com/EWS/Exchange.asmx.");
    }
    Objects.requireNonNull(bearerToken, "bearerToken");
    return new EwsAccessProbe(parsed, () -> "Bearer " + bearerToken.get(), false, Objects.requireNonNull(http, "http"));
  }

  /**
   * A probe for Exchange Server on-premises, signing in to EWS as the service account with HTTP Basic authentication
   * ({@code https://<server>/EWS/Exchange.asmx}; Basic must be enabled on the EWS virtual directory, and only HTTPS
   * is accepted, so the password never crosses the network in clear). This proves what a vendor's on-premises sync
   * does: the service account impersonating ({@code ApplicationImpersonation}) or opening (FullAccess) a mailbox.
   * Exchange Server's EWS also offers NTLM and Kerberos, which this probe does not speak; with Basic off, verify by
   * configuration instead. The password is read per request and never logged or put in a message.
   *
   * @param ewsUrl the EWS endpoint, {@code https://...}
   * @param serviceAccount the service account, as {@code user@domain} or DOMAIN&#92;user
   * @param password its password
   * @param http the HTTP client
   * @return the probe
   */
  public static EwsAccessProbe basic(String ewsUrl, String serviceAccount, dev.impersonation.Secret password, OkHttpClient http) {
    HttpUrl parsed = HttpUrl.parse(Objects.requireNonNull(ewsUrl, "ewsUrl"));
    if (parsed == null || !parsed.isHttps() && !"localhost".equals(parsed.host()) && !"127.0.0.1".equals(parsed.host())) {
      throw new dev.impersonation.InvalidSetupException("Basic authentication to EWS needs an https:// URL, not '" + ewsUrl
          + "': e.g. https://mail.contoso.com/EWS/Exchange.asmx.");
    }
    if (serviceAccount == null || serviceAccount.isBlank() || serviceAccount.indexOf(':') >= 0
        || serviceAccount.chars().anyMatch(Character::isISOControl)) {
      throw new dev.impersonation.InvalidSetupException("The service account for the EWS probe must be a user name such as "
          + "svc-sync@contoso.com or CONTOSO\\svc-sync (no ':' or control characters), not '" + serviceAccount + "'.");
    }
    Objects.requireNonNull(password, "password");
    String user = serviceAccount.strip();
    return new EwsAccessProbe(parsed, () -> okhttp3.Credentials.basic(user, new String(password.reveal()),
        java.nio.charset.StandardCharsets.UTF_8), true, Objects.requireNonNull(http, "http"));
  }

  @Override
  public String name() {
    return "ews-probe";
  }

  @Override
  public ProbeOutcome probe(Principal principal, String mailbox) {
    return probe(principal, mailbox, principal instanceof ServiceAccount ? AppPermissions.APPLICATION_IMPERSONATION
        : AppPermissions.FULL_ACCESS_AS_APP);
  }

  @Override
  public ProbeOutcome probe(Principal principal, String mailbox, String permission) {
    if (!AppPermissions.isEws(permission)) {
      throw new TenantException("The EWS probe proves only full_access_as_app, FullAccess and ApplicationImpersonation, not "
          + permission + ": probe it over Microsoft Graph (GraphConnection.probe()).");
    }
    boolean impersonate = principal instanceof Application || !AppPermissions.FULL_ACCESS.equalsIgnoreCase(permission);
    String label = "EWS GetFolder(msgfolderroot) " + (impersonate ? "impersonating " : "opening ") + mailbox;
    Request request = new Request.Builder().url(url)
        .header("Authorization", authorization.get())
        .header("X-AnchorMailbox", mailbox)
        .header("Accept", "text/xml")
        .post(RequestBody.create(envelope(mailbox, impersonate), XML))
        .build();
    try (Response response = http.newCall(request).execute()) {
      String body = response.body() == null ? "" : response.body().string();
      int status = response.code();
      if (status == 401) {
        String diag = Optional.ofNullable(response.header("x-ms-diagnostics")).map(d -> " (x-ms-diagnostics: " + d + ")").orElse("");
        throw new TenantException(label + ": 401 Unauthorized" + diag + (basic
            ? ". The service account's sign-in was refused, so the probe proved nothing: check its user name and password, "
                + "that Basic authentication is enabled on the EWS virtual directory (Get-WebServicesVirtualDirectory "
                + "| Format-List BasicAuthentication), and that the account is not locked."
            : ". The token was refused, so the probe proved nothing: "
                + "check that the app has the Office 365 Exchange Online permission full_access_as_app or the role Application "
                + "EWS.AccessAsApp, and that the token is for the EWS host."));
      }
      if (status == 429 || status == 503) {
        Duration wait = retryAfter(response.header("Retry-After"));
        throw new ThrottledException(label + ": " + status + " (throttled)", wait);
      }
      Optional<String[]> code = responseCode(body);
      if (code.isEmpty()) {
        throw new TenantException(label + ": HTTP " + status + " without an EWS response code; the probe proved nothing.");
      }
      String evidence = label + ": " + (status == 200 ? "" : "HTTP " + status + " SOAP fault ") + code.get()[0]
          + (code.get()[1].isEmpty() ? "" : " " + code.get()[1]);
      LOG.debug("{}", evidence);
      switch (code.get()[0]) {
        case "NoError":
          return new ProbeOutcome(ProbeOutcome.Result.GRANTED, evidence);
        case "ErrorImpersonateUserDenied", "ErrorAccessDenied":
          return new ProbeOutcome(ProbeOutcome.Result.DENIED, evidence);
        case "ErrorNonExistentMailbox":
          return new ProbeOutcome(ProbeOutcome.Result.MAILBOX_NOT_READY, evidence);
        case "ErrorServerBusy":
          throw new ThrottledException(evidence, retryAfter(response.header("Retry-After")));
        default:
          throw new TenantException(evidence + ": not an answer about access; the probe proved nothing.");
      }
    } catch (IOException e) {
      throw new TransientTenantException(label + ": " + e.getClass().getSimpleName() + " " + e.getMessage(), e);
    }
  }

  private static Duration retryAfter(String header) {
    if (header == null) {
      return null; // not said: the caller backs off
    }
    try {
      return Duration.ofMillis((long) (Double.parseDouble(header.trim()) * 1000));
    } catch (NumberFormatException e) {
      return null;
    }
  }

  static String envelope(String mailbox, boolean impersonate) {
    String smtp = xml(mailbox);
    String header = "<t:RequestServerVersion Version=\"Exchange2013_SP1\"/>"
        + (impersonate ? "<t:ExchangeImpersonation><t:ConnectingSID><t:PrimarySmtpAddress>" + smtp
            + "</t:PrimarySmtpAddress></t:ConnectingSID></t:ExchangeImpersonation>" : "");
    String folder = impersonate ? "<t:DistinguishedFolderId Id=\"msgfolderroot\"/>"
        : "<t:DistinguishedFolderId Id=\"msgfolderroot\"><t:Mailbox><t:EmailAddress>" + smtp
            + "</t:EmailAddress></t:Mailbox></t:DistinguishedFolderId>";
    return "<?xml version=\"1.0\" encoding=\"utf-8\"?>"
        + "<soap:Envelope xmlns:soap=\"http://schemas.xmlsoap.org/soap/envelope/\" xmlns:t=\"" + TYPES + "\" xmlns:m=\"" + MESSAGES + "\">"
        + "<soap:Header>" + header + "</soap:Header>"
        + "<soap:Body><m:GetFolder><m:FolderShape><t:BaseShape>IdOnly</t:BaseShape></m:FolderShape>"
        + "<m:FolderIds>" + folder + "</m:FolderIds></m:GetFolder></soap:Body></soap:Envelope>";
  }

  private static String xml(String s) {
    StringBuilder out = new StringBuilder();
    for (char c : s.toCharArray()) {
      switch (c) {
        case '&' -> out.append("&amp;");
        case '<' -> out.append("&lt;");
        case '>' -> out.append("&gt;");
        case '"' -> out.append("&quot;");
        case '\'' -> out.append("&apos;");
        default -> {
          if (c < 0x20) {
            throw new dev.impersonation.InvalidSetupException("A mailbox address cannot contain control characters.");
          }
          out.append(c);
        }
      }
    }
    return out.toString();
  }

  /**
   * The EWS response code and message: {@code m:ResponseCode} / {@code m:MessageText} of a response message, or of a
   * SOAP fault's {@code detail} (falling back to its {@code faultcode} without prefix and {@code faultstring}).
   */
  static Optional<String[]> responseCode(String body) {
    if (body == null || body.isBlank()) {
      return Optional.empty();
    }
    try {
      DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
      f.setNamespaceAware(true);
      f.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
      f.setFeature(XMLConstants.FEATURE_SECURE_PROCESSING, true);
      f.setExpandEntityReferences(false);
      DocumentBuilder b = f.newDocumentBuilder();
      b.setErrorHandler(null);
      Document d = b.parse(new ByteArrayInputStream(body.getBytes(StandardCharsets.UTF_8)));
      String code = firstText(d, "ResponseCode");
      String text = firstText(d, "MessageText");
      if (code.isEmpty()) {
        String fault = firstText(d, "faultcode");
        code = fault.contains(":") ? fault.substring(fault.indexOf(':') + 1) : fault;
      }
      if (text.isEmpty()) {
        text = firstText(d, "faultstring");
      }
      if (text.isEmpty()) {
        text = firstText(d, "Message");
      }
      return code.isEmpty() ? Optional.empty() : Optional.of(new String[] {code.trim(), text.trim()});
    } catch (Exception e) {
      return Optional.empty();
    }
  }

  private static String firstText(Document d, String localName) {
    NodeList nodes = d.getElementsByTagNameNS("*", localName);
    if (nodes.getLength() == 0) {
      nodes = d.getElementsByTagName(localName);
    }
    return nodes.getLength() == 0 ? "" : ((Element) nodes.item(0)).getTextContent();
  }

  @Override
  public String toString() {
    return "EwsAccessProbe[" + url + "]";
  }
}
