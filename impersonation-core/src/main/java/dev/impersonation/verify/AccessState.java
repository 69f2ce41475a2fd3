package dev.impersonation.verify;

/** The state of the principal's access to one mailbox. */
public enum AccessState {
  /** Access works (probed), or is configured when no probe is available (see the evidence). */
  GRANTED,
  /** Access is refused and the configuration does not grant it. */
  DENIED,
  /** Configured but not effective yet: role assignments take up to 2 h, access policies more than 1 h. */
  PENDING_PROPAGATION,
  /** The mailbox does not exist or is not provisioned yet. */
  MAILBOX_NOT_READY,
  /** Could not be determined: a read or probe failed. Never treated as denied or granted. */
  UNKNOWN
}
