package midtrain.data.internal.io;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import midtrain.data.DataException;
import midtrain.data.io.ReaderOptions;

/**
 * One input file as decoded bytes, counting the bytes read from disk and capping how far a
 * compressed file may inflate.
 *
 * <p>Decoder failures (a truncated or corrupt stream) surface as {@link IOException} from {@link
 * #stream()}; the cap surfaces as {@link CapExceeded}. A failure to read the file itself is not bad
 * input but a broken disk or a vanished file, so it is thrown as {@link DataException} and passes
 * through the decoder untouched.
 */
public final class DecodedInput implements AutoCloseable {
  /** Inflated bytes below which the ratio check does not apply (small files compress well). */
  static final long RATIO_GRACE_BYTES = 64L << 20;

  private final Path file;
  private final Counting raw;
  private final Compression compression;
  private final long maxBytes;
  private final int maxRatio;
  private InputStream stream;

  private DecodedInput(Path file, Counting raw, Compression compression, ReaderOptions options) {
    this.file = file;
    this.raw = raw;
    this.compression = compression;
    this.maxBytes = options.maxDecompressedBytes();
    this.maxRatio = options.maxCompressionRatio();
  }

  /**
   * Opens a file; compression follows the name.
   *
   * @param file the input
   * @param options the decompression caps
   * @return the input; the decoder starts on the first call to {@link #stream()}
   * @throws DataException when the file cannot be opened, naming it
   */
  public static DecodedInput open(Path file, ReaderOptions options) {
    InputStream in;
    try {
      in = ChannelInput.open(file);
    } catch (NoSuchFileException e) {
      throw new DataException(file + ": no such file", e);
    } catch (IOException e) {
      throw new DataException(file + ": cannot open: " + e.getMessage(), e);
    }
    return new DecodedInput(file, new Counting(in, file), Compression.of(file), options);
  }

  /**
   * Returns the decoded stream, starting the decoder on the first call.
   *
   * @return the stream of inflated bytes, capped
   * @throws IOException when the compressed stream's header is bad or missing
   */
  public InputStream stream() throws IOException {
    if (stream == null) {
      InputStream decoded = compression.decode(raw);
      stream = compression == Compression.NONE ? decoded : new Capped(decoded);
    }
    return stream;
  }

  /**
   * Describes a failure to read an input, for a reject: the exception's kind and message.
   *
   * @param e the failure
   * @return for example {@code EOFException: Unexpected end of ZLIB input stream}
   */
  public static String describe(IOException e) {
    String m = e.getMessage();
    return e.getClass().getSimpleName() + (m == null ? "" : ": " + m);
  }

  /** Returns the bytes read from the file so far. */
  public long bytesRead() {
    return raw.count;
  }

  @Override
  public void close() {
    try {
      if (stream != null) {
        stream.close();
      } else {
        raw.close();
      }
    } catch (IOException | UncheckedIOException | DataException e) {
      // Closing an input we only read cannot lose data; a decoder complaining about a stream we
      // stopped early (cap, truncation) has already been reported as a reject.
    }
  }

  /**
   * Thrown when a compressed input inflates past {@link ReaderOptions#maxDecompressedBytes()} or
   * ratio.
   */
  public static final class CapExceeded extends IOException {
    private static final long serialVersionUID = 1L;

    CapExceeded(String message) {
      super(message);
    }
  }

  private static final class Counting extends InputStream {
    private final InputStream in;
    private final Path file;
    long count;

    Counting(InputStream in, Path file) {
      this.in = in;
      this.file = file;
    }

    @Override
    public int read() {
      try {
        int b = in.read();
        if (b >= 0) {
          count++;
        }
        return b;
      } catch (IOException e) {
        throw fail(e);
      }
    }

    @Override
    public int read(byte[] b, int off, int len) {
      try {
        int n = in.read(b, off, len);
        if (n > 0) {
          count += n;
        }
        return n;
      } catch (IOException e) {
        throw fail(e);
      }
    }

    @Override
    public int available() throws IOException {
      return in.available();
    }

    @Override
    public void close() throws IOException {
      in.close();
    }

    private DataException fail(IOException e) {
      return new DataException(file + ": cannot read: " + e.getMessage(), e);
    }
  }

  private final class Capped extends InputStream {
    private final InputStream in;
    private long inflated;

    Capped(InputStream in) {
      this.in = in;
    }

    @Override
    public int read() throws IOException {
      byte[] one = new byte[1];
      int n = read(one, 0, 1);
      return n <= 0 ? -1 : one[0] & 0xFF;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      // Never hand out more than the cap allows, so the cap holds to the byte.
      long room = maxBytes - inflated;
      int ask = (int) Math.min(len, Math.max(1, Math.min(room + 1, Integer.MAX_VALUE)));
      int n = in.read(b, off, ask);
      if (n > 0) {
        inflated += n;
        check();
      }
      return n;
    }

    private void check() throws CapExceeded {
      if (inflated > maxBytes) {
        throw new CapExceeded(
            file + ": inflated past the cap of " + maxBytes + " bytes (maxDecompressedBytes)");
      }
      long packed = Math.max(1, raw.count);
      if (inflated > RATIO_GRACE_BYTES && inflated / packed > maxRatio) {
        throw new CapExceeded(
            file
                + ": inflated "
                + inflated
                + " bytes from "
                + packed
                + ", a ratio over "
                + maxRatio
                + " (maxCompressionRatio)");
      }
    }

    @Override
    public void close() throws IOException {
      in.close();
    }
  }
}
