/**
 * The Exchange backend of Impersonation Setup: {@code ExchangeConnection} over the Exchange admin REST endpoint (OkHttp,
 * MSAL4J sign-in from the core's {@code SignIn}) or a PowerShell process, and {@code CmdletExchangeBackend}, the core SPI
 * over cmdlets. Only {@code dev.impersonation.exchange} is exported; {@code dev.impersonation.exchange.internal} is not.
 */
module dev.impersonation.exchange {
  requires transitive dev.impersonation;
  requires transitive okhttp3;
  requires com.microsoft.aad.msal4j;
  requires java.xml;
  requires com.fasterxml.jackson.databind;
  requires org.slf4j;

  exports dev.impersonation.exchange;
}
