package dev.impersonation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

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
}
