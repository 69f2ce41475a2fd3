package dev.impersonation;

import java.util.List;

/** How the principal is given access. Each factory method names one {@link AccessMethod}. */
public sealed interface Access
    permits ApplicationImpersonation, RbacForApplications, ApplicationAccessPolicy, FullAccessDelegation {

  /** The legacy EWS ApplicationImpersonation role, assigned directly to the service account (Exchange Server). */
  static ApplicationImpersonation applicationImpersonation() {
    return ApplicationImpersonation.direct();
  }

  /** RBAC for Applications with the given {@code Application ...} roles (Exchange Online). */
  static RbacForApplications rbacForApplications(String... roles) {
    return RbacForApplications.of(List.of(roles));
  }

  /** A legacy application access policy (Exchange Online; prefer RBAC for Applications). */
  static ApplicationAccessPolicy applicationAccessPolicy() {
    return new ApplicationAccessPolicy(ApplicationAccessPolicy.Right.RESTRICT_ACCESS);
  }

  /** FullAccess delegation per mailbox, without Outlook auto-mapping. */
  static FullAccessDelegation fullAccess() {
    return new FullAccessDelegation();
  }

  /** The method this access uses. */
  AccessMethod method();

  /** A short description for plans and reports. */
  String describe();
}
