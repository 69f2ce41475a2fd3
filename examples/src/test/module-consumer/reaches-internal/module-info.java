/** A consumer that tries to use internals: it must not compile. */
module bad {
  requires dev.impersonation.exchange;
}
