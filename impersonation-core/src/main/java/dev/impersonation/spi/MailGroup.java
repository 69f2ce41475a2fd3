package dev.impersonation.spi;

import dev.impersonation.GroupKind;
import java.util.List;

/**
 * A group as Exchange shows it ({@code Get-DistributionGroup} / {@code Get-Group}), or as the directory shows a
 * Microsoft 365 or security group.
 *
 * @param name the group's name
 * @param id an immutable identifier (Exchange Guid or Entra object id)
 * @param distinguishedName its DN (empty for groups Exchange does not know)
 * @param kind the group's kind
 * @param primarySmtpAddress its primary SMTP address (empty for non-mail groups)
 * @param managedBy owners, as SMTP addresses
 * @param memberJoinClosed whether MemberJoinRestriction is Closed
 * @param hiddenFromAddressLists whether HiddenFromAddressListsEnabled is set
 * @param notes the group's notes / description, where this library marks what it owns
 */
public record MailGroup(String name, String id, String distinguishedName, GroupKind kind, String primarySmtpAddress,
    List<String> managedBy, boolean memberJoinClosed, boolean hiddenFromAddressLists, String notes) {
  public MailGroup {
    managedBy = List.copyOf(managedBy);
  }
}
