package dev.impersonation.verify;

import com.fasterxml.jackson.annotation.JsonIgnore;
import dev.impersonation.internal.Table;
import java.util.List;

/**
 * The result of running the common-issues checklist against a tenant.
 *
 * @param setupName the setup's name
 * @param findings what was found, errors first
 * @param checksRun the checklist codes that ran
 */
public record Diagnosis(String setupName, List<Finding> findings, List<String> checksRun) {
  public Diagnosis {
    findings = List.copyOf(findings);
    checksRun = List.copyOf(checksRun);
  }

  /** True when no finding is an error. */
  @JsonIgnore
  public boolean isHealthy() {
    return findings.stream().noneMatch(f -> f.severity() == Severity.ERROR);
  }

  /** Findings with the given code. */
  public List<Finding> withCode(String code) {
    return findings.stream().filter(f -> f.code().equals(code)).toList();
  }

  @Override
  public String toString() {
    if (findings.isEmpty()) {
      return "Diagnosis of '" + setupName + "': no issues found (checks " + String.join(", ", checksRun) + ")\n";
    }
    Table table = new Table("CODE", "SEVERITY", "SUBJECT", "PROBLEM", "FIX");
    findings.forEach(f -> table.row(f.code(), f.severity().name(), f.subject(), f.problem(), f.fix()));
    return "Diagnosis of '" + setupName + "': " + findings.size() + " finding(s)\n" + table.render();
  }

  /**
   * One diagnosis finding, from the vendors' common-issues checklist (docs/diagnostics.md).
   *
   * @param code the checklist code, e.g. "D6"
   * @param severity how much it matters
   * @param subject what it is about
   * @param problem what is wrong
   * @param fix how to fix it
   */
  public record Finding(String code, Severity severity, String subject, String problem, String fix) {}

  /** How much a diagnosis finding matters. */
  public enum Severity { ERROR, WARNING, INFO }
}
