# bootstrap.ps1: the PowerShell side of dev.impersonation.exchange.PowerShellProcessTransport (protocol version 1).
# One JSON object per line on stdin; one JSON object per line on stdout. Secrets arrive only inside frames on stdin,
# become SecureStrings (or, for Connect-ExchangeOnline -AccessToken, a string) and are never written anywhere.
# Requires PowerShell 7 (System.Text.Json, -EscapeHandling).
$ErrorActionPreference = 'Stop'
$ProgressPreference = 'SilentlyContinue'
$WarningPreference = 'SilentlyContinue'
$InformationPreference = 'SilentlyContinue'
$VerbosePreference = 'SilentlyContinue'
$ConfirmPreference = 'None'

try { Add-Type -AssemblyName System.Text.Json } catch { }

$script:ConnectKind = $null
$script:ExchangeSession = $null

function Send-Frame($frame) {
  $json = ConvertTo-Json -InputObject $frame -Depth 10 -Compress -EscapeHandling EscapeNonAscii
  [Console]::Out.Write($json + "`n")
  [Console]::Out.Flush()
}

function ConvertFrom-JsonElement([System.Text.Json.JsonElement]$e) {
  switch ($e.ValueKind.ToString()) {
    'Object' {
      $h = [ordered]@{}
      foreach ($p in $e.EnumerateObject()) { $h[$p.Name] = ConvertFrom-JsonElement $p.Value }
      return $h
    }
    'Array' {
      $list = [System.Collections.Generic.List[object]]::new()
      foreach ($i in $e.EnumerateArray()) { $list.Add((ConvertFrom-JsonElement $i)) }
      return ,$list.ToArray()
    }
    'String' { return $e.GetString() }
    'True' { return $true }
    'False' { return $false }
    'Number' {
      $n = 0L
      if ($e.TryGetInt64([ref]$n)) { return $n }
      return $e.GetDouble()
    }
    default { return $null }
  }
}

# A wire parameter value as the cmdlet expects it: hashtable markers become real hashtables.
function ConvertTo-ParameterValue($v) {
  if ($v -is [System.Collections.IDictionary]) {
    $h = @{}
    foreach ($k in @($v.Keys)) {
      if ($k -ne '@odata.type') { $h[$k] = $v[$k] }
    }
    return $h
  }
  if ($v -is [array]) { return ,$v }
  return $v
}

# An output value as JSON-friendly data: dates as ISO 8601 UTC, enums and other objects as strings.
function ConvertTo-WireValue($v, [int]$depth) {
  if ($null -eq $v) { return $null }
  if ($v -is [psobject] -and $null -ne $v.PSObject.BaseObject -and -not ($v.PSObject.BaseObject -is [System.Management.Automation.PSCustomObject])) {
    $v = $v.PSObject.BaseObject
  }
  if ($v -is [string] -or $v -is [bool]) { return $v }
  if ($v -is [datetime]) { return $v.ToUniversalTime().ToString('o') }
  if ($v -is [datetimeoffset]) { return $v.UtcDateTime.ToString('o') }
  if ($v -is [enum] -or $v -is [guid] -or $v -is [char]) { return $v.ToString() }
  if ($v -is [ValueType] -and $v.GetType().IsPrimitive) { return $v }
  if ($depth -ge 3) { return $v.ToString() }
  if ($v -is [System.Collections.IDictionary]) {
    $h = [ordered]@{}
    foreach ($k in @($v.Keys)) { $h[[string]$k] = ConvertTo-WireValue $v[$k] ($depth + 1) }
    return $h
  }
  if ($v -is [System.Collections.IEnumerable]) {
    $list = [System.Collections.Generic.List[object]]::new()
    foreach ($i in $v) { $list.Add((ConvertTo-WireValue $i ($depth + 1))) }
    return ,$list.ToArray()
  }
  if ($v -is [System.Management.Automation.PSCustomObject]) {
    # Objects deserialized from a remote session carry their meaning in ToString (e.g. ADObjectId names).
    if (@($v.PSObject.TypeNames | Where-Object { $_ -like 'Deserialized.*' }).Count -gt 0) { return $v.ToString() }
    return ConvertTo-Row $v ($depth + 1)
  }
  return $v.ToString()
}

# One output object as a row (Select-Object * semantics).
function ConvertTo-Row($o, [int]$depth = 0) {
  $base = if ($o -is [psobject]) { $o.PSObject.BaseObject } else { $o }
  if ($base -is [string] -or $base -is [ValueType]) { return [ordered]@{ Value = (ConvertTo-WireValue $base ($depth + 1)) } }
  if ($base -is [System.Collections.IDictionary]) { return ConvertTo-WireValue $base $depth }
  $row = [ordered]@{}
  foreach ($p in $o.PSObject.Properties) {
    if ($p.MemberType -notin 'Property', 'NoteProperty', 'AliasProperty', 'ScriptProperty', 'CodeProperty') { continue }
    $value = $null
    try { $value = $p.Value } catch { $value = $null }
    $row[$p.Name] = ConvertTo-WireValue $value ($depth + 1)
  }
  return $row
}

function Invoke-Connect($connect, $secrets) {
  $kind = [string]$connect['kind']
  switch ($kind) {
    'ExchangeOnline' {
      if ($script:ConnectKind -eq 'ExchangeOnline') {
        try { Disconnect-ExchangeOnline -Confirm:$false 3>$null 4>$null 5>$null 6>$null | Out-Null } catch { }
      }
      Import-Module ExchangeOnlineManagement -Global -DisableNameChecking 3>$null 4>$null 5>$null 6>$null
      $p = @{ Organization = [string]$connect['Organization']; ShowBanner = $false; ErrorAction = 'Stop' }
      foreach ($name in 'AppId', 'ExchangeEnvironmentName', 'CertificateFilePath') {
        if ($connect.Contains($name)) { $p[$name] = [string]$connect[$name] }
      }
      if ($secrets.Contains('CertificatePassword')) {
        $p['CertificatePassword'] = ConvertTo-SecureString -String $secrets['CertificatePassword'] -AsPlainText -Force
      }
      if ($secrets.Contains('AccessToken')) { $p['AccessToken'] = [string]$secrets['AccessToken'] }
      $secrets.Clear()
      Connect-ExchangeOnline @p 3>$null 4>$null 5>$null 6>$null | Out-Null
      $p.Clear()
    }
    'ExchangeServer' {
      if ($null -ne $script:ExchangeSession) {
        try { Remove-PSSession -Session $script:ExchangeSession } catch { }
        $script:ExchangeSession = $null
      }
      $script:ExchangeSession = New-PSSession -ConfigurationName Microsoft.Exchange -ConnectionUri ([string]$connect['ConnectionUri']) -Authentication Kerberos
      $module = Import-PSSession -Session $script:ExchangeSession -AllowClobber -DisableNameChecking 3>$null 4>$null 5>$null 6>$null
      Import-Module -ModuleInfo $module -Global -DisableNameChecking 3>$null 4>$null 5>$null 6>$null | Out-Null
    }
    'Script' {
      . ([scriptblock]::Create([string]$connect['Script'])) 3>$null 4>$null 5>$null 6>$null | Out-Null
    }
    'None' { }
    default { throw [System.ArgumentException]::new("Unknown connect kind '$kind'") }
  }
  $script:ConnectKind = $kind
}

function Invoke-Request($req) {
  $name = [string]$req['cmdlet']
  if ($name -cnotmatch '^[A-Z][a-z]+-[A-Za-z0-9]+$') { throw [System.ArgumentException]::new("Not a cmdlet name: '$name'") }
  $command = Get-Command -Name $name -ErrorAction Stop
  $params = @{}
  if ($req.Contains('parameters') -and $null -ne $req['parameters']) {
    $wire = $req['parameters']
    foreach ($k in @($wire.Keys)) { $params[$k] = ConvertTo-ParameterValue $wire[$k] }
  }
  if ($req.Contains('secrets') -and $null -ne $req['secrets']) {
    $secrets = $req['secrets']
    foreach ($k in @($secrets.Keys)) {
      $params[$k] = ConvertTo-SecureString -String $secrets[$k] -AsPlainText -Force
    }
    $secrets.Clear()
  }
  if ($command.CommandType -eq 'Cmdlet' -or ($command.PSObject.Properties['CmdletBinding'] -and $command.CmdletBinding)) {
    $params['ErrorAction'] = 'Stop'
  }
  $rows = [System.Collections.Generic.List[object]]::new()
  try {
    foreach ($o in (& $name @params 3>$null 4>$null 5>$null 6>$null)) {
      if ($null -ne $o) { $rows.Add((ConvertTo-Row $o)) }
    }
  } finally {
    $params.Clear()
  }
  return ,$rows
}

function Get-ErrorFrame($id, $err) {
  $exception = $err.Exception
  $reason = ''
  try { $reason = [string]$err.CategoryInfo.Reason } catch { }
  $message = [string]$exception.Message
  return [ordered]@{
    id    = $id
    ok    = $false
    error = [ordered]@{
      type    = $exception.GetType().Name
      reason  = $reason
      errorId = [string]$err.FullyQualifiedErrorId
      message = $message
    }
  }
}

Send-Frame ([ordered]@{ ready = $true; version = 1 })
while ($true) {
  $line = [Console]::In.ReadLine()
  if ($null -eq $line) { break }
  if ([string]::IsNullOrWhiteSpace($line)) { continue }
  $id = $null
  $req = $null
  try {
    $doc = [System.Text.Json.JsonDocument]::Parse($line)
    $line = $null
    try { $req = ConvertFrom-JsonElement $doc.RootElement } finally { $doc.Dispose() }
    if ($req.Contains('id')) { $id = $req['id'] }
    $op = if ($req.Contains('op')) { [string]$req['op'] } else { 'invoke' }
    if ($op -eq 'exit') { break }
    if ($op -eq 'connect') {
      $secrets = if ($req.Contains('secrets') -and $null -ne $req['secrets']) { $req['secrets'] } else { [ordered]@{} }
      Invoke-Connect $req['connect'] $secrets
      Send-Frame ([ordered]@{ id = $id; ok = $true; rows = @() })
    } elseif ($op -eq 'invoke') {
      $rows = Invoke-Request $req
      Send-Frame ([ordered]@{ id = $id; ok = $true; rows = $rows })
    } else {
      throw [System.ArgumentException]::new("Unknown op '$op'")
    }
  } catch {
    Send-Frame (Get-ErrorFrame $id $_)
  } finally {
    $req = $null
  }
}
try {
  if ($script:ConnectKind -eq 'ExchangeOnline') { Disconnect-ExchangeOnline -Confirm:$false 3>$null 4>$null 5>$null 6>$null | Out-Null }
  if ($null -ne $script:ExchangeSession) { Remove-PSSession -Session $script:ExchangeSession }
} catch { }
exit 0
