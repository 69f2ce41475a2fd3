package dev.impersonation.exchange;

import dev.impersonation.Secret;
import dev.impersonation.SignIn;
import dev.impersonation.TenantTarget;
import java.nio.file.Path;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * How a PowerShell process connects to Exchange Online for a {@link SignIn}: with the PKCS#12 file when the sign-in was
 * made from one ({@code Connect-ExchangeOnline -CertificateFilePath}), else with an access token from the sign-in.
 */
final class ConnectSteps {
  private ConnectSteps() {}

  /** The connect step for {@code signIn}; {@code accessToken} is asked only when the process connects. */
  static PowerShellConnectStep forSignIn(TenantTarget target, SignIn signIn, Supplier<Secret> accessToken) {
    String appId = signIn.appId().orElse(null);
    PowerShellConnectStep withToken = PowerShellConnectStep.exchangeOnlineAccessToken(target, appId, accessToken);
    return signIn.accept(new SignIn.Visitor<>() {
      @Override
      public PowerShellConnectStep certificate(List<X509Certificate> chain, PrivateKey key, Optional<Path> pkcs12,
          Optional<Secret> password) {
        return pkcs12.isPresent() && password.isPresent()
            ? PowerShellConnectStep.exchangeOnlineCertificate(target, appId, pkcs12.get(), password.get()) : withToken;
      }

      @Override
      public PowerShellConnectStep clientSecret(Secret secret) {
        return withToken;
      }

      @Override
      public PowerShellConnectStep deviceCode(String userPrincipalName, Consumer<String> showMessage) {
        return withToken;
      }

      @Override
      public PowerShellConnectStep tokenSupplier(String userPrincipalName, Function<String, String> tokenForScope) {
        return withToken;
      }
    });
  }
}
