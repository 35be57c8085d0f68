package midtrain.data.dedup;

import midtrain.data.DataException;
import midtrain.data.internal.dedup.ExactDeduplicator;
import midtrain.data.internal.dedup.LongTable;
import midtrain.data.internal.dedup.MinHashDeduplicator;

/**
 * Makes deduplicators and estimates their memory before a run.
 *
 * <ul>
 *   <li>{@linkplain #exact() Exact}: a 128-bit hash of the normalized text (case, ASCII punctuation
 *       and whitespace differences ignored, as the decontamination janitor normalizes); the chance
 *       that two different texts collide is below 2^-64 per pair.
 *   <li>{@linkplain #minHash(int, int, int, long) MinHash LSH}: word shingles, {@code bands x rows}
 *       32-bit MinHash functions; a document is a near duplicate when any band of its signature
 *       equals a band of an earlier document's, so pairs of Jaccard similarity {@code s} are caught
 *       with probability {@code 1 - (1 - s^rows)^bands}. Groups are connected components: a
 *       document linked through a chain of near duplicates is dropped too, as union-find clustering
 *       does.
 * </ul>
 */
public final class Dedup {
  private Dedup() {}

  /**
   * Returns an exact deduplicator on normalized text.
   *
   * @return a new deduplicator
   */
  public static Deduplicator exact() {
    return new ExactDeduplicator();
  }

  /**
   * Returns a MinHash LSH near-duplicate detector.
   *
   * @param shingle words per shingle, 1 to 32 (5 is usual)
   * @param bands number of bands, at least 1
   * @param rows hash functions per band, at least 1
   * @param seed seeds the hash functions
   * @return a new deduplicator
   */
  public static Deduplicator minHash(int shingle, int bands, int rows, long seed) {
    if (shingle < 1 || shingle > 32) {
      throw new DataException("minhash shingle size must be in [1, 32], got " + shingle);
    }
    if (bands < 1 || rows < 1 || (long) bands * rows > 4096) {
      throw new DataException(
          "minhash needs bands >= 1, rows >= 1 and bands * rows <= 4096, got "
              + bands
              + " x "
              + rows);
    }
    return new MinHashDeduplicator(shingle, bands, rows, seed);
  }

  /**
   * Estimates the heap a deduplicator needs for a number of documents, at the tables' worst load
   * just before they grow, including the transient copy made while growing.
   *
   * @param method {@code exact} or {@code minhash}
   * @param bands bands for {@code minhash} (ignored for exact)
   * @param documents documents expected
   * @return bytes
   */
  public static long estimateBytes(String method, int bands, long documents) {
    switch (method) {
      case "exact":
        return LongTable.peakBytes(documents, 2);
      case "minhash":
        return (long) bands * LongTable.peakBytes(documents, 1);
      default:
        throw new DataException("unknown dedup method '" + method + "' (known: exact, minhash)");
    }
  }

  /**
   * Fails with a message a user can act on when the estimate does not fit in the heap.
   *
   * @param what the stage, for the message
   * @param bytes the estimate from {@link #estimateBytes}
   * @param documents the documents it was made for
   * @param available bytes the run may use (for example the free heap)
   * @throws DataException when {@code bytes > available}
   */
  public static void requireFits(String what, long bytes, long documents, long available) {
    if (bytes > available) {
      throw new DataException(
          String.format(
              java.util.Locale.ROOT,
              "%s: about %,d documents need about %,d MiB for the dedup tables, but only %,d MiB"
                  + " of heap are available; raise -Xmx (for the midtrain command: MIDTRAIN_JAVA_OPTS=-Xmx...), split the input into parts"
                  + " deduplicated separately, or lower bands",
              what,
              documents,
              bytes >> 20,
              available >> 20));
    }
  }
}
