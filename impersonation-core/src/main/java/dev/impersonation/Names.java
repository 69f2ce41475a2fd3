package dev.impersonation;

import java.util.Locale;
import java.util.regex.Pattern;

/** Syntax checks for the identifiers a setup contains, shared by the model's validation. */
final class Names {
  private static final Pattern SMTP = Pattern.compile(
      "^[A-Za-z0-9!#$%&'*+/=?^_`{|}~\\u2018\\u2019-]+(\\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~\\u2018\\u2019-]+)*"
          + "@([A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?\\.)+[A-Za-z][A-Za-z0-9-]{0,62}$");
  private static final Pattern GUID =
      Pattern.compile("^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$");
  /** Exchange object names (-Name) are at most 64 characters. */
  static final int MAX_NAME = 64;

  private Names() {}

  static boolean isSmtpAddress(String s) {
    return s != null && s.length() <= 320 && SMTP.matcher(s).matches();
  }

  static boolean isGuid(String s) {
    return s != null && GUID.matcher(s).matches();
  }

  static String requireSmtp(String value, String what) {
    if (!isSmtpAddress(value)) {
      throw new InvalidSetupException(what + " must be a user principal name or SMTP address such as "
          + "'svc@contoso.com', but got " + quoted(value) + ".");
    }
    return value;
  }

  static String requireGuid(String value, String what) {
    if (!isGuid(value)) {
      throw new InvalidSetupException(what + " must be a GUID such as '00000000-0000-0000-0000-000000000000' "
          + "(copy it from Entra admin center > Enterprise applications), but got " + quoted(value) + ".");
    }
    return value.toLowerCase(Locale.ROOT);
  }

  static String requireName(String value, String what) {
    if (value == null || value.isBlank()) {
      throw new InvalidSetupException(what + " must not be blank.");
    }
    if (value.length() > MAX_NAME) {
      throw new InvalidSetupException(what + " is " + value.length() + " characters long; Exchange allows at most "
          + MAX_NAME + ". Shorten " + quoted(value) + ".");
    }
    if (value.chars().anyMatch(c -> c < 0x20 && c != '\t')) {
      throw new InvalidSetupException(what + " contains a control character (such as a newline), which Exchange "
          + "names cannot hold: " + quoted(value) + ".");
    }
    return value;
  }

  /** Quotes a user value for an error message, making control characters visible. */
  static String quoted(String value) {
    if (value == null) {
      return "null";
    }
    return "\"" + value.replace("\n", "\\n").replace("\r", "\\r").replace("\t", "\\t") + "\"";
  }
}
