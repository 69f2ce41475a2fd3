package dev.impersonation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.impersonation.Scope.GroupScope;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MemberCsvTest {
  @TempDir Path dir;

  private Path csv(String content) throws IOException {
    Path p = dir.resolve("members.csv");
    Files.writeString(p, content, StandardCharsets.UTF_8);
    return p;
  }

  @Test
  void matchesTheHeaderCaseInsensitively() throws IOException {
    Path p = csv("DisplayName,ResourceAccounts\nRoom 1,room1@contoso.com\nRoom 2,room2@contoso.com\n");
    assertEquals(List.of("room1@contoso.com", "room2@contoso.com"), MemberCsv.read(p, "resourceaccounts"));
    assertEquals(List.of("Room 1", "Room 2"), MemberCsv.read(p, "DISPLAYNAME"));
  }

  @Test
  void stripsAByteOrderMarkBeforeTheFirstHeader() throws IOException {
    Path p = csv("\uFEFFUserPrincipalName,Name\r\nann@contoso.com,Ann\r\n");
    assertEquals(List.of("ann@contoso.com"), MemberCsv.read(p, "UserPrincipalName"));
    Path quoted = csv("\uFEFF\"UserPrincipalName\",\"Name\"\r\n\"bob@contoso.com\",\"Bob\"\r\n");
    assertEquals(List.of("bob@contoso.com"), MemberCsv.read(quoted, "userprincipalname"));
  }

  @Test
  void handlesQuotedCellsWithCommasAndDoubledQuotes() throws IOException {
    Path p = csv("\"Name\",\"Notes\",\"UPN\"\n"
        + "\"Smith, Ann\",\"says \"\"hi\"\", twice\",\"ann@contoso.com\"\n"
        + "\"O'Brien, Bob\",\"\",\"bob@contoso.com\"\n");
    assertEquals(List.of("ann@contoso.com", "bob@contoso.com"), MemberCsv.read(p, "UPN"));
    assertEquals(List.of("Smith, Ann", "O'Brien, Bob"), MemberCsv.read(p, "name"));
    assertEquals(List.of("says \"hi\", twice"), MemberCsv.read(p, "Notes"));
  }

  @Test
  void skipsBlankLinesAndBlankCellsAndTrims() throws IOException {
    Path p = csv("Name,UPN\n\nAnn, ann@contoso.com \n   \nNobody,\nShort\n,\"\"\nBob,bob@contoso.com\n\n");
    assertEquals(List.of("ann@contoso.com", "bob@contoso.com"), MemberCsv.read(p, "upn"));
  }

  @Test
  void headerCellsAreTrimmed() throws IOException {
    Path p = csv("Name , UPN \nAnn,ann@contoso.com\n");
    assertEquals(List.of("ann@contoso.com"), MemberCsv.read(p, "upn"));
  }

  @Test
  void missingColumnIsAnInvalidSetupNamingTheColumns() throws IOException {
    Path p = csv("Name,Mail\nAnn,ann@contoso.com\n");
    InvalidSetupException e = assertThrows(InvalidSetupException.class, () -> MemberCsv.read(p, "UserPrincipalName"));
    assertTrue(e.getMessage().contains("'UserPrincipalName'"), e.getMessage());
    assertTrue(e.getMessage().contains("[Name, Mail]"), e.getMessage());
  }

  @Test
  void emptyFileIsAnInvalidSetup() throws IOException {
    Path p = csv("");
    assertThrows(InvalidSetupException.class, () -> MemberCsv.read(p, "UPN"));
  }

  @Test
  void unreadableFileIsAnUncheckedIoError() {
    assertThrows(UncheckedIOException.class, () -> MemberCsv.read(dir.resolve("absent.csv"), "UPN"));
  }

  @Test
  void readMembersFeedAGroupScope() throws IOException {
    Path p = csv("ResourceAccounts\nroom1@contoso.com\nROOM1@contoso.com\nroom2@contoso.com\n");
    GroupScope g = Scope.roomList("Rooms").members(MemberCsv.read(p, "ResourceAccounts"));
    assertEquals(List.of("room1@contoso.com", "room2@contoso.com"), g.members());
  }

  @Test
  void aQuotedCellWithALineBreakKeepsItsRowAndItsMember() throws IOException {
    Path p = csv("Name,UPN\r\n\"Ann\r\nSecond line\",ann@contoso.com\r\nBob,bob@contoso.com\r\n");
    assertEquals(List.of("ann@contoso.com", "bob@contoso.com"), MemberCsv.read(p, "UPN"));
    assertEquals(List.of("Ann\r\nSecond line", "Bob"), MemberCsv.read(p, "Name"));
  }

  @Test
  void semicolonAndTabDelimitersAreTakenFromTheHeader() throws IOException {
    Path semicolons = csv("Name;UPN\n\"Smith, Ann\";ann@contoso.com\nBob;bob@contoso.com\n");
    assertEquals(List.of("ann@contoso.com", "bob@contoso.com"), MemberCsv.read(semicolons, "upn"));
    assertEquals(List.of("Smith, Ann", "Bob"), MemberCsv.read(semicolons, "name"));
    Path tabs = csv("Name\tUPN\nAnn\tann@contoso.com\n");
    assertEquals(List.of("ann@contoso.com"), MemberCsv.read(tabs, "UPN"));
  }

  @Test
  void aWindows1252FileIsReadWhenDeclaredAndOtherwiseNamedAsNotUtf8() throws IOException {
    Path p = dir.resolve("excel.csv");
    Files.write(p, "Name,UPN\r\nJos\u00e9 M\u00fcller,jose@contoso.com\r\n".getBytes(java.nio.charset.Charset.forName("windows-1252")));
    InvalidSetupException e = assertThrows(InvalidSetupException.class, () -> MemberCsv.read(p, "UPN"));
    assertTrue(e.getMessage().contains("is not UTF-8 (line 2"), e.getMessage());
    assertTrue(e.getMessage().contains("windows-1252"), e.getMessage());
    assertEquals(List.of("Jos\u00e9 M\u00fcller"), MemberCsv.read(p, "Name", java.nio.charset.Charset.forName("windows-1252")));
  }

  @Test
  void utf16WithAByteOrderMarkIsRead() throws IOException {
    Path p = dir.resolve("unicode.csv");
    Files.write(p, "\uFEFFName\tUPN\r\nAnn\tann@contoso.com\r\n".getBytes(StandardCharsets.UTF_16LE));
    assertEquals(List.of("ann@contoso.com"), MemberCsv.read(p, "UPN"));
  }

  @Test
  void aRowThatCannotBeReadNamesItsLineInsteadOfDroppingAMember() throws IOException {
    Path unclosed = csv("Name,UPN\nAnn,ann@contoso.com\n\"Bob,bob@contoso.com\n");
    InvalidSetupException e = assertThrows(InvalidSetupException.class, () -> MemberCsv.read(unclosed, "UPN"));
    assertTrue(e.getMessage().contains("line 3") && e.getMessage().contains("never closed"), e.getMessage());
    Path extra = csv("Name,UPN\nAnn,ann@contoso.com\nSmith, Bob,bob@contoso.com\n");
    InvalidSetupException tooMany = assertThrows(InvalidSetupException.class, () -> MemberCsv.read(extra, "UPN"));
    assertTrue(tooMany.getMessage().contains("line 3") && tooMany.getMessage().contains("3 cells"), tooMany.getMessage());
  }
}
