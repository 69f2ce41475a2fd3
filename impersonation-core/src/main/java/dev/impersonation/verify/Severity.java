package dev.impersonation.verify;

/** How much a diagnosis finding matters. */
public enum Severity { ERROR, WARNING, INFO }
