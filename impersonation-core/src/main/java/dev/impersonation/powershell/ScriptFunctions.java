package dev.impersonation.powershell;

import java.util.List;
import java.util.Map;

/**
 * The fixed PowerShell functions an admin script defines at its top: the tenant guards, the bounded wait after
 * {@code Enable-OrganizationCustomization}, the FullAccess probe and the closing verification. Their text never
 * contains a user value: every value reaches them as a single-quoted parameter literal of the line that calls them.
 * The text keeps to a small PowerShell subset (no pipelines, no double-quoted strings, no subexpressions) so that a
 * reader, and the testkit's parser, can check it. The facts behind each function are in {@code docs/scripts.md}.
 */
public final class ScriptFunctions {
  /** Stops the script when the Exchange session belongs to another organization. */
  public static final String ASSERT_EXCHANGE_ONLINE = "Assert-ExchangeOnlineOrganization";
  /** Stops the script when the Exchange Server session belongs to another organization. */
  public static final String ASSERT_EXCHANGE_SERVER = "Assert-ExchangeServerOrganization";
  /** Stops the script when Microsoft Graph PowerShell is signed in to another tenant than Exchange. */
  public static final String ASSERT_GRAPH = "Assert-GraphTenant";
  /** Waits, bounded and with progress, until {@code IsDehydrated} is False. */
  public static final String AWAIT_CUSTOMIZATION = "Wait-OrganizationCustomization";
  /** Finds a FullAccess (not denied) permission of a user on a mailbox; the guard of {@code Add-MailboxPermission}. */
  public static final String FULL_ACCESS_PROBE = "Test-MailboxFullAccess";
  /**
   * Procedure 004B's bulk grant: FullAccess (AutoMapping off) for a user on every mailbox a recipient filter matches when
   * the script runs ({@code Get-Mailbox -ResultSize Unlimited -Filter}), each guarded by {@link #FULL_ACCESS_PROBE}; the
   * user's own mailbox is skipped.
   */
  public static final String GRANT_FULL_ACCESS_BY_FILTER = "Grant-FullAccessByFilter";
  /**
   * FullAccess (AutoMapping off) for a user on every mailbox of a data block, each guarded by {@link #FULL_ACCESS_PROBE}.
   */
  public static final String GRANT_FULL_ACCESS_FROM_LIST = "Grant-FullAccessFromList";
  /**
   * Adds every address of a data block to a group, one cmdlet per member ({@code Add-DistributionGroupMember}, or
   * {@code Add-UnifiedGroupLinks} for a Microsoft 365 group), "already a member" counting as done, with progress.
   */
  public static final String ADD_MEMBERS_FROM_LIST = "Add-GroupMembersFromList";
  /** Removes every address of a data block from a group, one cmdlet per member, "not a member" counting as done. */
  public static final String REMOVE_MEMBERS_FROM_LIST = "Remove-GroupMembersFromList";
  /** Finds an access policy of the app with the same access right on the same group; the guard of its creation. */
  public static final String ACCESS_POLICY_PROBE = "Find-ApplicationAccessPolicy";
  /**
   * Adds an app to the organization's EWS allow list ({@code EwsAllowedAppIDs}), keeping every id already on it: the
   * service writes the list whole, so the function reads it first.
   */
  public static final String ALLOW_EWS_APPLICATION = "Add-EwsAllowedApplication";
  /** Removes an app from the EWS allow list, keeping every other id (teardown); never empties a list that held others. */
  public static final String DISALLOW_EWS_APPLICATION = "Remove-EwsAllowedApplication";
  /**
   * The gate of a migration from an access policy: stops the script, before anything is removed, unless every direct
   * member of the scope group is in scope for every role ({@code Test-ServicePrincipalAuthorization}).
   */
  public static final String CONFIRM_RBAC = "Confirm-RbacForApplications";
  /** The closing verification: GRANTED / DENIED per mailbox, {@code exit 1} when least privilege fails. */
  public static final String VERIFY = "Test-ImpersonationAccess";

  /** How long the script waits for {@code IsDehydrated} to turn False before it gives up. */
  public static final int CUSTOMIZATION_TIMEOUT_SECONDS = 1800;
  /** Seconds between two reads of {@code IsDehydrated}. */
  public static final int CUSTOMIZATION_INTERVAL_SECONDS = 30;

  private static final Map<String, String> TEXT = Map.ofEntries(
      Map.entry(ASSERT_EXCHANGE_ONLINE, String.join("\n",
          "function " + ASSERT_EXCHANGE_ONLINE + "([string] $Expected) {",
          "  # Get-ConnectionInformation lists every REST connection of this PowerShell session with its Organization",
          "  # and TenantID; a session left open for another organization must not receive this script.",
          "  foreach ($connection in @(Get-ConnectionInformation)) {",
          "    if ([string] $connection.State -ne 'Connected') { continue }",
          "    if ([string] $connection.Organization -eq $Expected -or [string] $connection.TenantID -eq $Expected) { continue }",
          "    $accepted = $false",
          "    foreach ($domain in @(Get-AcceptedDomain)) { if ([string] $domain.DomainName -eq $Expected) { $accepted = $true } }",
          "    if ($accepted) { continue }",
          "    throw ('This PowerShell session is connected to the Exchange Online organization ' + $connection.Organization"
              + " + ' (tenant ' + $connection.TenantID + '), not to ' + $Expected + '. Run Disconnect-ExchangeOnline"
              + " -Confirm:$false, then run this script again.')",
          "  }",
          "}")),
      Map.entry(ASSERT_EXCHANGE_SERVER, String.join("\n",
          "function " + ASSERT_EXCHANGE_SERVER + "([string] $Expected) {",
          "  # An Exchange organization answers for the domains it accepts; a session to another organization does not.",
          "  $accepted = @()",
          "  foreach ($domain in @(Get-AcceptedDomain)) { $accepted += [string] $domain.DomainName }",
          "  if ($accepted -notcontains $Expected) {",
          "    throw ('This session is connected to an Exchange organization whose accepted domains are ' + ($accepted -join ', ')"
              + " + ', not to ' + $Expected + '. Open a session to the right organization and run this script again.')",
          "  }",
          "}")),
      Map.entry(ASSERT_GRAPH, String.join("\n",
          "function " + ASSERT_GRAPH + "([string] $Expected) {",
          "  # Get-MgContext names the tenant Microsoft Graph PowerShell is signed in to; it must be the tenant of the",
          "  # Exchange connection checked before (its TenantID), or the expected value itself when that is a tenant id.",
          "  $context = Get-MgContext",
          "  if (-not $context) { throw ('Microsoft Graph PowerShell is not signed in; run Connect-MgGraph -TenantId ' + $Expected + '.') }",
          "  $tenants = @($Expected)",
          "  foreach ($connection in @(Get-ConnectionInformation)) {",
          "    if ([string] $connection.State -eq 'Connected') { $tenants += [string] $connection.TenantID }",
          "  }",
          "  if ($tenants -notcontains [string] $context.TenantId) {",
          "    throw ('Microsoft Graph PowerShell is signed in to tenant ' + $context.TenantId + ', but Exchange to '"
              + " + ($tenants -join ' / ') + '. Run Disconnect-MgGraph, then run this script again.')",
          "  }",
          "}")),
      Map.entry(AWAIT_CUSTOMIZATION, String.join("\n",
          "function " + AWAIT_CUSTOMIZATION + "([int] $TimeoutSeconds, [int] $IntervalSeconds) {",
          "  # Exchange Online refuses role groups, scopes and role assignments while IsDehydrated is True.",
          "  $activity = 'Waiting until Exchange Online accepts RBAC changes (IsDehydrated turns False)'",
          "  $waited = 0",
          "  while ((Get-OrganizationConfig).IsDehydrated) {",
          "    if ($waited -ge $TimeoutSeconds) {",
          "      Write-Progress -Activity $activity -Completed",
          "      throw ('IsDehydrated is still True ' + $waited + ' seconds after Enable-OrganizationCustomization. Wait a few'"
              + " + ' minutes and run this script again: every step checks first, so it continues where it stopped.')",
          "    }",
          "    Write-Progress -Activity $activity -Status ('waited ' + $waited + ' of at most ' + $TimeoutSeconds + ' seconds')",
          "    Start-Sleep -Seconds $IntervalSeconds",
          "    $waited += $IntervalSeconds",
          "  }",
          "  Write-Progress -Activity $activity -Completed",
          "}")),
      Map.entry(FULL_ACCESS_PROBE, String.join("\n",
          "function " + FULL_ACCESS_PROBE + " {",
          "  [CmdletBinding()]",
          "  param([string] $Identity, [string] $User)",
          "  # True when Get-MailboxPermission shows FullAccess for the user that is not a Deny entry.",
          "  foreach ($permission in @(Get-MailboxPermission -Identity $Identity -User $User -ErrorAction SilentlyContinue)) {",
          "    if (([string] $permission.AccessRights) -match 'FullAccess' -and [string] $permission.Deny -ne 'True') { return $true }",
          "  }",
          "  return $false",
          "}")),
      Map.entry(GRANT_FULL_ACCESS_BY_FILTER, String.join("\n",
          "function " + GRANT_FULL_ACCESS_BY_FILTER + " {",
          "  [CmdletBinding()]",
          "  param([string] $Filter, [string] $User)",
          "  # Every mailbox the OPATH filter matches now, read in one paged Get-Mailbox call, gets FullAccess for the user",
          "  # with AutoMapping off, unless it has it already; the user's own mailbox is skipped. Run again to cover",
          "  # mailboxes that match the filter later.",
          "  $granted = 0",
          "  $matched = 0",
          "  foreach ($mailbox in @(Get-Mailbox -ResultSize Unlimited -Filter $Filter)) {",
          "    $identity = [string] $mailbox.PrimarySmtpAddress",
          "    if ($identity -eq $User -or [string] $mailbox.UserPrincipalName -eq $User) { continue }",
          "    $matched += 1",
          "    if (-not (" + FULL_ACCESS_PROBE + " -Identity $identity -User $User)) {",
          "      Add-MailboxPermission -Identity $identity -User $User -AccessRights FullAccess -AutoMapping:$false",
          "      $granted += 1",
          "    }",
          "  }",
          "  Write-Host ('FullAccess for ' + $User + ': ' + $matched + ' mailbox(es) match the filter, ' + $granted + ' granted now.')",
          "}")),
      Map.entry(GRANT_FULL_ACCESS_FROM_LIST, String.join("\n",
          "function " + GRANT_FULL_ACCESS_FROM_LIST + " {",
          "  [CmdletBinding()]",
          "  param([string] $User, [string[]] $Mailboxes)",
          "  # Each mailbox of the list gets FullAccess for the user with AutoMapping off, unless it has it already.",
          "  $granted = 0",
          "  foreach ($identity in $Mailboxes) {",
          "    if (-not (" + FULL_ACCESS_PROBE + " -Identity $identity -User $User)) {",
          "      Add-MailboxPermission -Identity $identity -User $User -AccessRights FullAccess -AutoMapping:$false",
          "      $granted += 1",
          "    }",
          "  }",
          "  Write-Host ('FullAccess for ' + $User + ': ' + $Mailboxes.Count + ' mailbox(es) in the list, ' + $granted + ' granted now.')",
          "}")),
      Map.entry(ADD_MEMBERS_FROM_LIST, membersFromList(ADD_MEMBERS_FROM_LIST, "already there (MemberAlreadyExists)",
          "Add-UnifiedGroupLinks -Identity $Identity -LinkType Members -Links $member",
          "Add-DistributionGroupMember -Identity $Identity -Member $member -BypassSecurityGroupManagerCheck",
          "added to or already in")),
      Map.entry(REMOVE_MEMBERS_FROM_LIST, membersFromList(REMOVE_MEMBERS_FROM_LIST, "already gone (MemberNotFound)",
          "Remove-UnifiedGroupLinks -Identity $Identity -LinkType Members -Links $member -Confirm:$false",
          "Remove-DistributionGroupMember -Identity $Identity -Member $member -BypassSecurityGroupManagerCheck -Confirm:$false",
          "removed from or already gone from")),
      Map.entry(ACCESS_POLICY_PROBE, String.join("\n",
          "function " + ACCESS_POLICY_PROBE + " {",
          "  [CmdletBinding()]",
          "  param([string] $AppId, [string] $ScopeGroup, [string] $AccessRight)",
          "  # True when a policy of the app with this access right already names the group (ScopeName or ScopeIdentity).",
          "  foreach ($policy in @(Get-ApplicationAccessPolicy)) {",
          "    $names = @([string] $policy.ScopeName, [string] $policy.ScopeIdentity)",
          "    if ([string] $policy.AppId -eq $AppId -and [string] $policy.AccessRight -eq $AccessRight -and $names -contains $ScopeGroup) {",
          "      return $true",
          "    }",
          "  }",
          "  return $false",
          "}")),
      Map.entry(ALLOW_EWS_APPLICATION, String.join("\n",
          "function " + ALLOW_EWS_APPLICATION + " {",
          "  [CmdletBinding()]",
          "  param([string] $AppId)",
          "  # EwsAllowedAppIDs is written whole: read it, keep every id on it, and add the app once.",
          "  $ids = @()",
          "  foreach ($entry in @((Get-OrganizationConfig -RetrieveEwsOperationAccessPolicy).EwsAllowedAppIDs)) {",
          "    foreach ($id in @(([string] $entry) -split '[,;\\s]+')) {",
          "      if ($id -and -not ($ids -contains $id)) { $ids += $id }",
          "    }",
          "  }",
          "  if ($ids -contains $AppId) {",
          "    Write-Host ('App ' + $AppId + ' is already on EwsAllowedAppIDs.')",
          "    return",
          "  }",
          "  Set-OrganizationConfig -EwsAllowedAppIDs (($ids + $AppId) -join ',')",
          "}")),
      Map.entry(DISALLOW_EWS_APPLICATION, String.join("\n",
          "function " + DISALLOW_EWS_APPLICATION + " {",
          "  [CmdletBinding()]",
          "  param([string] $AppId)",
          "  # EwsAllowedAppIDs is written whole: keep every other id. The last id is left in place: an empty list admits every app.",
          "  $ids = @()",
          "  foreach ($entry in @((Get-OrganizationConfig -RetrieveEwsOperationAccessPolicy).EwsAllowedAppIDs)) {",
          "    foreach ($id in @(([string] $entry) -split '[,;\\s]+')) {",
          "      if ($id -and $id -ne $AppId -and -not ($ids -contains $id)) { $ids += $id }",
          "    }",
          "  }",
          "  if ($ids.Count -eq 0) {",
          "    Write-Warning ('App ' + $AppId + ' is the only id on EwsAllowedAppIDs; removing it would admit every app to EWS, so it stays.')",
          "    return",
          "  }",
          "  Set-OrganizationConfig -EwsAllowedAppIDs ($ids -join ',')",
          "}")),
      Map.entry(CONFIRM_RBAC, String.join("\n",
          "function " + CONFIRM_RBAC + " {",
          "  [CmdletBinding()]",
          "  param([string] $AppId, [string[]] $Roles, [string] $Group)",
          "  # Nothing is removed unless every direct member of the group is in scope for every role (InScope True, and the",
          "  # role's name or its permission among GrantedPermissions).",
          "  $members = @(Get-DistributionGroupMember -Identity $Group -ResultSize Unlimited -ErrorAction Stop)",
          "  if ($members.Count -eq 0) { throw ('The group ' + $Group + ' has no members: nothing proves the role assignments, so nothing is removed.') }",
          "  $missing = @()",
          "  foreach ($member in $members) {",
          "    $address = [string] $member.PrimarySmtpAddress",
          "    $rows = @(Test-ServicePrincipalAuthorization -Identity $AppId -Resource $address -ErrorAction Stop)",
          "    foreach ($role in $Roles) {",
          "      $permission = $role -replace '^Application ', ''",
          "      $covered = $false",
          "      foreach ($row in $rows) {",
          "        $granted = @(([string] $row.GrantedPermissions) -split '[, ]+')",
          "        if ([string] $row.InScope -eq 'True' -and ([string] $row.RoleName -eq $role -or $granted -contains $permission)) { $covered = $true }",
          "      }",
          "      if (-not $covered) { $missing += ($address + ' (' + $role + ')') }",
          "    }",
          "  }",
          "  if ($missing.Count -gt 0) { throw ('RBAC for Applications does not cover ' + ($missing -join ', ') + ': nothing was removed.') }",
          "  Write-Host ('Every member of ' + $Group + ' is in scope: removing what RBAC for Applications replaces.')",
          "}")),
      Map.entry(VERIFY, String.join("\n",
          "function " + VERIFY + " {",
          "  [CmdletBinding()]",
          "  param([string] $Check, [string] $Principal, [string[]] $Roles = @(), [string[]] $Granted = @(),",
          "    [string[]] $Denied = @(), [string] $Group = '', [switch] $GroupMembersDenied, [switch] $PickOutsider,",
          "    [switch] $OrganizationWide)",
          "  # Mailboxes not declared in the setup are picked now: a member of the scope group, and a mailbox that is",
          "  # neither in the group nor among the mailboxes already listed.",
          "  $members = @()",
          "  if ($Group) {",
          "    try { $list = @(Get-DistributionGroupMember -Identity $Group -ResultSize Unlimited -ErrorAction Stop) }",
          "    catch { $list = @(Get-UnifiedGroupLinks -Identity $Group -LinkType Members -ResultSize Unlimited) }",
          "    foreach ($member in $list) { $members += [string] $member.PrimarySmtpAddress }",
          "    if ($members.Count -gt 0) {",
          "      if ($GroupMembersDenied -and $Denied.Count -eq 0) { $Denied = @($members[0]) }",
          "      if (-not $GroupMembersDenied -and $Granted.Count -eq 0) { $Granted = @($members[0]) }",
          "    }",
          "  }",
          "  if ($PickOutsider) {",
          "    $known = @($Granted) + @($Denied) + @($members) + @($Principal)",
          "    foreach ($mailbox in @(Get-Mailbox -RecipientTypeDetails UserMailbox -ResultSize 1000)) {",
          "      $address = [string] $mailbox.PrimarySmtpAddress",
          "      if ($known -notcontains $address) {",
          "        if ($GroupMembersDenied) { $Granted = @($Granted) + $address } else { $Denied = @($Denied) + $address }",
          "        break",
          "      }",
          "    }",
          "  }",
          "  $test = {",
          "    param([string] $Mailbox)",
          "    if ($Check -eq 'ServicePrincipalAuthorization') {",
          "      # One row per role assignment; a row counts when it grants one of the roles of this setup and InScope is True.",
          "      $rows = @(Test-ServicePrincipalAuthorization -Identity $Principal -Resource $Mailbox)",
          "      $hits = 0",
          "      foreach ($role in $Roles) {",
          "        $permission = $role.Replace('Application ', '')",
          "        foreach ($row in $rows) {",
          "          $permissions = @(([string] $row.GrantedPermissions) -split '[, ]+')",
          "          $grants = ([string] $row.RoleName -eq $role) -or ($permissions -contains $permission)",
          "          if ($grants -and [string] $row.InScope -eq 'True') { $hits++; break }",
          "        }",
          "      }",
          "    } elseif ($Check -eq 'ApplicationAccessPolicy') {",
          "      $result = Test-ApplicationAccessPolicy -Identity $Mailbox -AppId $Principal",
          "      if ([string] $result.AccessCheckResult -eq 'Granted') { return 'GRANTED' }",
          "      return 'DENIED'",
          "    } elseif ($Check -eq 'MailboxPermission') {",
          "      if (" + FULL_ACCESS_PROBE + " -Identity $Mailbox -User $Principal) { return 'GRANTED' }",
          "      return 'DENIED'",
          "    } else {",
          "      # An assignment of the role to the account (directly or through a role group) whose write scope holds the mailbox.",
          "      $hits = 0",
          "      foreach ($role in $Roles) {",
          "        $assignments = @(Get-ManagementRoleAssignment -Role $role -RoleAssignee $Principal -WritableRecipient $Mailbox"
              + " -ErrorAction SilentlyContinue)",
          "        if ($assignments.Count -gt 0) { $hits++ }",
          "      }",
          "    }",
          "    if ($hits -eq 0) { return 'DENIED' }",
          "    if ($hits -eq $Roles.Count) { return 'GRANTED' }",
          "    return 'PARTIAL'",
          "  }",
          "  $failed = $false",
          "  Write-Host ('Verification with ' + $Check + ' for ' + $Principal + ':')",
          "  foreach ($mailbox in $Granted) {",
          "    $state = & $test $mailbox",
          "    if ($state -eq 'GRANTED') { Write-Host ('  GRANTED  ' + $mailbox + ' (in scope, as intended)') } else {",
          "      Write-Host ('  ' + $state + '  ' + $mailbox + ' (in scope: should be GRANTED)')",
          "      $failed = $true",
          "    }",
          "  }",
          "  foreach ($mailbox in $Denied) {",
          "    $state = & $test $mailbox",
          "    if ($state -eq 'DENIED') { Write-Host ('  DENIED   ' + $mailbox + ' (outside the scope, as intended)') } else {",
          "      Write-Host ('  ' + $state + '  ' + $mailbox + ' (outside the scope: should be DENIED)')",
          "      $failed = $true",
          "    }",
          "  }",
          "  if ($Granted.Count -eq 0) { Write-Warning 'No mailbox in the scope was checked: name one with verifyMailboxes(...) and export the script again.' }",
          "  if ($Denied.Count -eq 0 -and -not $OrganizationWide) { Write-Warning 'No mailbox outside the scope was checked: name one with outsider(...) and export the script again.' }",
          "  if ($OrganizationWide) { Write-Warning 'The scope is the whole organization: there is no mailbox outside it to check.' }",
          "  if ($failed) {",
          "    Write-Host 'Least privilege is NOT proven: fix the grants above (see docs/diagnostics.md) and run this script again.'",
          "    exit 1",
          "  }",
          "  Write-Host 'Verified: every checked mailbox is as intended.'",
          "}")));

  private ScriptFunctions() {}

  /** The text of {@link #ADD_MEMBERS_FROM_LIST} or {@link #REMOVE_MEMBERS_FROM_LIST}: the same loop over other cmdlets. */
  private static String membersFromList(String name, String done, String unifiedCmdlet, String exchangeCmdlet, String outcome) {
    return String.join("\n",
        "function " + name + " {",
        "  [CmdletBinding()]",
        "  param([string] $Identity, [string] $LinkType, [string[]] $Members)",
        "  # One cmdlet per member (the cmdlets take one each); a member " + done + " counts as done, so the",
        "  # script can run again. LinkType is Unified for a Microsoft 365 group, Members for Exchange groups.",
        "  $done = 0",
        "  $report = 100",
        "  foreach ($member in $Members) {",
        "    if ($LinkType -eq 'Unified') {",
        "      Invoke-Idempotent { " + unifiedCmdlet + " }",
        "    } else {",
        "      Invoke-Idempotent { " + exchangeCmdlet + " }",
        "    }",
        "    $done += 1",
        "    if ($done -ge $report -or $done -eq $Members.Count) {",
        "      Write-Progress -Activity ('Members of ' + $Identity) -Status ([string] $done + ' of ' + $Members.Count)",
        "      $report += 100",
        "    }",
        "  }",
        "  Write-Host ([string] $Members.Count + ' member(s) " + outcome + ": ' + $Identity)",
        "}");
  }

  /** The names of every function this class defines. */
  public static List<String> names() {
    return List.of(ASSERT_EXCHANGE_ONLINE, ASSERT_EXCHANGE_SERVER, ASSERT_GRAPH, AWAIT_CUSTOMIZATION, FULL_ACCESS_PROBE,
        GRANT_FULL_ACCESS_BY_FILTER, GRANT_FULL_ACCESS_FROM_LIST, ADD_MEMBERS_FROM_LIST, REMOVE_MEMBERS_FROM_LIST, ACCESS_POLICY_PROBE, ALLOW_EWS_APPLICATION, DISALLOW_EWS_APPLICATION, CONFIRM_RBAC, VERIFY);
  }

  /** The definition of the named function. @throws IllegalArgumentException for another name */
  public static String definition(String name) {
    String text = TEXT.get(name);
    if (text == null) {
      throw new IllegalArgumentException("no script function " + name);
    }
    return text;
  }
}
