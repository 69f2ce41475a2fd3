/**
 * Read a rendered admin script back into commands, parameters and literal values.
 *
 * <p>{@link dev.impersonation.testkit.powershell.ScriptParser} parses the small PowerShell subset this library emits
 * and rejects anything else with a {@link dev.impersonation.testkit.powershell.ScriptParseException}; the result is a
 * {@link dev.impersonation.testkit.powershell.ParsedScript} of
 * {@link dev.impersonation.testkit.powershell.ParsedStatement}s and
 * {@link dev.impersonation.testkit.powershell.ParsedCommand}s whose
 * {@link dev.impersonation.testkit.powershell.ParsedValue}s hold decoded strings.
 * {@link dev.impersonation.testkit.powershell.Opath} reads the OPATH layer inside filter values.
 * {@link dev.impersonation.testkit.powershell.ScriptRunner} runs a parsed Exchange script against a
 * {@code FakeTenant}, the script's own functions (tenant guards, waits, probes, the closing verification) included.
 *
 * <pre>{@code
 * ParsedScript script = ScriptParser.parse(plan.toPowerShell());
 * ParsedCommand scope = script.command("New-ManagementScope").orElseThrow();
 * List<String> dns = scope.parameter("RecipientRestrictionFilter").orElseThrow().opathFilterValues();
 * ScriptRunner.Result run = ScriptRunner.on(tenant).run(plan.toPowerShell());   // exitCode() 1: least privilege failed
 * }</pre>
 */
package dev.impersonation.testkit.powershell;
