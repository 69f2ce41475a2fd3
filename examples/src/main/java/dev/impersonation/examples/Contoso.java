package dev.impersonation.examples;

import dev.impersonation.TenantTarget;
import dev.impersonation.testkit.FakeTenant;

/** The sample organization every example uses. */
final class Contoso {
  static final String ONLINE = "contoso.onmicrosoft.com";
  static final String SERVER = "contoso.com";
  static final String ANN = "ann@contoso.com";
  static final String BOB = "bob@contoso.com";
  static final String DAN = "dan@contoso.com";
  static final String CEO = "ceo@contoso.com";
  static final String LICENSE_SKU = "6fd2c87f-b296-42f0-b197-1e91e994b900";

  private Contoso() {}

  static TenantTarget target(TenantTarget.Kind kind) {
    return kind == TenantTarget.Kind.EXCHANGE_ONLINE ? TenantTarget.exchangeOnline(ONLINE) : TenantTarget.exchangeServer(SERVER);
  }

  /** A tenant with four people; Exchange Online ones are dehydrated, as small tenants usually are. */
  static FakeTenant.Builder people(TenantTarget.Kind kind) {
    FakeTenant.Builder b = kind == TenantTarget.Kind.EXCHANGE_ONLINE
        ? FakeTenant.exchangeOnline(ONLINE).dehydrated().license(LICENSE_SKU)
        : FakeTenant.exchangeServer(SERVER);
    return b.userMailbox(ANN, "Ann Ames").userMailbox(BOB, "Bob Brown").userMailbox(DAN, "Dan Dunn")
        .userMailbox(CEO, "Carol CEO");
  }
}
