/**
 * The vendor onboarding example: a small web app ({@link dev.impersonation.examples.onboarding.OnboardingApp}) in which a
 * customer's admin signs in with Microsoft (authorization code with PKCE through MSAL4J), chooses the mailboxes the
 * vendor's app may reach, reviews the plan as a table and as a PowerShell script, applies it with live progress or
 * downloads the script, and then sees the verification per mailbox with an outsider denied. Run it against the embedded
 * simulators with {@code --demo} (the default); the browser test drives it in headless Chromium.
 */
package dev.impersonation.examples.onboarding;
