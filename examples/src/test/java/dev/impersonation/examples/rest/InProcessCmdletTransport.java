package dev.impersonation.examples.rest;

import dev.impersonation.Secret;
import dev.impersonation.exchange.SecretCapableTransport;
import dev.impersonation.powershell.Cmdlet;
import dev.impersonation.powershell.ParameterValue;
import dev.impersonation.testkit.FakeTenant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A cmdlet transport that hands each cmdlet to the FakeTenant's cmdlet interpreter in this JVM: the stand-in for a
 * PowerShell session on Exchange Server (where the REST endpoint does not exist), exercising the same cmdlet mapping
 * and row parsing as the real transports.
 */
final class InProcessCmdletTransport implements SecretCapableTransport {
  private final FakeTenant tenant;
  int calls;

  InProcessCmdletTransport(FakeTenant tenant) {
    this.tenant = tenant;
  }

  @Override
  public String name() {
    return "exchange-in-process";
  }

  @Override
  public List<Map<String, Object>> invoke(Cmdlet cmdlet) {
    return invoke(cmdlet, Map.of());
  }

  @Override
  public List<Map<String, Object>> invoke(Cmdlet cmdlet, Map<String, Secret> secretParameters) {
    calls++;
    Map<String, Object> params = new LinkedHashMap<>();
    for (Cmdlet.Parameter p : cmdlet.parameters()) {
      params.put(p.name(), value(p.value()));
    }
    secretParameters.keySet().forEach(name -> params.put(name, "[SecureString]"));
    return tenant.invokeExchangeCmdlet(cmdlet.name(), params);
  }

  private static Object value(ParameterValue v) {
    if (v instanceof ParameterValue.Text t) {
      return t.value();
    } else if (v instanceof ParameterValue.Bool b) {
      return b.value();
    } else if (v instanceof ParameterValue.Switch) {
      return Boolean.TRUE;
    } else if (v instanceof ParameterValue.TextList l) {
      return l.values();
    } else if (v instanceof ParameterValue.Table t) {
      Map<String, Object> table = new LinkedHashMap<>(t.entries());
      table.put("@odata.type", "#Exchange.GenericHashTable");
      return table;
    }
    throw new IllegalArgumentException("not sent to Exchange: " + v);
  }
}
