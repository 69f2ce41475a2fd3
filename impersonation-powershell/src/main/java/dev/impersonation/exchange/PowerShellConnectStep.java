package dev.impersonation.exchange;

import dev.impersonation.InvalidSetupException;
import dev.impersonation.Secret;
import dev.impersonation.TenantTarget;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * How a {@link PowerShellProcessTransport} connects its PowerShell process to Exchange, run once after the process
 * starts, again after every restart, and again after {@code Enable-OrganizationCustomization} (docs/vendor-procedures.md, docs/cmdlets.md).
 *
 * <p>Secrets (the certificate password, the access token) travel only inside the connect frame on the process's
 * standard input; they are never put on its command line, in its environment or in a log. Instances show no secret in
 * {@link #toString()}.
 *
 * <pre>{@code
 * PowerShellConnectStep.exchangeOnlineCertificate(TenantTarget.exchangeOnline("contoso.onmicrosoft.com"),
 *     "00000000-0000-0000-0000-000000000001", Path.of("app.pfx"), Secret.of(pfxPassword));
 * PowerShellConnectStep.exchangeServer("ex01.contoso.com");
 * }</pre>
 */
public final class PowerShellConnectStep {
  private final String kind;
  private final Map<String, String> settings;
  private final Map<String, Supplier<Secret>> secrets;
  private final String description;

  private PowerShellConnectStep(String kind, Map<String, String> settings, Map<String, Supplier<Secret>> secrets,
      String description) {
    this.kind = kind;
    this.settings = Map.copyOf(settings);
    this.secrets = Map.copyOf(secrets);
    this.description = description;
  }

  /**
   * App-only Exchange Online with a certificate file: {@code Import-Module ExchangeOnlineManagement;
   * Connect-ExchangeOnline -AppId <appId> -Organization <domain> -CertificateFilePath <pfx> -CertificatePassword
   * <secure string> -ExchangeEnvironmentName <cloud> -ShowBanner:$false}.
   *
   * @param target an Exchange Online target; its domain is the organization and its cloud the environment
   * @param appId the application (client) id
   * @param certificateFile the PFX file, readable by the PowerShell process
   * @param certificatePassword the PFX password, or {@code null} when the file has none
   */
  public static PowerShellConnectStep exchangeOnlineCertificate(TenantTarget target, String appId, Path certificateFile,
      Secret certificatePassword) {
    Map<String, String> s = online(target, appId);
    s.put("CertificateFilePath", Objects.requireNonNull(certificateFile, "certificateFile").toAbsolutePath().toString());
    Map<String, Supplier<Secret>> secrets = new LinkedHashMap<>();
    if (certificatePassword != null) {
      secrets.put("CertificatePassword", () -> certificatePassword);
    }
    return new PowerShellConnectStep("ExchangeOnline", s, secrets, "Connect-ExchangeOnline -AppId " + appId + " -Organization "
        + target.domain() + " -CertificateFilePath " + certificateFile + " -ExchangeEnvironmentName "
        + s.get("ExchangeEnvironmentName"));
  }

  /**
   * Exchange Online with an OAuth access token for the Exchange resource ({@code Connect-ExchangeOnline -AccessToken
   * <token> -Organization <domain>}, module 3.1.0 or later). The supplier is asked for a fresh token on every
   * (re)connect, since tokens expire.
   *
   * @param target an Exchange Online target
   * @param appId the application (client) id the token was issued to, or {@code null}
   * @param accessToken supplies a current access token
   */
  public static PowerShellConnectStep exchangeOnlineAccessToken(TenantTarget target, String appId,
      Supplier<Secret> accessToken) {
    Map<String, String> s = online(target, appId);
    Objects.requireNonNull(accessToken, "accessToken");
    return new PowerShellConnectStep("ExchangeOnline", s, Map.of("AccessToken", accessToken),
        "Connect-ExchangeOnline -AccessToken <redacted> -Organization " + target.domain() + " -ExchangeEnvironmentName "
            + s.get("ExchangeEnvironmentName"));
  }

  private static Map<String, String> online(TenantTarget target, String appId) {
    Objects.requireNonNull(target, "target");
    if (!target.isExchangeOnline()) {
      throw new InvalidSetupException("Connect-ExchangeOnline needs an Exchange Online target, but got " + target
          + "; use PowerShellConnectStep.exchangeServer(server) for Exchange Server.");
    }
    Map<String, String> s = new LinkedHashMap<>();
    if (appId != null) {
      if (appId.isBlank()) {
        throw new InvalidSetupException("The app id for Connect-ExchangeOnline must not be blank.");
      }
      s.put("AppId", appId);
    }
    s.put("Organization", target.domain());
    s.put("ExchangeEnvironmentName", target.cloud().orElseThrow().exchangeEnvironmentName());
    return s;
  }

  /**
   * Exchange Server through a Kerberos remote session as the current Windows/Kerberos identity:
   * {@code New-PSSession -ConfigurationName Microsoft.Exchange -ConnectionUri http://<server>/PowerShell/
   * -Authentication Kerberos; Import-PSSession}.
   *
   * @param server the Exchange server's FQDN, e.g. {@code ex01.contoso.com}
   */
  public static PowerShellConnectStep exchangeServer(String server) {
    if (server == null || !server.matches("(?i)[a-z0-9]([a-z0-9.-]{0,251}[a-z0-9])?(:[0-9]{1,5})?")) {
      throw new InvalidSetupException("PowerShellConnectStep.exchangeServer(...) needs the Exchange server's host name, "
          + "e.g. 'ex01.contoso.com', but got '" + server + "'.");
    }
    String uri = "http://" + server.toLowerCase(Locale.ROOT) + "/PowerShell/";
    return new PowerShellConnectStep("ExchangeServer", Map.of("ConnectionUri", uri), Map.of(),
        "New-PSSession -ConfigurationName Microsoft.Exchange -ConnectionUri " + uri + " -Authentication Kerberos");
  }

  /**
   * Runs trusted PowerShell text as the connect step, e.g. to define stand-in cmdlets in tests or to use a connection
   * method this class does not offer. Define functions as {@code function global:Name} so they outlive the step. The
   * text must not contain secrets: it is sent as is.
   *
   * @param script the PowerShell text
   */
  public static PowerShellConnectStep script(String script) {
    Objects.requireNonNull(script, "script");
    return new PowerShellConnectStep("Script", Map.of("Script", script), Map.of(), "custom connect script");
  }

  /** No connect step: the session's cmdlets are used as they are. */
  public static PowerShellConnectStep none() {
    return new PowerShellConnectStep("None", Map.of(), Map.of(), "no connect step");
  }

  /** The bootstrap's connect kind: {@code ExchangeOnline}, {@code ExchangeServer}, {@code Script} or {@code None}. */
  public String kind() {
    return kind;
  }

  /** The non-secret settings sent in the connect frame. */
  public Map<String, String> settings() {
    return settings;
  }

  /** Supplies the secrets for one connect frame; the transport wipes them after sending. Package-private. */
  Map<String, Supplier<Secret>> secretSuppliers() {
    return secrets;
  }

  @Override
  public String toString() {
    return description;
  }
}
