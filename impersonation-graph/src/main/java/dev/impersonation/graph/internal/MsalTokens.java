package dev.impersonation.graph.internal;

import com.microsoft.aad.msal4j.ClientCredentialFactory;
import com.microsoft.aad.msal4j.ClientCredentialParameters;
import com.microsoft.aad.msal4j.ConfidentialClientApplication;
import com.microsoft.aad.msal4j.DeviceCodeFlowParameters;
import com.microsoft.aad.msal4j.IAccount;
import com.microsoft.aad.msal4j.IClientCredential;
import com.microsoft.aad.msal4j.ITokenCacheAccessAspect;
import com.microsoft.aad.msal4j.ITokenCacheAccessContext;
import com.microsoft.aad.msal4j.MsalClientException;
import com.microsoft.aad.msal4j.MsalServiceException;
import com.microsoft.aad.msal4j.PublicClientApplication;
import com.microsoft.aad.msal4j.SilentParameters;
import dev.impersonation.InvalidSetupException;
import dev.impersonation.Secret;
import dev.impersonation.SignIn;
import dev.impersonation.TenantException;
import dev.impersonation.TokenCache;
import dev.impersonation.spi.RetryAfter;
import dev.impersonation.spi.SignInErrors;
import java.io.IOException;
import java.net.MalformedURLException;
import java.nio.file.Path;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.function.Consumer;
import java.util.function.Function;
import okhttp3.OkHttpClient;

/**
 * Access tokens for a {@link SignIn} from MSAL4J, over OkHttp. Every MSAL application made for the same {@code SignIn} reads
 * and writes its {@link TokenCache} (MSAL's cache-persistence aspect), so the Exchange and Graph backends of a
 * tenant share one token cache and a delegated admin signs in once; delegated sign-ins run under the cache's lock so two
 * backends never prompt twice. Instance discovery is off, so MSAL never calls Microsoft's discovery host. Thread-safe.
 *
 * <p>The class exists in impersonation-graph and impersonation-powershell alike, as the core holds no MSAL4J and the two
 * backends do not depend on each other; the examples' ArchitectureTest keeps the two copies the same.
 */
public final class MsalTokens {
  private final SignIn signIn;
  private final Clock clock;
  private final App app;

  /** What MSAL (or the caller's supplier) serves this sign-in with. */
  private record App(ConfidentialClientApplication confidential, PublicClientApplication publicClient,
      Function<String, String> supplier, Consumer<String> showMessage) {}

  /**
   * @param signIn how to sign in
   * @param http the client MSAL's requests go through (proxy, TLS); the sign-in's {@code signInVia} redirect applies
   * @param clock what an HTTP-date {@code Retry-After} of the sign-in endpoint is measured from
   */
  public MsalTokens(SignIn signIn, OkHttpClient http, Clock clock) {
    this.signIn = Objects.requireNonNull(signIn, "signIn");
    this.clock = Objects.requireNonNull(clock, "clock");
    OkHttpMsalClient msalHttp = signIn.signInEndpoint()
        .map(base -> new OkHttpMsalClient(http, OkHttpMsalClient.redirectTo(base))).orElseGet(() -> new OkHttpMsalClient(http));
    ITokenCacheAccessAspect cache = new SharedCache(signIn.tokenCache());
    String authority = signIn.authority();
    String appId = signIn.appId().orElse(null);
    try {
      this.app = signIn.accept(new SignIn.Visitor<App>() {
        @Override
        public App certificate(List<X509Certificate> chain, PrivateKey key, Optional<Path> file, Optional<Secret> password) {
          return confidential(chain.size() > 1 ? ClientCredentialFactory.createFromCertificateChain(key, chain)
              : ClientCredentialFactory.createFromCertificate(key, chain.get(0)));
        }

        @Override
        public App clientSecret(Secret secret) {
          char[] s = secret.reveal();
          try {
            return confidential(ClientCredentialFactory.createFromSecret(new String(s)));
          } finally {
            Arrays.fill(s, '\0');
          }
        }

        @Override
        public App deviceCode(String userPrincipalName, Consumer<String> showMessage) {
          try {
            PublicClientApplication.Builder b = PublicClientApplication.builder(appId).authority(authority)
                .instanceDiscovery(false).httpClient(msalHttp).setTokenCacheAccessAspect(cache);
            if (!signIn.libraryRetries()) {
              b.disableInternalRetries();
            }
            return new App(null, b.build(), null, showMessage);
          } catch (MalformedURLException e) {
            throw new IllegalArgumentException(e.getMessage(), e);
          }
        }

        @Override
        public App tokenSupplier(String userPrincipalName, Function<String, String> tokenForScope) {
          return new App(null, null, tokenForScope, null);
        }

        private App confidential(IClientCredential credential) {
          try {
            ConfidentialClientApplication.Builder b = ConfidentialClientApplication.builder(appId, credential)
                .authority(authority).instanceDiscovery(false).httpClient(msalHttp).setTokenCacheAccessAspect(cache);
            if (!signIn.libraryRetries()) {
              b.disableInternalRetries();
            }
            return new App(b.build(), null, null, null);
          } catch (MalformedURLException e) {
            throw new IllegalArgumentException(e.getMessage(), e);
          }
        }
      });
    } catch (IllegalArgumentException e) {
      throw new InvalidSetupException("The sign-in authority '" + authority + "' is not valid: " + e.getMessage());
    }
  }

  /** The sign-in. */
  public SignIn signIn() {
    return signIn;
  }

  /**
   * A current access token for {@code scope} (e.g. {@code https://outlook.office365.com/.default}), from the shared cache
   * when it holds one, else from the sign-in endpoint. A device-code sign-in shows its message and blocks until the admin
   * completes it.
   *
   * @throws dev.impersonation.AccessDeniedException if the sign-in was refused
   * @throws dev.impersonation.TransientTenantException if the endpoint was unreachable or failed temporarily
   */
  public String tokenFor(String scope) {
    Objects.requireNonNull(scope, "scope");
    if (app.supplier() != null) {
      String token = app.supplier().apply(scope);
      if (token == null || token.isBlank()) {
        throw SignInErrors.noToken(scope);
      }
      return token;
    }
    try {
      if (app.confidential() != null) {
        return app.confidential().acquireToken(ClientCredentialParameters.builder(Set.of(scope)).build()).get().accessToken();
      }
      return delegated(scope);
    } catch (ExecutionException e) {
      throw translate(e.getCause() == null ? e : e.getCause(), scope);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new TenantException("Interrupted while signing in to " + signIn.authority() + ".", e);
    } catch (RuntimeException e) {
      if (e instanceof TenantException te) {
        throw te;
      }
      throw translate(e, scope);
    }
  }

  private String delegated(String scope) throws ExecutionException, InterruptedException {
    synchronized (signIn.tokenCache()) {
      String upn = signIn.userPrincipalName().orElse(null);
      PublicClientApplication publicClient = app.publicClient();
      Set<IAccount> accounts = publicClient.getAccounts().get();
      IAccount account = accounts.stream().filter(a -> a.username() != null && a.username().equalsIgnoreCase(upn))
          .findFirst().orElse(accounts.size() == 1 ? accounts.iterator().next() : null);
      if (account != null) {
        try {
          return publicClient.acquireTokenSilently(SilentParameters.builder(Set.of(scope), account).build()).get().accessToken();
        } catch (ExecutionException | MalformedURLException e) {
          // no usable cached or refreshable token: sign in again below
        }
      }
      DeviceCodeFlowParameters params = DeviceCodeFlowParameters.builder(Set.of(scope),
          code -> app.showMessage().accept(code.message())).build();
      return publicClient.acquireToken(params).get().accessToken();
    }
  }

  private TenantException translate(Throwable e, String scope) {
    if (e instanceof MsalServiceException s) {
      int status = s.statusCode() == null ? 0 : s.statusCode();
      Map<String, List<String>> headers = s.headers() == null ? Map.of() : s.headers();
      Duration wait = RetryAfter.parse(header(headers, "Retry-After"), header(headers, "Date"), clock).orElse(null);
      return SignInErrors.answered(signIn, scope, status, s.errorCode(), s.getMessage(), wait);
    }
    if (e instanceof MsalClientException c) {
      if (c.getCause() instanceof IOException io) {
        return SignInErrors.unreachable(signIn, scope, io);
      }
      return SignInErrors.failed(signIn, scope, c.errorCode(), c.getMessage());
    }
    if (e instanceof IOException) {
      return SignInErrors.unreachable(signIn, scope, e);
    }
    return SignInErrors.unexpected(signIn, scope, e);
  }

  private static String header(Map<String, List<String>> headers, String name) {
    return headers.entrySet().stream().filter(h -> name.equalsIgnoreCase(h.getKey()) && h.getValue() != null && !h.getValue().isEmpty())
        .map(h -> h.getValue().get(0)).findFirst().orElse(null);
  }

  @Override
  public String toString() {
    return "MsalTokens[" + signIn + "]";
  }

  /** MSAL's cache persistence aspect over the sign-in's shared cache. */
  private static final class SharedCache implements ITokenCacheAccessAspect {
    private final TokenCache cache;

    SharedCache(TokenCache cache) {
      this.cache = cache;
    }

    @Override
    public void beforeCacheAccess(ITokenCacheAccessContext context) {
      String snapshot = cache.snapshot();
      if (!snapshot.isEmpty()) {
        context.tokenCache().deserialize(snapshot);
      }
    }

    @Override
    public void afterCacheAccess(ITokenCacheAccessContext context) {
      if (context.hasCacheChanged()) {
        cache.store(context.tokenCache().serialize());
      }
    }
  }
}
