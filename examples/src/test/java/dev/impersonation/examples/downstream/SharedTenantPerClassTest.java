package dev.impersonation.examples.downstream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.impersonation.Access;
import dev.impersonation.ImpersonationSetup;
import dev.impersonation.Principal;
import dev.impersonation.Scope;
import dev.impersonation.TenantTarget;
import dev.impersonation.testkit.FakeTenant;
import dev.impersonation.testkit.junit5.FakeTenantExtension;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Documentation by example: an extension in a static field builds one tenant shared by every test of the class. */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class SharedTenantPerClassTest {
  @RegisterExtension
  static final FakeTenantExtension SHARED = FakeTenantExtension.of(() -> FakeTenant.exchangeServer("contoso.com")
      .userMailbox("svc@contoso.com").userMailbox("ann@contoso.com").userMailbox("ceo@contoso.com"));

  static ImpersonationSetup setup() {
    return ImpersonationSetup.builder().name("Shared").target(TenantTarget.exchangeServer("contoso.com"))
        .principal(Principal.serviceAccount("svc@contoso.com"))
        .scope(Scope.distributionGroup("Shared Scope").members("ann@contoso.com"))
        .access(Access.applicationImpersonation()).build();
  }

  @Test
  @Order(1)
  void firstTestApplies() {
    assertTrue(setup().apply(SHARED.connection()).succeeded());
  }

  @Test
  @Order(2)
  void secondTestSeesTheSameTenant(FakeTenant tenant) {
    assertTrue(setup().plan(tenant.connection()).isConverged());
    assertEquals(1, tenant.members("Shared Scope").size());
  }
}
