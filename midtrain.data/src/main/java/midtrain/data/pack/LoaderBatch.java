package midtrain.data.pack;

import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * One micro-batch of rows: {@code rows * (seqLen + 1)} token ids, row-major, the shape {@code
 * TokenBatch.shifted} takes.
 */
public final class LoaderBatch {
  private final int[] tokens;
  private final int rows;
  private final int seqLen;
  private final long epoch;
  private final Map<String, Long> tokensBySource;
  private final List<int[]> starts;

  LoaderBatch(
      int[] tokens,
      int rows,
      int seqLen,
      long epoch,
      Map<String, Long> tokensBySource,
      List<int[]> starts) {
    this.tokens = tokens;
    this.rows = rows;
    this.seqLen = seqLen;
    this.epoch = epoch;
    this.tokensBySource = Collections.unmodifiableMap(new TreeMap<>(tokensBySource));
    this.starts = List.copyOf(starts);
  }

  /**
   * The token ids, {@code rows * (seqLen + 1)}, row-major.
   *
   * @return a new array of the ids; row {@code r} is at {@code [r * (seqLen + 1), (r + 1) * (seqLen
   *     + 1))}
   */
  public int[] tokens() {
    return tokens.clone();
  }

  /**
   * Number of rows.
   *
   * @return the rows in the micro-batch, at least 1
   */
  public int rows() {
    return rows;
  }

  /**
   * The sequence length; each row has one token more.
   *
   * @return the sequence length in tokens, at least 2
   */
  public int seqLen() {
    return seqLen;
  }

  /**
   * The epoch of the batch's first row.
   *
   * @return the epoch, from 0; later rows of the batch may already be in the next epoch
   */
  public long epoch() {
    return epoch;
  }

  /**
   * Label tokens (row positions 1..seqLen) per source.
   *
   * @return the label tokens of all rows by source label, sorted by label; unmodifiable
   */
  public Map<String, Long> tokensBySource() {
    return tokensBySource;
  }

  /**
   * Positions where documents begin in row {@code r} (always including 0).
   *
   * @param r a row index in {@code [0, rows())}
   * @return a new array of ascending positions in {@code [0, seqLen]}
   * @throws IndexOutOfBoundsException if {@code r} is out of range
   */
  public int[] documentStarts(int r) {
    return starts.get(r).clone();
  }
}
