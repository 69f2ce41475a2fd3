package dev.impersonation.examples;

import dev.impersonation.TenantConnection;
import dev.impersonation.testkit.FakeTenant;
import java.io.PrintStream;

/** Lets the simulator tests in {@code examples.rest} reach the example's package-private parts. */
public final class RoleAwareVerificationExampleAccess {
  private RoleAwareVerificationExampleAccess() {}

  public static String appId() {
    return RoleAwareVerificationExample.APP_ID;
  }

  public static FakeTenant tenant() {
    return RoleAwareVerificationExample.tenant();
  }

  public static RoleAwareVerificationExample.Result run(TenantConnection connection, PrintStream out) {
    return RoleAwareVerificationExample.run(connection, out);
  }

  public static void assertRoleAware(RoleAwareVerificationExample.Result result) {
    RoleAwareVerificationExampleTest.assertRoleAware(result);
  }
}
