package dev.impersonation.exchange.internal;

import dev.impersonation.AccessDeniedException;
import dev.impersonation.ObjectAlreadyExistsException;
import dev.impersonation.ObjectNotFoundException;
import dev.impersonation.OrganizationNotCustomizedException;
import dev.impersonation.TenantException;
import dev.impersonation.ThrottledException;
import dev.impersonation.TransientTenantException;
import java.util.Locale;

/**
 * Turns an Exchange error (exception type name and message, as the REST endpoint's {@code "code|Type|message"} or a
 * PowerShell ErrorRecord carry them) into the library's typed exceptions (docs/error-texts.md). Shared by both
 * transports; {@code ExchangeErrors} in the API package is its public face.
 */
public final class ErrorClassifier {
  private ErrorClassifier() {}

  /**
   * Classifies an error.
   *
   * @param exceptionType the .NET exception type or error category, e.g. {@code ManagementObjectNotFoundException}
   * @param message the message
   * @param identity the identity the cmdlet was about, for not-found and already-exists errors
   */
  public static TenantException classify(String exceptionType, String message, String identity) {
    String type = exceptionType == null ? "" : exceptionType;
    String text = message == null ? "" : message;
    String both = (type + " " + text).toLowerCase(Locale.ROOT);
    String full = type.isEmpty() ? text : type + ": " + text;
    java.util.Optional<TenantException> typed = classifyByType(type, full, identity, "");
    if (typed.isPresent()) {
      return typed.get();
    }
    if (both.contains("dehydrated") || both.contains("enable-organizationcustomization")
        && !both.contains("not required")) {
      return new OrganizationNotCustomizedException(full);
    }
    if (both.contains("not required") && both.contains("customization")) {
      return new ObjectAlreadyExistsException("organization", full);
    }
    if (both.contains("notfound") || both.contains("couldn't be found") || both.contains("could not be found")
        || both.contains("couldn't find object")) {
      return new ObjectNotFoundException(identity, full);
    }
    if (both.contains("alreadyexists") || both.contains("already being used") || both.contains("already exists")
        || both.contains("is already a member")) {
      return new ObjectAlreadyExistsException(identity, full);
    }
    if (both.contains("maximum number of concurrent requests") || both.contains("server busy")
        || both.contains("too many requests") || both.contains("throttl")) {
      return new ThrottledException(full, null);
    }
    if (both.contains("access is denied") || both.contains("accessdenied") || both.contains("unauthorized")
        || both.contains("isn't allowed") || both.contains("not allowed to")) {
      return new AccessDeniedException(full + " Check that the app or admin has Exchange.ManageAsApp and an Exchange "
          + "role (e.g. Exchange Administrator or Organization Management).");
    }
    if (both.contains("timed out") || both.contains("timeout") || both.contains("temporarily") || both.contains("503")) {
      return new TransientTenantException(full);
    }
    return new TenantException(full);
  }

  /**
   * Classification by the exception type alone, the way both transports should decide first: Exchange's messages are
   * localized, its exception types are not (docs/exchange-admin-rest.md). A namespaced type is reduced to its last
   * segment. Empty when the type says nothing this library distinguishes.
   *
   * @param exceptionType e.g. {@code Microsoft.Exchange.Configuration.Tasks.ManagementObjectNotFoundException}
   * @param text the message to carry
   * @param identity the identity the cmdlet was about
   * @param cmdlet the cmdlet, to name the role it needs when access is denied ("" when unknown)
   */
  public static java.util.Optional<TenantException> classifyByType(String exceptionType, String text, String identity,
      String cmdlet) {
    String raw = exceptionType == null ? "" : exceptionType.strip();
    String t = (raw.contains(".") ? raw.substring(raw.lastIndexOf('.') + 1) : raw).toLowerCase(Locale.ROOT);
    if (t.isEmpty()) {
      return java.util.Optional.empty();
    }
    if (t.contains("dehydrated")) {
      return java.util.Optional.of(new OrganizationNotCustomizedException(text));
    }
    if (t.endsWith("notfoundexception") && !t.equals("commandnotfoundexception") && !t.equals("tenantnotfoundexception")) {
      return java.util.Optional.of(new ObjectNotFoundException(identity, text));
    }
    if (t.endsWith("alreadyexistsexception")) {
      return java.util.Optional.of(new ObjectAlreadyExistsException(identity, text));
    }
    if (t.contains("throttl") || t.equals("serverbusyexception")) {
      return java.util.Optional.of(new ThrottledException(text, null));
    }
    if (t.equals("unauthorizedaccessexception") || t.contains("accessdenied") || t.equals("commandnotfoundexception")) {
      return java.util.Optional.of(new AccessDeniedException(text + " " + CmdletRoles.needed(cmdlet)));
    }
    return java.util.Optional.empty();
  }
}
