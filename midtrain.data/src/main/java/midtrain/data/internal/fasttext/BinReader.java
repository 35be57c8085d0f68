package midtrain.data.internal.fasttext;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import midtrain.data.DataException;

/**
 * Reads the little-endian fields of a fastText model file; every failure names the file, the field
 * and the byte offset.
 */
public final class BinReader implements AutoCloseable {
  private static final int CAPACITY = 1 << 20;

  private final Path file;
  private final FileChannel channel;
  private final ByteBuffer buf;
  private long bufStart;
  private boolean eof;

  /**
   * Opens a file.
   *
   * @param file the model file
   * @throws DataException when it cannot be opened
   */
  public BinReader(Path file) {
    this.file = file;
    try {
      this.channel = FileChannel.open(file, StandardOpenOption.READ);
    } catch (NoSuchFileException e) {
      throw new DataException("fastText model " + file + ": no such file", e);
    } catch (IOException e) {
      throw new DataException("fastText model " + file + ": cannot open: " + e.getMessage(), e);
    }
    this.buf = ByteBuffer.allocate(CAPACITY).order(ByteOrder.LITTLE_ENDIAN);
    buf.flip();
  }

  /** Returns the offset of the next byte. */
  public long offset() {
    return bufStart + buf.position();
  }

  /** Builds an exception naming the file and offset. */
  public DataException error(String what) {
    return new DataException(
        "fastText model " + file + ": " + what + " (at byte " + offset() + ")");
  }

  private void need(int n, String what) {
    if (buf.remaining() >= n) {
      return;
    }
    bufStart += buf.position();
    buf.compact();
    try {
      while (buf.position() < n && !eof) {
        int r = channel.read(buf);
        if (r < 0) {
          eof = true;
        }
      }
    } catch (IOException e) {
      buf.flip();
      throw new DataException(
          "fastText model " + file + ": cannot read " + what + ": " + e.getMessage(), e);
    }
    buf.flip();
    if (buf.remaining() < n) {
      throw error("truncated file: " + what + " needs " + n + " more bytes, " + remainingText());
    }
  }

  private String remainingText() {
    return buf.remaining() + " left";
  }

  /** Reads an int32. */
  public int readInt(String what) {
    need(4, what);
    return buf.getInt();
  }

  /** Reads an int64. */
  public long readLong(String what) {
    need(8, what);
    return buf.getLong();
  }

  /** Reads a float64. */
  public double readDouble(String what) {
    need(8, what);
    return buf.getDouble();
  }

  /** Reads one byte. */
  public byte readByte(String what) {
    need(1, what);
    return buf.get();
  }

  /** Reads a C++ {@code bool}: one byte, 0 or 1. */
  public boolean readBool(String what) {
    byte b = readByte(what);
    if (b != 0 && b != 1) {
      throw error(what + " must be a bool (0 or 1), got " + (b & 0xFF));
    }
    return b == 1;
  }

  /**
   * Reads bytes up to a NUL, which is consumed and not returned.
   *
   * @param what the field, for messages
   * @param max the longest accepted string
   * @return the bytes
   */
  public byte[] readCString(String what, int max) {
    int limit = Math.min(max, CAPACITY - 2);
    int scanned = 0;
    while (true) {
      need(scanned + 1, what);
      int p = buf.position();
      for (; scanned < buf.remaining(); scanned++) {
        if (buf.get(p + scanned) == 0) {
          byte[] out = new byte[scanned];
          buf.get(out);
          buf.get();
          return out;
        }
        if (scanned >= limit) {
          throw error(what + " is longer than " + limit + " bytes (missing NUL terminator?)");
        }
      }
    }
  }

  /** Reads {@code len} floats into {@code dst[off..]}. */
  public void readFloats(float[] dst, int off, int len, String what) {
    while (len > 0) {
      int n = Math.min(len, CAPACITY / 4);
      need(Math.min(n, len) * 4, what);
      n = Math.min(len, buf.remaining() / 4);
      buf.asFloatBuffer().get(dst, off, n);
      buf.position(buf.position() + n * 4);
      off += n;
      len -= n;
    }
  }

  /** Reads {@code len} bytes into {@code dst[off..]}. */
  public void readBytes(byte[] dst, int off, int len, String what) {
    while (len > 0) {
      need(Math.min(len, CAPACITY), what);
      int n = Math.min(len, buf.remaining());
      buf.get(dst, off, n);
      off += n;
      len -= n;
    }
  }

  @Override
  public void close() {
    try {
      channel.close();
    } catch (IOException e) {
      throw new DataException("fastText model " + file + ": cannot close: " + e.getMessage(), e);
    }
  }
}
