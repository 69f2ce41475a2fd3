package dev.impersonation.verify;

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
