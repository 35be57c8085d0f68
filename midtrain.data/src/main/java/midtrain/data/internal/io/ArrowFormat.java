package midtrain.data.internal.io;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Locale;
import midtrain.data.DataException;
import midtrain.data.io.DocumentReader;
import midtrain.data.io.DocumentWriter;
import midtrain.data.io.ReaderOptions;
import midtrain.data.spi.ColumnarReader;
import midtrain.data.spi.FormatProvider;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.ipc.ArrowFileReader;
import org.apache.arrow.vector.ipc.ArrowReader;
import org.apache.arrow.vector.ipc.ArrowStreamReader;

/**
 * Arrow IPC: the file format ({@code .arrow}, {@code .feather}, Feather v2) and the stream format
 * ({@code .arrows}); read through {@link ColumnarReader}'s column mapping, written whole (every
 * column of the batch, scores and lineage included).
 */
public final class ArrowFormat implements FormatProvider {
  /** Creates the provider; cheap, as {@link java.util.ServiceLoader} requires. */
  public ArrowFormat() {}

  @Override
  public String id() {
    return "arrow";
  }

  @Override
  public List<String> suffixes() {
    return List.of(".arrow", ".feather", ".arrows");
  }

  static boolean isStream(Path file) {
    return String.valueOf(file.getFileName()).toLowerCase(Locale.ROOT).endsWith(".arrows");
  }

  @Override
  public DocumentReader openReader(Path file, ReaderOptions options) {
    FileChannel ch;
    try {
      ch = FileChannel.open(file, StandardOpenOption.READ);
    } catch (IOException e) {
      throw new DataException(file + ": cannot open: " + e.getMessage(), e);
    }
    return new Reader(file, options, ch);
  }

  @Override
  public boolean canWrite() {
    return true;
  }

  @Override
  public DocumentWriter openWriter(Path file) {
    return new ArrowIpcWriter(file, isStream(file));
  }

  /** Reads record batches in the reader's own allocator; one batch is held at a time. */
  private static final class Reader extends ColumnarReader {
    private final Path file;
    private final FileChannel channel;
    private final BufferAllocator allocator = new RootAllocator();
    private ArrowReader reader;
    private boolean failed;

    Reader(Path file, ReaderOptions options, FileChannel channel) {
      super(file.toString(), String.valueOf(file.getFileName()), options);
      this.file = file;
      this.channel = channel;
    }

    @Override
    protected VectorSchemaRoot nextBatch() throws IOException {
      if (failed) {
        return null;
      }
      try {
        if (reader == null) {
          // Opened lazily: a truncated file (no footer) then becomes a reject, not a crash.
          reader =
              isStream(file)
                  ? new ArrowStreamReader(channel, allocator)
                  : new ArrowFileReader(channel, allocator);
        }
        return reader.loadNextBatch() ? reader.getVectorSchemaRoot() : null;
      } catch (IOException | RuntimeException e) {
        failed = true;
        if (e instanceof DataException) {
          throw e;
        }
        throw e instanceof IOException ? (IOException) e : new IOException(e.getMessage(), e);
      }
    }

    @Override
    public long bytesRead() {
      try {
        return channel.isOpen() ? channel.position() : 0;
      } catch (IOException e) {
        return 0;
      }
    }

    @Override
    public void close() {
      try {
        if (reader != null) {
          reader.close(); // closes the channel too
        } else {
          channel.close();
        }
      } catch (IOException e) {
        // read-only input: nothing to lose
      }
      allocator.close();
    }
  }
}
