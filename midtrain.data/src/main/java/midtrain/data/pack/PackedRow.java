package midtrain.data.pack;

import java.util.Arrays;
import java.util.Collections;
import java.util.Map;
import java.util.TreeMap;

/** One packed row of {@code seqLen + 1} tokens with its document boundaries and sources. */
public final class PackedRow {
  private final int[] tokens;
  private final int[] starts;
  private final Map<String, Long> tokensBySource;

  PackedRow(int[] tokens, int[] starts, Map<String, Long> tokensBySource) {
    this.tokens = tokens;
    this.starts = starts;
    this.tokensBySource = Collections.unmodifiableMap(new TreeMap<>(tokensBySource));
  }

  /**
   * The row's tokens, {@code seqLen + 1} of them.
   *
   * @return a new array of the row's token ids; position 0 is input only, the last is a label only
   */
  public int[] tokens() {
    return tokens.clone();
  }

  /**
   * Positions in the row where a document begins (always including 0).
   *
   * @return a new array of ascending positions in {@code [0, seqLen]}; padding counts as a document
   *     of its own
   */
  public int[] documentStarts() {
    return starts.clone();
  }

  /**
   * Tokens per source label, counting the row's {@code seqLen} label positions (1..seqLen).
   *
   * @return the counts by source label, sorted by label, unmodifiable; padding counts toward no
   *     source
   */
  public Map<String, Long> tokensBySource() {
    return tokensBySource;
  }

  /**
   * Position ids restarting at 0 at every document start, for position-id resets.
   *
   * @return a new array of {@code seqLen + 1} ids: each position's distance from the start of its
   *     document in the row
   */
  public int[] positionIds() {
    int[] p = new int[tokens.length];
    int s = 0;
    for (int i = 0; i < p.length; i++) {
      if (s + 1 < starts.length && starts[s + 1] == i) {
        s++;
      }
      p[i] = i - starts[s];
    }
    return p;
  }

  /**
   * Document index within the row at each position, for block-diagonal attention masks.
   *
   * @return a new array of {@code seqLen + 1} indices, 0 for the row's first document and one more
   *     at each document start
   */
  public int[] segmentIds() {
    int[] seg = new int[tokens.length];
    int s = 0;
    for (int i = 0; i < seg.length; i++) {
      if (s + 1 < starts.length && starts[s + 1] == i) {
        s++;
      }
      seg[i] = s;
    }
    return seg;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof PackedRow r
        && Arrays.equals(tokens, r.tokens)
        && Arrays.equals(starts, r.starts)
        && tokensBySource.equals(r.tokensBySource);
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(tokens) * 31 + Arrays.hashCode(starts);
  }

  @Override
  public String toString() {
    return "PackedRow" + Arrays.toString(tokens) + " starts " + Arrays.toString(starts);
  }
}
