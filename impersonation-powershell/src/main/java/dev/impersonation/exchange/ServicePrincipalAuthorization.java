package dev.impersonation.exchange;

import dev.impersonation.spi.AppPermissions;
import dev.impersonation.spi.ConfiguredAccess;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/**
 * Reads the rows of {@code Test-ServicePrincipalAuthorization -Identity <sp> -Resource <mailbox>} for one permission:
 * one row per assignment ({@code RoleName}, {@code GrantedPermissions}, {@code AllowedResourceScope}, {@code ScopeType},
 * {@code InScope}, as the cmdlet's reference page shows). Only a row whose {@code GrantedPermissions} gives the
 * permission and whose {@code InScope} is True counts; a row of another role that is in scope says nothing about this
 * permission. A row without {@code GrantedPermissions} falls back to the role's documented permissions, and says so.
 */
final class ServicePrincipalAuthorization {
  private ServicePrincipalAuthorization() {}

  /** The configured access the rows show for {@code permission} on {@code mailbox}; {@code assignedSince} dates a role's assignment. */
  static ConfiguredAccess evaluate(List<Map<String, Object>> rows, String mailbox, String permission,
      Function<String, Optional<Instant>> assignedSince) {
    List<String> seen = new ArrayList<>();
    Optional<Map<String, Object>> granting = Optional.empty();
    boolean fellBack = false;
    for (Map<String, Object> r : rows) {
      String role = CmdletRows.str(r, "RoleName");
      String grantedText = CmdletRows.str(r, "GrantedPermissions");
      boolean fromRole = grantedText.isBlank();
      List<String> granted = fromRole ? AppPermissions.grantedByRole(role)
          : AppPermissions.parseGranted(grantedText);
      boolean inScope = "True".equalsIgnoreCase(String.valueOf(r.get("InScope")));
      seen.add(role + " " + granted + " InScope " + (inScope ? "True" : String.valueOf(r.get("InScope"))));
      if (inScope && AppPermissions.anyImplies(granted, permission) && granting.isEmpty()) {
        granting = Optional.of(r);
        fellBack = fromRole;
      }
    }
    Optional<Instant> since = granting.flatMap(r -> assignedSince.apply(CmdletRows.str(r, "RoleName")));
    String head = "Test-ServicePrincipalAuthorization -Resource " + mailbox + ": ";
    if (granting.isPresent()) {
      return new ConfiguredAccess(true, since, head + CmdletRows.str(granting.get(), "RoleName") + " grants " + permission + ", InScope True"
          + (fellBack ? " (no GrantedPermissions column: the role's documented permissions were used)" : ""));
    }
    return new ConfiguredAccess(false, Optional.empty(), head + "no row granting " + permission + " is InScope"
        + (seen.isEmpty() ? " (no assignment at all)" : " (rows: " + String.join("; ", seen) + ")"));
  }
}
