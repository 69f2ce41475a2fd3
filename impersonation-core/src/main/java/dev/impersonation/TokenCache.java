package dev.impersonation;

/**
 * The token cache every backend signing in with one {@link SignIn} shares ({@link SignIn#tokenCache()}), held as the
 * sign-in library's serialized cache (MSAL's JSON). It holds refresh tokens: treat a snapshot as a secret. Thread-safe. Backends run a delegated sign-in
 * while holding this object's monitor, so two backends never prompt for two device codes at once; reading and storing
 * never take that monitor (the sign-in library reads the cache from its own threads meanwhile).
 */
public final class TokenCache {
  private volatile String serialized = "";

  TokenCache() {}

  /** The cache as last stored (empty before the first sign-in). Never blocks, even during a delegated sign-in. */
  public String snapshot() {
    return serialized;
  }

  /** Replaces the cache, e.g. after a backend's sign-in library changed it, or to restore a persisted one. */
  public void store(String serializedCache) {
    this.serialized = serializedCache == null ? "" : serializedCache;
  }

  @Override
  public String toString() {
    return "TokenCache[" + (snapshot().isEmpty() ? "empty" : "holding tokens, redacted") + "]";
  }
}
