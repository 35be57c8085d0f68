package midtrain.data.internal.io;

import com.github.luben.zstd.ZstdInputStreamNoFinalizer;
import com.github.luben.zstd.ZstdOutputStreamNoFinalizer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Path;
import java.util.Locale;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;

/** The compression a file name asks for, and the streams that read and write it. */
public enum Compression {
  /** Plain bytes. */
  NONE,
  /** gzip, one or several concatenated members. */
  GZIP,
  /** Zstandard, one or several frames. */
  ZSTD;

  /** The zstd level writers use: the library's default, fast with a fair ratio. */
  static final int ZSTD_LEVEL = 3;

  /**
   * Returns the compression of a file by its name: {@code .gz}, {@code .zst} or {@code .zstd}.
   *
   * @param file the file
   * @return the compression
   */
  public static Compression of(Path file) {
    int suffix = suffixLength(String.valueOf(file.getFileName()));
    return suffix == 0 ? NONE : suffix == ".gz".length() ? GZIP : ZSTD;
  }

  /**
   * Returns the length of the compression suffix a file name ends with, the one place that lists
   * the suffixes.
   *
   * @param fileName a file name
   * @return 3 for {@code .gz}, 4 for {@code .zst}, 5 for {@code .zstd} (any case), else 0
   */
  public static int suffixLength(String fileName) {
    String n = fileName.toLowerCase(Locale.ROOT);
    if (n.endsWith(".gz")) {
      return 3;
    }
    if (n.endsWith(".zst")) {
      return 4;
    }
    if (n.endsWith(".zstd")) {
      return 5;
    }
    return 0;
  }

  /**
   * Wraps a raw stream in the decoder; the gzip header is read here, so a file that is not gzip
   * fails now.
   *
   * @param raw the compressed bytes
   * @return the decoded stream
   * @throws IOException when the stream header cannot be read
   */
  public InputStream decode(InputStream raw) throws IOException {
    switch (this) {
      case GZIP:
        // The JDK's GZIPInputStream reads concatenated members (as pigz and bgzip write).
        return new GZIPInputStream(raw, 1 << 16);
      case ZSTD:
        return new ZstdInputStreamNoFinalizer(raw);
      default:
        return raw;
    }
  }

  /**
   * Wraps a raw stream in the encoder.
   *
   * @param raw where the compressed bytes go
   * @return the encoding stream; closing it finishes the format and closes {@code raw}
   * @throws IOException when the encoder cannot start
   */
  public OutputStream encode(OutputStream raw) throws IOException {
    switch (this) {
      case GZIP:
        return new GZIPOutputStream(raw, 1 << 16);
      case ZSTD:
        return new ZstdOutputStreamNoFinalizer(raw, ZSTD_LEVEL);
      default:
        return raw;
    }
  }
}
