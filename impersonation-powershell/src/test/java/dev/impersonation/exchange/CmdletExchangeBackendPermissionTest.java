package dev.impersonation.exchange;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.impersonation.AccessMethod;
import dev.impersonation.Principal;
import dev.impersonation.TenantTarget;
import dev.impersonation.powershell.Cmdlet;
import dev.impersonation.spi.ConfiguredAccess;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * {@code Test-ServicePrincipalAuthorization} rows are matched on the permission each row grants
 * ({@code GrantedPermissions}), never on "any row InScope". Rows are in the shape of the cmdlet's reference page:
 * RoleName, GrantedPermissions, AllowedResourceScope, ScopeType, InScope.
 */
class CmdletExchangeBackendPermissionTest {
  private static final String APP = "6f2c1a8e-0000-4000-8000-00000000a001";
  private static final String SP = "5d1c0000-0000-4000-8000-000000000001";

  private static Map<String, Object> row(String role, String granted, String scope, Object inScope) {
    Map<String, Object> r = new LinkedHashMap<>();
    r.put("RoleName", role);
    if (granted != null) {
      r.put("GrantedPermissions", granted);
    }
    r.put("AllowedResourceScope", scope);
    r.put("ScopeType", "CustomRecipientScope");
    r.put("InScope", inScope);
    return r;
  }

  private static CmdletExchangeBackend backend(List<Map<String, Object>> testRows) {
    CmdletTransport transport = new CmdletTransport() {
      @Override
      public String name() {
        return "canned";
      }

      @Override
      public List<Map<String, Object>> invoke(Cmdlet cmdlet) {
        return switch (cmdlet.name()) {
          case "Get-ServicePrincipal" -> List.of(Map.of("AppId", APP, "ObjectId", SP, "DisplayName", "Sync"));
          case "Test-ServicePrincipalAuthorization" -> testRows;
          case "Get-ManagementRoleAssignment" -> List.of(Map.of("Name", "Sync-Mail", "Role", "Application Mail.Read",
              "RoleAssignee", SP, "RoleAssigneeType", "ServicePrincipal", "CustomResourceScope", "Sync-Scope",
              "RecipientWriteScope", "CustomRecipientScope", "WhenCreatedUTC", "2026-11-01T08:00:00Z"));
          default -> List.of();
        };
      }
    };
    return new CmdletExchangeBackend(TenantTarget.exchangeOnline("contoso.onmicrosoft.com"), transport);
  }

  private static ConfiguredAccess test(CmdletExchangeBackend b, String permission) {
    return b.testConfiguredAccess(AccessMethod.RBAC_FOR_APPLICATIONS, Principal.application(APP), "ann@contoso.com", permission);
  }

  @Test
  void anInScopeRowOfAnotherPermissionDoesNotGrantThisOne() {
    CmdletExchangeBackend b = backend(List.of(row("Application Mail.Read", "Mail.Read", "Sync-Scope", true),
        row("Application Calendars.Read", "Calendars.Read", "Other-Scope", false)));
    ConfiguredAccess mail = test(b, "Mail.Read");
    assertTrue(mail.inScope(), mail.evidence());
    assertTrue(mail.evidence().contains("Application Mail.Read grants Mail.Read"), mail.evidence());
    ConfiguredAccess calendar = test(b, "Calendars.Read");
    assertFalse(calendar.inScope(), "Mail.Read in scope says nothing about the calendar: " + calendar.evidence());
    assertTrue(calendar.evidence().contains("Application Calendars.Read [Calendars.Read] InScope false"), calendar.evidence());
    assertTrue(test(b, "Mail.ReadBasic").inScope(), "Mail.Read gives Mail.ReadBasic");
    assertFalse(test(b, "Mail.ReadWrite").inScope(), "Mail.Read does not give Mail.ReadWrite");
  }

  @Test
  void grantedPermissionsWinsOverTheRoleName() {
    // A composite role lists several permissions; the match is on GrantedPermissions, not on the role's name.
    CmdletExchangeBackend b = backend(List.of(row("Application Mail Full Access", "Mail.ReadWrite, Mail.Send", "Sync-Scope", true)));
    assertTrue(test(b, "Mail.Send").inScope());
    assertTrue(test(b, "Mail.Read").inScope(), "ReadWrite gives Read");
    assertFalse(test(b, "Calendars.Read").inScope());
    CmdletExchangeBackend ews = backend(List.of(row("Application EWS.AccessAsApp", "EWS.AccessAsApp", "Organization", "True")));
    assertTrue(test(ews, "full_access_as_app").inScope(), "EWS.AccessAsApp is full_access_as_app");
  }

  @Test
  void aRowWithoutGrantedPermissionsFallsBackToTheRolesDocumentedPermissionsAndSaysSo() {
    CmdletExchangeBackend b = backend(List.of(row("Application Mail.Read", null, "Sync-Scope", true)));
    ConfiguredAccess mail = test(b, "Mail.Read");
    assertTrue(mail.inScope());
    assertTrue(mail.evidence().contains("no GrantedPermissions column"), mail.evidence());
    assertEquals(Optional.of(Instant.parse("2026-11-01T08:00:00Z")), mail.grantedSince());
  }

  @Test
  void noRowsMeansNotConfigured() {
    ConfiguredAccess none = test(backend(List.of()), "Mail.Read");
    assertFalse(none.inScope());
    assertTrue(none.evidence().contains("no assignment at all"), none.evidence());
  }
}
