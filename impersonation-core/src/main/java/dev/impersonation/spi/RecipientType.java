package dev.impersonation.spi;

import java.util.Arrays;
import java.util.Optional;

/** Exchange's {@code RecipientTypeDetails} values this library distinguishes (docs/cmdlets.md). */
public enum RecipientType {
  USER_MAILBOX("UserMailbox", true),
  SHARED_MAILBOX("SharedMailbox", true),
  ROOM_MAILBOX("RoomMailbox", true),
  EQUIPMENT_MAILBOX("EquipmentMailbox", true),
  MAIL_USER("MailUser", false),
  MAIL_UNIVERSAL_DISTRIBUTION_GROUP("MailUniversalDistributionGroup", false),
  MAIL_UNIVERSAL_SECURITY_GROUP("MailUniversalSecurityGroup", false),
  ROOM_LIST("RoomList", false),
  GROUP_MAILBOX("GroupMailbox", false);

  private final String value;
  private final boolean mailbox;

  RecipientType(String value, boolean mailbox) {
    this.value = value;
    this.mailbox = mailbox;
  }

  /** The {@code RecipientTypeDetails} text. */
  public String value() {
    return value;
  }

  /** True for mailboxes (user, shared, room, equipment). */
  public boolean isMailbox() {
    return mailbox;
  }

  /** True for the group types. */
  public boolean isGroup() {
    return this == MAIL_UNIVERSAL_DISTRIBUTION_GROUP || this == MAIL_UNIVERSAL_SECURITY_GROUP || this == ROOM_LIST
        || this == GROUP_MAILBOX;
  }

  /** Parses a {@code RecipientTypeDetails} value. */
  public static Optional<RecipientType> parse(String value) {
    return Arrays.stream(values()).filter(t -> t.value.equalsIgnoreCase(value)).findFirst();
  }
}
