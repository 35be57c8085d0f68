package midtrain.bench.io;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import midtrain.data.DocumentBatch;
import midtrain.data.io.DocumentReader;
import midtrain.data.io.Formats;
import midtrain.data.io.ReaderOptions;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.VectorSchemaRoot;

/**
 * Single-thread JSONL ingest: reads each file into document batches of 1024 rows through {@link
 * Formats#openReader}, exactly as pipelines do (UTF-8 check, JSON parse, field mapping, meta
 * object, Arrow appends), and prints MB/s of uncompressed JSONL and documents/s per pass. Batches
 * are cleared, not consumed further.
 *
 * <p>Usage: {@code java --add-opens=java.base/java.nio=ALL-UNNAMED -cp benchmarks.jar
 * midtrain.bench.io.JsonlIngest PASSES FILE...}; the first pass warms the JIT. For a compressed
 * file, MB/s counts the uncompressed file beside it when there is one.
 */
public final class JsonlIngest {
  private JsonlIngest() {}

  /**
   * Runs the passes.
   *
   * @param args number of passes, then the files
   * @throws Exception when a file cannot be read
   */
  public static void main(String[] args) throws Exception {
    int passes = Integer.parseInt(args[0]);
    for (int f = 1; f < args.length; f++) {
      Path file = Path.of(args[f]);
      for (int pass = 1; pass <= passes; pass++) {
        long docs = 0;
        long rejects = 0;
        long t0 = System.nanoTime();
        long[] rej = new long[1];
        long compressed;
        try (BufferAllocator a = new RootAllocator();
            VectorSchemaRoot root = DocumentBatch.create(a);
            DocumentReader r = Formats.openReader(file, ReaderOptions.defaults())) {
          int n;
          while ((n = r.read(root, 1024, x -> rej[0]++)) > 0) {
            docs += n;
            root.clear();
          }
          rejects = rej[0];
          compressed = r.bytesRead();
        }
        double s = (System.nanoTime() - t0) / 1e9;
        // MB/s counts uncompressed JSONL: for x.jsonl.zst, the size of x.jsonl beside it.
        String n = file.toString();
        Path plain = Path.of(n.replaceFirst("\\.(zst|zstd|gz)$", ""));
        long bytes = Files.exists(plain) ? Files.size(plain) : compressed;
        System.out.printf(
            Locale.ROOT,
            "%s pass %d: %d docs (%d rejects) in %.2f s: %.1f MB/s of JSONL (%.1f MB/s read from"
                + " disk), %.0f docs/s, 1 thread%n",
            file.getFileName(),
            pass,
            docs,
            rejects,
            s,
            bytes / 1e6 / s,
            compressed / 1e6 / s,
            docs / s);
      }
    }
  }
}
