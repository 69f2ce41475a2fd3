package dev.impersonation.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The export command writes one readable script per example and target. */
class ExportScriptsTest {

  @Test
  void writesOneScriptPerExampleAndTarget(@TempDir Path dir) throws Exception {
    List<Path> written = ExportScripts.export(dir);
    Set<String> names = written.stream().map(p -> p.getFileName().toString()).collect(Collectors.toSet());
    assertEquals(12, names.size());
    for (String id : List.of("penelope", "revenue-inbox", "reschedge", "rooms", "riva", "ews-vendor")) {
      assertTrue(names.contains(id + "-exchange-online.ps1"), names::toString);
      assertTrue(names.contains(id + "-exchange-server.ps1"), names::toString);
    }
    for (Path p : written) {
      byte[] bytes = Files.readAllBytes(p);
      assertTrue(bytes.length > 3 && (bytes[0] & 0xFF) == 0xEF && (bytes[1] & 0xFF) == 0xBB && (bytes[2] & 0xFF) == 0xBF,
          p + " starts with a UTF-8 byte order mark, so Windows PowerShell 5.1 does not read it as ANSI");
    }
    String online = Files.readString(dir.resolve("rooms-exchange-online.ps1"));
    assertTrue(online.contains("$ErrorActionPreference = 'Stop'"));
    assertTrue(online.contains("Connect-ExchangeOnline -ExchangeEnvironmentName 'O365Default'"));
    assertTrue(online.contains("Enable-OrganizationCustomization"));
    // 75 rooms: declared once in a data block, one address per line, then the create takes the list.
    assertTrue(online.contains("$members1 = @(\n  'room001@contoso.com'\n  'room002@contoso.com'\n"), online);
    assertTrue(online.contains("New-DistributionGroup -Name 'Cronofy Room List' -Alias 'cronofy.resource.list' -PrimarySmtpAddress "
        + "'cronofy.resource.list@contoso.com' -Members $members1"), online);
    assertFalse(online.contains("Add-DistributionGroupMember"), "the lists the script creates take their rooms in the create");
    assertTrue(online.contains("-App '8b9c0d1e-2f3a-4b4c-9d5e-6f7a8b9c0d1e' -RecipientGroupScope 'Cronofy Room List 2'"), online);
    assertFalse(online.contains("New-ManagementScope"), "RBAC for Applications over groups needs no management scope");
    assertFalse(online.contains("ApplicationImpersonation"), "no ApplicationImpersonation in an Exchange Online script");
    String server = Files.readString(dir.resolve("rooms-exchange-server.ps1"));
    assertTrue(server.contains("New-ManagementRoleAssignment -Name 'CronofyImpersonationAssignment' -Role 'ApplicationImpersonation' -User 'cronofy@contoso.com' -CustomRecipientWriteScope 'CronofyImpersonationScope'"));
    assertTrue(server.contains("-Password (Read-Host -Prompt 'Initial password for cronofy@contoso.com' -AsSecureString)"));
    assertFalse(server.contains("Example-only-1!"), "the example password never reaches a script");
    assertFalse(server.contains("Connect-ExchangeOnline"), "on-premises scripts run in the Exchange Management Shell");
    assertTrue(server.contains("Import-PSSession -Session (New-PSSession -ConfigurationName 'Microsoft.Exchange' "
        + "-ConnectionUri 'http://exchange.contoso.com/PowerShell/' -Authentication 'Kerberos')"), "or open a remote session");
    for (Path p : written) {
      String text = Files.readString(p);
      List<String> lines = text.strip().lines().toList();
      assertTrue(lines.get(lines.size() - 1).startsWith("Test-ImpersonationAccess -Check "),
          p + " ends with its verification block");
      boolean isOnline = p.getFileName().toString().endsWith("-exchange-online.ps1");
      assertTrue(text.contains(isOnline ? "\nAssert-ExchangeOnlineOrganization -Expected 'contoso.onmicrosoft.com'\n"
          : "\nAssert-ExchangeServerOrganization -Expected 'contoso.com'\n"), p + " pins the organization");
      if (!isOnline) {
        assertFalse(text.contains("Exchange Online") || text.contains("2 hours") || text.contains("15 minutes"),
            p + " carries no Exchange Online wording");
      }
    }
    assertTrue(online.contains("\nWait-OrganizationCustomization -TimeoutSeconds '1800' -IntervalSeconds '30'\n"),
        "the dehydrated room tenant waits for customization");
    String riva = Files.readString(dir.resolve("riva-exchange-online.ps1"));
    // Riva B: the procedure's Get-Mailbox -Filter pipeline as a loop over the filter's result, each grant guarded.
    assertTrue(riva.contains("\nGrant-FullAccessByFilter -Filter '(RecipientTypeDetails -eq ''UserMailbox'') -and (Alias -ne ''ceo'')' "
        + "-User 'riva@contoso.com'\n"), "the filter is one literal, quotes doubled");
    assertTrue(riva.contains("    if (-not (Test-MailboxFullAccess -Identity $identity -User $User)) {\n"
        + "      Add-MailboxPermission -Identity $identity -User $User -AccessRights FullAccess -AutoMapping:$false\n"),
        "FullAccess is added only when not there yet");
    assertFalse(riva.contains("Add-MailboxPermission -Identity 'ann@contoso.com'"), "no grant listed mailbox by mailbox");
    assertTrue(riva.contains("#Requires -Modules ExchangeOnlineManagement, Microsoft.Graph.Users, Microsoft.Graph.Users.Actions, "
        + "Microsoft.Graph.Authentication"), "the Graph modules the service-account creation uses");
    assertTrue(riva.contains("-RecipientRestrictionFilter 'Department -eq ''Sales'''"), "filter is one literal, quotes doubled");
  }
}
