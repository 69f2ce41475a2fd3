package dev.impersonation.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The README's JShell session, run without a terminal: the real {@code jshell} of this JDK starts with the library on its
 * class path and {@code jshell/explore.jsh} as its startup script (as {@code exec:exec@jshell} does), then the commands the
 * script suggests are typed on its standard input: apply with the progress bar, verify, let time pass, verify again.
 */
class JShellStartupScriptTest {
  private static final Path SCRIPT = Path.of("jshell", "explore.jsh");

  @Test
  void theStartupScriptLoadsAndItsSuggestedSessionAppliesAndVerifies() throws Exception {
    Path jshell = Path.of(System.getProperty("java.home"), "bin", "jshell");
    assertTrue(Files.isExecutable(jshell), "this JDK has no jshell at " + jshell);
    String classPath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
    Process p = new ProcessBuilder(jshell.toString(), "--class-path", classPath,
        "-R-Dorg.slf4j.simpleLogger.defaultLogLevel=warn", SCRIPT.toString())
        .redirectErrorStream(true).start();
    try (OutputStream in = p.getOutputStream()) {
      in.write(String.join("\n",
          "setup.apply(plan, connection, bar(plan)).succeeded()",
          "setup.verify(connection).isPending()",
          "tenant.clock().advance(Duration.ofHours(2))",
          "var report = setup.verify(connection)",
          "report.isSatisfied()",
          "tenant.members(\"Calendar Sync Users\")",
          "setup.plan(connection).isConverged()",
          "help()",
          // the real-tenant helper builds its connection without a network call (the device code comes at the first request)
          "signIn(\"fabrikam.onmicrosoft.com\", \"00000000-0000-0000-0000-0000000000ad\", \"admin@fabrikam.onmicrosoft.com\").target()",
          "/exit", "").getBytes(StandardCharsets.UTF_8));
    }
    String out = readAll(p);
    assertTrue(p.waitFor(120, TimeUnit.SECONDS), "jshell did not exit:\n" + out);
    assertEquals(0, p.exitValue(), out);
    assertFalse(out.contains("|  Error:") || out.contains("|  Exception") || out.contains("cannot find symbol"), out);
    assertTrue(out.contains("Variables: tenant (in memory), connection, setup, plan."), "the script printed its help:\n" + out);
    assertTrue(out.contains("[####################] "), "apply drew the progress bar to the end:\n" + out);
    assertEquals(2, out.split("help\\(\\) shows this again", -1).length - 1, "the help at start and on help():\n" + out);
    assertTrue(out.matches("(?s).*\\$\\d+ ==> true.*"), out);
    assertTrue(out.contains("==> [ann@contoso.com, bob@contoso.com]"), out);
    assertTrue(out.contains("==> Exchange Online fabrikam.onmicrosoft.com"), "signIn(...) connected to the named tenant:\n" + out);
    long trues = out.lines().filter(l -> l.matches(".*\\$\\d+ ==> true")).count();
    assertEquals(4, trues, "apply succeeded, pending at first, satisfied after two hours, converged:\n" + out);
  }

  private static String readAll(Process p) throws IOException {
    return new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
  }
}
