package midtrain.data.internal.dedup;

import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import midtrain.data.DocumentBatch;
import midtrain.data.dedup.Deduplicator;
import midtrain.data.internal.io.RowBytes;
import midtrain.data.internal.simd.MinHashKernel;
import midtrain.data.internal.simd.NgramHasher;
import midtrain.data.internal.simd.TextNormalizer;
import midtrain.data.internal.simd.Tokens;
import org.apache.arrow.vector.VarCharVector;
import org.apache.arrow.vector.VectorSchemaRoot;

/**
 * MinHash LSH near-duplicate detection on janitor-normalized word shingles. One key table per band;
 * a document whose band key is already present in that band's table is a near duplicate. All band
 * keys of every document are inserted, duplicates included, so groups are the connected components
 * of the "shares a band" relation, as union-find clustering gives.
 */
public final class MinHashDeduplicator implements Deduplicator {
  static final int MAGIC = 0x4D54444D; // "MTDM"

  private final int shingle;
  private final int bands;
  private final int rows;
  private final TextNormalizer normalizer = TextNormalizer.create(false);
  private final Tokens tokens = new Tokens();
  private final RowBytes row = new RowBytes();
  private final NgramHasher hasher;
  private final MinHashKernel kernel;
  private final LongTable[] tables;
  private final long[] keys;
  private long[] shingles = new long[256];
  private final int[] sig;
  private final long seed;

  /**
   * Creates an empty detector.
   *
   * @param shingle words per shingle
   * @param bands bands
   * @param rows functions per band
   * @param seed seeds the functions
   */
  public MinHashDeduplicator(int shingle, int bands, int rows, long seed) {
    this.shingle = shingle;
    this.bands = bands;
    this.rows = rows;
    this.seed = seed;
    this.hasher = NgramHasher.create(shingle);
    this.kernel = MinHashKernel.create(bands * rows, seed);
    this.sig = new int[bands * rows];
    this.keys = new long[bands];
    this.tables = new LongTable[bands];
    for (int b = 0; b < bands; b++) {
      tables[b] = new LongTable(1);
    }
  }

  @Override
  public String id() {
    return "minhash";
  }

  @Override
  public String describe() {
    return "minhash(shingle="
        + shingle
        + ", bands="
        + bands
        + ", rows="
        + rows
        + ", seed="
        + seed
        + ")";
  }

  @Override
  public Deduplicator emptyCopy() {
    return new MinHashDeduplicator(shingle, bands, rows, seed);
  }

  @Override
  public String reason() {
    return "near-duplicate";
  }

  /**
   * Computes the band keys of one text.
   *
   * @param utf8 the text's bytes
   * @param len how many
   * @param out receives one key per band
   * @return false when the text has no words (it is then never a near duplicate)
   */
  boolean bandKeys(byte[] utf8, int len, long[] out) {
    normalizer.tokenize(utf8, 0, len, tokens);
    int words = tokens.wordCount;
    if (words == 0) {
      return false;
    }
    int count;
    if (words < shingle) {
      long h = words;
      for (int w = 0; w < words; w++) {
        h = h * 0x9E3779B97F4A7C15L + tokens.wordHash[w];
      }
      shingles[0] = NgramHasher.mix(h);
      count = 1;
    } else {
      if (shingles.length < words) {
        shingles = new long[Math.max(words, shingles.length * 2)];
      }
      count = hasher.hash(tokens.wordHash, words, shingles);
    }
    kernel.signature(shingles, count, sig);
    for (int b = 0; b < bands; b++) {
      long h = 0x6A09E667F3BCC908L + b;
      for (int r = 0; r < rows; r++) {
        h = NgramHasher.mix(h ^ (sig[b * rows + r] & 0xFFFFFFFFL)) + r;
      }
      out[b] = h;
    }
    return true;
  }

  @Override
  public int apply(VectorSchemaRoot batch, boolean[] alive) {
    VarCharVector text = DocumentBatch.utf8(batch, DocumentBatch.TEXT);
    int marked = 0;
    for (int i = 0, n = batch.getRowCount(); i < n; i++) {
      if (!alive[i] || text.isNull(i) || !bandKeys(row.load(text, i).bytes, row.length, keys)) {
        continue;
      }
      boolean dup = false;
      for (int b = 0; b < bands; b++) {
        if (!tables[b].add(keys[b])) {
          dup = true;
        }
      }
      if (dup) {
        alive[i] = false;
        marked++;
      }
    }
    return marked;
  }

  @Override
  public long estimateBytes(long documents) {
    return bands * LongTable.peakBytes(documents, 1);
  }

  @Override
  public long keys() {
    long n = 0;
    for (LongTable t : tables) {
      n += t.size();
    }
    return n;
  }

  @Override
  public long memoryBytes() {
    long n = 0;
    for (LongTable t : tables) {
      n += t.bytes();
    }
    return n;
  }

  @Override
  public void writeNewKeys(DataOutput out) throws IOException {
    out.writeInt(MAGIC);
    out.writeInt(bands);
    for (LongTable t : tables) {
      long[] f = t.fresh();
      out.writeInt(f.length);
      for (long v : f) {
        out.writeLong(v);
      }
      t.clearFresh();
    }
  }

  @Override
  public void readKeys(DataInput in) throws IOException {
    if (in.readInt() != MAGIC) {
      throw new IOException("not a minhash key file");
    }
    int b = in.readInt();
    if (b != bands) {
      throw new IOException("minhash key file has " + b + " bands, this run " + bands);
    }
    for (LongTable t : tables) {
      int n = in.readInt();
      for (int i = 0; i < n; i++) {
        t.add(in.readLong());
      }
      t.clearFresh();
    }
  }
}
