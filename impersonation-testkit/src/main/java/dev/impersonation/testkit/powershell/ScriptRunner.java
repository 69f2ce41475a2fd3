package dev.impersonation.testkit.powershell;

import dev.impersonation.TenantException;
import dev.impersonation.testkit.FakeTenant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Runs an Exchange admin script, read by {@link ScriptParser}, against a {@link FakeTenant}: each Exchange cmdlet goes
 * to the tenant's cmdlet interpreter ({@link FakeTenant#invokeExchangeCmdlet}), guards and loops behave as in
 * PowerShell with {@code $ErrorActionPreference = 'Stop'}, and the script's own functions (the tenant guards, the
 * wait for organization customization, the FullAccess probe, the bulk FullAccess grant over a recipient filter and
 * the closing verification) run as Java models of the
 * functions' text, calling the same cmdlets with the same parameters.
 *
 * <p>The models follow the function text in {@code impersonation-core}'s {@code ScriptFunctions}; they are not a
 * PowerShell interpreter. {@code Get-Group} is answered by the fake's distribution-group or Microsoft 365 group read.
 * Microsoft Graph PowerShell cmdlets are not modelled: a script that needs them is refused with an
 * {@link UnsupportedOperationException} ({@link #needsGraph(String)} tells beforehand).
 * The connected organization is the tenant's domain unless {@link #connectedTo(String, String)} says otherwise, which
 * is how a test shows the guard stopping a script meant for another tenant.
 */
public final class ScriptRunner {
  private static final Set<String> IGNORED = Set.of("connect-exchangeonline", "import-pssession", "get-command",
      "start-sleep", "write-progress", "write-warning");
  private static final int MAX_WAIT_ROUNDS = 1000;

  private final FakeTenant tenant;
  private String organization;
  private String tenantId;
  private final Map<String, Object> variables = new LinkedHashMap<>();
  private final List<String> output = new ArrayList<>();
  private final List<ParsedCommand> executed = new ArrayList<>();
  private final ImpersonationAccessCheck checks;

  private ScriptRunner(FakeTenant tenant) {
    this.tenant = tenant;
    this.organization = tenant.target().domain();
    this.tenantId = "";
    this.checks = new ImpersonationAccessCheck(tenant, output);
  }

  /** A runner whose session is connected to {@code tenant}'s own organization. */
  public static ScriptRunner on(FakeTenant tenant) {
    return new ScriptRunner(tenant);
  }

  /**
   * Makes the session look connected to another organization, as {@code Get-ConnectionInformation} (Exchange Online)
   * or {@code Get-AcceptedDomain} would show it.
   *
   * @param organization the organization (domain) the session belongs to
   * @param tenantId its tenant id, or empty
   */
  public ScriptRunner connectedTo(String organization, String tenantId) {
    this.organization = organization;
    this.tenantId = tenantId;
    return this;
  }

  /**
   * What a run did: the lines written with {@code Write-Host}, the commands run (in order), and the exit code
   * ({@code 0}, {@code 1} for {@code exit 1}); a {@code throw} ends the run with {@link #thrown()}.
   *
   * @param output the lines written
   * @param executed the commands run, functions included
   * @param exitCode the exit code
   * @param thrown the message of the {@code throw} or error that stopped the script
   */
  public record Result(List<String> output, List<ParsedCommand> executed, int exitCode, Optional<String> thrown) {
    public Result {
      output = List.copyOf(output);
      executed = List.copyOf(executed);
    }

    /** Whether a command of that name ran. */
    public boolean ran(String command) {
      return executed.stream().anyMatch(c -> c.is(command));
    }
  }

  /** Whether a script runs Microsoft Graph PowerShell cmdlets, which this runner does not model. */
  public static boolean needsGraph(String script) {
    return ScriptParser.parse(script).commands().stream().anyMatch(c -> c.name().matches("(?i)[a-z]+-mg[a-z].*"));
  }

  /** Runs the script text. */
  public Result run(String script) {
    return run(ScriptParser.parse(script));
  }

  /** Runs a parsed script. */
  public Result run(ParsedScript script) {
    try {
      for (ParsedStatement st : script.statements()) {
        statement(st);
      }
      return result(0, Optional.empty());
    } catch (ScriptExit e) {
      return result(e.code, Optional.empty());
    } catch (ScriptStop e) {
      return result(1, Optional.of(e.getMessage()));
    } catch (TenantException e) {
      return result(1, Optional.of(e.getMessage()));
    }
  }

  private Result result(int code, Optional<String> thrown) {
    return new Result(output, executed, code, thrown);
  }

  private void statement(ParsedStatement st) {
    if (st instanceof ParsedStatement.Command c) {
      command(c.command());
    } else if (st instanceof ParsedStatement.GuardedBlock g) {
      if (!found(g.probe())) {
        g.body().forEach(this::command);
      }
    } else if (st instanceof ParsedStatement.IfFoundBlock g) {
      if (found(g.probe())) {
        g.body().forEach(this::command);
      }
    } else if (st instanceof ParsedStatement.WaitLoop w) {
      int rounds = 0;
      while (!found(w.probe())) {
        if (++rounds > MAX_WAIT_ROUNDS) {
          throw new ScriptStop("waited " + MAX_WAIT_ROUNDS + " rounds for " + w.probe().name());
        }
        w.body().forEach(this::command);
      }
    } else if (st instanceof ParsedStatement.IdempotentBlock b) {
      try {
        command(b.command());
      } catch (TenantException e) {
        String m = String.valueOf(e.getMessage());
        if (!m.matches("(?is).*(AlreadyExists|already (a member|exists?|being used)|not required|MemberNotFound|isn't a member).*")) {
          throw e;
        }
        output.add("WARNING: Already done: " + m);
      }
    } else if (st instanceof ParsedStatement.Assignment a) {
      List<Map<String, Object>> rows = command(a.read());
      variables.put(a.variable().toLowerCase(Locale.ROOT), rows.isEmpty() ? null : property(rows.get(0), a.property()));
    } else if (st instanceof ParsedStatement.ListAssignment l) {
      variables.put(l.variable().toLowerCase(Locale.ROOT), l.values());
    } else if (st instanceof ParsedStatement.Throw t) {
      throw new ScriptStop(t.message());
    }
    // Comments, #Requires, preference assignments and function definitions do nothing when run.
  }

  /** A probe run with -ErrorAction SilentlyContinue: an error counts as nothing found. */
  private boolean found(ParsedCommand probe) {
    try {
      List<Map<String, Object>> rows = command(probe);
      return !rows.isEmpty() && !(rows.size() == 1 && Boolean.FALSE.equals(rows.get(0).get("")));
    } catch (TenantException e) {
      return false;
    }
  }

  private List<Map<String, Object>> command(ParsedCommand c) {
    executed.add(c);
    String name = c.name().toLowerCase(Locale.ROOT);
    if (IGNORED.contains(name)) {
      return List.of();
    }
    switch (name) {
      case "write-host":
        output.add(c.arguments().isEmpty() ? c.text("Object") : String.valueOf(value(c.arguments().get(0))));
        return List.of();
      case "get-connectioninformation":
        return List.of(Map.of("State", "Connected", "Organization", organization, "TenantID", tenantId));
      case "assert-exchangeonlineorganization":
      case "assert-exchangeserverorganization":
        assertOrganization(c.text("Expected"), name.contains("online"));
        return List.of();
      case "wait-organizationcustomization":
        awaitCustomization(Integer.parseInt(c.text("TimeoutSeconds")), Integer.parseInt(c.text("IntervalSeconds")));
        return List.of();
      case "test-mailboxfullaccess":
        return List.of(Map.of("", checks.fullAccess(c.text("Identity"), c.text("User"))));
      case "grant-fullaccessbyfilter":
        grantFullAccessByFilter(c.text("Filter"), c.text("User"));
        return List.of();
      case "grant-fullaccessfromlist":
        MemberListFunctions.grantFullAccess(tenant, c, p -> value(p), checks::fullAccess, executed::add, output::add);
        return List.of();
      case "add-groupmembersfromlist":
      case "remove-groupmembersfromlist":
        MemberListFunctions.run(tenant, c, p -> value(p), name.startsWith("add"), executed::add, output::add);
        return List.of();
      case "find-applicationaccesspolicy":
        return List.of(Map.of("", accessPolicy(c.text("AppId"), c.text("ScopeGroup"), c.text("AccessRight"))));
      case "add-ewsallowedapplication":
        allowEwsApplication(c.text("AppId"));
        return List.of();
      case "remove-ewsallowedapplication":
        disallowEwsApplication(c.text("AppId"));
        return List.of();
      case "confirm-rbacforapplications":
        confirmRbac(c.text("AppId"), c.texts("Roles"), c.text("Group"));
        return List.of();
      case "test-impersonationaccess":
        checks.verify(c);
        return List.of();
      default:
        break;
    }
    if (name.matches("[a-z]+-mg[a-z].*")) {
      throw new UnsupportedOperationException("Microsoft Graph PowerShell cmdlets are not modelled: " + c.name());
    }
    Map<String, Object> params = new LinkedHashMap<>();
    for (ParsedCommand.Parameter p : c.parameters()) {
      if (p.name().equalsIgnoreCase("ErrorAction")) {
        continue;
      }
      params.put(p.name(), value(p.value()));
    }
    if (name.equals("get-group")) {
      // Get-Group reads every group kind; the fake's interpreter has the per-kind reads.
      try {
        return tenant.invokeExchangeCmdlet("Get-DistributionGroup", params);
      } catch (TenantException e) {
        return tenant.invokeExchangeCmdlet("Get-UnifiedGroup", params);
      }
    }
    return tenant.invokeExchangeCmdlet(c.name(), params);
  }

  private Object value(ParsedValue v) {
    if (v instanceof ParsedValue.Literal l) {
      return l.value();
    } else if (v instanceof ParsedValue.LiteralList l) {
      return l.values();
    } else if (v instanceof ParsedValue.Bool b) {
      return b.value();
    } else if (v instanceof ParsedValue.Switch) {
      return Boolean.TRUE;
    } else if (v instanceof ParsedValue.Number n) {
      return String.valueOf(n.value());
    } else if (v instanceof ParsedValue.Word w) {
      return w.value();
    } else if (v instanceof ParsedValue.Variable var) {
      return variables.get(var.name().toLowerCase(Locale.ROOT));
    } else if (v instanceof ParsedValue.SecretPrompt) {
      return "Script-runner-1!";
    } else if (v instanceof ParsedValue.Concatenation c) {
      return c.evaluate(name -> String.valueOf(variables.get(name.toLowerCase(Locale.ROOT))));
    } else if (v instanceof ParsedValue.HashTable h) {
      Map<String, Object> out = new LinkedHashMap<>();
      h.entries().forEach((k, x) -> out.put(k, value(x)));
      return out;
    }
    throw new UnsupportedOperationException("value " + v + " is not modelled");
  }

  private static Object property(Map<String, Object> row, String property) {
    return row.entrySet().stream().filter(e -> e.getKey().equalsIgnoreCase(property)).map(Map.Entry::getValue)
        .findFirst().orElse(null);
  }

  static String str(Map<String, Object> row, String property) {
    Object v = property(row, property);
    if (v instanceof List<?> l) {
      return String.join(" ", l.stream().map(String::valueOf).toList());
    }
    return v == null ? "" : String.valueOf(v);
  }

  // ------------------------------------------------------------------ models of the script's functions

  /** Assert-ExchangeOnlineOrganization / Assert-ExchangeServerOrganization. */
  private void assertOrganization(String expected, boolean online) {
    boolean same = organization.equalsIgnoreCase(expected) || (online && tenantId.equalsIgnoreCase(expected));
    if (!same) {
      throw new ScriptStop((online ? "This PowerShell session is connected to the Exchange Online organization " + organization
          + " (tenant " + tenantId + "), not to " : "This session is connected to an Exchange organization whose accepted "
          + "domains are " + organization + ", not to ") + expected + ".");
    }
  }

  /** Wait-OrganizationCustomization: reads IsDehydrated until False, at most TimeoutSeconds / IntervalSeconds rounds. */
  private void awaitCustomization(int timeoutSeconds, int intervalSeconds) {
    int waited = 0;
    while (Boolean.TRUE.equals(property(tenant.invokeExchangeCmdlet("Get-OrganizationConfig", Map.of()).get(0), "IsDehydrated"))) {
      if (waited >= timeoutSeconds) {
        throw new ScriptStop("IsDehydrated is still True " + waited + " seconds after Enable-OrganizationCustomization.");
      }
      executed.add(new ParsedCommand("Start-Sleep", List.of(), List.of(), 0));
      waited += intervalSeconds;
    }
  }

  /** Add-EwsAllowedApplication: reads EwsAllowedAppIDs and, unless the app is on it, writes the list with the app added. */
  private void allowEwsApplication(String appId) {
    Object current = property(tenant.invokeExchangeCmdlet("Get-OrganizationConfig",
        Map.of("RetrieveEwsOperationAccessPolicy", Boolean.TRUE)).get(0), "EwsAllowedAppIDs");
    List<String> ids = new ArrayList<>(dev.impersonation.spi.EwsOrganizationPolicy.parseAllowedAppIds(current));
    if (ids.stream().anyMatch(id -> id.equalsIgnoreCase(appId))) {
      output.add("App " + appId + " is already on EwsAllowedAppIDs.");
      return;
    }
    ids.add(appId);
    executed.add(new ParsedCommand("Set-OrganizationConfig", List.of(), List.of(), 0));
    tenant.invokeExchangeCmdlet("Set-OrganizationConfig", Map.of("EwsAllowedAppIDs", String.join(",", ids)));
  }

  /**
   * Confirm-RbacForApplications: every direct member of the group must have, for every role, a
   * Test-ServicePrincipalAuthorization row that is InScope and names the role or grants its permission.
   */
  private void confirmRbac(String appId, List<String> roles, String group) {
    List<Map<String, Object>> members = tenant.invokeExchangeCmdlet("Get-DistributionGroupMember",
        Map.of("Identity", group, "ResultSize", "Unlimited"));
    if (members.isEmpty()) {
      throw new ScriptStop("The group " + group + " has no members: nothing proves the role assignments, so nothing is removed.");
    }
    List<String> missing = new ArrayList<>();
    for (Map<String, Object> member : members) {
      String address = str(member, "PrimarySmtpAddress");
      List<Map<String, Object>> rows = tenant.invokeExchangeCmdlet("Test-ServicePrincipalAuthorization",
          Map.of("Identity", appId, "Resource", address));
      for (String role : roles) {
        String permission = role.replaceFirst("^Application ", "");
        boolean covered = rows.stream().anyMatch(r -> str(r, "InScope").equalsIgnoreCase("True") && (str(r, "RoleName").equals(role)
            || List.of(str(r, "GrantedPermissions").split("[, ]+")).contains(permission)));
        if (!covered) {
          missing.add(address + " (" + role + ")");
        }
      }
    }
    if (!missing.isEmpty()) {
      throw new ScriptStop("RBAC for Applications does not cover " + String.join(", ", missing) + ": nothing was removed.");
    }
    output.add("Every member of " + group + " is in scope: removing what RBAC for Applications replaces.");
  }

  /** Remove-EwsAllowedApplication: writes the list without the app, unless that would empty it. */
  private void disallowEwsApplication(String appId) {
    Object current = property(tenant.invokeExchangeCmdlet("Get-OrganizationConfig",
        Map.of("RetrieveEwsOperationAccessPolicy", Boolean.TRUE)).get(0), "EwsAllowedAppIDs");
    List<String> ids = new ArrayList<>(dev.impersonation.spi.EwsOrganizationPolicy.parseAllowedAppIds(current));
    List<String> left = ids.stream().filter(id -> !id.equalsIgnoreCase(appId)).toList();
    if (left.isEmpty()) {
      output.add("WARNING: App " + appId + " is the only id on EwsAllowedAppIDs; removing it would admit every app to EWS, so it stays.");
      return;
    }
    if (left.size() < ids.size()) {
      executed.add(new ParsedCommand("Set-OrganizationConfig", List.of(), List.of(), 0));
      tenant.invokeExchangeCmdlet("Set-OrganizationConfig", Map.of("EwsAllowedAppIDs", String.join(",", left)));
    }
  }

  /**
   * Grant-FullAccessByFilter: Get-Mailbox -ResultSize Unlimited -Filter once, then for each mailbox but the user's own,
   * Add-MailboxPermission (AutoMapping off) unless Test-MailboxFullAccess finds the grant.
   */
  private void grantFullAccessByFilter(String filter, String user) {
    Map<String, Object> read = new LinkedHashMap<>();
    read.put("ResultSize", "Unlimited");
    read.put("Filter", filter);
    executed.add(new ParsedCommand("Get-Mailbox", List.of(), List.of(), 0));
    int matched = 0;
    int granted = 0;
    for (Map<String, Object> mailbox : tenant.invokeExchangeCmdlet("Get-Mailbox", read)) {
      String identity = str(mailbox, "PrimarySmtpAddress");
      if (identity.equalsIgnoreCase(user) || str(mailbox, "UserPrincipalName").equalsIgnoreCase(user)) {
        continue;
      }
      matched++;
      granted += MemberListFunctions.grantUnlessPresent(tenant, identity, user, checks::fullAccess, executed::add) ? 1 : 0;
    }
    output.add("FullAccess for " + user + ": " + matched + " mailbox(es) match the filter, " + granted + " granted now.");
  }

  /** Find-ApplicationAccessPolicy: a policy of the app with the same right whose ScopeName or ScopeIdentity is the group. */
  private boolean accessPolicy(String appId, String group, String right) {
    return tenant.invokeExchangeCmdlet("Get-ApplicationAccessPolicy", Map.of()).stream()
        .anyMatch(r -> str(r, "AppId").equalsIgnoreCase(appId) && str(r, "AccessRight").equalsIgnoreCase(right)
            && (str(r, "ScopeName").equalsIgnoreCase(group) || str(r, "ScopeIdentity").equalsIgnoreCase(group)));
  }
}
