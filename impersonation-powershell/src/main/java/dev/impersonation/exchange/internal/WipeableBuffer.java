package dev.impersonation.exchange.internal;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.util.Arrays;

/** A byte buffer for one frame that may hold secrets; {@link #wipe()} overwrites it. */
public final class WipeableBuffer extends ByteArrayOutputStream {
  public WipeableBuffer() {
    super(256);
  }

  @Override
  public synchronized void write(int b) {
    ensure(1);
    super.write(b);
  }

  @Override
  public synchronized void write(byte[] b, int off, int len) {
    ensure(len);
    super.write(b, off, len);
  }

  /** Grows by hand so no unwiped copy of the old array is left behind. */
  private void ensure(int more) {
    if (count + more > buf.length) {
      byte[] bigger = Arrays.copyOf(buf, Math.max(buf.length * 2, count + more));
      Arrays.fill(buf, (byte) 0);
      buf = bigger;
    }
  }

  /** Writes the content, then a newline, to {@code out} without copying it. */
  public synchronized void writeLineTo(OutputStream out) throws IOException {
    out.write(buf, 0, count);
    out.write('\n');
    out.flush();
  }

  /** Overwrites the content with zeros. */
  public synchronized void wipe() {
    Arrays.fill(buf, (byte) 0);
    count = 0;
  }
}
