package dev.impersonation.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.csv.CsvMapper;
import com.fasterxml.jackson.datatype.jdk8.Jdk8Module;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import com.microsoft.aad.msal4j.ConfidentialClientApplication;
import dev.impersonation.SignIn;
import dev.impersonation.exchange.ExchangeConnection;
import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.IOException;
import java.io.StringWriter;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;
import okhttp3.OkHttpClient;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;

/**
 * A sample consumer on the module path (sources under {@code src/test/module-consumer}): a module that requires only
 * {@code dev.impersonation.exchange} compiles and runs against the library's module descriptors, and a module that names
 * the core's or the Exchange module's {@code internal} packages does not compile.
 */
class ModulePathConsumerTest {
  private static final Path SOURCES = Path.of("src/test/module-consumer");

  /** The library's named modules and the modules they require: the module path a consumer needs. */
  private static List<Path> modulePath() throws URISyntaxException {
    Set<Path> path = new LinkedHashSet<>();
    for (Class<?> c : List.of(SignIn.class, ExchangeConnection.class, ObjectMapper.class, JsonFactory.class, JsonProperty.class,
        CsvMapper.class, Jdk8Module.class, JavaTimeModule.class, Logger.class, OkHttpClient.class,
        ConfidentialClientApplication.class)) {
      path.add(Path.of(c.getProtectionDomain().getCodeSource().getLocation().toURI()));
    }
    return new ArrayList<>(path);
  }

  private static String join(List<Path> paths) {
    return paths.stream().map(Path::toString).collect(Collectors.joining(File.pathSeparator));
  }

  private static List<Path> sources(Path dir) throws IOException {
    try (Stream<Path> files = Files.walk(dir)) {
      return files.filter(f -> f.toString().endsWith(".java")).toList();
    }
  }

  private static int compile(Path sources, Path out, String modulePath, StringWriter diagnostics) throws IOException {
    JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
    List<String> args = new ArrayList<>(List.of("--module-path", modulePath, "-d", out.toString(), "-Xlint:none"));
    sources(sources).forEach(f -> args.add(f.toString()));
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int status = javac.run(null, err, err, args.toArray(String[]::new));
    diagnostics.write(err.toString(StandardCharsets.UTF_8));
    return status;
  }

  @Test
  void aConsumerModuleCompilesAndRunsAgainstTheExportedApi(@TempDir Path out) throws Exception {
    List<Path> modules = modulePath();
    StringWriter diagnostics = new StringWriter();
    assertEquals(0, compile(SOURCES.resolve("consumer"), out, join(modules), diagnostics), diagnostics::toString);

    String classPath = Stream.of(System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"))
        .split(File.pathSeparator)).filter(e -> !e.isBlank() && !modules.contains(Path.of(e)))
        .collect(Collectors.joining(File.pathSeparator));
    List<Path> runPath = new ArrayList<>(List.of(out));
    runPath.addAll(modules);
    Process java = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "--module-path", join(runPath), "--class-path", classPath, "-m", "consumer/dev.consumer.Main")
        .redirectErrorStream(true).start();
    String output = new String(java.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(java.waitFor(60, TimeUnit.SECONDS), output);
    assertEquals(0, java.exitValue(), output);
    assertTrue(output.contains("setup CalendarSync for contoso.onmicrosoft.com"), output);
    assertTrue(output.contains("endpoint https://outlook.office365.com/adminapi/beta/contoso.onmicrosoft.com/InvokeCommand"), output);
    assertTrue(output.contains("internal closed"), "reflection cannot use a class of an unexported package: " + output);
    assertFalse(output.contains("not-a-real-secret"), output);
  }

  @Test
  void aConsumerModuleCannotReachAnInternalPackage(@TempDir Path out) throws Exception {
    StringWriter diagnostics = new StringWriter();
    int status = compile(SOURCES.resolve("reaches-internal"), out, join(modulePath()), diagnostics);
    String text = diagnostics.toString();
    assertEquals(1, status, text);
    assertTrue(text.contains("package dev.impersonation.internal is not visible"), text);
    assertTrue(text.contains("package dev.impersonation.exchange.internal is not visible"), text);
  }
}
