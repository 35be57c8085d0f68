package midtrain.data.internal.io;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import midtrain.data.Document;
import midtrain.data.DocumentBatch;
import midtrain.data.io.DocumentReader;
import midtrain.data.io.Reject;
import midtrain.data.io.RejectSink;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.types.pojo.Schema;

/** Helpers for format tests: read everything, collect rejects, check the accounting. */
final class IoTesting {
  private IoTesting() {}

  /** Collects rejects. */
  static final class Rejects implements RejectSink {
    final List<Reject> all = new ArrayList<>();

    @Override
    public void reject(Reject r) {
      all.add(r);
    }

    List<String> reasons() {
      List<String> out = new ArrayList<>();
      for (Reject r : all) {
        out.add(r.reason());
      }
      return out;
    }
  }

  /**
   * Reads a whole input in batches of {@code max}, checking that records equal documents plus
   * rejects after every call.
   */
  static List<Document> readAll(
      DocumentReader reader, BufferAllocator a, Schema schema, int max, Rejects rejects) {
    List<Document> docs = new ArrayList<>();
    try (VectorSchemaRoot root = VectorSchemaRoot.create(schema, a)) {
      while (true) {
        root.allocateNew();
        int n = reader.read(root, max, rejects);
        assertEquals(n, root.getRowCount());
        for (int i = 0; i < n; i++) {
          docs.add(DocumentBatch.get(root, i));
        }
        assertEquals(reader.records(), docs.size() + rejects.all.size(), "records accounted");
        if (n == 0) {
          break;
        }
        root.clear();
      }
    }
    return docs;
  }

  static List<Document> readAll(DocumentReader reader, BufferAllocator a, Rejects rejects) {
    return readAll(reader, a, DocumentBatch.schema(), 1000, rejects);
  }
}
