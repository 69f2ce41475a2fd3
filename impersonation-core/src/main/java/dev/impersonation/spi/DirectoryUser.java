package dev.impersonation.spi;

import java.util.List;

/**
 * A user in the directory.
 *
 * @param id object id
 * @param userPrincipalName UPN
 * @param displayName display name
 * @param usageLocation usage location, empty when not set
 * @param licenseSkuIds assigned licence SKU ids
 */
public record DirectoryUser(String id, String userPrincipalName, String displayName, String usageLocation,
    List<String> licenseSkuIds) {
  public DirectoryUser {
    licenseSkuIds = List.copyOf(licenseSkuIds);
  }
}
