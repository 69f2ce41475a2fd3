/** A vendor's application on the module path: it needs only the Exchange module (which brings the core). */
module consumer {
  requires dev.impersonation.exchange;
}
