package midtrain.data.internal.io;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import midtrain.data.DataException;
import midtrain.data.io.DocumentReader;
import midtrain.data.io.ReaderOptions;
import midtrain.data.io.Reject;
import midtrain.data.io.RejectSink;
import midtrain.data.spi.FormatProvider;
import org.apache.arrow.vector.VectorSchemaRoot;

/**
 * Plain text ({@code .txt}, {@code .txt.gz}, {@code .txt.zst}): one document per file, the whole
 * file as its text, because a text file is usually one work (a book, a source file, a paper) and
 * splitting at lines or blank lines would cut it. The id is the file name; the source is {@link
 * ReaderOptions#defaultSource()} or else the name of the folder holding the file. A UTF-8 byte
 * order mark is dropped. Read only.
 */
public final class TextFormat implements FormatProvider {
  /** Creates the provider; cheap, as {@link java.util.ServiceLoader} requires. */
  public TextFormat() {}

  @Override
  public String id() {
    return "text";
  }

  @Override
  public List<String> suffixes() {
    return List.of(".txt", ".txt.gz", ".txt.zst", ".txt.zstd");
  }

  @Override
  public DocumentReader openReader(Path file, ReaderOptions options) {
    return new Reader(file, options);
  }

  /** Reads one file as one record, never holding more than maxDocumentBytes + 1 bytes. */
  private static final class Reader implements DocumentReader {
    private final Path file;
    private final ReaderOptions options;
    private final DecodedInput input;
    private boolean done;
    private long records;

    Reader(Path file, ReaderOptions options) {
      this.file = file;
      this.options = options;
      this.input = DecodedInput.open(file, options);
    }

    @Override
    public String name() {
      return file.toString();
    }

    @Override
    public int read(VectorSchemaRoot root, int max, RejectSink rejects) {
      if (max < 1) {
        throw new DataException(file + ": read needs max >= 1, got " + max);
      }
      if (done) {
        return 0;
      }
      done = true;
      records = 1;
      int limit = options.maxDocumentBytes();
      byte[] buf = new byte[(int) Math.min(Math.max(limit + 1L, 1), 1 << 16)];
      int n = 0;
      try {
        InputStream in = input.stream();
        while (true) {
          if (n == buf.length) {
            if (n > limit) {
              break;
            }
            buf = java.util.Arrays.copyOf(buf, (int) Math.min(2L * buf.length, limit + 1L));
          }
          int k = in.read(buf, n, buf.length - n);
          if (k < 0) {
            break;
          }
          n += k;
        }
      } catch (DecodedInput.CapExceeded e) {
        return reject(rejects, "decompression-cap", e.getMessage());
      } catch (IOException e) {
        return reject(
            rejects, "truncated-stream", e.getClass().getSimpleName() + ": " + e.getMessage());
      }
      int off = 0;
      if (n >= 3 && buf[0] == (byte) 0xEF && buf[1] == (byte) 0xBB && buf[2] == (byte) 0xBF) {
        off = 3;
      }
      if (n - off > limit) {
        return reject(rejects, "oversized", "file is over maxDocumentBytes " + limit);
      }
      int bad = Utf8.invalidAt(buf, off, n - off);
      if (bad >= 0) {
        return reject(
            rejects,
            "invalid-utf8",
            String.format("byte 0x%02X at offset %d is not valid UTF-8", buf[bad] & 0xFF, bad));
      }
      String text = new String(buf, off, n - off, StandardCharsets.UTF_8);
      if (text.isBlank()) {
        return reject(rejects, "empty", "file is empty or blank");
      }
      String src = options.defaultSource();
      if (src.isEmpty()) {
        Path parent = file.toAbsolutePath().getParent();
        src = parent == null || parent.getFileName() == null ? "" : parent.getFileName().toString();
      }
      RowWriter rows = new RowWriter(root);
      rows.add(
          (options.inputName().isEmpty() ? String.valueOf(file.getFileName()) : options.inputName())
              .getBytes(StandardCharsets.UTF_8),
          text.getBytes(StandardCharsets.UTF_8),
          src.isEmpty() ? null : src.getBytes(StandardCharsets.UTF_8),
          options.defaultDomain().isEmpty()
              ? null
              : options.defaultDomain().getBytes(StandardCharsets.UTF_8),
          null,
          null,
          0,
          null);
      rows.finish();
      return 1;
    }

    private int reject(RejectSink rejects, String reason, String detail) {
      rejects.reject(new Reject(file.toString(), 1, reason, detail));
      return 0;
    }

    @Override
    public long records() {
      return records;
    }

    @Override
    public long bytesRead() {
      return input.bytesRead();
    }

    @Override
    public void close() {
      input.close();
    }
  }
}
