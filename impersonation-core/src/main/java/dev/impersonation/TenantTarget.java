package dev.impersonation;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Where the setup is applied: Exchange Online in one cloud, identified by the tenant's initial domain, or an
 * on-premises Exchange Server organization identified by its domain.
 */
public final class TenantTarget {
  /** The two kinds of Exchange this library configures. */
  public enum Kind { EXCHANGE_ONLINE, EXCHANGE_SERVER }

  private static final Pattern DOMAIN =
      Pattern.compile("(?i)^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\\.)+[a-z][a-z0-9-]{0,62}$");

  private final Kind kind;
  private final String domain;
  private final Cloud cloud;
  private final String server;

  private TenantTarget(Kind kind, String domain, Cloud cloud, String server) {
    this.kind = kind;
    this.domain = domain;
    this.cloud = cloud;
    this.server = server;
  }

  /** Exchange Online in the global cloud, e.g. {@code exchangeOnline("contoso.onmicrosoft.com")}. */
  public static TenantTarget exchangeOnline(String tenantDomain) {
    return exchangeOnline(tenantDomain, Cloud.GLOBAL);
  }

  /** Exchange Online in a national cloud. */
  public static TenantTarget exchangeOnline(String tenantDomain, Cloud cloud) {
    Objects.requireNonNull(cloud, "cloud");
    return new TenantTarget(Kind.EXCHANGE_ONLINE, checkDomain(tenantDomain, "exchangeOnline"), cloud, null);
  }

  /** An on-premises Exchange Server (2019 or Subscription Edition) organization, e.g. {@code "contoso.com"}. */
  public static TenantTarget exchangeServer(String organizationDomain) {
    return new TenantTarget(Kind.EXCHANGE_SERVER, checkDomain(organizationDomain, "exchangeServer"), null, null);
  }

  /**
   * An on-premises Exchange Server organization and the server whose PowerShell endpoint scripts connect to, e.g.
   * {@code exchangeServer("contoso.com", "mail01.contoso.com")}.
   */
  public static TenantTarget exchangeServer(String organizationDomain, String serverFqdn) {
    return new TenantTarget(Kind.EXCHANGE_SERVER, checkDomain(organizationDomain, "exchangeServer"), null,
        checkDomain(serverFqdn, "exchangeServer"));
  }

  private static String checkDomain(String domain, String factory) {
    if (domain == null || !DOMAIN.matcher(domain).matches()) {
      throw new InvalidSetupException("TenantTarget." + factory + "(...) needs a DNS domain such as "
          + "'contoso.onmicrosoft.com' or 'contoso.com', but got " + Names.quoted(domain) + ".");
    }
    return domain.toLowerCase(java.util.Locale.ROOT);
  }

  @JsonProperty
  public Kind kind() {
    return kind;
  }

  /** The tenant's domain (Exchange Online: usually {@code <name>.onmicrosoft.com}). */
  @JsonProperty
  public String domain() {
    return domain;
  }

  /** The cloud, for Exchange Online; empty for Exchange Server. */
  @JsonProperty
  public Optional<Cloud> cloud() {
    return Optional.ofNullable(cloud);
  }

  /**
   * The Exchange server scripts open a remote PowerShell session to (Exchange Server only); when not given,
   * {@code exchange.<domain>}, which scripts flag for the admin to check.
   */
  @JsonProperty
  public Optional<String> server() {
    return Optional.ofNullable(server);
  }

  @JsonIgnore
  public boolean isExchangeOnline() {
    return kind == Kind.EXCHANGE_ONLINE;
  }

  /**
   * The Exchange Online tenant {@code signIn} signs in to, for a connection made from the sign-in alone.
   *
   * @throws InvalidSetupException when the sign-in names its tenant by id: give the connection the target instead
   */
  public static TenantTarget of(SignIn signIn) {
    try {
      return exchangeOnline(Objects.requireNonNull(signIn, "signIn").tenant(), signIn.cloud());
    } catch (InvalidSetupException byId) {
      throw new InvalidSetupException("The sign-in names its tenant by id ('" + signIn.tenant() + "'); a connection needs the "
          + "tenant's domain: name the target, e.g. exchangeOnline(\"contoso.onmicrosoft.com\", cloud).signIn(signIn).");
    }
  }

  /**
   * {@code signIn}, checked for this target before anything is sent: only Exchange Online signs in to Entra ID, and in
   * the target's own cloud.
   *
   * @throws InvalidSetupException naming the mismatch
   */
  public SignIn checkSignIn(SignIn signIn) {
    Objects.requireNonNull(signIn, "signIn");
    if (!isExchangeOnline()) {
      throw new InvalidSetupException("Exchange Server connects with the Kerberos identity of the process running "
          + "PowerShell; it takes no sign-in.");
    }
    if (signIn.cloud() != cloud) {
      throw new InvalidSetupException("The sign-in is for the " + signIn.cloud() + " cloud but " + this + " is in " + cloud
          + ": build the SignIn for the target's cloud.");
    }
    return signIn;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof TenantTarget t && t.kind == kind && t.domain.equals(domain) && t.cloud == cloud
        && Objects.equals(t.server, server);
  }

  @Override
  public int hashCode() {
    return Objects.hash(kind, domain, cloud, server);
  }

  @Override
  public String toString() {
    return isExchangeOnline() ? "Exchange Online " + domain + " (" + cloud + ")" : "Exchange Server " + domain;
  }
}
