package dev.impersonation.internal;

import dev.impersonation.InvalidSetupException;
import dev.impersonation.Secret;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Enumeration;
import java.util.List;

/**
 * The first private-key entry of a PKCS#12 (.pfx/.p12) file: the key and its certificate chain. A wrong password or an
 * unreadable file is an {@link InvalidSetupException} naming the file, never the password.
 *
 * @param chain the certificate first, then its chain
 * @param key the private key
 */
public record Pkcs12(List<X509Certificate> chain, PrivateKey key) {
  /** Reads {@code file} with {@code password}; the revealed password copy is wiped before returning. */
  public static Pkcs12 read(Path file, Secret password) {
    char[] pw = password.reveal();
    try (InputStream in = Files.newInputStream(file)) {
      KeyStore store = KeyStore.getInstance("PKCS12");
      store.load(in, pw);
      for (Enumeration<String> aliases = store.aliases(); aliases.hasMoreElements();) {
        String alias = aliases.nextElement();
        if (store.isKeyEntry(alias) && store.getKey(alias, pw) instanceof PrivateKey key) {
          List<X509Certificate> certs = new ArrayList<>();
          for (Certificate c : store.getCertificateChain(alias)) {
            certs.add((X509Certificate) c);
          }
          return new Pkcs12(List.copyOf(certs), key);
        }
      }
      throw new InvalidSetupException("The PKCS#12 file " + file.getFileName() + " holds no private key entry.");
    } catch (IOException | GeneralSecurityException e) {
      throw new InvalidSetupException("Cannot read the PKCS#12 file " + file.getFileName() + " (" + e.getClass().getSimpleName()
          + "): check the path and the password.");
    } finally {
      Arrays.fill(pw, '\0');
    }
  }

  @Override
  public String toString() {
    return "Pkcs12[" + chain.get(0).getSubjectX500Principal() + ", key redacted]";
  }
}
