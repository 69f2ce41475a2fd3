package dev.impersonation.examples.onboarding;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import dev.impersonation.ImpersonationSetup;
import dev.impersonation.InvalidSetupException;
import dev.impersonation.UnsupportedOnTargetException;
import java.io.ByteArrayOutputStream;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;


/** The onboarding form, read and turned into a setup without a browser: every mistake is refused before any read. */
class MailboxChoiceTest {
  private static final VendorApp VENDOR = VendorApp.calendarSync("6f1c2a3b-4d5e-4f60-8172-93a4b5c6d7e8");
  private static final String DOMAIN = "contoso.onmicrosoft.com";

  private static MailboxChoice choice(String access, String source, String value) {
    return MailboxChoice.from(Map.of("access", access, "source", source, source.equals("csv") ? "csvFile" : source, value,
        "outsider", "ceo@contoso.com"));
  }

  @Test
  void aMultipartUploadArrivesAsTheFilesText() {
    String boundary = "----x";
    String body = "--" + boundary + "\r\nContent-Disposition: form-data; name=\"source\"\r\n\r\ncsv\r\n"
        + "--" + boundary + "\r\nContent-Disposition: form-data; name=\"csvFile\"; filename=\"m.csv\"\r\n"
        + "Content-Type: text/csv\r\n\r\nEmail\r\nann@contoso.com\r\n\"Brown, Bob\"\r\n"
        + "--" + boundary + "--\r\n";
    Map<String, String> form = FormData.parse("multipart/form-data; boundary=" + boundary, body.getBytes(StandardCharsets.UTF_8));
    assertEquals("csv", form.get("source"));
    assertEquals("Email\r\nann@contoso.com\r\n\"Brown, Bob\"", form.get("csvFile"));
  }

  @Test
  void aCsvBecomesTheVendorsGroupWithThoseMembers() {
    ImpersonationSetup setup = choice("graph", "csv", "Name,EmailAddress\n\"Ames, Ann\",ann@contoso.com\nBob,bob@contoso.com\n")
        .setup(VENDOR, DOMAIN);
    assertTrue(setup.scope().toString().contains("Calendar Sync Users"), setup.scope().toString());
    assertTrue(setup.scope().toString().contains("ann@contoso.com") && setup.scope().toString().contains("bob@contoso.com"),
        setup.scope().toString());
    assertEquals("ceo@contoso.com", setup.outsider().orElseThrow());
  }

  @Test
  void everyMistakeSaysWhatToFix() {
    assertTrue(assertThrows(InvalidSetupException.class, () -> choice("graph", "group", "").setup(VENDOR, DOMAIN))
        .getMessage().contains("name of the group"));
    assertTrue(assertThrows(InvalidSetupException.class, () -> choice("graph", "csv", "").setup(VENDOR, DOMAIN))
        .getMessage().contains("Upload a CSV"));
    assertTrue(assertThrows(InvalidSetupException.class, () -> choice("graph", "csv", "Name\nAnn\n").setup(VENDOR, DOMAIN))
        .getMessage().contains("no address column"));
    assertTrue(assertThrows(InvalidSetupException.class, () -> choice("graph", "csv", "Email\nann@contoso.com\nann\n")
        .setup(VENDOR, DOMAIN)).getMessage().contains("Row 2"));
    assertTrue(assertThrows(InvalidSetupException.class, () -> choice("graph", "csv", "Email\n\"ann@contoso.com\n")
        .setup(VENDOR, DOMAIN)).getMessage().contains("line 2"));
    assertTrue(assertThrows(InvalidSetupException.class, () -> choice("graph", "filter", " ").setup(VENDOR, DOMAIN))
        .getMessage().contains("recipient filter"));
    assertTrue(assertThrows(InvalidSetupException.class, () -> choice("nonsense", "group", "G").setup(VENDOR, DOMAIN))
        .getMessage().contains("kind of access"));
  }

  @Test
  void anAccessPolicyOverAFilterIsRefusedBeforeAnythingIsRead() {
    RuntimeException e = assertThrows(RuntimeException.class,
        () -> choice("policy", "filter", "Department -eq 'Sales'").setup(VENDOR, DOMAIN));
    assertTrue(e instanceof InvalidSetupException || e instanceof UnsupportedOnTargetException, e.toString());
  }

  private static byte[] multipart(String boundary, byte[] file) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.writeBytes(("--" + boundary + "\r\nContent-Disposition: form-data; name=\"source\"\r\n\r\ncsv\r\n--" + boundary
        + "\r\nContent-Disposition: form-data; name=\"outsider\"\r\n\r\nZoë@contoso.com\r\n--" + boundary
        + "\r\nContent-Disposition: form-data; name=\"csvFile\"; filename=\"m.csv\"\r\nContent-Type: text/csv\r\n\r\n")
        .getBytes(StandardCharsets.UTF_8));
    out.writeBytes(file);
    out.writeBytes(("\r\n--" + boundary + "--\r\n").getBytes(StandardCharsets.UTF_8));
    return out.toByteArray();
  }

  @Test
  void uploadsAreReadInTheEncodingsAdminsToolsSave() {
    String csv = "Name\tEmail\r\nZoë Zimmer\tzoe@contoso.com\r\nÅsa Öberg\tasa@contoso.com\r\n";
    ByteArrayOutputStream utf16 = new ByteArrayOutputStream();
    utf16.writeBytes(new byte[] {(byte) 0xFF, (byte) 0xFE});
    utf16.writeBytes(csv.getBytes(StandardCharsets.UTF_16LE));   // Excel's "Unicode text"
    byte[] bom8 = ("\uFEFF" + csv).getBytes(StandardCharsets.UTF_8);
    byte[] ansi = csv.replace('\t', ',').getBytes(Charset.forName("windows-1252"));  // Excel's "CSV" on Windows
    for (byte[] file : List.of(utf16.toByteArray(), bom8, ansi)) {
      Map<String, String> form = FormData.parse("multipart/form-data; boundary=b0und", multipart("b0und", file));
      assertEquals("Zoë@contoso.com", form.get("outsider"), "text fields stay UTF-8");
      assertEquals(List.of("zoe@contoso.com", "asa@contoso.com"), MailboxChoice.from(form).csvMailboxes());
      assertTrue(form.get("csvFile").contains("Zoë Zimmer") && form.get("csvFile").contains("Åsa Öberg"), form.get("csvFile"));
    }
  }
}
