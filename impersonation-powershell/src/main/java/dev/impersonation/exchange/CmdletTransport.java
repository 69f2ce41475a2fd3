package dev.impersonation.exchange;

import dev.impersonation.powershell.Cmdlet;
import java.util.List;
import java.util.Map;

/**
 * Runs one Exchange cmdlet and returns its output rows. Two implementations exist: the Exchange admin REST endpoint
 * ({@code InvokeCommand}) and a long-lived PowerShell process. Implementations are thread-safe.
 *
 * <p>Rows are JSON-like maps (String, Boolean, Number, List, Map, null), keyed by the cmdlet's property names, e.g.
 * {@code DistinguishedName}. Failures are typed: {@link dev.impersonation.ObjectNotFoundException},
 * {@link dev.impersonation.ObjectAlreadyExistsException}, {@link dev.impersonation.OrganizationNotCustomizedException},
 * {@link dev.impersonation.AccessDeniedException}, {@link dev.impersonation.ThrottledException} (with Retry-After) and
 * {@link dev.impersonation.TransientTenantException}; see {@link ExchangeErrors}.
 */
public interface CmdletTransport extends AutoCloseable {
  /** A short name for plans and logs, e.g. "exchange-rest". */
  String name();

  /** Runs {@code cmdlet}; every page of its output, in order. */
  List<Map<String, Object>> invoke(Cmdlet cmdlet);

  /** Releases the transport's resources (connections, the PowerShell process). */
  @Override
  default void close() {}
}
