package dev.impersonation.plan;

import com.fasterxml.jackson.core.JsonProcessingException;
import dev.impersonation.InvalidSetupException;
import dev.impersonation.TenantTarget;
import dev.impersonation.internal.Json;
import dev.impersonation.internal.Table;
import dev.impersonation.spi.OwnedObject;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What an {@code apply} made in a tenant (docs/lifecycle.md): the objects it created and the members, permissions and
 * consent it added, with a baseline read right after it (the scope groups' members, the app's tenant-wide consent, the
 * EWS verdict). Keep it (it is JSON, and holds no secret): {@code setup.drift(connection, record)} compares the tenant
 * with it, and {@code setup.teardown(connection, record)} removes what it lists and nothing else. Records of several
 * applies of one setup {@link #merge(SetupRecord)} into one.
 *
 * @param setupName the setup's name
 * @param targetKind the tenant's kind
 * @param targetDomain the tenant's domain
 * @param principal the principal, as displayed
 * @param recordedAt when the apply ended
 * @param objects what the setup made and owns, in the order made
 * @param groupMembers the scope groups' members right after the apply (group name to addresses): drift's baseline for
 *     members added outside the setup
 * @param consentAfterApply the app's mailbox-related tenant-wide consent right after the apply, when read
 * @param ewsAllowedAfterApply whether EWS admitted the principal when the apply ran, for a setup that uses EWS
 */
public record SetupRecord(String setupName, TenantTarget.Kind targetKind, String targetDomain, String principal,
    Instant recordedAt, List<OwnedObject> objects, Map<String, List<String>> groupMembers,
    Optional<List<String>> consentAfterApply, Optional<Boolean> ewsAllowedAfterApply) {
  public SetupRecord {
    objects = List.copyOf(objects);
    Map<String, List<String>> copy = new LinkedHashMap<>();
    groupMembers.forEach((g, m) -> copy.put(g, List.copyOf(m)));
    groupMembers = java.util.Collections.unmodifiableMap(copy);
    consentAfterApply = consentAfterApply == null ? Optional.empty() : consentAfterApply.map(List::copyOf);
    ewsAllowedAfterApply = ewsAllowedAfterApply == null ? Optional.empty() : ewsAllowedAfterApply;
  }

  /** The objects of one kind, in the order made. */
  public List<OwnedObject> objects(OwnedObject.Kind kind) {
    return objects.stream().filter(o -> o.kind() == kind).toList();
  }

  /**
   * This record followed by a later one of the same setup: objects of both (a later apply adds to what an earlier one
   * made); this record's baseline of members and consent (so what was added outside the setup stays visible), the later
   * EWS verdict.
   *
   * @param later a record of a later apply of the same setup
   * @return the merged record
   * @throws InvalidSetupException when the records belong to different setups or tenants
   */
  public SetupRecord merge(SetupRecord later) {
    if (!setupName.equals(later.setupName) || !targetDomain.equalsIgnoreCase(later.targetDomain)) {
      throw new InvalidSetupException("Cannot merge the record of '" + later.setupName + "' in " + later.targetDomain
          + " into the record of '" + setupName + "' in " + targetDomain + ": keep one record per setup and tenant.");
    }
    List<OwnedObject> all = new ArrayList<>(objects);
    later.objects.stream().filter(o -> !all.contains(o)).forEach(all::add);
    // The first baseline stands: a member or consent added outside the setup stays drift after a re-apply, until a
    // person decides (declares the member, removes the consent). Groups first seen later join it.
    Map<String, List<String>> members = new LinkedHashMap<>(groupMembers);
    later.groupMembers.forEach(members::putIfAbsent);
    return new SetupRecord(setupName, targetKind, targetDomain, later.principal, later.recordedAt, all, members,
        consentAfterApply.or(() -> later.consentAfterApply), later.ewsAllowedAfterApply.or(() -> ewsAllowedAfterApply));
  }

  /** The record as indented JSON, to store next to the setup. */
  public String toJson() {
    return Json.indented(this, "the record");
  }

  /**
   * Reads a record written by {@link #toJson()}.
   *
   * @param json the JSON
   * @return the record
   * @throws InvalidSetupException when the text is not such a record, saying what is wrong
   */
  public static SetupRecord fromJson(String json) {
    try {
      return Json.MAPPER.readValue(json, SetupRecord.class);
    } catch (JsonProcessingException e) {
      throw new InvalidSetupException("Not a setup record (SetupRecord.toJson()): " + e.getOriginalMessage() + ".");
    }
  }

  /** A readable table: one row per object. */
  @Override
  public String toString() {
    Table table = new Table("KIND", "IDENTITY", "DETAIL", "ITEMS");
    for (OwnedObject o : objects) {
      table.row(o.kind().name(), o.identity(), o.detail(), o.items().isEmpty() ? "" : o.items().size() + ": "
          + String.join(", ", o.items().subList(0, Math.min(3, o.items().size()))) + (o.items().size() > 3 ? ", ..." : ""));
    }
    return "Record of '" + setupName + "' in " + targetDomain + " (" + recordedAt + ")\n" + table.render();
  }
}
