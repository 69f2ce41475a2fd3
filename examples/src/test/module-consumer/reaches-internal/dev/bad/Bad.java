package dev.bad;

/** Reaches into the core's and the Exchange module's internal packages. */
public final class Bad {
  Object core = dev.impersonation.internal.Pkcs12.class;
  Object exchange = dev.impersonation.exchange.internal.MsalTokens.class;
}
