package dev.impersonation;

/**
 * An existing Entra administrative unit, used with {@code -RecipientAdministrativeUnitScope}.
 *
 * @param objectId the administrative unit's object id
 */
public record AdministrativeUnitScope(String objectId) implements Scope {
  public AdministrativeUnitScope {
    objectId = Names.requireGuid(objectId, "The administrative unit id");
  }

  static AdministrativeUnitScope of(String objectId) {
    return new AdministrativeUnitScope(objectId);
  }

  @Override
  public String describe() {
    return "administrative unit " + objectId;
  }
}
