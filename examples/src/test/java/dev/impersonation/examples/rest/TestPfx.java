package dev.impersonation.examples.rest;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;

/** A PKCS#12 file with a new 2048-bit RSA key, made by the JDK's keytool, for certificate sign-in tests. */
final class TestPfx {
  private TestPfx() {}

  static Path create(Path dir, String alias, String password) throws Exception {
    Path file = dir.resolve(alias + ".pfx");
    Process keytool = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "keytool").toString(),
        "-genkeypair", "-alias", alias, "-keyalg", "RSA", "-keysize", "2048", "-storetype", "PKCS12",
        "-keystore", file.toString(), "-storepass", password, "-dname", "CN=" + alias, "-validity", "2")
        .redirectErrorStream(true).start();
    String out = new String(keytool.getInputStream().readAllBytes());
    assertEquals(0, keytool.waitFor(), out);
    return file;
  }
}
