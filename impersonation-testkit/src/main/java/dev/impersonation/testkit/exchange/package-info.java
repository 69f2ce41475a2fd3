/**
 * HTTP simulators of the Exchange Online admin REST endpoint over a {@link dev.impersonation.testkit.FakeTenant}
 * (the testkit's design): {@link dev.impersonation.testkit.exchange.ExchangeAdminSimulator}. This package alone needs
 * {@code org.wiremock:wiremock-standalone} (an optional dependency of the testkit) on the test class path.
 */
package dev.impersonation.testkit.exchange;
