package midtrain.rope;

import java.util.Objects;

/**
 * Cos/sin tables that follow the sequence length as transformers' {@code dynamic_rope_update} does:
 * a length-dependent encoding ({@code dynamic}, {@code longrope}) recomputes its frequencies when a
 * sequence grows past the longest seen so far, and returns to the original ones when a sequence
 * fits the original length again; the tables grow as needed. Thread-safe.
 *
 * <pre>{@code
 * RotaryCache cache = new RotaryCache(encoding, RopeLayout.ROTATE_HALF);
 * RopeTable table = cache.tableFor(seqLen); // rows 0 .. seqLen-1 at least
 * }</pre>
 */
public final class RotaryCache {
  private final PositionEncoding encoding;
  private final RopeLayout layout;
  private final int originalLength;
  private RopeFrequencies frequencies;
  private int cachedLength;
  private RopeTable table;

  /**
   * Creates a cache holding the encoding's initial frequencies and no rows yet.
   *
   * @param encoding the encoding
   * @param layout the lane layout of the tables
   */
  public RotaryCache(PositionEncoding encoding, RopeLayout layout) {
    this.encoding = Objects.requireNonNull(encoding, "encoding");
    this.layout = Objects.requireNonNull(layout, "layout");
    this.originalLength = encoding.originalLength();
    this.frequencies = encoding.frequencies();
    this.cachedLength = originalLength;
    this.table = frequencies.table(layout, 0, 0);
  }

  /**
   * Returns tables for a sequence of a given length, recomputing frequencies the way transformers
   * does when the encoding depends on the length.
   *
   * @param seqLen the sequence length (largest position plus one), non-negative
   * @return tables whose rows start at position 0 and cover at least {@code seqLen} positions
   * @throws RopeException if {@code seqLen} is negative
   */
  public synchronized RopeTable tableFor(int seqLen) {
    if (seqLen < 0) {
      throw new RopeException("seq_len must be >= 0, got " + seqLen);
    }
    if (encoding.dependsOnSequenceLength()) {
      if (seqLen > cachedLength) {
        // Grown past the longest length seen: frequencies for the new length.
        cachedLength = seqLen;
        replace(encoding.frequencies(seqLen), seqLen);
      } else if (seqLen < originalLength && cachedLength > originalLength) {
        // Back within the original context: the original frequencies are exact again.
        cachedLength = originalLength;
        replace(encoding.frequencies(), seqLen);
      }
    }
    if (table.positions() < seqLen) {
      // Grow geometrically so that a slowly growing sequence does not rebuild at every step.
      long grown = Math.max(seqLen, Math.min(2L * table.positions(), Integer.MAX_VALUE / 2));
      table = frequencies.table(layout, 0, (int) grown);
    }
    return table;
  }

  /**
   * Returns the frequencies the current tables were computed with.
   *
   * @return the frequencies
   */
  public synchronized RopeFrequencies frequencies() {
    return frequencies;
  }

  private void replace(RopeFrequencies next, int seqLen) {
    if (!next.equals(frequencies)) {
      frequencies = next;
      table = next.table(layout, 0, Math.max(seqLen, table.positions()));
    }
  }
}
