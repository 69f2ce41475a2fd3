/**
 * A simulated Microsoft Entra ID sign-in endpoint for delegated flows ({@link dev.impersonation.testkit.signin.SignInSimulator}):
 * the authorization code flow with PKCE as a browser sees it (a sign-in page, a redirect with a code) and as MSAL4J redeems
 * it (the token endpoint checks the code verifier), with each account's directory roles in the ID token's {@code wids}
 * claim. Needs only the JDK ({@code jdk.httpserver}).
 */
package dev.impersonation.testkit.signin;
