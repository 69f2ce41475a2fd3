package dev.impersonation.exchange;

import dev.impersonation.TenantException;
import dev.impersonation.ThrottledException;
import dev.impersonation.exchange.internal.ErrorClassifier;
import java.time.Duration;
import java.util.Optional;

/**
 * Turns an Exchange error (exception type name and message, as the REST endpoint's {@code "code|Type|message"} or a
 * PowerShell ErrorRecord carry them) into the library's typed exceptions (docs/error-texts.md). Shared by both transports.
 */
public final class ExchangeErrors {
  private ExchangeErrors() {}

  /**
   * Classifies an error: by its exception type first (types are not localized), by its English text only where no type
   * came.
   *
   * @param exceptionType the .NET exception type or error category, e.g. {@code ManagementObjectNotFoundException}
   * @param message the message
   * @param identity the identity the cmdlet was about, for not-found and already-exists errors
   */
  public static TenantException classify(String exceptionType, String message, String identity) {
    return ErrorClassifier.classify(exceptionType, message, identity);
  }

  /**
   * Classification by the exception type alone, the way both transports decide first: Exchange's messages are
   * localized, its exception types are not (docs/exchange-admin-rest.md). A namespaced type is reduced to its last
   * segment. Empty when the type says nothing this library distinguishes.
   *
   * @param exceptionType e.g. {@code Microsoft.Exchange.Configuration.Tasks.ManagementObjectNotFoundException}
   * @param text the message to carry
   * @param identity the identity the cmdlet was about
   * @param cmdlet the cmdlet, to name the role it needs when access is denied ("" when unknown)
   */
  public static Optional<TenantException> classifyByType(String exceptionType, String text, String identity, String cmdlet) {
    return ErrorClassifier.classifyByType(exceptionType, text, identity, cmdlet);
  }

  /** A throttling error with the service's Retry-After. */
  public static ThrottledException throttled(String message, Duration retryAfter) {
    return new ThrottledException(message, retryAfter);
  }
}
