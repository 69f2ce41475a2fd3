package dev.impersonation.exchange;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.impersonation.TenantTarget;
import dev.impersonation.powershell.Cmdlet;
import dev.impersonation.spi.RoleAssignment;
import dev.impersonation.spi.ScopeType;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Role assignments scoped with {@code -RecipientGroupScope} read back from {@code Get-ManagementRoleAssignment}: the row's
 * exact shape is unproven (docs/group-scopes.md), so the group's name is taken from {@code RecipientGroupScope} or, with
 * {@code RecipientWriteScope} "Group", from the custom scope field, reduced from an identity path or DN.
 */
class CmdletExchangeBackendGroupScopeTest {
  private static final String SP = "5d1c0000-0000-4000-8000-000000000001";

  private static RoleAssignment read(Map<String, Object> extra) {
    Map<String, Object> row = new LinkedHashMap<>(Map.of("Name", "Sync-Mail.Read", "Role", "Application Mail.Read",
        "RoleAssignee", SP, "RoleAssigneeType", "ServicePrincipal", "WhenCreatedUTC", "2026-11-01T08:00:00Z"));
    row.putAll(extra);
    CmdletTransport transport = new CmdletTransport() {
      @Override
      public String name() {
        return "canned";
      }

      @Override
      public List<Map<String, Object>> invoke(Cmdlet cmdlet) {
        return cmdlet.name().equals("Get-ManagementRoleAssignment") ? List.of(row) : List.of();
      }
    };
    List<RoleAssignment> all = new CmdletExchangeBackend(TenantTarget.exchangeOnline("contoso.onmicrosoft.com"), transport)
        .roleAssignments(SP);
    assertEquals(1, all.size());
    return all.get(0);
  }

  @Test
  void theGroupNameComesFromRecipientGroupScope() {
    RoleAssignment a = read(Map.of("RecipientWriteScope", "Group", "RecipientGroupScope", "Sync Users"));
    assertEquals(ScopeType.RECIPIENT_GROUP, a.scopeType());
    assertEquals("Sync Users", a.scope());
  }

  @Test
  void anIdentityPathOrADistinguishedNameIsReducedToTheName() {
    assertEquals("Sync Users", read(Map.of("RecipientGroupScope",
        "NAMPR01A001.prod.outlook.com/Microsoft Exchange Hosted Organizations/contoso.onmicrosoft.com/Sync Users")).scope());
    assertEquals("O'Brien, Sales", read(Map.of("RecipientWriteScope", "Group", "CustomResourceScope",
        "CN=O'Brien\\, Sales,OU=contoso.onmicrosoft.com,OU=Microsoft Exchange Hosted Organizations,DC=NAMPR01A001")).scope());
    assertEquals("sync@contoso.com", read(Map.of("RecipientGroupScope", "sync@contoso.com")).scope());
  }

  @Test
  void otherScopesAreUnchanged() {
    assertEquals(ScopeType.MANAGEMENT_SCOPE, read(Map.of("RecipientWriteScope", "CustomRecipientScope",
        "CustomResourceScope", "Sync-Scope")).scopeType());
    assertEquals(ScopeType.ORGANIZATION, read(Map.of("RecipientWriteScope", "Organization")).scopeType());
  }
}
