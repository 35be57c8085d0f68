package midtrain.data.internal.io;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import midtrain.data.DataException;
import midtrain.data.DocumentBatch;
import midtrain.data.internal.token.Files2;
import midtrain.data.io.DocumentWriter;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.ipc.ArrowFileWriter;
import org.apache.arrow.vector.ipc.ArrowStreamWriter;
import org.apache.arrow.vector.ipc.ArrowWriter;
import org.apache.arrow.vector.types.pojo.Schema;

/**
 * Writes every column of each batch to an Arrow IPC file or stream. The schema is fixed by the
 * first batch; the caller's batches are loaded into a root the writer owns (buffers are shared, not
 * copied), so callers may pass a different root each time.
 */
final class ArrowIpcWriter implements DocumentWriter {
  private final Path target;
  private final Path tmp;
  private final boolean stream;
  private final BufferAllocator allocator = new RootAllocator();
  private FileChannel channel;
  private VectorSchemaRoot own;
  private ArrowWriter writer;
  private long documents;
  private boolean closed;

  ArrowIpcWriter(Path target, boolean stream) {
    this.target = target;
    this.tmp = Files2.temporary(target);
    this.stream = stream;
    try {
      channel =
          FileChannel.open(
              tmp,
              StandardOpenOption.CREATE,
              StandardOpenOption.TRUNCATE_EXISTING,
              StandardOpenOption.WRITE);
    } catch (IOException e) {
      allocator.close();
      throw new DataException(target + ": cannot create: " + Files2.why(target, e), e);
    }
  }

  @Override
  public void write(VectorSchemaRoot root) {
    if (closed) {
      throw new DataException(target + ": writer already closed");
    }
    DocumentBatch.utf8(root, DocumentBatch.ID);
    DocumentBatch.utf8(root, DocumentBatch.TEXT);
    Schema schema = root.getSchema();
    try {
      if (writer == null) {
        own = VectorSchemaRoot.create(schema, allocator);
        writer =
            stream
                ? new ArrowStreamWriter(own, null, channel)
                : new ArrowFileWriter(own, null, channel);
        writer.start();
      } else if (!own.getSchema().equals(schema)) {
        throw new DataException(
            target
                + ": batch schema changed; an IPC file holds one schema. First: "
                + own.getSchema()
                + ", now: "
                + schema);
      }
      if (root.getRowCount() == 0) {
        return;
      }
      // Copied, not loaded: Arrow cannot share buffers between allocators of different roots,
      // and the writer's root must outlive the caller's batches.
      int n = root.getRowCount();
      try {
        for (int c = 0; c < schema.getFields().size(); c++) {
          FieldVector from = root.getVector(c);
          FieldVector to = own.getVector(c);
          for (int i = 0; i < n; i++) {
            to.copyFromSafe(i, i, from);
          }
        }
        own.setRowCount(n);
        writer.writeBatch();
      } finally {
        own.clear();
      }
      documents += root.getRowCount();
    } catch (IOException e) {
      throw new DataException(target + ": cannot write: " + e.getMessage(), e);
    }
  }

  @Override
  public long documents() {
    return documents;
  }

  @Override
  public void abort() {
    if (closed) {
      return;
    }
    closed = true;
    release();
    Files2.deleteIfExists(tmp);
  }

  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    try {
      if (writer == null) {
        // No batch came: still write a valid, empty file with the base schema.
        own = VectorSchemaRoot.create(DocumentBatch.schema(), allocator);
        writer =
            stream
                ? new ArrowStreamWriter(own, null, channel)
                : new ArrowFileWriter(own, null, channel);
        writer.start();
      }
      writer.end();
    } catch (IOException e) {
      release();
      Files2.deleteIfExists(tmp);
      throw new DataException(target + ": cannot finish: " + e.getMessage(), e);
    }
    release();
    Files2.moveIntoPlace(target);
  }

  private void release() {
    if (writer != null) {
      writer.close(); // closes the channel
    }
    try {
      channel.close();
    } catch (IOException e) {
      // already closed by the writer, or the file is being discarded
    }
    if (own != null) {
      own.close();
    }
    allocator.close();
  }
}
