package dev.impersonation.exchange;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.impersonation.TenantTarget;
import dev.impersonation.powershell.Cmdlet;
import dev.impersonation.powershell.ParameterValue;
import dev.impersonation.spi.EwsOrganizationPolicy;
import dev.impersonation.spi.Operation;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * The EWS settings over cmdlets (docs/ews.md): read with {@code Get-OrganizationConfig -RetrieveEwsOperationAccessPolicy},
 * and the allow list written whole, so the backend reads it when it runs and keeps every id already there.
 */
class CmdletExchangeBackendEwsTest {
  private static final String APP = "5a6b7c8d-9e0f-4a1b-8c2d-3e4f5a6b7c8d";
  private static final String OTHER = "11111111-2222-4333-8444-555555555555";

  /** A transport that answers Get-OrganizationConfig with {@code row} and records every cmdlet. */
  private static final class Canned implements CmdletTransport {
    final List<Cmdlet> sent = new ArrayList<>();
    final Map<String, Object> row;

    Canned(Map<String, Object> row) {
      this.row = row;
    }

    @Override
    public String name() {
      return "canned";
    }

    @Override
    public List<Map<String, Object>> invoke(Cmdlet cmdlet) {
      sent.add(cmdlet);
      return cmdlet.name().equals("Get-OrganizationConfig") ? List.of(row) : List.of();
    }
  }

  private static Map<String, Object> row(Object ewsEnabled, Object list) {
    Map<String, Object> row = new LinkedHashMap<>();
    row.put("IsDehydrated", false);
    row.put("EwsEnabled", ewsEnabled);
    row.put("EwsAllowedAppIDs", list);
    return row;
  }

  @Test
  void theSettingsAreReadWithTheEwsSwitchInEitherShapeOfTheList() {
    Canned t = new Canned(row(true, List.of(OTHER, APP)));
    EwsOrganizationPolicy p = new CmdletExchangeBackend(TenantTarget.exchangeOnline("contoso.onmicrosoft.com"), t).ewsOrganizationPolicy();
    assertEquals(Optional.of(true), p.ewsEnabled());
    assertEquals(List.of(OTHER, APP), p.allowedAppIds());
    assertTrue(t.sent.get(0).get("RetrieveEwsOperationAccessPolicy").orElseThrow() instanceof ParameterValue.Switch);

    Canned asText = new Canned(row(null, OTHER + "," + APP));
    EwsOrganizationPolicy q = new CmdletExchangeBackend(TenantTarget.exchangeOnline("contoso.onmicrosoft.com"), asText)
        .ewsOrganizationPolicy();
    assertEquals(Optional.empty(), q.ewsEnabled());
    assertEquals(List.of(OTHER, APP), q.allowedAppIds());
  }

  @Test
  void exchangeServerHasNoAllowListAndIsNotAskedForOne() {
    Canned t = new Canned(row(false, null));
    EwsOrganizationPolicy p = new CmdletExchangeBackend(TenantTarget.exchangeServer("contoso.com"), t).ewsOrganizationPolicy();
    assertEquals(Optional.of(false), p.ewsEnabled());
    assertTrue(p.allowedAppIds().isEmpty());
    assertTrue(t.sent.get(0).get("RetrieveEwsOperationAccessPolicy").isEmpty());
  }

  @Test
  void allowingAnAppWritesTheWholeListReadNowWithTheAppAdded() {
    Canned t = new Canned(row(true, List.of(OTHER)));
    new CmdletExchangeBackend(TenantTarget.exchangeOnline("contoso.onmicrosoft.com"), t).execute(new Operation.AllowEwsApplication(APP));
    Cmdlet set = t.sent.get(t.sent.size() - 1);
    assertEquals("Set-OrganizationConfig", set.name());
    assertEquals(new ParameterValue.Text(OTHER + "," + APP), set.get("EwsAllowedAppIDs").orElseThrow());
  }

  @Test
  void anAppAlreadyListedIsNotWrittenAgain() {
    Canned t = new Canned(row(true, List.of(APP.toUpperCase())));
    new CmdletExchangeBackend(TenantTarget.exchangeOnline("contoso.onmicrosoft.com"), t).execute(new Operation.AllowEwsApplication(APP));
    assertTrue(t.sent.stream().noneMatch(c -> c.name().equals("Set-OrganizationConfig")), t.sent.toString());
  }

  @Test
  void enablingTheOrganizationIsOneCmdlet() {
    Canned t = new Canned(row(null, null));
    new CmdletExchangeBackend(TenantTarget.exchangeOnline("contoso.onmicrosoft.com"), t).execute(new Operation.EnableOrganizationEws());
    assertEquals(List.of("Set-OrganizationConfig"), t.sent.stream().map(Cmdlet::name).toList());
    assertEquals(new ParameterValue.Bool(true), t.sent.get(0).get("EwsEnabled").orElseThrow());
  }
}
