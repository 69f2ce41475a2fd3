package dev.impersonation.spi;

import java.util.List;

/**
 * A role group ({@code Get-RoleGroup}).
 *
 * @param name the group's name
 * @param roles its roles
 * @param members its members (UPNs / SMTP addresses)
 * @param customRecipientWriteScope its write scope name; empty for the Default (organization-wide) scope
 * @param description its description, where this library marks what it owns
 */
public record RoleGroup(String name, List<String> roles, List<String> members, String customRecipientWriteScope,
    String description) {
  public RoleGroup {
    roles = List.copyOf(roles);
    members = List.copyOf(members);
  }
}
