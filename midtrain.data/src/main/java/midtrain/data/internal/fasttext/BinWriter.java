package midtrain.data.internal.fasttext;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/** Writes little-endian fields of a fastText model file. */
public final class BinWriter {
  private final OutputStream out;
  private final ByteBuffer buf = ByteBuffer.allocate(1 << 16).order(ByteOrder.LITTLE_ENDIAN);

  /**
   * Wraps a stream; the caller closes it after {@link #flush}.
   *
   * @param out the target
   */
  public BinWriter(OutputStream out) {
    this.out = new BufferedOutputStream(out, 1 << 16);
  }

  private void room(int n) throws IOException {
    if (buf.remaining() < n) {
      out.write(buf.array(), 0, buf.position());
      buf.clear();
    }
  }

  /** Writes an int32. */
  public void writeInt(int v) throws IOException {
    room(4);
    buf.putInt(v);
  }

  /** Writes an int64. */
  public void writeLong(long v) throws IOException {
    room(8);
    buf.putLong(v);
  }

  /** Writes a float64. */
  public void writeDouble(double v) throws IOException {
    room(8);
    buf.putDouble(v);
  }

  /** Writes a byte. */
  public void writeByte(int v) throws IOException {
    room(1);
    buf.put((byte) v);
  }

  /** Writes a C++ {@code bool}. */
  public void writeBool(boolean v) throws IOException {
    writeByte(v ? 1 : 0);
  }

  /** Writes bytes. */
  public void writeBytes(byte[] b, int off, int len) throws IOException {
    while (len > 0) {
      room(Math.min(len, buf.capacity()));
      int n = Math.min(len, buf.remaining());
      buf.put(b, off, n);
      off += n;
      len -= n;
    }
  }

  /** Writes floats. */
  public void writeFloats(float[] f, int off, int len) throws IOException {
    for (int i = 0; i < len; i++) {
      room(4);
      buf.putFloat(f[off + i]);
    }
  }

  /** Writes what is buffered to the stream and flushes it. */
  public void flush() throws IOException {
    out.write(buf.array(), 0, buf.position());
    buf.clear();
    out.flush();
  }
}
