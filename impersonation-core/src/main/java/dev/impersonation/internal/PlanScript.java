package dev.impersonation.internal;

import dev.impersonation.Cloud;
import dev.impersonation.plan.Plan.ScriptVerification;
import dev.impersonation.plan.Plan;
import dev.impersonation.plan.Step.StepAction;
import dev.impersonation.plan.Step;
import dev.impersonation.powershell.Cmdlet;
import dev.impersonation.powershell.CmdletMapping;
import dev.impersonation.powershell.ParameterValue;
import dev.impersonation.powershell.PowerShellLiteral;
import dev.impersonation.powershell.ScriptFunctions;
import dev.impersonation.powershell.ScriptRenderer;
import dev.impersonation.powershell.Statement;
import dev.impersonation.spi.Operation;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Renders a plan as the admin script: header and {@code #Requires}, the functions it uses, the connection pinned to
 * the target organization, each step with its reason, and a closing verification block. The facts behind the guards,
 * waits and checks are in {@code docs/scripts.md}.
 */
public final class PlanScript {
  private static final Logger LOG = LoggerFactory.getLogger(PlanScript.class);

  private PlanScript() {}

  /**
   * The values the plan carries, which step texts frame in quotes: the setup's name and every text of every step's
   * operation (names, identities, members, roles, app ids), read from the operation records' components.
   */
  static Set<String> values(Plan plan) {
    Set<String> out = new LinkedHashSet<>();
    out.add(plan.setupName());
    for (Step s : plan.steps()) {
      s.operation().ifPresent(op -> collect(op, out, 0));
    }
    return out;
  }

  private static void collect(Object value, Set<String> out, int depth) {
    if (value == null || depth > 3) {
      return;
    }
    if (value instanceof String text) {
      out.add(text);
    } else if (value instanceof java.util.Optional<?> o) {
      o.ifPresent(v -> collect(v, out, depth + 1));
    } else if (value instanceof java.util.Collection<?> c) {
      c.forEach(v -> collect(v, out, depth + 1));
    } else if (value instanceof Record r) {
      for (java.lang.reflect.RecordComponent rc : r.getClass().getRecordComponents()) {
        if (rc.getType() == dev.impersonation.Secret.class) {
          continue; // never a secret, not even as a framing candidate
        }
        try {
          collect(rc.getAccessor().invoke(r), out, depth + 1);
        } catch (ReflectiveOperationException e) {
          // A component that cannot be read adds no value: its quotes stay escaped.
        }
      }
    }
  }

  public static String render(Plan plan) {
    Map<String, String> dnVariables = new LinkedHashMap<>();
    for (Step s : plan.steps()) {
      if (s.operation().orElse(null) instanceof Operation.ResolveGroupDistinguishedName r) {
        dnVariables.computeIfAbsent(r.group(), g -> "groupDn" + (dnVariables.size() + 1));
      }
    }
    boolean online = plan.target().isExchangeOnline();
    CmdletMapping mapping = new CmdletMapping(plan.target(), g -> dnVariables.computeIfAbsent(g, x -> "groupDn" + (dnVariables.size() + 1)));

    // The steps first: the header's #Requires and the functions depend on the cmdlets they use.
    List<Statement> used = new ArrayList<>();
    List<String> steps = new ArrayList<>();
    ScriptDataBlocks dataBlocks = new ScriptDataBlocks();
    Set<String> values = values(plan);
    for (Step s : plan.steps()) {
      steps.add(ScriptRenderer.comment("Step " + s.number() + ": " + s.action() + " " + s.resource() + " - " + s.reason(), values));
      boolean renders = s.operation().isPresent() && s.action() != StepAction.BLOCKED;
      if (!renders) {
        steps.add(ScriptRenderer.comment(s.action() == StepAction.NO_OP ? "(nothing to do)" : "(blocked)"));
      } else {
        // A no-op with an operation was not read on the planning connection: the script makes sure of it (every
        // statement checks first).
        List<Statement> statements = new ArrayList<>(dataBlocks.compact(s.operation().get(), mapping.statements(s.operation().get())));
        if (s.operation().get() instanceof Operation.EnableOrganizationCustomization) {
          statements.addAll(awaitCustomization());
        }
        used.addAll(statements);
        statements.forEach(st -> steps.add(ScriptRenderer.render(st)));
      }
      steps.add("");
    }
    Set<String> cmdlets = new LinkedHashSet<>();
    used.forEach(st -> cmdletNames(st, cmdlets));
    boolean graph = cmdlets.stream().anyMatch(PlanScript::isGraphCmdlet);

    List<Statement> closing = new ArrayList<>();
    plan.verification().ifPresent(v -> closing.addAll(verification(plan, v)));
    closing.forEach(st -> cmdletNames(st, cmdlets));

    Set<String> functions = new LinkedHashSet<>();
    functions.add(online ? ScriptFunctions.ASSERT_EXCHANGE_ONLINE : ScriptFunctions.ASSERT_EXCHANGE_SERVER);
    if (graph) {
      functions.add(ScriptFunctions.ASSERT_GRAPH);
    }
    cmdlets.stream().filter(ScriptFunctions.names()::contains).forEach(functions::add);
    if (functions.contains(ScriptFunctions.VERIFY) && plan.verification().get().check() == ScriptVerification.Check.MAILBOX_PERMISSION
        || functions.contains(ScriptFunctions.GRANT_FULL_ACCESS_BY_FILTER) || functions.contains(ScriptFunctions.GRANT_FULL_ACCESS_FROM_LIST)) {
      functions.add(ScriptFunctions.FULL_ACCESS_PROBE);
    }

    List<String> out = new ArrayList<>();
    out.add(ScriptRenderer.comment("Impersonation setup " + plan.setupName() + " for " + plan.target() + "\n"
        + "Generated by Impersonation Setup for Java from a plan read at " + plan.plannedAt() + ".\n"
        + "Principal: " + plan.principal() + "\nScope: " + plan.scope() + "\nAccess: " + plan.access() + "\n"
        + (teardown(plan) ? "Safe to run twice: every removal checks first; the script stops at the first error.\n"
            : "Safe to run twice: every create checks first; the script stops at the first error.\n")
        + "It stops before any change if this session is connected to another organization than " + plan.target().domain() + ".\n"
        + (plan.verification().isPresent() ? "It ends by verifying access and exits with code 1 when least privilege fails.\n" : "")
        + "No secret is stored here: the script prompts for any password it needs."));
    plan.warnings().forEach(w -> out.add(ScriptRenderer.comment("WARNING: " + w, values)));
    out.add(requires(online, cmdlets, functions));
    out.add("$ErrorActionPreference = 'Stop'");
    out.add("");
    if (!plan.blockedSteps().isEmpty()) {
      StringBuilder why = new StringBuilder("This plan has blocked steps; fix them and export the plan again:");
      plan.blockedSteps().forEach(s -> why.append(" [").append(s.number()).append("] ").append(s.resource()).append(": ").append(s.reason()));
      out.add(ScriptRenderer.render(new Statement.Fail(why.toString())));
      out.add("");
    }
    out.addAll(ScriptRenderer.helperFunctions());
    functions.forEach(f -> out.add(ScriptFunctions.definition(f)));
    out.add("");
    out.addAll(connect(plan, graph, cmdlets));
    out.addAll(steps);
    out.add("Write-Host " + PowerShellLiteral.quote(closingMessage(plan)));
    if (!closing.isEmpty()) {
      out.add("");
      closing.forEach(st -> out.add(ScriptRenderer.render(st)));
    }
    return String.join("\n", out) + "\n";
  }

  /** After {@code Enable-OrganizationCustomization}: wait, bounded and with progress, until IsDehydrated is False. */
  private static List<Statement> awaitCustomization() {
    return List.of(new Statement.Comment("Exchange Online refuses RBAC changes until IsDehydrated is False: wait for it (at most "
            + ScriptFunctions.CUSTOMIZATION_TIMEOUT_SECONDS / 60 + " minutes, checking every "
            + ScriptFunctions.CUSTOMIZATION_INTERVAL_SECONDS + " seconds). If a later step still reports the organization as"
            + " dehydrated, wait a few minutes and run the script again."),
        new Statement.Run(Cmdlet.of(ScriptFunctions.AWAIT_CUSTOMIZATION)
            .text("TimeoutSeconds", String.valueOf(ScriptFunctions.CUSTOMIZATION_TIMEOUT_SECONDS))
            .text("IntervalSeconds", String.valueOf(ScriptFunctions.CUSTOMIZATION_INTERVAL_SECONDS))));
  }

  /** A plan that only removes (a teardown): no verification block, and every change a REVOKE or REMOVE_MEMBERS. */
  private static boolean teardown(Plan plan) {
    return plan.verification().isEmpty() && plan.steps().stream().filter(s -> s.action() != StepAction.NO_OP)
        .allMatch(s -> s.action() == StepAction.REVOKE
            || s.action() == StepAction.REMOVE_MEMBERS);
  }

  private static String closingMessage(Plan plan) {
    if (teardown(plan)) {
      return "Removed what setup " + plan.setupName() + " made. " + (plan.target().isExchangeOnline()
          ? "Exchange Online caches permissions: access can last up to 2 hours after a role assignment is removed."
          : "Access ends once Active Directory has replicated the removals.");
    }
    String applied = "Setup " + plan.setupName() + " applied.";
    if (!plan.target().isExchangeOnline()) {
      return applied + " The checks below read the role assignments and permissions Exchange stores; if EWS still refuses"
          + " the account, wait for Active Directory replication and try again.";
    }
    ScriptVerification.Check check = plan.verification().map(ScriptVerification::check)
        .orElse(ScriptVerification.Check.SERVICE_PRINCIPAL_AUTHORIZATION);
    return applied + switch (check) {
      case SERVICE_PRINCIPAL_AUTHORIZATION, ROLE_ASSIGNMENT ->
          " Verify access before relying on it: role assignments take up to 2 hours to become effective.";
      case APPLICATION_ACCESS_POLICY ->
          " Verify access before relying on it: an access policy takes more than an hour to become effective.";
      case MAILBOX_PERMISSION ->
          " Verify access before relying on it: a new mailbox permission can take a while to become effective.";
    };
  }

  /** The closing verification block: comments that explain it, then one call of the verification function. */
  private static List<Statement> verification(Plan plan, ScriptVerification v) {
    List<Statement> out = new ArrayList<>();
    out.add(new Statement.Comment("Verification. Re-run this block (with the function above) at any time; it changes nothing."));
    out.add(new Statement.Comment(switch (v.check()) {
      case SERVICE_PRINCIPAL_AUTHORIZATION -> "Test-ServicePrincipalAuthorization reads the RBAC for Applications configuration "
          + "without the permission cache, so it shows the assignments at once, while the app itself gets the access 30 minutes "
          + "to 2 hours later. Each mailbox counts as GRANTED only when every role of this setup has a row with InScope True "
          + "(rows are matched on RoleName or GrantedPermissions, not on any InScope). It does not see tenant-wide Entra "
          + "consent (application permissions granted in Entra admin center), which reaches every mailbox: remove that "
          + "consent for the scope to hold.";
      case APPLICATION_ACCESS_POLICY -> "Test-ApplicationAccessPolicy evaluates the access policies as configured; Microsoft "
          + "Graph enforces a new or changed policy only after more than an hour, so the app may still reach an outsider "
          + "until then.";
      case MAILBOX_PERMISSION -> "Get-MailboxPermission shows the FullAccess entries as stored (a Deny entry does not count).";
      case ROLE_ASSIGNMENT -> "Get-ManagementRoleAssignment -WritableRecipient lists the assignments of the role whose write "
          + "scope includes the mailbox, whether assigned directly or through a role group.";
    }));
    if (!v.granted().isEmpty() || !v.denied().isEmpty()) {
      out.add(new Statement.Comment("Mailboxes named by the setup (declared members, verifyMailboxes and outsider): they must be "
          + (v.groupMembersDenied() ? "DENIED when in the scope group and GRANTED otherwise, as a DenyAccess policy intends."
              : "GRANTED when in the scope and DENIED otherwise.")));
    }
    if (v.group().isPresent() && (v.groupMembersDenied() ? v.denied() : v.granted()).isEmpty()) {
      out.add(new Statement.Comment("No member is named, so the script checks the first member of the scope group it finds."));
    }
    if (v.pickOutsider()) {
      out.add(new Statement.Comment("No outsider is named, so the script checks the first user mailbox that is neither in the "
          + "scope nor among the mailboxes above."));
    } else if (v.denied().isEmpty() && !v.groupMembersDenied() && !v.organizationWide()) {
      out.add(new Statement.Comment("No outsider is named and none can be picked from this scope: add outsider(...) to the "
          + "setup to prove least privilege."));
    }
    out.add(new Statement.Comment("It exits with code 1 when a mailbox in the scope is not GRANTED or a mailbox outside it is "
        + "not DENIED."));
    Cmdlet call = Cmdlet.of(ScriptFunctions.VERIFY).text("Check", v.check().scriptName()).text("Principal", v.principal());
    if (!v.roles().isEmpty()) {
      call = call.list("Roles", v.roles());
    }
    call = call.list("Granted", v.granted()).list("Denied", v.denied());
    if (v.group().isPresent()) {
      call = call.text("Group", v.group().get());
    }
    if (v.groupMembersDenied()) {
      call = call.flag("GroupMembersDenied");
    }
    if (v.pickOutsider()) {
      call = call.flag("PickOutsider");
    }
    if (v.organizationWide()) {
      call = call.flag("OrganizationWide");
    }
    out.add(new Statement.Run(call));
    return out;
  }

  /** {@code #Requires}: the Exchange module online, and each Microsoft Graph PowerShell module whose cmdlets run. */
  private static String requires(boolean online, Set<String> cmdlets, Set<String> functions) {
    if (!online) {
      return "#Requires -Version 5.1";
    }
    Set<String> modules = new LinkedHashSet<>();
    modules.add("ExchangeOnlineManagement");
    for (String c : cmdlets) {
      if (isGraphCmdlet(c)) {
        modules.add(graphModule(c));
      }
    }
    if (functions.contains(ScriptFunctions.ASSERT_GRAPH)) {
      modules.add("Microsoft.Graph.Authentication"); // Get-MgContext
    }
    return "#Requires -Modules " + String.join(", ", modules);
  }

  static boolean isGraphCmdlet(String name) {
    return name.matches("[A-Za-z]+-Mg[A-Z].*");
  }

  /** The Microsoft Graph PowerShell module that exports a cmdlet, by the noun families this library emits. */
  static String graphModule(String cmdlet) {
    String noun = cmdlet.substring(cmdlet.indexOf('-') + 1);
    if (noun.equals("MgGraph") || noun.equals("MgContext") || noun.equals("MgGraphPermission") || noun.equals("MgGraphRequest")) {
      return "Microsoft.Graph.Authentication";
    } else if (noun.equals("MgUserLicense")) {
      return "Microsoft.Graph.Users.Actions";
    } else if (noun.startsWith("MgUser")) {
      return "Microsoft.Graph.Users";
    } else if (noun.startsWith("MgGroup")) {
      return "Microsoft.Graph.Groups";
    } else if (noun.startsWith("MgServicePrincipal") || noun.startsWith("MgApplication")) {
      return "Microsoft.Graph.Applications";
    } else if (noun.startsWith("MgDirectoryAdministrativeUnit") || noun.startsWith("MgOrganization")
        || noun.startsWith("MgDomain")) {
      return "Microsoft.Graph.Identity.DirectoryManagement";
    }
    LOG.warn("No Microsoft Graph PowerShell module is known for {}; #Requires names only the authentication module", cmdlet);
    return "Microsoft.Graph.Authentication";
  }

  private static void cmdletNames(Statement st, Set<String> out) {
    if (st instanceof Statement.Run r) {
      cmdletNames(r.cmdlet(), out);
    } else if (st instanceof Statement.RunIdempotent r) {
      cmdletNames(r.cmdlet(), out);
    } else if (st instanceof Statement.RunUnlessFound r) {
      cmdletNames(r.probe(), out);
      r.actions().forEach(a -> cmdletNames(a, out));
    } else if (st instanceof Statement.RunIfFound r) {
      cmdletNames(r.probe(), out);
      r.actions().forEach(a -> cmdletNames(a, out));
    } else if (st instanceof Statement.Assign a) {
      cmdletNames(a.read(), out);
    } else if (st instanceof Statement.WaitUntilFound w) {
      cmdletNames(w.probe(), out);
    }
  }

  private static void cmdletNames(Cmdlet c, Set<String> out) {
    out.add(c.name());
    for (Cmdlet.Parameter p : c.parameters()) {
      if (p.value() instanceof ParameterValue.Subcommand s) {
        cmdletNames(s.cmdlet(), out);
      }
    }
  }

  private static List<String> connect(Plan plan, boolean graph, Set<String> cmdlets) {
    List<String> out = new ArrayList<>();
    String domain = plan.target().domain();
    if (plan.target().isExchangeOnline()) {
      Cloud cloud = plan.target().cloud().orElse(Cloud.GLOBAL);
      out.add(ScriptRenderer.comment("Connect as an Exchange administrator (Organization Management) of " + domain + ". A session"
          + " that is already open is reused only when it belongs to this organization (its Organization or TenantID, or an"
          + " accepted domain, is " + domain + "); otherwise the script stops here."));
      out.add("if (-not (Get-ConnectionInformation)) {");
      out.add("  " + ScriptRenderer.render(Cmdlet.of("Connect-ExchangeOnline").text("ExchangeEnvironmentName", cloud.exchangeEnvironmentName()).bool("ShowBanner", false)));
      out.add("}");
      out.add(ScriptRenderer.render(Cmdlet.of(ScriptFunctions.ASSERT_EXCHANGE_ONLINE).text("Expected", domain)));
      if (graph) {
        List<String> scopes = graphScopes(plan, cmdlets);
        String environment = switch (cloud) {
          case GLOBAL -> "Global";
          case GCC_HIGH -> "USGov";
          case DOD -> "USGovDoD";
          case CHINA -> "China";
        };
        out.add(ScriptRenderer.comment("Microsoft Graph PowerShell signs in to the same tenant; the script stops if it is another."));
        out.add(ScriptRenderer.render(Cmdlet.of("Connect-MgGraph").list("Scopes", scopes)
            .text("Environment", environment).text("TenantId", domain).flag("NoWelcome")));
        out.add(ScriptRenderer.render(Cmdlet.of(ScriptFunctions.ASSERT_GRAPH).text("Expected", domain)));
      }
    } else {
      String server = plan.target().server().orElse("exchange." + domain);
      out.add(ScriptRenderer.comment("Run in the Exchange Management Shell of " + domain
          + ", or let the script open a Kerberos remote session to " + server
          + (plan.target().server().isEmpty() ? " (a guess: set TenantTarget.exchangeServer(domain, server) for the real one)" : "")
          + ". Either way the script stops unless the organization accepts the domain " + domain + "."));
      Cmdlet session = Cmdlet.of("New-PSSession").text("ConfigurationName", "Microsoft.Exchange")
          .text("ConnectionUri", "http://" + server + "/PowerShell/").text("Authentication", "Kerberos");
      out.add(ScriptRenderer.render(new Statement.RunUnlessFound(Cmdlet.of("Get-Command").text("Name", "Get-ManagementRoleAssignment"),
          List.of(Cmdlet.of("Import-PSSession").param("Session", new ParameterValue.Subcommand(session))
              .flag("DisableNameChecking").flag("AllowClobber")))));
      out.add(ScriptRenderer.render(Cmdlet.of(ScriptFunctions.ASSERT_EXCHANGE_SERVER).text("Expected", domain)));
    }
    out.add("");
    return out;
  }

  /** The delegated Microsoft Graph scopes the script's Graph cmdlets need (least privilege per cmdlet family). */
  private static List<String> graphScopes(Plan plan, Set<String> cmdlets) {
    boolean user = plan.steps().stream().anyMatch(s -> s.action() != StepAction.NO_OP
        && s.operation().orElse(null) instanceof Operation.CreateServiceAccount);
    boolean consent = cmdlets.stream().anyMatch(c -> c.contains("-MgServicePrincipal") || c.equals("Find-MgGraphPermission"));
    boolean administrativeUnit = cmdlets.stream().anyMatch(c -> c.contains("-MgDirectoryAdministrativeUnit"));
    boolean group = cmdlets.stream().anyMatch(c -> c.contains("-MgGroup"));
    List<String> scopes = new ArrayList<>();
    if (user || cmdlets.contains("Update-MgUser") || cmdlets.contains("Set-MgUserLicense")) {
      scopes.addAll(List.of("User.ReadWrite.All", "Organization.Read.All"));
    }
    if (consent) {
      scopes.addAll(List.of("AppRoleAssignment.ReadWrite.All", "Application.Read.All"));
    }
    if (administrativeUnit) {
      scopes.add("AdministrativeUnit.ReadWrite.All");
      if (!scopes.contains("User.ReadWrite.All")) {
        scopes.add("User.Read.All");
      }
    }
    if (group) {
      scopes.add("Group.ReadWrite.All");
    }
    return scopes;
  }
}
