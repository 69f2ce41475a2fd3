/**
 * The testkit's own helpers shared by its packages; not API (the API baseline leaves {@code internal} packages out),
 * and no other module may use them.
 *
 * <p>{@link dev.impersonation.testkit.internal.OpathReader} is the one OPATH filter reader: the fake Exchange evaluates
 * management-scope filters with it, and {@link dev.impersonation.testkit.powershell.Opath} reads the OPATH layer of
 * parsed scripts with it. It lives here because {@code dev.impersonation.testkit.powershell} depends on
 * {@code dev.impersonation.testkit} ({@code ScriptRunner} runs on a {@code FakeTenant}), so the root package cannot use
 * the powershell package without a package cycle.
 */
package dev.impersonation.testkit.internal;
