package dev.impersonation.exchange;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The bundled PowerShell bootstrap ({@code bootstrap.ps1}, UTF-8 with BOM) the process transport runs, written to a
 * temporary file only its owner can read, once per transport and again if it was removed.
 */
final class BootstrapScript {
  private static final Logger LOG = LoggerFactory.getLogger(BootstrapScript.class);
  private static final String RESOURCE = "bootstrap.ps1";
  private Path file;

  /** The bundled script. */
  static InputStream open() {
    InputStream in = BootstrapScript.class.getResourceAsStream(RESOURCE);
    if (in == null) {
      throw new IllegalStateException(RESOURCE + " is missing from the classpath");
    }
    return in;
  }

  /** The script's temporary file, written when it is missing. */
  synchronized Path path() {
    try {
      if (file == null || !Files.exists(file)) {
        Path written;
        if (FileSystems.getDefault().supportedFileAttributeViews().contains("posix")) {
          written = Files.createTempFile("impersonation-bootstrap-", ".ps1",
              PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        } else {
          written = Files.createTempFile("impersonation-bootstrap-", ".ps1");
        }
        try (InputStream in = open()) {
          Files.write(written, in.readAllBytes());
        }
        written.toFile().deleteOnExit();
        file = written;
      }
      return file;
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot write the PowerShell bootstrap script to a temporary file", e);
    }
  }

  /** Removes the temporary file, if it was written. */
  synchronized void delete() {
    if (file != null) {
      try {
        Files.deleteIfExists(file);
      } catch (IOException e) {
        LOG.debug("Cannot delete {}", file, e);
      }
    }
  }
}
