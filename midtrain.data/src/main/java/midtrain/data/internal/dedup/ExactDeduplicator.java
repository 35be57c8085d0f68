package midtrain.data.internal.dedup;

import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import midtrain.data.DocumentBatch;
import midtrain.data.dedup.Deduplicator;
import midtrain.data.internal.io.RowBytes;
import midtrain.data.internal.simd.NgramHasher;
import midtrain.data.internal.simd.TextNormalizer;
import midtrain.data.internal.simd.Tokens;
import midtrain.data.internal.simd.WordHash;
import org.apache.arrow.vector.VarCharVector;
import org.apache.arrow.vector.VectorSchemaRoot;

/**
 * Exact deduplication on a 128-bit hash of the normalized word sequence (the janitor normalization
 * of the decontamination kernels: ASCII case and punctuation and all whitespace differences
 * ignored). A text with no words at all is keyed by its raw bytes.
 */
public final class ExactDeduplicator implements Deduplicator {
  static final int MAGIC = 0x4D544445; // "MTDE"

  private final TextNormalizer normalizer = TextNormalizer.create(false);
  private final Tokens tokens = new Tokens();
  private final RowBytes row = new RowBytes();
  private final LongTable table = new LongTable(2);

  /** Creates an empty deduplicator. */
  public ExactDeduplicator() {}

  @Override
  public String id() {
    return "exact";
  }

  @Override
  public String describe() {
    return "exact(janitor words, 128-bit)";
  }

  @Override
  public Deduplicator emptyCopy() {
    return new ExactDeduplicator();
  }

  @Override
  public String reason() {
    return "exact-duplicate";
  }

  @Override
  public int apply(VectorSchemaRoot batch, boolean[] alive) {
    VarCharVector text = DocumentBatch.utf8(batch, DocumentBatch.TEXT);
    int marked = 0;
    for (int i = 0, n = batch.getRowCount(); i < n; i++) {
      if (!alive[i]) {
        continue;
      }
      row.load(text, i);
      byte[] b = row.bytes;
      int len = row.length;
      normalizer.tokenize(b, 0, len, tokens);
      long h1;
      long h2;
      if (tokens.wordCount == 0) {
        h1 = len == 0 ? 0x51L : WordHash.of(b, 0, len);
        h2 = NgramHasher.mix(h1 ^ len);
      } else {
        // Two independent polynomial folds of the word hashes give 128 bits.
        h1 = 0x243F6A8885A308D3L;
        h2 = 0x13198A2E03707344L;
        for (int w = 0; w < tokens.wordCount; w++) {
          long x = tokens.wordHash[w];
          h1 = (h1 ^ x) * 0x9E3779B97F4A7C15L;
          h2 = Long.rotateLeft(h2 + x * 0xC2B2AE3D27D4EB4FL, 31) * 0x165667B19E3779F9L;
        }
        h1 = NgramHasher.mix(h1 ^ tokens.wordCount);
        h2 = NgramHasher.mix(h2);
      }
      if (!table.add(h1, h2)) {
        alive[i] = false;
        marked++;
      }
    }
    return marked;
  }

  @Override
  public long estimateBytes(long documents) {
    return LongTable.peakBytes(documents, 2);
  }

  @Override
  public long keys() {
    return table.size();
  }

  @Override
  public long memoryBytes() {
    return table.bytes();
  }

  @Override
  public void writeNewKeys(DataOutput out) throws IOException {
    long[] f = table.fresh();
    out.writeInt(MAGIC);
    out.writeInt(f.length / 2);
    for (long v : f) {
      out.writeLong(v);
    }
    table.clearFresh();
  }

  @Override
  public void readKeys(DataInput in) throws IOException {
    if (in.readInt() != MAGIC) {
      throw new IOException("not an exact-dedup key file");
    }
    int n = in.readInt();
    for (int i = 0; i < n; i++) {
      table.add(in.readLong(), in.readLong());
    }
    table.clearFresh();
  }
}
