package midtrain.data.parquet.internal;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;
import midtrain.data.DataException;
import midtrain.data.io.DocumentWriter;
import midtrain.data.io.Formats;
import org.apache.arrow.dataset.file.DatasetFileWriter;
import org.apache.arrow.dataset.file.FileFormat;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.ipc.ArrowFileReader;

/**
 * Writes Parquet. Arrow Dataset writes by pulling batches from a reader, while a {@link
 * DocumentWriter} is pushed batches one at a time; so batches are spooled to an Arrow IPC file
 * beside the target, and {@link #close()} converts the spool into Parquet in one pass, then renames
 * the result into place. Memory stays bounded by one batch; disk holds the spool until close.
 */
final class ParquetWriter implements DocumentWriter {
  private final Path target;
  private final Path spool;
  private final DocumentWriter spoolWriter;
  private boolean closed;

  ParquetWriter(Path target) {
    this.target = target;
    this.spool = target.resolveSibling(target.getFileName() + ".spool.arrow");
    this.spoolWriter = Formats.get("arrow").openWriter(spool);
  }

  @Override
  public void write(VectorSchemaRoot root) {
    if (closed) {
      throw new DataException(target + ": writer already closed");
    }
    spoolWriter.write(root);
  }

  @Override
  public long documents() {
    return spoolWriter.documents();
  }

  @Override
  public void abort() {
    if (closed) {
      return;
    }
    closed = true;
    spoolWriter.abort();
    delete(spool);
  }

  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    spoolWriter.close();
    try {
      convert(spool, target);
    } finally {
      delete(spool);
    }
  }

  /**
   * Converts an Arrow IPC file into one Parquet file, written under a temporary directory beside
   * the target and moved into place.
   *
   * @param ipc the Arrow IPC file
   * @param target the Parquet file
   */
  static void convert(Path ipc, Path target) {
    Path tmpDir = target.resolveSibling(target.getFileName() + ".tmp.d");
    deleteTree(tmpDir);
    BufferAllocator allocator = new RootAllocator();
    try {
      try (FileChannel ch = FileChannel.open(ipc, StandardOpenOption.READ);
          ArrowFileReader reader = new ArrowFileReader(ch, allocator)) {
        DatasetFileWriter.write(
            allocator,
            reader,
            FileFormat.PARQUET,
            tmpDir.toAbsolutePath().toUri().toString(),
            new String[0],
            1,
            "part-{i}.parquet");
      }
      List<Path> out = new ArrayList<>();
      if (Files.isDirectory(tmpDir)) {
        try (Stream<Path> s = Files.list(tmpDir)) {
          s.forEach(out::add);
        }
      }
      if (out.size() != 1) {
        throw new DataException(
            target + ": Arrow Dataset wrote " + out.size() + " files, expected one: " + out);
      }
      try {
        Files.move(out.get(0), target, StandardCopyOption.ATOMIC_MOVE);
      } catch (AtomicMoveNotSupportedException e) {
        Files.move(out.get(0), target, StandardCopyOption.REPLACE_EXISTING);
      }
    } catch (IOException e) {
      throw new DataException(target + ": cannot write Parquet: " + e.getMessage(), e);
    } finally {
      try {
        awaitReleased(allocator);
        allocator.close(); // throws on a real leak
      } finally {
        deleteTree(tmpDir);
      }
    }
  }

  /**
   * Waits for native threads to release the batches exported to them: Arrow Dataset's writer
   * returns before its C Data release callbacks have all run, so closing the allocator at once
   * would report memory that is about to be freed as a leak.
   */
  private static void awaitReleased(BufferAllocator allocator) {
    long deadline = System.nanoTime() + RELEASE_WAIT_NANOS;
    while (allocator.getAllocatedMemory() > 0 && System.nanoTime() < deadline) {
      try {
        Thread.sleep(5);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
  }

  /** How long {@link #awaitReleased} waits before the allocator's close reports a leak. */
  private static final long RELEASE_WAIT_NANOS = 30_000_000_000L;

  private static void delete(Path p) {
    try {
      Files.deleteIfExists(p);
    } catch (IOException e) {
      throw new DataException("cannot delete " + p + ": " + e.getMessage(), e);
    }
  }

  private static void deleteTree(Path dir) {
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> s = Files.walk(dir)) {
      for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    } catch (IOException e) {
      throw new DataException("cannot delete " + dir + ": " + e.getMessage(), e);
    }
  }
}
