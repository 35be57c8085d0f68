package midtrain.data.pipeline;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import midtrain.data.DataException;
import midtrain.data.DocumentBatch;
import midtrain.data.internal.dedup.LongTable;
import midtrain.data.internal.token.Files2;
import org.apache.arrow.vector.VarCharVector;
import org.apache.arrow.vector.VectorSchemaRoot;

/**
 * Counts documents whose id an earlier document of the run had, from a 64-bit hash of each id.
 *
 * <p>Sampling and FIM draws are keyed on the id, so two documents with one id draw alike; this says
 * so, with an example, rather than refusing: real dumps repeat ids (a URL crawled twice) that
 * deduplication then removes, and a hash collision (about {@code n²/2⁶⁵}: 0.2% at 300 million ids)
 * must not stop a run. Memory: one long per slot of an open-addressing table kept at most 70% full
 * ({@link LongTable}), 11 to 23 bytes an id, 1.5 times that while it grows: 100 million ids take 2
 * GiB (3 GiB at the peak), 300 million 4 GiB (6 GiB). The shard being read also lists its new
 * hashes (8 bytes an id of that shard), which a folder run saves ({@code _state/part-k.ids.bin}) so
 * that a resumed run counts as an uninterrupted one.
 */
final class IdCheck {
  private final LongTable seen = new LongTable(1);
  private long shardChecked;
  private long shardDuplicates;
  private String shardExample = "";

  /** Starts counting a shard's ids (the table keeps those of earlier shards). */
  void startShard() {
    seen.clearFresh();
    shardChecked = 0;
    shardDuplicates = 0;
    shardExample = "";
  }

  /** Checks the ids of a batch, in row order; call in input order for a stable example. */
  void add(VectorSchemaRoot root) {
    VarCharVector ids = DocumentBatch.utf8(root, DocumentBatch.ID);
    for (int r = 0; r < root.getRowCount(); r++) {
      if (ids.isNull(r)) {
        continue;
      }
      byte[] id = ids.get(r);
      shardChecked++;
      if (!seen.add(hash(id))) {
        shardDuplicates++;
        if (shardExample.isEmpty()) {
          shardExample = new String(id, StandardCharsets.UTF_8);
        }
      }
    }
  }

  long shardChecked() {
    return shardChecked;
  }

  long shardDuplicates() {
    return shardDuplicates;
  }

  String shardExample() {
    return shardExample;
  }

  /** Writes the hashes this shard added, for a resumed run to {@link #reload}. */
  void save(Path file) throws IOException {
    long[] fresh = seen.fresh();
    try (OutputStream os = Files.newOutputStream(Files2.temporary(file));
        DataOutputStream out = new DataOutputStream(new java.io.BufferedOutputStream(os))) {
      for (long h : fresh) {
        out.writeLong(h);
      }
    }
    Files2.moveIntoPlace(file);
    seen.clearFresh();
  }

  /**
   * Adds a done shard's saved hashes; a shard done before ids were checked has none, and the check
   * then misses its ids.
   */
  void reload(Path file) throws IOException {
    if (!Files.exists(file)) {
      return;
    }
    try (InputStream is = Files.newInputStream(file);
        DataInputStream in = new DataInputStream(new java.io.BufferedInputStream(is))) {
      while (true) {
        long h;
        try {
          h = in.readLong();
        } catch (EOFException e) {
          break;
        }
        seen.add(h);
      }
    } catch (IOException e) {
      throw new DataException(file + ": cannot reload the shard's id hashes (" + e + ")", e);
    }
    seen.clearFresh();
  }

  /** The heap the table reaches for {@code n} ids. */
  static long peakBytes(long n) {
    return LongTable.peakBytes(n, 1);
  }

  /** FNV-1a over the UTF-8 bytes, then a 64-bit finalizer so that similar ids spread. */
  static long hash(byte[] b) {
    long h = 0xcbf29ce484222325L;
    for (byte x : b) {
      h ^= x & 0xff;
      h *= 0x100000001b3L;
    }
    h ^= h >>> 33;
    h *= 0xff51afd7ed558ccdL;
    h ^= h >>> 33;
    h *= 0xc4ceb9fe1a85ec53L;
    return h ^ (h >>> 33);
  }
}
