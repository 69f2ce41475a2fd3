package dev.impersonation.examples.onboarding;

import dev.impersonation.ImpersonationSetup;
import dev.impersonation.TenantConnection;
import dev.impersonation.plan.Plan;
import java.time.Instant;
import java.util.Optional;

/**
 * One browser's way through the flow, kept on the server under a random cookie: the pending sign-in, the admin, the
 * connection made with their tokens, the last choice, the plan they reviewed and the apply running for them. Tokens stay in
 * MSAL's cache inside the sign-in; nothing of it reaches the browser. Fields are volatile: the page and its progress
 * polls arrive on different server threads.
 */
final class OnboardingSession {
  volatile AdminSignIn.Pending pendingSignIn;
  volatile SignedInAdmin admin;
  volatile TenantConnection connection;
  volatile MailboxChoice choice = MailboxChoice.empty();
  volatile ImpersonationSetup setup;
  volatile Plan plan;
  volatile ApplyJob job;
  /** The {@code state} of the admin consent request in flight, if any. */
  volatile String consentState;
  /** The anti-forgery token every form of this session carries. */
  final String csrf = Unguessable.value();
  /** When the browser last asked for a page; idle sessions are forgotten. */
  volatile Instant lastSeen = Instant.now();

  Optional<SignedInAdmin> admin() {
    return Optional.ofNullable(admin);
  }

  /** Forgets everything after the sign-in (a new choice starts over). */
  void forgetPlan() {
    setup = null;
    plan = null;
  }
}
