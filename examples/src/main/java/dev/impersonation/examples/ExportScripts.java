package dev.impersonation.examples;

import dev.impersonation.ImpersonationSetup;
import dev.impersonation.TenantConnection;
import dev.impersonation.TenantTarget;
import dev.impersonation.testkit.FakeTenant;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Writes every example's admin script to a folder, one {@code .ps1} per example and target, e.g.
 * {@code rooms-exchange-online.ps1} and {@code rooms-exchange-server.ps1}, so an admin can read them before running
 * anything. The scripts are planned against each example's freshly seeded FakeTenant, and saved as UTF-8 with a byte
 * order mark so Windows PowerShell 5.1 reads them as UTF-8 too.
 */
public final class ExportScripts {
  private ExportScripts() {}

  /** Writes the scripts into {@code folder} and returns the files written. */
  public static List<Path> export(Path folder) {
    try {
      Files.createDirectories(folder);
      List<Path> written = new ArrayList<>();
      for (VendorExample example : VendorExample.all()) {
        for (TenantTarget.Kind kind : TenantTarget.Kind.values()) {
          FakeTenant tenant = example.tenant(kind);
          TenantConnection connection = tenant.connection();
          StringBuilder script = new StringBuilder();
          for (ImpersonationSetup setup : example.setups(kind)) {
            if (script.length() > 0) {
              script.append("\n");
            }
            script.append(setup.plan(connection).toPowerShell());
          }
          Path file = folder.resolve(example.id() + "-" + VendorExample.targetId(kind) + ".ps1");
          // UTF-8 with a byte order mark: Windows PowerShell 5.1 (the Exchange Management Shell) reads a script
          // without one in the ANSI code page, where UTF-8 bytes such as 0x91/0x92 become U+2018/U+2019 - single
          // quotes that can end a literal early (docs/powershell-quoting.md). With the BOM both 5.1 and 7 read it as written.
          Files.writeString(file, "\uFEFF" + script, StandardCharsets.UTF_8);
          written.add(file);
        }
      }
      return written;
    } catch (IOException e) {
      throw new UncheckedIOException("Could not write scripts to " + folder + ": " + e.getMessage(), e);
    }
  }

  public static void main(String[] args) {
    if (args.length != 1) {
      System.err.println("Usage: ExportScripts <folder>   (writes <example>-<target>.ps1 files there)");
      System.exit(2);
    }
    for (Path p : export(Path.of(args[0]))) {
      System.out.println("wrote " + p.toAbsolutePath());
    }
  }
}
