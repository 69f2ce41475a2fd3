/**
 * Impersonation Setup's core: the fluent {@code ImpersonationSetup} API and its values ({@code dev.impersonation}),
 * plans and results ({@code dev.impersonation.plan}), verification ({@code dev.impersonation.verify}), PowerShell cmdlet
 * values and rendering ({@code dev.impersonation.powershell}), migrations ({@code dev.impersonation.migration}) and the backend SPI ({@code dev.impersonation.spi}). The
 * {@code dev.impersonation.internal} package (planner, executor, verifier, renderers) is not exported.
 */
module dev.impersonation {
  requires transitive com.fasterxml.jackson.databind;
  requires com.fasterxml.jackson.dataformat.csv;
  requires com.fasterxml.jackson.datatype.jdk8;
  requires com.fasterxml.jackson.datatype.jsr310;
  requires org.slf4j;
  requires static org.immutables.value;

  exports dev.impersonation;
  exports dev.impersonation.plan;
  exports dev.impersonation.verify;
  exports dev.impersonation.powershell;
  exports dev.impersonation.spi;
  exports dev.impersonation.migration;
  exports dev.impersonation.audit;

  // Plans, reports and setups are read and written as JSON by Jackson, also through package-private generated types.
  opens dev.impersonation to com.fasterxml.jackson.databind;
  opens dev.impersonation.plan to com.fasterxml.jackson.databind;
  opens dev.impersonation.verify to com.fasterxml.jackson.databind;
  opens dev.impersonation.spi to com.fasterxml.jackson.databind;
  opens dev.impersonation.powershell to com.fasterxml.jackson.databind;
  opens dev.impersonation.migration to com.fasterxml.jackson.databind;
  opens dev.impersonation.internal to com.fasterxml.jackson.databind;
}
