package dev.impersonation;

/**
 * The Microsoft 365 cloud an Exchange Online tenant lives in (docs/exchange-admin-rest.md). Hosts are defaults; the
 * Exchange host of DoD and China disagrees between Microsoft's tables, so backends let callers override it.
 */
public enum Cloud {
  GLOBAL("O365Default", "login.microsoftonline.com", "graph.microsoft.com", "outlook.office365.com"),
  GCC_HIGH("O365USGovGCCHigh", "login.microsoftonline.us", "graph.microsoft.us", "outlook.office365.us"),
  DOD("O365USGovDoD", "login.microsoftonline.us", "dod-graph.microsoft.us", "webmail.apps.mil"),
  CHINA("O365China", "login.chinacloudapi.cn", "microsoftgraph.chinacloudapi.cn", "partner.outlook.cn");

  private final String exchangeEnvironmentName;
  private final String loginHost;
  private final String graphHost;
  private final String exchangeHost;

  Cloud(String exchangeEnvironmentName, String loginHost, String graphHost, String exchangeHost) {
    this.exchangeEnvironmentName = exchangeEnvironmentName;
    this.loginHost = loginHost;
    this.graphHost = graphHost;
    this.exchangeHost = exchangeHost;
  }

  /** The value of {@code Connect-ExchangeOnline -ExchangeEnvironmentName}. */
  public String exchangeEnvironmentName() {
    return exchangeEnvironmentName;
  }

  public String loginHost() {
    return loginHost;
  }

  public String graphHost() {
    return graphHost;
  }

  public String exchangeHost() {
    return exchangeHost;
  }
}
