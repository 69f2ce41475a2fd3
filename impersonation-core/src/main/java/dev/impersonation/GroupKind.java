package dev.impersonation;

/** The kinds of group a scope can be built on, and which service can write them (docs/graph.md). */
public enum GroupKind {
  DISTRIBUTION("distribution group", "MailUniversalDistributionGroup", true),
  MAIL_ENABLED_SECURITY("mail-enabled security group", "MailUniversalSecurityGroup", true),
  ROOM_LIST("room list", "RoomList", true),
  MICROSOFT_365("Microsoft 365 group", "GroupMailbox", false),
  SECURITY("security group", "", false);

  private final String label;
  private final String recipientTypeDetails;
  private final boolean exchangeWritten;

  GroupKind(String label, String recipientTypeDetails, boolean exchangeWritten) {
    this.label = label;
    this.recipientTypeDetails = recipientTypeDetails;
    this.exchangeWritten = exchangeWritten;
  }

  /** Human name, e.g. "room list". */
  public String label() {
    return label;
  }

  /** Exchange's {@code RecipientTypeDetails} for this kind; empty for groups Exchange does not know. */
  public String recipientTypeDetails() {
    return recipientTypeDetails;
  }

  /** True for kinds only Exchange can create or change (Graph reads them but cannot write them). */
  public boolean isExchangeWritten() {
    return exchangeWritten;
  }

  /** True when Exchange's {@code MemberOfGroup} filter can refer to this group. */
  public boolean isExchangeKnown() {
    return this != SECURITY;
  }
}
