/**
 * An HTTP simulator of the Microsoft Graph v1.0 endpoints the product uses, over a
 * {@link dev.impersonation.testkit.FakeTenant} (the testkit's design): {@link dev.impersonation.testkit.graph.GraphSimulator}.
 * This package alone (with {@code dev.impersonation.testkit.exchange}) needs {@code org.wiremock:wiremock-standalone}
 * (an optional dependency of the testkit) on the test class path.
 */
package dev.impersonation.testkit.graph;
