package dev.impersonation.testkit;

import dev.impersonation.TenantException;
import dev.impersonation.spi.OrganizationConfig;
import dev.impersonation.spi.Recipient;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

/** A cmdlet's parameter values keyed by lower-case name, and the table of the parameters each cmdlet accepts. */
final class CmdletParams {
  /** Parameters every cmdlet accepts (PowerShell common parameters and the confirmation switch). */
  private static final Set<String> COMMON = Set.of("confirm", "erroraction", "warningaction", "verbose", "debug", "whatif");

  /** Accepted parameters per cmdlet, lower case. */
  private static final Map<String, Set<String>> PARAMETERS = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);

  static {
    PARAMETERS.put("Get-OrganizationConfig", Set.of("retrieveewsoperationaccesspolicy"));
    PARAMETERS.put("Set-OrganizationConfig", Set.of("ewsenabled", "ewsallowedappids"));
    PARAMETERS.put("Enable-OrganizationCustomization", Set.of());
    PARAMETERS.put("Get-Recipient", Set.of("identity", "recipienttypedetails", "resultsize", "filter"));
    PARAMETERS.put("Get-Mailbox", Set.of("identity", "recipienttypedetails", "resultsize", "filter"));
    PARAMETERS.put("Get-CASMailbox", Set.of("identity", "filter", "resultsize"));
    PARAMETERS.put("Get-EXOMailboxPermission", Set.of("resultsize"));
    PARAMETERS.put("Get-DistributionGroup", Set.of("identity", "resultsize"));
    PARAMETERS.put("Get-UnifiedGroup", Set.of("identity", "resultsize"));
    PARAMETERS.put("Get-DistributionGroupMember", Set.of("identity", "resultsize"));
    PARAMETERS.put("Get-UnifiedGroupLinks", Set.of("identity", "linktype", "resultsize"));
    PARAMETERS.put("Get-ManagementScope", Set.of("identity"));
    PARAMETERS.put("Get-ManagementRoleAssignment", Set.of("identity", "roleassignee", "role", "writablerecipient", "resultsize",
        "geteffectiveusers"));
    PARAMETERS.put("Get-RoleGroup", Set.of("identity"));
    PARAMETERS.put("Get-ManagementRole", Set.of("identity"));
    PARAMETERS.put("Get-MailboxPermission", Set.of("identity", "user"));
    PARAMETERS.put("Get-ServicePrincipal", Set.of("identity"));
    PARAMETERS.put("Get-ApplicationAccessPolicy", Set.of("identity"));
    PARAMETERS.put("Test-ServicePrincipalAuthorization", Set.of("identity", "resource"));
    PARAMETERS.put("Test-ApplicationAccessPolicy", Set.of("identity", "appid"));
    PARAMETERS.put("New-DistributionGroup", Set.of("name", "alias", "displayname", "type", "roomlist", "managedby",
        "memberjoinrestriction", "notes", "primarysmtpaddress", "members"));
    PARAMETERS.put("Set-DistributionGroup", Set.of("identity", "managedby", "memberjoinrestriction",
        "hiddenfromaddresslistsenabled", "bypasssecuritygroupmanagercheck"));
    PARAMETERS.put("Add-DistributionGroupMember", Set.of("identity", "member", "bypasssecuritygroupmanagercheck"));
    PARAMETERS.put("Remove-DistributionGroupMember", Set.of("identity", "member", "bypasssecuritygroupmanagercheck"));
    PARAMETERS.put("New-UnifiedGroup", Set.of("displayname", "alias", "accesstype", "notes", "owner"));
    PARAMETERS.put("Add-UnifiedGroupLinks", Set.of("identity", "linktype", "links"));
    PARAMETERS.put("Remove-UnifiedGroupLinks", Set.of("identity", "linktype", "links"));
    PARAMETERS.put("Set-UnifiedGroup", Set.of("identity", "hiddenfromaddresslistsenabled"));
    PARAMETERS.put("New-ManagementScope", Set.of("name", "recipientrestrictionfilter", "force"));
    PARAMETERS.put("New-ManagementRoleAssignment", Set.of("name", "role", "user", "securitygroup", "app",
        "customrecipientwritescope", "customresourcescope", "recipientadministrativeunitscope", "recipientgroupscope", "force"));
    PARAMETERS.put("New-RoleGroup", Set.of("name", "roles", "members", "customrecipientwritescope", "description"));
    PARAMETERS.put("Add-RoleGroupMember", Set.of("identity", "member", "bypasssecuritygroupmanagercheck"));
    PARAMETERS.put("New-ServicePrincipal", Set.of("appid", "objectid", "displayname"));
    PARAMETERS.put("Remove-ApplicationAccessPolicy", Set.of("identity"));
    PARAMETERS.put("Remove-ManagementRoleAssignment", Set.of("identity"));
    PARAMETERS.put("Remove-ManagementScope", Set.of("identity"));
    PARAMETERS.put("Remove-RoleGroup", Set.of("identity", "bypasssecuritygroupmanagercheck"));
    PARAMETERS.put("Remove-ServicePrincipal", Set.of("identity"));
    PARAMETERS.put("Remove-DistributionGroup", Set.of("identity", "bypasssecuritygroupmanagercheck"));
    PARAMETERS.put("Remove-MailboxPermission", Set.of("identity", "user", "accessrights", "inheritancetype"));
    PARAMETERS.put("New-ApplicationAccessPolicy", Set.of("appid", "policyscopegroupid", "accessright", "description"));
    PARAMETERS.put("New-Mailbox", Set.of("name", "displayname", "userprincipalname", "password"));
    PARAMETERS.put("Add-MailboxPermission", Set.of("identity", "user", "accessrights", "automapping", "inheritancetype"));
  }

  /** The cmdlets the simulator knows, in alphabetical order. */
  static List<String> supported() {
    return List.copyOf(PARAMETERS.keySet());
  }

  /**
   * Binds {@code parameters} to {@code cmdlet} as PowerShell would: an unknown cmdlet is a CommandNotFoundException, a
   * parameter it does not take a ParameterBindingException; the cmdlet's name is then spelled as the simulator knows it.
   */
  static CmdletParams bind(String cmdlet, Map<String, ?> parameters) {
    Set<String> accepted = PARAMETERS.get(cmdlet);
    if (accepted == null) {
      throw new TenantException("CommandNotFoundException: The term '" + cmdlet + "' is not recognized as a name of a cmdlet, "
          + "function, script file, or executable program. (Exchange admin API simulator: not modelled or misspelled.)");
    }
    String name = PARAMETERS.keySet().stream().filter(c -> c.equalsIgnoreCase(cmdlet)).findFirst().orElseThrow();
    CmdletParams p = new CmdletParams(cmdlet, name, parameters);
    for (String key : p.values.keySet()) {
      if (!accepted.contains(key) && !COMMON.contains(key)) {
        throw new TenantException("ParameterBindingException: A parameter cannot be found that matches parameter name '"
            + p.original.get(key) + "'. (" + cmdlet + ")");
      }
    }
    return p;
  }

  /** The cmdlet as the caller spelled it (error messages quote it). */
  final String cmdlet;
  /** The cmdlet as the simulator spells it. */
  final String name;
  final Map<String, Object> values = new LinkedHashMap<>();
  final Map<String, String> original = new LinkedHashMap<>();

  private CmdletParams(String cmdlet, String name, Map<String, ?> parameters) {
    this.cmdlet = cmdlet;
    this.name = name;
    if (parameters != null) {
      parameters.forEach((k, v) -> {
        values.put(k.toLowerCase(Locale.ROOT), v);
        original.put(k.toLowerCase(Locale.ROOT), k);
      });
    }
  }

  boolean has(String name) {
    return values.containsKey(name.toLowerCase(Locale.ROOT));
  }

  Object raw(String name) {
    return values.get(name.toLowerCase(Locale.ROOT));
  }

  Optional<String> text(String name) {
    Object v = raw(name);
    if (v == null) {
      return Optional.empty();
    }
    if (v instanceof String str) {
      return Optional.of(str);
    }
    if (v instanceof List<?> l && l.size() == 1 && l.get(0) instanceof String str) {
      return Optional.of(str);
    }
    throw binding(name, "System.String", v);
  }

  String required(String name) {
    return text(name).filter(t -> !t.isEmpty()).orElseThrow(() -> new TenantException("ParameterBindingException: Cannot "
        + "process command because of one or more missing mandatory parameters: " + name + ". (" + cmdlet + ")"));
  }

  List<String> list(String name) {
    Object v = raw(name);
    if (v == null) {
      return List.of();
    }
    if (v instanceof String str) {
      return List.of(str);
    }
    if (v instanceof List<?> l && l.stream().allMatch(x -> x instanceof String)) {
      return l.stream().map(String.class::cast).toList();
    }
    throw binding(name, "System.String[]", v);
  }

  boolean bool(String name) {
    Object v = raw(name);
    if (v == null) {
      return false;
    }
    if (v instanceof Boolean b) {
      return b;
    }
    if (v instanceof String str && (str.equalsIgnoreCase("true") || str.equalsIgnoreCase("false"))) {
      return Boolean.parseBoolean(str);
    }
    throw binding(name, "System.Boolean", v);
  }

  /** A hashtable value ({@code @odata.type} #Exchange.GenericHashTable), keys other than the type marker. */
  Optional<Map<String, List<String>>> table(String name) {
    if (!(raw(name) instanceof Map<?, ?> m)) {
      return Optional.empty();
    }
    Map<String, List<String>> out = new LinkedHashMap<>();
    m.forEach((k, v) -> {
      if (String.valueOf(k).startsWith("@odata")) {
        return;
      }
      out.put(String.valueOf(k), v instanceof List<?> l ? l.stream().map(String::valueOf).toList() : List.of(String.valueOf(v)));
    });
    return Optional.of(out);
  }

  private TenantException binding(String name, String type, Object v) {
    return new TenantException("ParameterBindingException: Cannot bind parameter '" + name + "'. Cannot convert value \""
        + v + "\" to type \"" + type + "\". (" + cmdlet + ")");
  }
}
