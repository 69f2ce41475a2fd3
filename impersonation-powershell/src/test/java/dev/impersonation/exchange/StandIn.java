package dev.impersonation.exchange;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** Builds transports that run {@link StandInPowerShell} with the current JVM instead of pwsh. */
final class StandIn {
  private StandIn() {}

  static Path java() {
    return Path.of(ProcessHandle.current().info().command().orElseThrow());
  }

  /** A builder for a stand-in started with these arguments (e.g. {@code --mode=hang}) and logging to {@code log}. */
  static PowerShellProcessTransport.Builder builder(Path log, String... standInArgs) {
    List<String> args = new ArrayList<>(List.of("-Xshare:auto", "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC",
        "-cp", System.getProperty("java.class.path"), StandInPowerShell.class.getName()));
    args.add("--log=" + log);
    args.addAll(List.of(standInArgs));
    return PowerShellProcessTransport.builder().executable(java()).extraArguments(args)
        .startupTimeout(Duration.ofSeconds(20)).connectTimeout(Duration.ofSeconds(5))
        .commandTimeout(Duration.ofSeconds(5)).shutdownTimeout(Duration.ofSeconds(2));
  }

  /** The events the stand-ins logged, e.g. {@code start 123}, {@code connect None}, {@code invoke Get-Thing}. */
  static List<String> events(Path log) throws IOException {
    return Files.exists(log) ? Files.readAllLines(log) : List.of();
  }

  static long count(Path log, String prefix) throws IOException {
    return events(log).stream().filter(e -> e.startsWith(prefix)).count();
  }
}
