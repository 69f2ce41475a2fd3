package dev.impersonation.examples;

import dev.impersonation.TenantTarget;
import java.util.List;

/**
 * Runs the vendor examples: {@code Examples} runs all of them on both targets; {@code Examples rooms} one of them;
 * {@code Examples rooms exchange-online} one on one target; {@code Examples migration} the access-policy migration; {@code Examples lifecycle} record, drift and teardown; {@code Examples ews-migration} an EWS vendor moving to Graph roles; {@code Examples audit} who holds mailbox access in a messy tenant.
 */
public final class Examples {
  /** The examples that are not vendor procedures, by the name given on the command line. */
  private static final java.util.Map<String, Runnable> STANDALONE = java.util.Map.of(
      "migration", () -> AccessPolicyMigrationExample.main(new String[0]),
      "audit", () -> AuditExample.main(new String[0]),
      "ews-migration", () -> EwsMigrationExample.main(new String[0]),
      "lifecycle", () -> LifecycleExample.main(new String[0]));

  private Examples() {}

  public static void main(String[] args) {
    Runnable single = args.length == 0 ? null : STANDALONE.get(args[0]);
    if (single != null) {
      single.run();
      return;
    }
    List<VendorExample> chosen = VendorExample.all().stream()
        .filter(e -> args.length == 0 || e.id().equals(args[0])).toList();
    if (chosen.isEmpty()) {
      System.err.println("Unknown example '" + args[0] + "'. Known: "
          + VendorExample.all().stream().map(VendorExample::id).toList() + " and " + new java.util.TreeSet<>(STANDALONE.keySet()));
      System.exit(2);
    }
    int failures = 0;
    for (VendorExample example : chosen) {
      for (TenantTarget.Kind kind : TenantTarget.Kind.values()) {
        if (args.length > 1 && !VendorExample.targetId(kind).equals(args[1])) {
          continue;
        }
        ExampleRun run = ExampleRun.run(example, kind, System.out);
        System.out.println(">>> " + example.id() + " on " + VendorExample.targetId(kind) + ": "
            + (run.succeeded() ? "OK" : "FAILED") + "\n");
        failures += run.succeeded() ? 0 : 1;
      }
    }
    if (failures > 0) {
      System.exit(1);
    }
  }
}
