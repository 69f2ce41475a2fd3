package dev.impersonation.spi;

/** Who a management role assignment is assigned to. */
public enum AssigneeType {
  /** {@code -User}: a mailbox user. */
  USER,
  /** {@code -SecurityGroup}: a role group or universal security group. */
  SECURITY_GROUP,
  /** {@code -App}: an Exchange service principal (shown as {@code ServicePrincipal}). */
  SERVICE_PRINCIPAL
}
