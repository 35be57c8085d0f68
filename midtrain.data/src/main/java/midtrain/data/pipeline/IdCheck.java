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
import midtrain.data.internal.simd.NgramHasher;
import midtrain.data.internal.token.Files2;
import org.apache.arrow.vector.VarCharVector;
import org.apache.arrow.vector.VectorSchemaRoot;

/**
 * Counts documents whose id an earlier document of the run had, from a 64-bit hash of each id.
 *
 * <p>Sampling and FIM draws are keyed on the id, so two documents with one id draw alike; this says
 * so, with an example, rather than refusing: real dumps repeat ids (a URL crawled twice) that
 * deduplication then removes, and a hash collision (about {@code n²/2⁶⁵}: 0.2% at 300 million ids)
 * must not stop a run. Memory: one long per slot of open-addressing tables kept at most 70% full
 * ({@link LongTable}), 11 to 23 bytes an id: 100 million ids take 2 GiB, a billion 16 GiB. The
 * hashes are spread by their top bits over {@link #PARTS} tables, because one table stops growing
 * at 2^29 slots (about 375 million ids) and a run over more documents would fail hours in; only one
 * of them grows at a time, so growing costs half of one part more, not half of everything. The
 * shard being read also lists its new hashes (8 bytes an id of that shard), which a folder run
 * saves ({@code _state/part-k.ids.bin}) so that a resumed run counts as an uninterrupted one.
 */
final class IdCheck {
  /** The number of tables the hashes are spread over, by their top {@code log2(PARTS)} bits. */
  static final int PARTS = 64;

  private static final int PART_SHIFT = 64 - Integer.numberOfTrailingZeros(PARTS);

  private final LongTable[] seen = new LongTable[PARTS];

  IdCheck() {
    for (int p = 0; p < PARTS; p++) {
      seen[p] = new LongTable(1);
    }
  }

  /** Adds a hash to its part's table; true when it was not there. */
  private boolean addHash(long h) {
    try {
      return seen[(int) (h >>> PART_SHIFT)].add(h);
    } catch (DataException e) {
      throw new DataException(
          "repeated-id check: "
              + e.getMessage()
              + "; or turn the check off (check_ids: false in the config,"
              + " Pipeline.Builder.checkIds(false))",
          e);
    }
  }

  private void clearFresh() {
    for (LongTable t : seen) {
      t.clearFresh();
    }
  }

  private long shardChecked;
  private long shardDuplicates;
  private String shardExample = "";

  /** Starts counting a shard's ids (the table keeps those of earlier shards). */
  void startShard() {
    clearFresh();
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
      if (!addHash(hash(id))) {
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
    try (OutputStream os = Files.newOutputStream(Files2.temporary(file));
        DataOutputStream out = new DataOutputStream(new java.io.BufferedOutputStream(os))) {
      for (LongTable t : seen) {
        for (long h : t.fresh()) {
          out.writeLong(h);
        }
      }
    }
    Files2.moveIntoPlace(file);
    clearFresh();
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
        addHash(h);
      }
    } catch (IOException e) {
      throw new DataException(file + ": cannot reload the shard's id hashes (" + e + ")", e);
    }
    clearFresh();
  }

  /**
   * The heap the tables reach for {@code n} ids: every part's table at the size its share of the
   * ids (with a margin of four standard deviations for the spread) needs, plus the array one of
   * them is copied from while it grows.
   */
  static long peakBytes(long n) {
    long share = partShare(n);
    long onePeak = LongTable.peakBytes(share, 1); // 1.5 times the part's slot array
    return PARTS * (onePeak / 3 * 2) + onePeak / 3;
  }

  /** The most ids one part is planned to get of {@code n}. */
  static long partShare(long n) {
    double mean = (double) n / PARTS;
    return (long) Math.ceil(mean + 4 * Math.sqrt(mean)) + 1;
  }

  /**
   * The most ids the check can hold, as far as its tables can grow (the heap may end it sooner).
   *
   * @return {@link #PARTS} times what one {@link LongTable} holds
   */
  static long capacity() {
    return PARTS * LongTable.maxKeys();
  }

  /** FNV-1a over the UTF-8 bytes, then murmur3's finalizer so that similar ids spread. */
  static long hash(byte[] b) {
    long h = 0xcbf29ce484222325L;
    for (byte x : b) {
      h ^= x & 0xff;
      h *= 0x100000001b3L;
    }
    return NgramHasher.mix(h);
  }
}
