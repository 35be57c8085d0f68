package midtrain.data.parquet.internal;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import midtrain.data.io.ReaderOptions;
import midtrain.data.spi.ColumnarReader;
import org.apache.arrow.dataset.file.FileFormat;
import org.apache.arrow.dataset.file.FileSystemDatasetFactory;
import org.apache.arrow.dataset.jni.NativeMemoryPool;
import org.apache.arrow.dataset.scanner.ScanOptions;
import org.apache.arrow.dataset.scanner.Scanner;
import org.apache.arrow.dataset.source.Dataset;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.ipc.ArrowReader;

/**
 * Scans one Parquet file in batches of {@value #BATCH_ROWS} rows, in an allocator of its own that
 * {@link #close()} releases (a leak fails there).
 */
final class ParquetReader extends ColumnarReader {
  /** Rows per scanned batch: documents can be large, so batches stay modest. */
  static final int BATCH_ROWS = 1024;

  private final Path file;
  private final BufferAllocator allocator = new RootAllocator();
  private FileSystemDatasetFactory factory;
  private Dataset dataset;
  private Scanner scanner;
  private ArrowReader reader;
  private boolean failed;
  private long rows;
  private final long size;

  ParquetReader(Path file, ReaderOptions options) {
    super(file.toString(), String.valueOf(file.getFileName()), options);
    this.file = file;
    long s;
    try {
      s = Files.size(file);
    } catch (IOException e) {
      s = 0;
    }
    this.size = s;
  }

  @Override
  protected VectorSchemaRoot nextBatch() throws IOException {
    if (failed) {
      return null;
    }
    try {
      if (reader == null) {
        // Opened lazily: a file that is not Parquet (or cut short) becomes a reject.
        factory =
            new FileSystemDatasetFactory(
                allocator,
                NativeMemoryPool.getDefault(),
                FileFormat.PARQUET,
                file.toAbsolutePath().toUri().toString());
        dataset = factory.finish();
        scanner = dataset.newScan(new ScanOptions(BATCH_ROWS));
        reader = scanner.scanBatches();
      }
      if (!reader.loadNextBatch()) {
        return null;
      }
      VectorSchemaRoot root = reader.getVectorSchemaRoot();
      rows += root.getRowCount();
      return root;
    } catch (IOException | RuntimeException e) {
      failed = true;
      throw e;
    }
  }

  /** Parquet is read by row groups in native code: progress is the whole file once done. */
  @Override
  public long bytesRead() {
    return rows > 0 || failed ? size : 0;
  }

  @Override
  public void close() {
    closeQuietly(reader);
    closeQuietly(scanner);
    closeQuietly(dataset);
    closeQuietly(factory);
    allocator.close();
  }

  private static void closeQuietly(AutoCloseable c) {
    if (c == null) {
      return;
    }
    try {
      c.close();
    } catch (Exception e) {
      // read-only input: nothing to lose
    }
  }
}
